"""``python -m sdkcore.gen``: the same as the ``sdkcore-gen`` command."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
