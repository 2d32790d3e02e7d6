"""``python -m ganlib``."""

import sys

from ganlib.cli import main

sys.exit(main())
