"""``python -m finance``: see finance/cli.py."""

import sys

from finance.cli import main

sys.exit(main())
