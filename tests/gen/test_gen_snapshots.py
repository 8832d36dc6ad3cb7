"""Whole generated files for a small document, compared with the files kept in ``snapshots/``.

They are kept as ``.py.txt`` so that the project's linters leave the generated code alone.

After an intended change to the output, refresh them with
``SDKCORE_GEN_SNAPSHOTS=update .venv/bin/python -m pytest tests/gen/test_gen_snapshots.py``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sdkcore.gen.generate import Generated

SNAPSHOTS = Path(__file__).parent / "snapshots" / "basic"
FILES = [
    "__init__.py",
    "_client.py",
    "resources/adoptions.py",
    "types/__init__.py",
    "types/new_pet_param.py",
    "types/pet.py",
]


@pytest.mark.parametrize("relative", FILES)
def test_the_generated_file_matches_its_snapshot(
    packages: dict[str, Generated], relative: str
) -> None:
    produced = (packages["basic.yaml"].path / relative).read_text(encoding="utf-8")
    kept = SNAPSHOTS / f"{relative}.txt"
    if os.environ.get("SDKCORE_GEN_SNAPSHOTS") == "update":
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(produced, encoding="utf-8")
    assert produced == kept.read_text(encoding="utf-8")
