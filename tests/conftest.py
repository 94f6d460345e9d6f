import itertools
import os
import shutil
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# pytest rewrites the asserts of every test module as it imports it (about 2.5 s of CPU in
# each test process for this suite) and keeps the result in __pycache__ unless bytecode
# writing is off, as PYTHONDONTWRITEBYTECODE=1 (set in some containers) makes it: then it
# rewrites them all again on every run. Kept (git-ignored) in this process whatever the
# environment says; the modules imported after this one are cached, Reader's too.
sys.dont_write_bytecode = False

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "readability-test-pages"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def own_config_folder(tmp_path, monkeypatch):
    """Each test stores its display name (reader.core.identity), and the record of the
    single files its exports wrote (reader.core.export.single_file), in folders of its own,
    never in the user's config and state folders."""
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("READER_STATE_DIR", str(tmp_path / "state"))


# -- the two backends ---------------------------------------------------------
#
# Tests in tests/core and tests/cli that use a library (the `library`,
# `library_location` or `run` fixtures) run on SQLite and on PostgreSQL, a
# private cluster started once per session (tests/pgserver.py); a test that
# needs SQLite itself (its file, PRAGMAs, sqlite3) is marked sqlite_only.

BACKENDS = ("sqlite", "postgresql")
BOTH_BACKENDS_IN = ("core", "cli")
# Modules about the layers above storage (reading pages, writing exports): they
# reach the library only through its records, so one backend suffices; the
# CLI's export and import-annotations tests run on both.
ONE_BACKEND_MODULES = {
    "test_formats.py",
    "test_sanitize.py",
    "test_export.py",
    "test_export_files.py",
    "test_export_single_file.py",
    "test_export_text.py",
    "test_extraction.py",
    "test_decode.py",
}
LIBRARY_FIXTURES = {"library", "library_location", "run", "run_command", "library_at"}


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: runs on the SQLite backend only (uses the file itself)")
    config.addinivalue_line("markers", "postgresql: runs on a PostgreSQL server (a private test cluster)")


def pytest_collection_modifyitems(config, items):
    """The long tests (marked slow) first: with pytest-xdist's work stealing
    (--dist worksteal in pyproject.toml) the other workers share out the short
    ones meanwhile, instead of one worker starting a 20 s test when the rest
    have finished. The order of all others is kept."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    path = Path(str(metafunc.definition.fspath))
    both = (
        path.parent.name in BOTH_BACKENDS_IN
        and path.name not in ONE_BACKEND_MODULES
        and metafunc.definition.get_closest_marker("sqlite_only") is None
        and LIBRARY_FIXTURES & set(metafunc.fixturenames)
    )
    params = [
        pytest.param(b, marks=[pytest.mark.postgresql] if b == "postgresql" else [])
        for b in (BACKENDS if both else BACKENDS[:1])
    ]
    metafunc.parametrize("backend", params, indirect=True, ids=[p.values[0] for p in params])


@pytest.fixture
def backend(request) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_cluster():
    import pgserver

    bin_dir = pgserver.find_bin_dir()
    if bin_dir is None:
        pytest.skip(
            "NO POSTGRESQL: server binaries not found (apt-get install postgresql); "
            "the shared-library tests did not run"
        )
    cluster = pgserver.Cluster(bin_dir)
    cluster.start()
    try:
        # A database migrated once, copied for each test (CREATE DATABASE ... TEMPLATE).
        from reader.core import Library

        cluster.admin("CREATE DATABASE reader_template")
        Library.open(cluster.url("reader_template")).close()
        yield cluster
    finally:
        cluster.stop()


_databases = itertools.count()


@pytest.fixture
def pg_database(request):
    """new_database(template=True): the URL of a fresh database, a migrated
    empty library unless template=False; dropped at the end of the test."""
    cluster = request.getfixturevalue("pg_cluster")
    made = []

    def new_database(template: bool = True) -> str:
        name = f"t{next(_databases)}"
        cluster.admin(f"CREATE DATABASE {name}" + (" TEMPLATE reader_template" if template else ""))
        made.append(name)
        return cluster.url(name)

    yield new_database
    for name in made:
        cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def library_at(backend, tmp_path, request):
    """library_at(name): where the library `name` of this test lives on its
    backend: tmp_path/name, or a database of its own."""
    urls: dict[str, str] = {}

    def library_at(name: str = "library"):
        if backend == "sqlite":
            return tmp_path / name
        if name not in urls:
            urls[name] = request.getfixturevalue("pg_database")()
        return urls[name]

    return library_at


@pytest.fixture
def library_location(library_at):
    return library_at("library")


@pytest.fixture
def library(library_location):
    from reader.core import Library

    lib = Library.open(library_location)
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
