"""``python -m examples.minillm``: see `examples.minillm.cli`."""

import sys

from .cli import main

sys.exit(main())
