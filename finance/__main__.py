"""``python -m finance``: see finance/cli/main.py."""

import sys

from finance.cli.main import main
from finance.ingest.isolate import read_here_after_imports

# This process has only imported modules: an upload is read by a limited reader forked from it
# (finance/ingest/isolate.py), not by a second interpreter that would import pandas again.
read_here_after_imports()

sys.exit(main())
