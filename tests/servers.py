"""Start and stop real `streamlit run app.py` servers for tests (loopback only, each in its own process group)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.postgres import free_port

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60


@dataclass
class AppServer:
    """One running app server: its URL, process and log."""

    url: str
    port: int
    process: subprocess.Popen
    log_path: Path

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """Stop it (its whole process group: streamlit and anything it started)."""
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def start_app(folder: Path, env: dict[str, str], *extra_args: str, port: int | None = None) -> AppServer:
    """`streamlit run app.py` on 127.0.0.1:<port> with ``env`` on top of this process's; returns when it answers."""
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log_path = folder / f"server-{port}.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
        *extra_args,
    ]
    full_env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1", **env}
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = AppServer(f"http://127.0.0.1:{port}", port, process, log_path)
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode} before it served:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"streamlit did not answer {server.url}/_stcore/health within {START_TIMEOUT_S} s:\n{server.log_text()}")
        time.sleep(0.1)
