"""`reader --install-desktop` / `--uninstall-desktop`: menu entry, icons and metainfo for
the current user, in the XDG data folder ($XDG_DATA_HOME, else ~/.local/share). No Qt here.

What is installed (APP_ID = io.github.reader.Reader):

    applications/APP_ID.desktop                 Exec= this installation's `reader` command
    icons/hicolor/<N>x<N>/apps/APP_ID.png       every PNG size, 16 to 512
    icons/hicolor/scalable/apps/APP_ID.svg
    icons/hicolor/symbolic/apps/APP_ID-symbolic.svg
    metainfo/APP_ID.metainfo.xml

then the desktop and icon caches are refreshed with update-desktop-database and
gtk-update-icon-cache when they are installed (desktops that watch the folders need neither).
Reader is offered for saved pages ("Open with"), never made the default for web pages:
that would take text/html away from the user's browser. It is the handler of the
`reader` URL scheme (x-scheme-handler/reader): the reader://open?article=...&highlight=...
links in exported notes start Reader at that highlight.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Mapping, Sequence
from pathlib import Path

from reader import APP_ID, resources

FLAGS = ("--install-desktop", "--uninstall-desktop")


def data_home(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_DATA_HOME if set to an absolute path (the spec says to ignore a relative one)."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    value = env.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path(env.get("HOME") or Path.home()) / ".local" / "share"


def launcher() -> list[str]:
    """The command that starts this installation of Reader, as argv."""
    if getattr(sys, "frozen", False):  # the PyInstaller bundle: its own executable
        return [str(Path(sys.executable).resolve())]
    names = ("reader.exe", "reader") if os.name == "nt" else ("reader",)
    folders = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    try:
        folders.append(sysconfig.get_path("scripts", f"{os.name}_user"))  # pip install --user
    except KeyError:  # pragma: no cover - a platform without a user scheme
        pass
    for folder in folders:
        for name in names:
            candidate = Path(folder) / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return [str(candidate)]
    return [str(Path(sys.executable).resolve()), "-m", "reader"]


_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def exec_quote(arg: str) -> str:
    """One argument for a desktop entry's Exec key (Desktop Entry spec, "The Exec key")."""
    if arg and not (_RESERVED & set(arg)):
        quoted = arg
    else:
        inner = "".join("\\" + c if c in '"`$\\' else c for c in arg)
        quoted = f'"{inner}"'
    # Then the escapes of the file format itself: a backslash is written "\\", a "%" as "%%".
    return quoted.replace("\\", "\\\\").replace("%", "%%")


def desktop_entry(command: Sequence[str]) -> str:
    """The shipped desktop entry with Exec (and TryExec) pointing at `command`."""
    # %U: files come as paths or file:// URLs, and reader://open?... links as they are.
    exec_line = " ".join(exec_quote(arg) for arg in command) + " %U"
    lines = []
    for line in resources.read_text("desktop", resources.DESKTOP_FILE).splitlines():
        if line.startswith("Exec="):
            # TryExec is a plain string (not quoted like Exec): only backslashes are escaped.
            lines.append("TryExec=" + command[0].replace("\\", "\\\\"))
            line = f"Exec={exec_line}"
        elif line.startswith("TryExec="):
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def planned_files(base: Path) -> dict[Path, Path | None]:
    """Target path -> source path (None for the desktop entry, which is generated)."""
    hicolor = resources.hicolor_dir()
    plan: dict[Path, Path | None] = {base / "applications" / resources.DESKTOP_FILE: None}
    for size in resources.APP_ICON_SIZES:
        rel = Path(f"{size}x{size}") / "apps" / f"{APP_ID}.png"
        plan[base / "icons" / "hicolor" / rel] = hicolor / rel
    for rel in (Path("scalable") / "apps" / f"{APP_ID}.svg", Path("symbolic") / "apps" / f"{APP_ID}-symbolic.svg"):
        plan[base / "icons" / "hicolor" / rel] = hicolor / rel
    plan[base / "metainfo" / resources.METAINFO_FILE] = resources.metainfo_path()
    return plan


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def install(base: Path | None = None, command: Sequence[str] | None = None) -> list[Path]:
    """Install for the current user; returns the files written."""
    base = data_home() if base is None else base
    command = launcher() if command is None else list(command)
    written = []
    for target, source in planned_files(base).items():
        data = desktop_entry(command).encode("utf-8") if source is None else source.read_bytes()
        _write(target, data)
        written.append(target)
    refresh_caches(base)
    return written


def uninstall(base: Path | None = None) -> list[Path]:
    """Remove what install() wrote; returns the files removed (absent ones are skipped)."""
    base = data_home() if base is None else base
    removed = []
    for target in planned_files(base):
        try:
            target.unlink()
        except FileNotFoundError:
            continue
        removed.append(target)
    refresh_caches(base)
    return removed


def refresh_caches(base: Path) -> list[str]:
    """Run the cache tools that are installed; a missing or failing tool is not an error."""
    ran = []
    jobs = [
        ("update-desktop-database", ["-q", str(base / "applications")], base / "applications"),
        ("gtk-update-icon-cache", ["-q", "-f", "-t", str(base / "icons" / "hicolor")], base / "icons" / "hicolor"),
    ]
    for tool, args, folder in jobs:
        exe = shutil.which(tool)
        if exe is None or not folder.is_dir():
            continue
        try:
            subprocess.run([exe, *args], check=False, timeout=60, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            continue
        ran.append(tool)
    return ran


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="reader",
        description="Add Reader to (or remove it from) your applications menu, for your user only.",
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument(
        "--install-desktop",
        action="store_true",
        help="install the menu entry, icons and metainfo under $XDG_DATA_HOME (default ~/.local/share)",
    )
    group.add_argument("--uninstall-desktop", action="store_true", help="remove them")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        if args.install_desktop:
            files = install()
            verb = "installed"
        else:
            files = uninstall()
            verb = "removed"
    except (OSError, resources.ResourceError) as exc:
        print(f"reader: {exc}", file=sys.stderr)
        return 1
    for path in files:
        print(f"{verb} {path}")
    if not files:
        print("reader: nothing to remove" if args.uninstall_desktop else "reader: nothing installed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
