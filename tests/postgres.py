"""A private PostgreSQL cluster for the tests: Debian's PostgreSQL, on a spare loopback port, under a temp folder.

``PostgresCluster.start()`` runs initdb and pg_ctl (as the ``postgres`` user when the tests run as
root: PostgreSQL refuses to run as root), with password sign-in over TCP on 127.0.0.1 only, the
settings of deploy/postgresql.conf, and every statement logged so that a test can read the server
log for figures that must never be there. ``new_database()`` gives each test a database of its own.

The ``postgres`` fixture starts one cluster per test session, the first time a test asks for it.
Where PostgreSQL is not installed its tests skip, saying so, except in CI (CI=true), where they
fail: .ci/run installs it, so a missing server there is a broken set-up, not a pass.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY_SETTINGS = ROOT / "deploy" / "postgresql.conf"
USER = "finance"


def postgres_bin() -> Path | None:
    """The newest Debian PostgreSQL's bin folder (15 on this project's machines), or None when none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    """One running cluster; ``stop()`` ends it and removes its folder."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="finance-pg-"))
        self.data = self.folder / "data"
        self.log_path = self.folder / "server.log"
        self.port = free_port()
        self.password = secrets.token_hex(12)
        self.owner = "postgres" if os.geteuid() == 0 else None
        self._count = 0

    def _as_owner(self, *command: str | Path) -> list[str]:
        argv = [str(part) for part in command]
        return ["runuser", "-u", self.owner, "--", *argv] if self.owner else argv

    def start(self) -> PostgresCluster:
        if self.owner:
            entry = pwd.getpwnam(self.owner)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        password_file = self.folder / "password"
        password_file.write_text(self.password + "\n")
        if self.owner:
            os.chown(password_file, pwd.getpwnam(self.owner).pw_uid, -1)
        subprocess.run(
            self._as_owner(
                self.bin_dir / "initdb",
                "-D",
                self.data,
                "-U",
                USER,
                "--pwfile",
                password_file,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ),
            check=True,
            capture_output=True,
        )
        password_file.unlink()
        settings = [
            "listen_addresses = '127.0.0.1'",
            f"port = {self.port}",
            f"unix_socket_directories = '{self.folder}'",
            "fsync = off",  # a throwaway cluster: speed over durability
            "synchronous_commit = off",
            "full_page_writes = off",
            "log_statement = 'all'",  # the strictest case for the no-figures-in-logs test
            "log_min_duration_statement = 0",
            "log_connections = on",
        ]
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# tests/postgres.py\n" + "\n".join(settings) + "\n")
            if DEPLOY_SETTINGS.exists():  # the deployment's own settings, last, so they hold as in production
                conf.write(f"\n# {DEPLOY_SETTINGS}\n" + DEPLOY_SETTINGS.read_text())
        subprocess.run(
            self._as_owner(self.bin_dir / "pg_ctl", "-D", self.data, "-l", self.log_path, "-w", "-t", "60", "start"),
            check=True,
            capture_output=True,
        )
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new, empty database; returns its URL."""
        import psycopg

        self._count += 1
        name = f"test_{os.getpid()}_{self._count}"
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            subprocess.run(
                self._as_owner(self.bin_dir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"),
                capture_output=True,
                timeout=60,
            )
        for _ in range(20):  # the server may take a moment to let go of its files
            shutil.rmtree(self.folder, ignore_errors=True)
            if not self.folder.exists():
                break
            time.sleep(0.1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """One private cluster for the test session (registered for every test in tests/conftest.py)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        message = "PostgreSQL is not installed (Debian: apt-get install postgresql; .ci/run does this)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cluster = PostgresCluster(bin_dir).start()
    yield cluster
    cluster.stop()
