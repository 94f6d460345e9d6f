"""The window and two `reader` processes on one library at once, for a while:
every write of each is kept, each side sees the others' within seconds, and the
library is whole afterwards (issue: integrity, section 1)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap
import time

import pytest

pytest.importorskip("pytestqt")

from gui_support import settle
from test_highlights import QUOTE, select

from reader.core.library import Library

# Each side writes for this long, and at least ROUNDS times however busy the machine is.
# 5 s gives each command about 20 rounds of writes beside the window's (about 60 writes
# interleaved); a process that opens the database file itself (DESIGN.md) fails in the first.
SECONDS = float(os.environ.get("READER_STRESS_SECONDS", "5"))
ROUNDS = 5


def page(name: str, i: int) -> str:
    words = " ".join(f"{name}{i}w{n}" for n in range(60))
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{name} {i}</title>"
        f"<link rel='canonical' href='https://example.org/{name}/{i}'></head><body><article>"
        f"<h1>{name} {i}</h1><p>Rivers and {words}.</p><p>More about rivers, {words}.</p></article></body></html>"
    )


# One `reader` process: the commands a script would run, in a loop, each opening
# and closing the library as the real command does (reader.cli.main in-process).
COMMANDS = r"""
import contextlib, io, json, sys, time
from pathlib import Path
from reader import cli

name, folder, pages, article_id, seconds, rounds = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4], float(sys.argv[5]), int(sys.argv[6])

def run(*args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli.main(["--library", folder, *map(str, args)])
    if code != 0:
        raise SystemExit(f"{name}: reader {' '.join(map(str, args))} exited {code}")
    return out.getvalue()

written, imported, seen = [], [], {}
deadline = time.monotonic() + seconds
i = 0
while i < rounds or time.monotonic() < deadline:
    page = pages / f"{name}-{i}.html"
    imported += [o["id"] for o in json.loads(run("import", "--json", "--workers", "1", page))]
    note = f"{name}-{i}@{time.time():.3f}"
    run("highlight", article_id, "--quote", "quiet", "--occurrence", "1", "--note", note, "--tag", name)
    written.append(note)
    run("tag", article_id, f"{name}-tag")
    run("note", imported[-1], f"note by {name} {i}")
    run("list", "--json")
    run("search", "rivers")
    shown = json.loads(run("show", article_id, "--format", "json"))
    now = time.time()
    for h in shown["highlights"]:
        seen.setdefault(h["note"], now)  # when this process first saw each highlight
    i += 1
run("export", "--all", "--format", "md", "--out", pages / f"export-{name}")
print(json.dumps({"written": written, "imported": imported, "seen": seen}))
"""


@pytest.mark.slow
def test_the_window_and_two_commands_share_a_library_for_a_while(library, article_page, make_window, qtbot, tmp_path):
    [rivers] = [o.id for o in library.import_paths([article_page], workers=1)]
    pages = tmp_path / "stress-pages"
    pages.mkdir()
    for name in ("a", "b"):
        for i in range(400):  # more than a run can use
            (pages / f"{name}-{i}.html").write_text(page(name, i))
    window = make_window(library, poll_ms=500)
    window.open_article(rivers)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                textwrap.dedent(COMMANDS),
                name,
                str(library.folder),
                str(pages),
                str(rivers),
                str(SECONDS),
                str(ROUNDS),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]

    mine: list[str] = []
    window_saw: dict[str, float] = {}
    deadline = time.monotonic() + SECONDS
    i = 0
    while i < ROUNDS or time.monotonic() < deadline:
        select(window.view, QUOTE)
        note = f"w-{i}@{time.time():.3f}"
        assert window.highlight_selection("green", note=note)
        mine.append(note)
        i += 1
        for _ in range(5):  # the window reading meanwhile: what its sidebar shows, and when
            qtbot.wait(60)
            now = time.time()
            for h in window.sidebar.model.highlights():
                window_saw.setdefault(h.note, now)
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=SECONDS * 10 + 120)
        assert process.returncode == 0, err[-2000:]
        reports.append(json.loads(out))
    settle(qtbot, window)
    qtbot.waitUntil(lambda: len(window.sidebar.model.highlights()) == len(library.highlights(rivers)), timeout=15000)
    for h in window.sidebar.model.highlights():
        window_saw.setdefault(h.note, time.time())

    # Every write of every side is there, once.
    theirs = [note for r in reports for note in r["written"]]
    with Library.open(library.folder) as after:
        notes = sorted(h.note for h in after.highlights(rivers))
        assert notes == sorted(mine + theirs)
        assert {"a", "b"} <= {t for h in after.highlights(rivers) for t in h.tags}
        imported = [i for r in reports for i in r["imported"]]
        assert len(imported) == len(set(imported)) and after.count() == 1 + len(imported)
        assert after.check() == []
    assert len(mine) >= 3 and all(len(r["written"]) >= 3 for r in reports)

    # How soon each side saw the others' writes (seconds after they were made).
    def delays(seen: dict[str, float], notes: list[str]) -> list[float]:
        return [seen[n] - float(n.split("@")[1]) for n in notes if n in seen]

    window_delays = delays(window_saw, theirs)
    command_delays = [d for r in reports for d in delays(r["seen"], mine)]
    figures = {
        "window_writes": len(mine),
        "command_writes": [len(r["written"]) for r in reports],
        "window_sees_median_s": round(statistics.median(window_delays), 2),
        "window_sees_max_s": round(max(window_delays), 2),
        "commands_see_median_s": round(statistics.median(command_delays), 2) if command_delays else None,
    }
    print(json.dumps(figures))
    assert len(window_delays) == len(theirs)  # the window saw every one of them
    assert figures["window_sees_median_s"] <= 10  # about 0.5 s on a quiet machine; generous for a loaded one
