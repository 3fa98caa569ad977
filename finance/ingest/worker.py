"""The reading server: ``python -m finance.ingest.worker SOCKET``; forks one limited reader per request (see isolate.py)."""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import socket
import sys
import time

from finance.ingest.isolate import receive_message, send_message
from finance.ingest.limits import Limits
from finance.ingest.load import load_inline


def _peak_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _address_space_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _read(uploads: list, limits: Limits, out: int) -> None:
    """In the reader: cap memory and CPU, read, write the pickled reply to ``out``."""
    cap = _address_space_bytes() + limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 5))
    try:
        reply = pickle.dumps(("ok", load_inline(uploads, limits=limits), _peak_mb()), protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        reply = pickle.dumps(("memory",))
    with os.fdopen(out, "wb") as stream:
        stream.write(reply)


def _helper(connection: socket.socket) -> None:
    """In the helper: take one request, fork the reader, wait at most timeout_s, answer how it went."""
    request = receive_message(connection)
    if request is None:
        return
    uploads, limits = pickle.loads(request)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            _read(uploads, limits, write_end)
        finally:
            os._exit(0)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + limits.timeout_s
    timed_out = False
    while True:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([read_end], [], [], max(left, 0))
        if not ready:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
            break
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if timed_out:
        reply = pickle.dumps(("timeout",))
    elif chunks and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        reply = b"".join(chunks)
    elif os.WIFSIGNALED(status):
        reply = pickle.dumps(("signal", os.WTERMSIG(status)))
    else:
        reply = pickle.dumps(("exit", os.WEXITSTATUS(status) if os.WIFEXITED(status) else status))
    send_message(connection, reply)


def serve(path: str) -> None:
    parent = os.getppid()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # helpers are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    os.chmod(path + ".tmp", 0o600)
    os.rename(path + ".tmp", path)
    listener.listen(64)
    listener.settimeout(2)
    while True:
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != parent:  # the app is gone: so is its reader
                return
            continue
        pid = os.fork()
        if pid == 0:
            listener.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                connection.settimeout(None)
                _helper(connection)
            except Exception:
                pass
            finally:
                os._exit(0)
        connection.close()


if __name__ == "__main__":
    serve(sys.argv[1])
