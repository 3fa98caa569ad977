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

from finance.ingest import split
from finance.ingest.isolate import receive_message, send_message
from finance.ingest.limits import Limits
from finance.ingest.load import assemble, load_inline, once_each, read_files


def _peak_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _address_space_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _limit_self(limits: Limits) -> None:
    """In a reader, before it reads: cap its address space and CPU time."""
    # The reader lives for one read and exits: the cyclic garbage collector would only walk its
    # hundreds of thousands of new row lists again and again (~20% of a large CSV read). Memory
    # stays capped below.
    gc.disable()
    cap = _address_space_bytes() + limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 5))


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _read(uploads: list, limits: Limits, out: int) -> None:
    """In the reader: cap memory and CPU, read, write the pickled reply to ``out``."""
    _limit_self(limits)
    try:
        result = load_inline(uploads, limits=limits)
        reply = pickle.dumps(("ok", result, _peak_mb(), _cpu_s()), protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        reply = pickle.dumps(("memory",))
    except Exception as exc:
        reply = pickle.dumps(("crash", type(exc).__name__))
    with os.fdopen(out, "wb") as stream:
        stream.write(reply)


def _read_half(uploads: list, half: tuple[int, ...], limits: Limits, out: int) -> None:
    """In the first of two readers: read, locate and clean its half of the files; write the pickled FileReads to ``out``."""
    _limit_self(split.halved(limits))
    try:
        kept, _ = once_each(uploads)
        files = read_files([kept[i] for i in half], limits)
        digests = [kept[i].sha256 for i in half]  # hashed here, on this reader's core, not by the second reader
        reply = pickle.dumps(("ok", files, digests, _peak_mb(), _cpu_s()), protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        reply = pickle.dumps(("memory",))
    except Exception as exc:
        reply = pickle.dumps(("crash", type(exc).__name__))
    with os.fdopen(out, "wb") as stream:
        stream.write(reply)


def _read_half_and_assemble(uploads: list, halves: tuple, limits: Limits, first: int, out: int) -> None:
    """In the second reader: read its half, take the first reader's from ``first``, check across tables; the pickled reply to ``out``."""
    _limit_self(split.halved(limits))
    try:
        kept, _ = once_each(uploads)
        mine = read_files([kept[i] for i in halves[1]], limits)
        for i in halves[1]:
            kept[i].sha256  # noqa: B018 (hashed now, while the first reader may still be reading)
        with os.fdopen(first, "rb") as stream:
            data = stream.read()
        theirs = pickle.loads(data) if data else ("exit",)
        if theirs[0] != "ok":
            reply = pickle.dumps(("partner", theirs))
        else:
            _, their_files, digests, their_peak, their_cpu = theirs
            files = [None] * len(kept)
            for positions, reads in ((halves[0], their_files), (halves[1], mine)):
                for position, read in zip(positions, reads, strict=True):
                    files[position] = read
            for i, digest in zip(halves[0], digests, strict=True):
                kept[i].__dict__["sha256"] = digest  # Upload.sha256 is a cached_property: the first reader's answer
            result = assemble(uploads, files)
            reply = pickle.dumps(("ok", result, _peak_mb() + their_peak, _cpu_s() + their_cpu), protocol=pickle.HIGHEST_PROTOCOL)
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
    chunks, timed_out = _collect(read_end, time.monotonic() + limits.timeout_s, (pid,))
    _, status = os.waitpid(pid, 0)
    if timed_out:
        return pickle.dumps(("timeout",))
    return _reply(chunks, status)


def read_split(uploads: list, halves: tuple[tuple[int, ...], tuple[int, ...]], limits: Limits) -> bytes:
    """Two readers at once (finance.ingest.split), each under half the memory limit; the pickled reply, as read_forked's.

    Both are stopped at the one deadline (timeout_s). A reader stopped for its CPU time is
    answered so; any other failure (most likely half the memory was not enough) reads the set
    again in one reader under the whole limit, so the answer is the one reader's.
    """
    first_read, first_write = os.pipe()
    first = os.fork()
    if first == 0:
        os.close(first_read)
        try:
            _read_half(uploads, halves[0], limits, first_write)
        finally:
            os._exit(0)
    os.close(first_write)
    read_end, write_end = os.pipe()
    second = os.fork()
    if second == 0:
        os.close(read_end)
        try:
            _read_half_and_assemble(uploads, halves, limits, first_read, write_end)
        finally:
            os._exit(0)
    os.close(first_read)
    os.close(write_end)
    chunks, timed_out = _collect(read_end, time.monotonic() + limits.timeout_s, (first, second))
    statuses = [os.waitpid(pid, 0)[1] for pid in (first, second)]
    if timed_out:
        return pickle.dumps(("timeout",))
    reply = _reply(chunks, statuses[1])
    if pickle.loads(reply)[0] == "ok":
        return reply
    for status in statuses:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
            return pickle.dumps(("signal", signal.SIGXCPU))
    return read_forked(uploads, limits)


def _collect(read_end: int, deadline: float, pids: tuple[int, ...]) -> tuple[list[bytes], bool]:
    """Everything written to ``read_end`` until it closes, or until ``deadline`` (then every reader in ``pids`` is killed)."""
    chunks: list[bytes] = []
    timed_out = False
    while True:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([read_end], [], [], max(left, 0))
        if not ready:
            timed_out = True
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            break
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    return chunks, timed_out


def _reply(chunks: list[bytes], status: int) -> bytes:
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
