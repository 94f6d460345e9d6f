"""The desktop entry and AppStream metainfo: valid, consistent, and installable per user."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import reader
from reader import APP_ID, desktop, resources

ROOT = Path(__file__).resolve().parents[2]
DESKTOP_SRC = ROOT / "resources" / "desktop" / f"{APP_ID}.desktop"
METAINFO_SRC = ROOT / "resources" / "desktop" / f"{APP_ID}.metainfo.xml"
MIME_TYPES = {"text/html", "application/xhtml+xml", "multipart/related", "application/x-mimearchive"}
# The reader:// links in exported notes (reader://open?article=...&highlight=...) open Reader.
SCHEME = "x-scheme-handler/reader"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(
            f"{name} is not installed (Debian: apt-get install "
            f"{'desktop-file-utils' if name.startswith('desktop') else 'appstream'}; "
            ".ci/run installs it)"
        )
    return path


def validate_desktop(path: Path) -> None:
    result = subprocess.run([_tool("desktop-file-validate"), str(path)], capture_output=True, text=True)
    # desktop-file-validate exits 0 with hints; errors and warnings make it fail or print.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower() and "warning" not in result.stdout.lower(), result.stdout


def validate_metainfo(path: Path) -> None:
    result = subprocess.run([_tool("appstreamcli"), "validate", "--no-net", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def read_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.RawConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


# --- the shipped sources -----------------------------------------------------------------


def test_desktop_entry_validates():
    validate_desktop(DESKTOP_SRC)


def test_metainfo_validates():
    validate_metainfo(METAINFO_SRC)


def test_desktop_entry_contents():
    entry = read_entry(DESKTOP_SRC)
    assert entry["Type"] == "Application"
    assert entry["Name"] == reader.APP_NAME
    assert entry["Icon"] == APP_ID
    assert entry["Exec"] == "reader %U"  # paths, file:// URLs and reader:// links alike
    assert set(filter(None, entry["MimeType"].split(";"))) == MIME_TYPES | {SCHEME}
    assert entry["Terminal"] == "false"


def test_metainfo_is_consistent_with_the_app():
    root = ET.parse(METAINFO_SRC).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == reader.APP_NAME
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.findtext("icon") == APP_ID
    assert root.find("description/p") is not None
    releases = [r.get("version") for r in root.iter("release")]
    assert releases and releases[0] == reader.__version__, "the newest release comes first"
    shots = [img.text for img in root.iter("image")]
    assert shots and all(url.startswith("https://") and "/resources/screenshots/" in url for url in shots)
    assert {m.text for m in root.iter("mediatype")} == MIME_TYPES


def test_file_names_use_the_application_id():
    assert DESKTOP_SRC.name == resources.DESKTOP_FILE
    assert METAINFO_SRC.name == resources.METAINFO_FILE
    assert resources.desktop_entry_path().read_bytes() == DESKTOP_SRC.read_bytes()


# --- Exec quoting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arg, expected",
    [
        ("/usr/bin/reader", "/usr/bin/reader"),
        ("/home/me/my apps/bin/reader", '"/home/me/my apps/bin/reader"'),
        ("/opt/100%/reader", "/opt/100%%/reader"),
        ('/odd"dir/reader', '"/odd\\\\"dir/reader"'),
        ("/odd$dir/reader", '"/odd\\\\$dir/reader"'),
        ("C:\\Apps\\reader", '"C:\\\\\\\\Apps\\\\\\\\reader"'),
    ],
)
def test_exec_quote(arg, expected):
    assert desktop.exec_quote(arg) == expected


def test_entry_with_an_awkward_path_validates(tmp_path):
    path = tmp_path / f"{APP_ID}.desktop"
    path.write_text(desktop.desktop_entry(["/home/me/My Apps (old)/bin/reader"]))
    validate_desktop(path)
    entry = read_entry(path)
    assert entry["Exec"] == '"/home/me/My Apps (old)/bin/reader" %U'
    assert entry["TryExec"] == "/home/me/My Apps (old)/bin/reader"


def test_data_home_follows_xdg():
    assert desktop.data_home({"XDG_DATA_HOME": "/x/data", "HOME": "/h"}) == Path("/x/data")
    assert desktop.data_home({"XDG_DATA_HOME": "relative", "HOME": "/h"}) == Path("/h/.local/share")
    assert desktop.data_home({"HOME": "/h"}) == Path("/h/.local/share")


def test_launcher_is_this_installation():
    command = desktop.launcher()
    assert Path(command[0]).is_absolute() and Path(command[0]).exists()
    # this environment's console script, else this interpreter with -m reader
    assert Path(command[0]).stem == "reader" or command[1:] == ["-m", "reader"], command


# --- install / uninstall through the real command ------------------------------------------


def _run(args, data_home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, XDG_DATA_HOME=str(data_home))
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, env=env, timeout=60)


def test_install_and_uninstall_desktop(tmp_path):
    data_home = tmp_path / "share"
    result = _run(["--install-desktop"], data_home)
    assert result.returncode == 0, result.stderr

    installed = data_home / "applications" / f"{APP_ID}.desktop"
    validate_desktop(installed)
    entry = read_entry(installed)
    command = entry["Exec"]
    assert command.endswith(" %U")
    program = entry["TryExec"]
    assert Path(program).is_absolute() and os.access(program, os.X_OK), program
    assert command.startswith(program) or command.startswith(f'"{program}"')
    assert set(filter(None, entry["MimeType"].split(";"))) == MIME_TYPES | {SCHEME}

    hicolor = data_home / "icons" / "hicolor"
    for size in resources.APP_ICON_SIZES:
        png = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (hicolor / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (hicolor / "symbolic" / "apps" / f"{APP_ID}-symbolic.svg").is_file()
    metainfo = data_home / "metainfo" / f"{APP_ID}.metainfo.xml"
    validate_metainfo(metainfo)
    assert f"installed {installed}" in result.stdout

    if shutil.which("update-desktop-database"):
        cache = (data_home / "applications" / "mimeinfo.cache").read_text()
        assert f"text/html={APP_ID}.desktop;" in cache
        assert f"{SCHEME}={APP_ID}.desktop;" in cache  # reader:// links find Reader

    # The installed command really starts this Reader.
    version = subprocess.run([*_split_exec(command), "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == f"reader {reader.__version__}", version.stderr

    # Installing again is harmless.
    assert _run(["--install-desktop"], data_home).returncode == 0

    result = _run(["--uninstall-desktop"], data_home)
    assert result.returncode == 0, result.stderr
    left = [p for p in data_home.rglob("*") if p.is_file() and APP_ID in p.name]
    assert left == []
    assert f"removed {installed}" in result.stdout
    if shutil.which("update-desktop-database"):
        assert APP_ID not in (data_home / "applications" / "mimeinfo.cache").read_text()

    result = _run(["--uninstall-desktop"], data_home)
    assert result.returncode == 0 and "nothing to remove" in result.stdout


def _split_exec(exec_value: str) -> list[str]:
    """The argv of an Exec value without its field codes (enough for our own entries)."""
    import shlex

    value = exec_value.replace("\\\\", "\\").replace("%%", "%")
    return [arg for arg in shlex.split(value) if not arg.startswith("%")]


def test_help_lists_the_desktop_options():
    result = subprocess.run([sys.executable, "-m", "reader", "--help"], capture_output=True, text=True)
    assert "--install-desktop" in result.stdout and "--uninstall-desktop" in result.stdout


def test_metainfo_screenshots_exist_in_the_repository():
    """The metainfo points at resources/screenshots/ as published: the files must be there."""
    folder = ROOT / "resources" / "screenshots"
    if not any(folder.glob("*.png")):
        pytest.skip("no screenshots in resources/screenshots/ (packaging/screenshots.py makes them)")
    root = ET.parse(METAINFO_SRC).getroot()
    for url in (img.text for img in root.iter("image")):
        name = url.rsplit("/resources/screenshots/", 1)[1]
        assert (folder / name).is_file(), f"the metainfo shows {name}, which is not in resources/screenshots/"
