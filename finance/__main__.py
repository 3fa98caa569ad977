"""``python -m finance``: see finance/cli/main.py."""

import gc
import sys

from finance.cli.main import main
from finance.ingest.isolate import read_here_after_imports

if sys.argv[1:2] in (["run"], ["validate"]):
    # One read, one model run, then the process ends: the cyclic garbage collector would only walk
    # the Dataset's objects again and again (the limited reader, forked from here, does the same).
    gc.disable()

# This process has only imported modules: an upload is read by a limited reader forked from it
# (finance/ingest/isolate.py), not by a second interpreter that would import pandas again.
read_here_after_imports()

sys.exit(main())
