"""Finding Reader's runtime resources (icons, the desktop entry and metainfo). No Qt here.

Where the files live, and why:

The sources are kept in the repository's top-level ``resources/`` folder (the issue asks for
the icons there, and designers find them there). They are not duplicated under ``reader/``;
instead each place the app can run from sees them as the package-relative folder
``reader/_resources``:

- an installed wheel: ``pyproject.toml`` maps ``resources/icons`` and ``resources/desktop``
  into the wheel as ``reader/_resources/...`` (hatch ``force-include``);
- the PyInstaller bundle: ``packaging/reader.spec`` adds the same folders as data files at
  the same place, ``<bundle>/_internal/reader/_resources``;
- a source checkout or an editable install (``pip install -e .``): there is no
  ``reader/_resources``, so we fall back to ``resources/`` beside the package.

A package on disk (every case above) is read as plain files; only a zipped install goes
through :func:`importlib.resources.files` (files are then extracted once to a temporary folder
by :func:`path`). importlib.resources costs the window's start-up a few milliseconds to import.

Toolbar icons are monochrome SVGs drawn with ``currentColor``; :func:`icon_svg` returns one
recoloured for the current theme (the Qt side turns those bytes into a QIcon).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from reader import APP_ID

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

#: The subfolders of ``resources/`` that are shipped and found at run time. The wheel
#: (``pyproject.toml``) and the PyInstaller spec ship exactly these; a test checks both.
RUNTIME_DIRS = ("icons", "desktop")

#: The PNG sizes of the application icon, each in ``icons/hicolor/<N>x<N>/apps/``.
APP_ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)

#: The toolbar/action icons in ``icons/actions/`` (monochrome, ``currentColor``).
ACTION_ICONS = (
    "import",
    "archive",
    "favorite",
    "favorite-filled",
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
    "inbox",
    "sidebar",
    "up",
    "down",
    "close",
    "info",
    "review",
)

#: Other names the window uses for some of them.
ICON_ALIASES = {
    "star": "favorite",
    "star-filled": "favorite-filled",
    "trash": "delete",
    "external": "open-original",
    "link": "copy-link",
    "type": "typography",
}

DESKTOP_FILE = f"{APP_ID}.desktop"
METAINFO_FILE = f"{APP_ID}.metainfo.xml"

_PACKAGE_DIR = "_resources"
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")


class ResourceError(LookupError):
    """A resource that Reader does not ship (an unknown name or size)."""


@functools.cache
def root() -> Traversable:
    """The folder holding ``icons/`` and ``desktop/``: in the package, else in the checkout."""
    package = Path(__file__).parent
    if package.is_dir():  # a package on disk, not in a zip
        packaged: Traversable = package / _PACKAGE_DIR
    else:
        from importlib import resources

        packaged = resources.files("reader") / _PACKAGE_DIR
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if (checkout / "icons").is_dir():
        return checkout
    raise ResourceError(
        "Reader's resources are missing: expected reader/_resources in the installed package "
        f"or resources/ beside the source tree ({checkout})"
    )


def files(*parts: str) -> Traversable:
    """A resource as a Traversable (may live in a zip); ``files("icons", "actions")``."""
    node = root()
    for part in parts:
        node = node / part
    return node


_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def path(*parts: str) -> Path:
    """A resource as a real file-system path (extracted once if the package is zipped)."""
    node = files(*parts)
    if isinstance(node, Path):
        if not node.exists():
            raise ResourceError(f"no resource {'/'.join(parts)} in {root()}")
        return node
    if not node.is_file() and not node.is_dir():
        raise ResourceError(f"no resource {'/'.join(parts)} in {root()}")
    from importlib import resources

    return _extracted.enter_context(resources.as_file(node))


def read_bytes(*parts: str) -> bytes:
    node = files(*parts)
    if not node.is_file():
        raise ResourceError(f"no resource {'/'.join(parts)} in {root()}")
    return node.read_bytes()


def read_text(*parts: str) -> str:
    return read_bytes(*parts).decode("utf-8")


# --- icons ---------------------------------------------------------------------------------


def _icon_name(name: str) -> str:
    name = ICON_ALIASES.get(name, name)
    if name not in ACTION_ICONS:
        raise ResourceError(f"no icon named {name!r}; known: {', '.join(ACTION_ICONS)}")
    return name


def icon_path(name: str) -> Path:
    """The SVG of a toolbar/action icon, e.g. ``icon_path("archive")``."""
    return path("icons", "actions", f"{_icon_name(name)}.svg")


def icon_svg(name: str, color: str | None = None) -> bytes:
    """A toolbar icon's SVG, drawn in ``color`` (``#rgb``/``#rrggbb``) instead of currentColor.

    With no colour the SVG keeps ``currentColor``, which Qt's SVG renderer paints black.
    """
    data = read_bytes("icons", "actions", f"{_icon_name(name)}.svg")
    if color is None:
        return data
    if not _COLOR.fullmatch(color):
        raise ValueError(f"not a #rgb or #rrggbb colour: {color!r}")
    return data.replace(b"currentColor", color.encode("ascii"))


def app_icon_path(size: int | None = None) -> Path:
    """The application icon: the scalable SVG, or the PNG of ``size`` pixels.

    A size Reader has no PNG for gives the next larger one (or the largest).
    """
    if size is None:
        return path("icons", "hicolor", "scalable", "apps", f"{APP_ID}.svg")
    if size <= 0:
        raise ResourceError(f"icon size must be positive, not {size}")
    chosen = next((s for s in APP_ICON_SIZES if s >= size), APP_ICON_SIZES[-1])
    return path("icons", "hicolor", f"{chosen}x{chosen}", "apps", f"{APP_ID}.png")


def app_icon_paths() -> dict[int, Path]:
    """Every PNG size of the application icon, for a QIcon with one file per size."""
    return {size: app_icon_path(size) for size in APP_ICON_SIZES}


def hicolor_dir() -> Path:
    """The ``hicolor`` icon-theme tree (``<size>/apps/<APP_ID>.png``, scalable, symbolic)."""
    return path("icons", "hicolor")


# --- desktop integration --------------------------------------------------------------------


def desktop_entry_path() -> Path:
    return path("desktop", DESKTOP_FILE)


def metainfo_path() -> Path:
    return path("desktop", METAINFO_FILE)
