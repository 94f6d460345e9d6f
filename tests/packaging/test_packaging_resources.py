"""reader.resources (no Qt), the icons themselves, and the PyInstaller spec's Qt choices."""

from __future__ import annotations

import ast
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reader import APP_ID, resources

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    return struct.unpack(">II", data[16:24])


def test_resources_come_from_the_checkout_here():
    import reader

    if not Path(reader.__file__).resolve().is_relative_to(ROOT):
        pytest.skip("reader is imported from an installed wheel, not from this checkout")
    # In the source tree (and an editable install) there is no reader/_resources.
    assert not (ROOT / "reader" / "_resources").exists()
    assert Path(str(resources.root())) == ROOT / "resources"


def test_every_action_icon_is_a_themeable_svg():
    folder = ROOT / "resources" / "icons" / "actions"
    assert {p.stem for p in folder.glob("*.svg")} == set(resources.ACTION_ICONS)
    for name in resources.ACTION_ICONS:
        path = resources.icon_path(name)
        root = ET.parse(path).getroot()
        assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 24 24", name
        text = path.read_text()
        assert "currentColor" in text, f"{name} must draw in currentColor to follow the theme"
        colors = set(re.findall(r"#[0-9a-fA-F]{3,8}\b", text))
        assert not colors, f"{name} has fixed colours {colors}"
        recoloured = resources.icon_svg(name, "#eeeeec")
        assert b"currentColor" not in recoloured and b"#eeeeec" in recoloured
        ET.fromstring(recoloured)


def test_brief_icon_names_and_aliases():
    for name in (
        "import",
        "archive",
        "favorite",
        "tag",
        "delete",
        "search",
        "settings",
        "typography",
        "highlight",
        "note",
        "export",
        "open-original",
        "copy-link",
        "previous",
        "next",
    ):
        assert resources.icon_path(name).is_file()
    for alias, name in resources.ICON_ALIASES.items():
        assert resources.icon_path(alias) == resources.icon_path(name)
    with pytest.raises(resources.ResourceError, match="no icon named"):
        resources.icon_path("nope")
    with pytest.raises(ValueError):
        resources.icon_svg("next", "red; evil")


def test_app_icon_pngs():
    for size in resources.APP_ICON_SIZES:
        path = resources.app_icon_path(size)
        assert path.name == f"{APP_ID}.png"
        assert png_size(path) == (size, size)
    assert resources.APP_ICON_SIZES[0] == 16 and resources.APP_ICON_SIZES[-1] == 512
    assert resources.app_icon_path(20) == resources.app_icon_path(22)  # the next larger
    assert resources.app_icon_path(4096) == resources.app_icon_path(512)
    assert resources.app_icon_path().suffix == ".svg"
    ET.parse(resources.app_icon_path())
    with pytest.raises(resources.ResourceError):
        resources.app_icon_path(0)


def test_resources_module_has_no_qt():
    code = (
        "import sys, reader.resources as r, reader.desktop; r.icon_svg('next', '#000');"
        "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --- the PyInstaller spec -------------------------------------------------------------------


def _spec_list(name: str) -> list[str]:
    tree = ast.parse((ROOT / "packaging" / "reader.spec").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in packaging/reader.spec")


def test_spec_keeps_every_qt_module_the_app_uses():
    """The bundle excludes Qt modules Reader does not use; none of them may be imported."""
    used = set()
    for path in (ROOT / "reader").rglob("*.py"):
        used |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
        used |= {
            m
            for line in re.findall(r"from PySide6 import ([\w, ()]+)", path.read_text(encoding="utf-8"))
            for m in re.findall(r"Qt\w+", line)
        }
    excluded = set(_spec_list("qt_unused"))
    assert used, "the GUI imports Qt"
    assert not used & excluded, f"packaging/reader.spec excludes Qt modules the app imports: {used & excluded}"


def test_spec_ships_the_same_resources_as_the_wheel():
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    force_include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force_include == {f"resources/{name}": f"reader/_resources/{name}" for name in resources.RUNTIME_DIRS}
    spec = (ROOT / "packaging" / "reader.spec").read_text()
    assert "RUNTIME_DIRS" in spec and "reader/_resources/" in spec
    assert 'subdir="migrations", include_py_files=True' in spec
