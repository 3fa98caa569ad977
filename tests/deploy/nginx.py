"""nginx for tests: deploy/nginx-site.conf as shipped, pointed at the test's app servers, on a spare loopback port."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx-site.conf"
SHIPPED_UPSTREAMS = ("server 127.0.0.1:8501;", "server 127.0.0.1:8502;")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def site_for(app_ports: list[int], listen_port: int) -> str:
    """The shipped site config with its two upstreams and its listen line replaced, nothing else changed."""
    text = SITE.read_text()
    for line in (*SHIPPED_UPSTREAMS, "listen 80;"):
        assert line in text, f"deploy/nginx-site.conf no longer has {line!r}: update tests/deploy/nginx.py"
    upstreams = "\n    ".join(f"server 127.0.0.1:{port};" for port in app_ports)
    text = text.replace(SHIPPED_UPSTREAMS[0], upstreams).replace(SHIPPED_UPSTREAMS[1] + "\n", "")
    return text.replace("listen 80;", f"listen 127.0.0.1:{listen_port};")


def main_config(folder: Path, site: Path) -> str:
    """A minimal nginx.conf of the test's own: every file it writes is under ``folder``."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the test's private folder
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} notice;\n"
        f"events {{ worker_connections 512; }}\nhttp {{\n    log_format upstream '$request_uri $status $upstream_addr';\n"
        f"    access_log {folder / 'access.log'} upstream;\n{temp}\n    include {site};\n}}\n"
    )


@dataclass
class Nginx:
    url: str
    process: subprocess.Popen
    folder: Path

    def access_log(self) -> str:
        path = self.folder / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def write_config(folder: Path, app_ports: list[int], listen_port: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    site = folder / "site.conf"
    site.write_text(site_for(app_ports, listen_port))
    conf = folder / "nginx.conf"
    conf.write_text(main_config(folder, site))
    return conf


def check_config(folder: Path, app_ports: list[int]) -> subprocess.CompletedProcess:
    conf = write_config(folder, app_ports, free_port())
    return subprocess.run(
        [nginx_binary(), "-t", "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)], capture_output=True, text=True
    )


def start_nginx(folder: Path, app_ports: list[int]) -> Nginx:
    port = free_port()
    conf = write_config(folder, app_ports, port)
    process = subprocess.Popen(
        [nginx_binary(), "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "stderr.log").open("wb"),
        start_new_session=True,
    )
    server = Nginx(f"http://127.0.0.1:{port}", process, folder)
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"nginx exited ({process.returncode}): {(folder / 'stderr.log').read_text()} {(folder / 'error.log').read_text()}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError("nginx did not pass the app's health check within 20 s")
        time.sleep(0.1)
