"""The wheel built from the source tree carries everything Reader needs at run time, and
Reader works from it: resources, migrations, templates and the desktop installer."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

from reader import APP_ID, resources

ROOT = Path(__file__).resolve().parents[2]


def _made_once(tmp_path_factory, worker_id: str, name: str, make: Callable[[Path], None]) -> Path:
    """A folder that make(folder) fills once per test run, shared by pytest-xdist's
    workers: the tests of this module may be spread over them, and each would build
    and install its own wheel."""
    if worker_id == "master":  # no xdist
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent  # this run's, common to its workers
    folder, done = shared / name, shared / f"{name}.done"
    with FileLock(str(shared / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, worker_id) -> Path:
    """`pip wheel .` from the source tree: offline with the hatchling already installed
    (pip install -e '.[packaging]' brings it), else in pip's isolated build environment."""

    def build(out: Path) -> None:
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)]
        if importlib.util.find_spec("hatchling") is not None:
            command.insert(4, "--no-build-isolation")
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr

    [built] = _made_once(tmp_path_factory, worker_id, "wheel", build).glob("reader-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory, worker_id) -> Path:
    """The wheel installed into a folder of its own (what a site-packages would hold)."""

    def install(target: Path) -> None:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--no-deps",
                "--no-compile",
                "--quiet",
                "--target",
                str(target),
                str(wheel),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    return _made_once(tmp_path_factory, worker_id, "site", install)


def _source_files(folder: str, pattern: str) -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).glob(pattern) if "__pycache__" not in p.parts}


def test_wheel_contains_runtime_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = "reader/core/storage/migrations"
    expected = {f"{migrations}/env.py", f"{migrations}/script.py.mako"}
    expected |= _source_files(migrations + "/versions", "*.py")
    expected |= _source_files("reader/core/export/templates", "*.j2")
    assert any(name.startswith(f"{migrations}/versions/0001") for name in expected)
    assert any(name.endswith(".md.j2") for name in expected)
    for name in sorted(expected):
        assert name in names, f"{name} is missing from {wheel.name}"

    for folder in resources.RUNTIME_DIRS:
        shipped = {
            p.relative_to(ROOT / "resources").as_posix()
            for p in (ROOT / "resources" / folder).rglob("*")
            if p.is_file()
        }
        assert shipped
        for rel in sorted(shipped):
            assert f"reader/_resources/{rel}" in names, f"resources/{rel} is missing from the wheel"
    for name in resources.ACTION_ICONS:
        assert f"reader/_resources/icons/actions/{name}.svg" in names
    for size in resources.APP_ICON_SIZES:
        assert f"reader/_resources/icons/hicolor/{size}x{size}/apps/{APP_ID}.png" in names
    # Sources that are not needed at run time stay out.
    assert not any(n.startswith(("reader/_resources/art", "reader/_resources/screenshots")) for n in names)
    assert not any(n.startswith(("tests/", "packaging/", "resources/")) for n in names)


def _run(code: str, site: Path | str, tmp_path: Path, **env) -> subprocess.CompletedProcess:
    """Python with the installed wheel first on sys.path, away from the source checkout."""
    environment = dict(os.environ, PYTHONPATH=str(site), **env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        timeout=120,
    )


def test_reader_works_from_the_installed_wheel(installed, tmp_path):
    code = f"""
        import json, sys
        from pathlib import Path
        import reader
        from reader import resources
        site = Path({str(installed)!r}).resolve()
        assert Path(reader.__file__).resolve().is_relative_to(site), reader.__file__
        report = {{"root": str(resources.root())}}
        report["icons"] = [str(resources.icon_path(n)) for n in resources.ACTION_ICONS]
        report["app_icons"] = [str(p) for p in resources.app_icon_paths().values()]
        report["scalable"] = str(resources.app_icon_path())
        report["svg"] = resources.icon_svg("archive", "#112233").decode()
        report["desktop"] = str(resources.desktop_entry_path())
        report["metainfo"] = str(resources.metainfo_path())

        # Alembic runs the migrations from the installed package to create a library.
        from reader.core import Library
        lib = Library.open({str(tmp_path / "lib")!r})
        [outcome] = lib.import_paths([{str(ROOT / "tests" / "fixtures" / "article.html")!r}])
        # The default Markdown template is read from the installed package.
        from reader.core.export import export_articles
        export_articles([lib.get(outcome.id)], "md", Path({str(tmp_path / "md")!r}))
        lib.close()
        print(json.dumps(report))
    """
    result = _run(code, installed, tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    site = installed.resolve()
    assert Path(report["root"]).resolve() == site / "reader" / "_resources"
    for key in ("icons", "app_icons"):
        for file in report[key]:
            assert Path(file).resolve().is_relative_to(site) and Path(file).is_file(), file
    for key in ("scalable", "desktop", "metainfo"):
        assert Path(report[key]).resolve().is_relative_to(site) and Path(report[key]).is_file()
    assert 'stroke="#112233"' in report["svg"] and "currentColor" not in report["svg"]
    [markdown] = (tmp_path / "md").glob("*.md")
    assert "Quiet Rivers" in markdown.read_text(encoding="utf-8")


def test_resources_load_from_the_zipped_wheel(wheel, tmp_path):
    """A zip import: no real folder behind the package, only importlib.resources' Traversable."""
    code = f"""
        import reader
        from reader import resources
        assert reader.__file__.startswith({str(wheel)!r}), reader.__file__
        assert resources.read_text("desktop", resources.DESKTOP_FILE).startswith("[Desktop Entry]")
        assert resources.icon_svg("next").startswith(b"<svg")
        png = resources.app_icon_path(48)
        assert png.read_bytes()[:4] == b"\\x89PNG", png
        print("ok")
    """
    result = _run(code, wheel, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_install_desktop_from_the_installed_wheel(installed, tmp_path):
    data_home = tmp_path / "share"
    code = "import sys; from reader.cli import main; sys.exit(main(['--install-desktop']))"
    result = _run(code, installed, tmp_path, XDG_DATA_HOME=str(data_home))
    assert result.returncode == 0, result.stderr
    assert (data_home / "applications" / f"{APP_ID}.desktop").is_file()
    assert (data_home / "icons" / "hicolor" / "512x512" / "apps" / f"{APP_ID}.png").is_file()
    assert (data_home / "metainfo" / f"{APP_ID}.metainfo.xml").read_bytes() == (
        ROOT / "resources" / "desktop" / f"{APP_ID}.metainfo.xml"
    ).read_bytes()
