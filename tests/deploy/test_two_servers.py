"""Two app servers on one PostgreSQL database behind nginx (deploy/): shared options, sticky sessions, a restart.

The servers are real `streamlit run app.py` processes; nginx runs deploy/nginx-site.conf with only
its upstream ports and listen address changed. The same in a real browser: tests/browser/test_two_servers.py.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.request

from finance.store.scenarios import ScenarioStore
from tests.deploy.nginx import check_config
from tests.servers import ROOT


def test_the_shipped_nginx_config_is_valid(nginx_present, tmp_path):
    checked = check_config(tmp_path, [8501, 8502])
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_an_option_saved_by_one_server_process_is_listed_by_the_other(database_url):
    # Two processes as the two servers are: each opens the store from FINANCE_DATABASE_URL alone.
    save = "from finance.store.scenarios import ScenarioStore; from finance.model.scenario import Scenario; "
    save += "ScenarioStore().save('Saved by process one', Scenario(management_fee_pct=7))"
    listed = (
        "from finance.store.scenarios import ScenarioStore; print(ScenarioStore().load('Saved by process one').scenario.management_fee_pct)"
    )
    env = {"FINANCE_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", save], env=env, check=True, cwd=ROOT)
    out = subprocess.run([sys.executable, "-c", listed], env=env, check=True, capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "7.0"
    ScenarioStore(database_url=database_url).delete("Saved by process one")


def test_nginx_keeps_a_client_on_one_server_and_moves_it_when_that_server_stops(proxy, two_servers):
    for _ in range(12):
        with urllib.request.urlopen(f"{proxy.url}/_stcore/health", timeout=5) as response:
            assert response.status == 200
    upstreams = {line.split()[-1] for line in proxy.access_log().splitlines() if line.startswith("/_stcore/health 200")}
    assert len(upstreams) == 1, upstreams  # sticky: one client address, one server
    [chosen] = upstreams
    by_address = {f"127.0.0.1:{s.port}": s for s in two_servers}
    assert chosen in by_address
    by_address[chosen].stop()  # that server goes away: nginx sends the client to the other
    for _ in range(4):
        with urllib.request.urlopen(f"{proxy.url}/_stcore/health", timeout=10) as response:
            assert response.status == 200
    served = [line.split()[-1] for line in proxy.access_log().splitlines() if line.startswith("/_stcore/health 200")]
    assert served[-1] in set(by_address) - {chosen}
