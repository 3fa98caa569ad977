"""The reading server: ``python -m finance.ingest.worker SOCKET``; forks one limited reader per request (see isolate.py)."""

from __future__ import annotations

import gc
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
    # The reader lives for one read and exits: the cyclic garbage collector would only walk its
    # hundreds of thousands of new row lists again and again (~20% of a large CSV read). Memory
    # stays capped below.
    gc.disable()
    cap = _address_space_bytes() + limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 5))
    try:
        result = load_inline(uploads, limits=limits)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        reply = pickle.dumps(("ok", result, _peak_mb(), usage.ru_utime + usage.ru_stime), protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        reply = pickle.dumps(("memory",))
    except Exception as exc:
        reply = pickle.dumps(("crash", type(exc).__name__))
    with os.fdopen(out, "wb") as stream:
        stream.write(reply)


def _helper(connection: socket.socket) -> None:
    """In the helper: take one request, read it in a limited reader, answer how it went."""
    request = receive_message(connection)
    if request is None:
        return
    uploads, limits = pickle.loads(request)
    send_message(connection, read_forked(uploads, limits))


def read_forked(uploads: list, limits: Limits) -> bytes:
    """Fork the reader from this process (which must have no other threads), wait at most timeout_s; the pickled reply."""
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
        return pickle.dumps(("timeout",))
    if chunks and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return b"".join(chunks)
    if os.WIFSIGNALED(status):
        return pickle.dumps(("signal", os.WTERMSIG(status)))
    return pickle.dumps(("exit", os.WEXITSTATUS(status) if os.WIFEXITED(status) else status))


def _reap() -> None:
    """Collect finished helpers (waited for, so that their CPU time is counted where the server's is)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)


def serve(path: str) -> None:
    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    os.chmod(path + ".tmp", 0o600)
    os.rename(path + ".tmp", path)
    listener.listen(64)
    listener.settimeout(0.5)
    while True:
        _reap()
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != parent:  # the app is gone: so is its reader
                return
            continue
        pid = os.fork()
        if pid == 0:
            listener.close()
            try:
                connection.settimeout(None)
                _helper(connection)
            except Exception:
                pass
            finally:
                os._exit(0)
        connection.close()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    try:
        serve(sys.argv[1])
    finally:
        _reap()
