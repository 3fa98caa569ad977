"""Fixtures for the deployment tests: two app servers on one PostgreSQL database, and nginx in front."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.deploy.nginx import Nginx, nginx_binary, start_nginx
from tests.servers import AppServer, start_app


@pytest.fixture(scope="module")
def nginx_present() -> None:
    if nginx_binary() is None:
        message = "nginx is not installed (Debian: apt-get install nginx; .ci/run does this)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def database_url(postgres) -> str:
    return postgres.new_database()


@pytest.fixture(scope="module")
def two_servers(database_url, tmp_path_factory) -> Iterator[list[AppServer]]:
    """Two `streamlit run app.py` processes on one database, as deploy/finance-app@.service runs them."""
    folder = tmp_path_factory.mktemp("two_servers")
    env = {"FINANCE_DATABASE_URL": database_url, "STREAMLIT_SERVER_COOKIE_SECRET": "the-same-secret-on-every-server"}
    servers: list[AppServer] = []
    try:
        for _ in range(2):
            servers.append(start_app(folder, env))
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def proxy(nginx_present, two_servers, tmp_path_factory) -> Iterator[Nginx]:
    server = start_nginx(tmp_path_factory.mktemp("nginx"), [s.port for s in two_servers])
    try:
        yield server
    finally:
        server.stop()
