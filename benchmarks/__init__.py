"""Benchmarks behind `make bench`: every figure is a ratio against a baseline of the same run.

Run from the repository root as ``python -m benchmarks`` (see README.md). The function
packages live under ``functions/`` and are imported by their package name, as in Lambda,
so that directory is put on ``sys.path`` here; pytest does the same through pyproject.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = REPO_ROOT / "functions"

if str(FUNCTIONS_DIR) not in sys.path:
    sys.path.insert(0, str(FUNCTIONS_DIR))
