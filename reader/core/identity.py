"""The display name recorded with your highlights and notes, one per person and
computer, shared by the window (File > Your Name…) and the command line
(`reader name`).

It is $READER_USER (or `--user`) for one run, else the name you stored, else
your login name. The stored name lives in a small file of its own in the
platform's config folder (or $READER_CONFIG_DIR): not in a library, which
several people may share, and not in the window's Qt settings, which the
command line does not load.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from reader import APP_NAME

USER_ENV = "READER_USER"
CONFIG_ENV = "READER_CONFIG_DIR"
FILE_NAME = "identity.json"


def config_file() -> Path:
    folder = os.environ.get(CONFIG_ENV)
    if not folder:
        from platformdirs import user_config_dir  # 3 ms: only when the file is read

        folder = user_config_dir(APP_NAME, appauthor=False)
    return Path(folder).expanduser() / FILE_NAME


def tidy(name: str) -> str:
    return " ".join(name.split())


def login_name() -> str:
    """The name used when none is set: the OS user."""
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return "unknown"


def stored_name() -> str:
    """The name you stored, or "" (none stored, or a file that cannot be read:
    a name is not worth failing a command for)."""
    try:
        value = json.loads(config_file().read_text(encoding="utf-8")).get("name", "")
    except (OSError, ValueError, AttributeError):
        return ""
    return tidy(value) if isinstance(value, str) else ""


def store_name(name: str) -> None:
    """Store `name` (empty: forget it, your login name again), all or nothing."""
    path = config_file()
    name = tidy(name)
    if not name:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".identity-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"name": name}, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def display_name(stored: str | None = None) -> str:
    """$READER_USER for this run, else the stored name (read unless given), else the login name."""
    return tidy(os.environ.get(USER_ENV, "")) or (stored_name() if stored is None else stored) or login_name()


def name_source() -> str:
    """Where display_name() comes from, in words."""
    if tidy(os.environ.get(USER_ENV, "")):
        return f"${USER_ENV} (or --user), for this run"
    if stored_name():
        return f"stored in {config_file()}"
    return "your login name (none stored)"
