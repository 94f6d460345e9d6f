"""The real `reader` command, run on temporary libraries."""

import os
import subprocess
import sys

import pytest


@pytest.fixture
def run(tmp_path):
    """run(*args, library="lib", check=True): `python -m reader ARGS` with READER_LIBRARY
    set to tmp_path/library; raises on a non-zero exit unless check=False."""

    def run(*args, library="lib", check=True):
        env = {**os.environ, "READER_LIBRARY": str(tmp_path / library)}
        result = subprocess.run([sys.executable, "-m", "reader", *map(str, args)], capture_output=True,
                                text=True, env=env, cwd=tmp_path)
        if check and result.returncode != 0:
            raise AssertionError(f"reader {args} exited {result.returncode}: {result.stderr}")
        return result

    return run
