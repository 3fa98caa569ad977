"""Read an upload set in a child process under limits, so that no file can take the server down.

A small reading server (``python -m finance.ingest.worker``: a fresh interpreter, never a fork
of the threaded Streamlit server) imports the reading modules once and forks a helper per
request; the helper forks the reader, which caps its own address space (RLIMIT_AS) and CPU time
(RLIMIT_CPU) before it reads; the helper stops it after ``timeout_s`` and reports how it ended.
A reader that runs out of memory, is killed or aborts becomes one plain sentence; the server and
every other session carry on. A read costs a fork (~10 ms) and the pickling of the result; the
reading server starts once per process (~1 s). The result comes back pickled from our own child.

A command-line process that has only imported its modules (``read_here_after_imports``, called
by finance/__main__.py) forks the limited reader from itself instead, under the same limits: it
is then in the state the reading server is in (the same modules, and only the idle threads their
imports start), so a second interpreter importing pandas again (~0.5 s of CPU) is not needed. Any
thread started since (DuckDB's, pyarrow's pool at work) sends the read to the server as before.
There a large CSV set is read by two limited readers at once, each under half the memory limit
(finance/ingest/split.py, worker.read_split).
"""

from __future__ import annotations

import atexit
import importlib
import os
import pickle
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from finance.ingest.limits import Limits

if TYPE_CHECKING:
    from finance.ingest.load import LoadResult
    from finance.ingest.read import Upload

_ROOT = Path(__file__).resolve().parents[2]
_lock = threading.Lock()
_server: dict[str, object] = {}
_here: dict[str, frozenset[str]] = {}
_meanwhile: list[str] = []


class ReadFailed(Exception):
    """The reader could not finish: ``reason`` says why in words a user can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def send_message(connection: socket.socket, data: bytes) -> None:
    connection.sendall(struct.pack("!Q", len(data)) + data)


def receive_message(connection: socket.socket) -> bytes | None:
    head = _receive_exactly(connection, 8)
    if head is None:
        return None
    return _receive_exactly(connection, struct.unpack("!Q", head)[0])


def _receive_exactly(connection: socket.socket, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = connection.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _spawn_server() -> None:
    folder = tempfile.mkdtemp(prefix="finance-reader-")
    path = os.path.join(folder, "socket")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen(
        [sys.executable, "-m", "finance.ingest.worker", path], cwd=_ROOT, env=env, stdin=subprocess.DEVNULL, close_fds=True
    )
    atexit.register(_stop, process)
    _server.update(process=process, path=path)


def _wait_for_server() -> str:
    process: subprocess.Popen = _server["process"]  # type: ignore[assignment]
    path: str = _server["path"]  # type: ignore[assignment]
    deadline = time.monotonic() + 60
    while not os.path.exists(path):
        if process.poll() is not None or time.monotonic() > deadline:
            _server.clear()
            raise ReadFailed("the file reader could not be started on this server")
        time.sleep(0.005)
    return path


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)  # waited for: its CPU time counts as this process's children's
        except subprocess.TimeoutExpired:
            process.kill()


def start_early() -> None:
    """Start the reading server now, without waiting: it imports its modules while this process does its own."""
    with _lock:
        process = _server.get("process")
        if process is None or process.poll() is not None:  # type: ignore[union-attr]
            _spawn_server()


def read_here_after_imports(meanwhile: Sequence[str] = ()) -> None:
    """This process has imported what it needs and started no work: its reads may fork the reader from here.

    For a throwaway command-line process only, never a server's: the threads alive now are taken as
    the imports' idle ones, and a read forks from here only while no other thread has appeared.
    ``meanwhile``: modules this process needs after the read and imports while its readers read
    (DuckDB and the engine, which the readers do not need), once, after the first fork.
    """
    _here["threads"] = _threads()
    _meanwhile[:] = meanwhile


def import_meanwhile() -> None:
    """Import the modules ``read_here_after_imports`` was given (once): called when the readers have been forked."""
    while _meanwhile:
        importlib.import_module(_meanwhile.pop(0))


def reading_server_started() -> bool:
    """Whether this process started a reading server (stopped by atexit when the process exits)."""
    return bool(_server)


def _threads() -> frozenset[str]:
    try:
        return frozenset(os.listdir("/proc/self/task"))
    except OSError:  # no /proc: never fork from here
        return frozenset({"unknown"})


def _may_fork_here() -> bool:
    threads = _here.get("threads")
    return threads is not None and "unknown" not in threads and _threads() == threads


def _server_path() -> str:
    with _lock:
        process = _server.get("process")
        if process is None or process.poll() is not None:  # type: ignore[union-attr]
            _spawn_server()
        return _wait_for_server()


def read_in_child(uploads: Sequence[Upload], limits: Limits) -> tuple[LoadResult, float, float]:
    """``load_inline(uploads)`` in a child process: the result, the reader's peak memory (MB) and CPU seconds; ReadFailed if it could not finish.

    Through the reading server, even from a process with one Python thread: pandas and pyarrow
    start native threads, and a reader forked from a process whose threads have been at work can
    crash (seen: a segfault in the garbage collector after AppTest runs). The server's threads
    never run anything, so its forks are clean. The one exception is a process that said it is in
    the same state (``read_here_after_imports``) and has started no thread since: it forks the
    reader itself, with the same limits and the same answers.
    """
    if _may_fork_here():
        from finance.ingest.split import halves
        from finance.ingest.worker import read_forked, read_split

        shared = halves(uploads, limits)
        message = read_split(list(uploads), shared, limits) if shared else pickle.loads(read_forked(list(uploads), limits))
        return _answer(message, limits)
    request = pickle.dumps((list(uploads), limits), protocol=pickle.HIGHEST_PROTOCOL)
    for attempt in range(2):
        path = _server_path()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.connect(path)
                connection.settimeout(limits.timeout_s + 30)
                send_message(connection, request)
                reply = receive_message(connection)
            break
        except (ConnectionError, FileNotFoundError):
            with _lock:
                _server.clear()  # the reading server is gone: start another once
            if attempt:
                raise ReadFailed("the file reader on this server stopped") from None
        except TimeoutError:
            raise ReadFailed(f"reading it took longer than the {limits.timeout_s:,.0f} seconds allowed, so it was stopped") from None
    if reply is None:
        raise ReadFailed("the file reader on this server stopped")
    return _answer(pickle.loads(reply), limits)


def _answer(message: tuple, limits: Limits) -> tuple[LoadResult, float, float]:
    if message[0] == "ok":
        return message[1], message[2], message[3]
    raise ReadFailed(reason(message, limits))


def reason(message: tuple, limits: Limits) -> str:
    """The sentence for a reader that did not finish: ("memory",), ("timeout",), ("signal", n) or ("exit", n)."""
    import signal

    kind = message[0]
    if kind == "signal" and message[1] in (signal.SIGSEGV, signal.SIGBUS):
        return "the reader crashed while reading it: save it again from Excel (File > Save As > .xlsx) and upload that"
    # A failed allocation aborts; glibc's loader ends the process with status 127 when a new thread gets no memory.
    if kind == "memory" or (kind == "signal" and message[1] in (signal.SIGABRT, signal.SIGKILL)) or (kind == "exit" and message[1] == 127):
        return f"it needs more memory than the {limits.memory_mb:,} MB allowed for reading an upload"
    if kind == "signal" and message[1] == signal.SIGXCPU:
        return f"it needs more computing time than the {limits.cpu_s:,} seconds allowed for reading an upload"
    if kind == "timeout":
        return f"reading it took longer than the {limits.timeout_s:,.0f} seconds allowed, so it was stopped"
    if kind == "crash":
        return f"the reader met something it could not handle ({message[1]}): save the file again from Excel and upload it again"
    return f"the reader stopped unexpectedly ({kind} {message[1:]})"
