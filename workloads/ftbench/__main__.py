"""``python -m ftbench``: see cli.py."""

import sys

from ftbench.cli import main

sys.exit(main())
