"""Fail unless sdkcore's public interface is fully typed and documented.

Runs ``basedpyright --verifytypes sdkcore --ignoreexternal`` and requires a type
completeness score of 100% and no public function or class without a docstring
(pyright reports missing docstrings, but they do not lower its score or exit code).

Usage: ``.venv/bin/python tools/verifytypes.py`` (``make types`` runs it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

PACKAGE = "sdkcore"


def main() -> int:
    """Print the completeness report; return 0 when it is complete, else 1."""
    report = _verifytypes()
    completeness = report["typeCompleteness"]
    problems = [
        f"{symbol['name']}: {diagnostic['message']}"
        for symbol in completeness["symbols"]
        for diagnostic in symbol["diagnostics"]
        if diagnostic["severity"] in ("error", "warning")
    ]
    score = completeness["completenessScore"]
    undocumented = (
        completeness["missingFunctionDocStringCount"] + completeness["missingClassDocStringCount"]
    )
    for problem in problems:
        print(problem)
    print(
        f"{PACKAGE}: type completeness {score:.1%}, "
        f"{undocumented} public functions or classes without a docstring"
    )
    return 0 if score == 1 and undocumented == 0 and not problems else 1


def _verifytypes() -> dict[str, Any]:
    # basedpyright finds the installed packages through the python on PATH: this venv's.
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [bin_dir / "basedpyright", "--verifytypes", PACKAGE, "--ignoreexternal", "--outputjson"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        sys.exit(f"basedpyright --verifytypes failed:\n{done.stdout}{done.stderr}")
    return report


if __name__ == "__main__":
    sys.exit(main())
