import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "readability-test-pages"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def library(tmp_path):
    from reader.core import Library

    lib = Library.open(tmp_path / "library")
    yield lib
    lib.close()


@pytest.fixture
def article_page(tmp_path) -> Path:
    """A copy of the project's plain saved article page."""
    target = tmp_path / "pages" / "quiet-rivers.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "article.html", target)
    return target


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not present")
    return CORPUS
