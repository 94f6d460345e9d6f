"""The render audit over the whole shared corpus at 500, 800 and 1200 px, with totals per width.

QT_QPA_PLATFORM=offscreen .venv/bin/python tests/gui/bench_audit.py [--json]
"""

import sys
from pathlib import Path

from reader.gui.audit import main

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "readability-test-pages"

if __name__ == "__main__":
    sys.exit(main([*sys.argv[1:], *map(str, sorted(CORPUS.glob("*/source.html")))]))
