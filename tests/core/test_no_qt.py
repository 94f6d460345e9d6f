"""The core is a plain library: importing and using it never loads Qt."""

import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).parents[1] / "fixtures" / "article.html"


def test_core_never_imports_qt(tmp_path):
    script = f"""
import sys
from reader.core import Library
lib = Library.open({str(tmp_path / "lib")!r})
[outcome] = lib.import_paths([{str(FIXTURE)!r}])
article = lib.get(outcome.id)
lib.add_highlight(article.id, 0, 10, note="n")
lib.search("rivers")
from reader.core.export import export_articles
from pathlib import Path
export_articles([lib.get(article.id)], "md", Path({str(tmp_path / "out")!r}))
import reader.cli
loaded = [m for m in sys.modules if m.startswith(("PySide6", "shiboken6", "reader.gui"))]
print(loaded)
assert not loaded, loaded
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
