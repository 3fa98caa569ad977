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
from finance.ingest.isolate import import_meanwhile, receive_message, send_message
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
    """In the reader: cap memory and CPU, read the whole set; the pickled reply to ``out``."""
    _limit_self(limits)
    _reply_to(out, lambda: (load_inline(uploads, limits=limits),))


def _read_half(uploads: list, half: tuple[int, ...], limits: Limits, out: int) -> None:
    """In one of two readers: read, locate and clean its half of the files; the pickled FileReads and their digests to ``out``."""
    _limit_self(split.halved(limits))

    def work():
        kept, _ = once_each(uploads)
        return read_files([kept[i] for i in half], limits), [kept[i].sha256 for i in half]  # hashed on this reader's core

    _reply_to(out, work)


def _reply_to(out: int, work) -> None:
    """("ok", *work(), peak MB, CPU s), or ("memory",) or ("crash", the exception's name), pickled to ``out``."""
    try:
        reply = pickle.dumps(("ok", *work(), _peak_mb(), _cpu_s()), protocol=pickle.HIGHEST_PROTOCOL)
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
    import_meanwhile()
    (reply,), timed_out = _collect([read_end], time.monotonic() + limits.timeout_s, [pid])
    _, status = os.waitpid(pid, 0)
    if timed_out:
        return pickle.dumps(("timeout",))
    return _reply(reply, status)


def read_split(uploads: list, halves: tuple[tuple[int, ...], tuple[int, ...]], limits: Limits) -> tuple:
    """Two readers at once (finance.ingest.split), each under half the memory limit, then the checks across tables here.

    The reply as read_forked's, unpickled: ("ok", LoadResult, peak MB, CPU s) or why it failed.
    Each reader reads, locates and cleans its half of the files; this process takes both halves
    and runs the checks across tables (load.assemble) on what they cleaned, under the same limits
    (under_limits_here): the raw cells were only ever in the readers. Both readers are stopped at
    the one deadline (timeout_s). A reader stopped for its CPU time is answered so; any other
    failure (most likely half the memory was not enough) reads the set again in one reader under
    the whole limit, so the answer is the one reader's.
    """
    pids, ends = [], []
    for half in halves:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            for inherited in (read_end, *ends):
                os.close(inherited)
            try:
                _read_half(uploads, half, limits, write_end)
            finally:
                os._exit(0)
        os.close(write_end)
        pids.append(pid)
        ends.append(read_end)
    deadline = time.monotonic() + limits.timeout_s
    import_meanwhile()
    replies, timed_out = _collect(ends, deadline, pids)
    if timed_out:
        _wait(pids)
        return ("timeout",)
    answer = _assembled(uploads, halves, replies, limits, deadline)
    statuses = _wait(pids)  # after the checks: by then the readers have long exited
    if answer is not None:
        return answer
    for status in statuses:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
            return ("signal", signal.SIGXCPU)
    return pickle.loads(read_forked(uploads, limits))


def _assembled(
    uploads: list, halves: tuple[tuple[int, ...], tuple[int, ...]], replies: list[bytes], limits: Limits, deadline: float
) -> tuple | None:
    """("ok", the LoadResult of both halves, peak MB, CPU s) when both readers finished, or the limit the checks
    across tables went over; None when either reader did not finish."""
    try:
        messages = [pickle.loads(reply) for reply in replies]
    except Exception:  # cut short: the reader was killed while writing
        return None
    if any(message[0] != "ok" for message in messages):
        return None
    kept, _ = once_each(uploads)
    files = [None] * len(kept)
    for positions, (_, reads, digests, _, _) in zip(halves, messages, strict=True):
        for position, read, digest in zip(positions, reads, digests, strict=True):
            files[position] = read
            kept[position].__dict__["sha256"] = digest  # Upload.sha256 is a cached_property: the reader's answer
    try:
        checked = under_limits_here(limits, deadline, lambda: assemble(uploads, files))
    except Exception:  # read again by one reader, whose answer says what went wrong
        return None
    if checked[0] != "ok":
        return checked
    return ("ok", checked[1], sum(m[3] for m in messages), sum(m[4] for m in messages))


class _OverLimit(Exception):
    def __init__(self, message: tuple):
        self.message = message


def under_limits_here(limits: Limits, deadline: float, work):
    """("ok", ``work()``), run in this process under a reader's limits, or the reader's message for the one it went over.

    For the checks across tables after two readers (read_split), in the command line's own process:
    its address space may grow by ``memory_mb`` (RLIMIT_AS, soft limit only, put back after), it may
    use ``cpu_s`` of CPU time (ITIMER_PROF) and it must end by ``deadline`` (ITIMER_REAL). A MemoryError
    is ("memory",), CPU time ("signal", SIGXCPU), the deadline ("timeout",), as from a reader. Main
    thread only (signals), as read_split is.
    """

    armed = [True]  # a timer that fires once the work is over (or a second time) does nothing

    def over(message: tuple):
        def handler(signum, frame):
            if armed[0]:
                armed[0] = False
                raise _OverLimit(message)

        return handler

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space_bytes() + limits.memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    handlers = {
        signal.SIGPROF: signal.signal(signal.SIGPROF, over(("signal", signal.SIGXCPU))),
        signal.SIGALRM: signal.signal(signal.SIGALRM, over(("timeout",))),
    }
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        signal.setitimer(signal.ITIMER_PROF, max(float(limits.cpu_s), 0.001))
        signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 0.001))
        return ("ok", work())
    except MemoryError:
        return ("memory",)
    except _OverLimit as stopped:
        return stopped.message
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def _wait(pids: list[int]) -> list[int]:
    return [os.waitpid(pid, 0)[1] for pid in pids]


def _collect(ends: list[int], deadline: float, pids: list[int]) -> tuple[list[bytes], bool]:
    """Everything written to each of ``ends`` until it closes, or until ``deadline`` (then every reader in ``pids`` is killed)."""
    chunks: dict[int, list[bytes]] = {end: [] for end in ends}
    open_ends = list(ends)
    timed_out = False
    while open_ends:
        ready, _, _ = select.select(open_ends, [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            timed_out = True
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            break
        for end in ready:
            chunk = os.read(end, 1 << 20)
            if chunk:
                chunks[end].append(chunk)
            else:
                open_ends.remove(end)
    for end in ends:
        os.close(end)
    return [b"".join(chunks[end]) for end in ends], timed_out


def _reply(reply: bytes, status: int) -> bytes:
    if reply and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return reply
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
