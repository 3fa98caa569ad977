"""``python -m finance``: see finance/cli/main.py."""

import contextlib
import gc
import os
import sys

from finance.cli.main import main
from finance.ingest.isolate import read_here_after_imports, reading_server_started

THROWAWAY = sys.argv[1:2] in (["run"], ["validate"])

if THROWAWAY:
    # One read, one model run, then the process ends: the cyclic garbage collector would only walk
    # the Dataset's objects again and again (the limited reader, forked from here, does the same).
    gc.disable()

# This process has only imported modules: an upload is read by a limited reader forked from it
# (finance/ingest/isolate.py), not by a second interpreter that would import pandas again.
read_here_after_imports(meanwhile=("finance.model.engine", "finance.cli.json_out") if sys.argv[1:2] == ["run"] else ())

code = main()
if THROWAWAY and not reading_server_started():
    # Everything is written: end without tearing down the Dataset, DuckDB and every module one
    # object at a time (~0.1 s at England scale). With a reading server, exit as usual: it is
    # stopped (and waited for) on the way out.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (output cut short by `head`), a closed stream
            stream.flush()
    os._exit(code)
sys.exit(code)
