"""``python -m finance``: see finance/cli/main.py."""

import sys

from finance.cli.main import main

sys.exit(main())
