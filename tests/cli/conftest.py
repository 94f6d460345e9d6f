"""The `reader` command on temporary libraries, run in-process (as sqlite-utils
tests its CLI): `reader.cli.main(args)` with its output captured. A few tests
(tests/cli/test_entry_point.py, tests/reliability) start the real command."""

import contextlib
import io
import os
import subprocess
import sys

import pytest

from reader import cli


@pytest.fixture
def run(tmp_path, monkeypatch, library_at):
    """run(*args, library="lib", check=True): `reader ARGS` with READER_LIBRARY set to
    tmp_path/library (on PostgreSQL: a database of its own), in tmp_path; returns a
    CompletedProcess (returncode, stdout, stderr); raises on a non-zero exit unless check=False."""
    monkeypatch.chdir(tmp_path)

    def run(*args, library="lib", check=True):
        args = [str(a) for a in args]
        monkeypatch.setenv("READER_LIBRARY", str(library_at(library)))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(args)
            except SystemExit as exc:  # argparse: usage errors and --help
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        result = subprocess.CompletedProcess(["reader", *args], code, out.getvalue(), err.getvalue())
        if check and result.returncode != 0:
            raise AssertionError(f"reader {args} exited {result.returncode}: {result.stderr}")
        return result

    return run


@pytest.fixture
def run_command(tmp_path, library_at):
    """The real `python -m reader ARGS` in a child process (the entry point itself)."""

    def run_command(*args, library="lib", timeout=120):
        env = {**os.environ, "READER_LIBRARY": str(library_at(library))}
        return subprocess.run(
            [sys.executable, "-m", "reader", *map(str, args)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=timeout,
        )

    return run_command
