"""``python -m finance``: see finance/cli/main.py."""

import sys

from finance.ingest.isolate import start_early

if sys.argv[1:2] in (["run"], ["validate"], ["export"]):
    start_early()  # the file reader imports its modules while this process imports the engine's

from finance.cli.main import main

sys.exit(main())
