"""Inputs that used to get in, or got the wrong message (one line each, naming the file)."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "article.html"


def outcomes_by_name(library, *paths):
    return {Path(o.path).name: o for o in library.import_paths(list(paths), workers=1)}


def test_files_that_are_not_web_pages_are_refused(library, tmp_path):
    letters = tmp_path / "binary.html"
    letters.write_bytes(b"D" * 200_000)  # what `bytes(Random(1).randrange(256) for ...)` really makes
    noise = tmp_path / "noise.html"
    rng = random.Random(1)
    noise.write_bytes(rng.randbytes(200_000))
    found = outcomes_by_name(library, letters, noise)
    assert found["binary.html"].status == "failed" and "not a web page" in found["binary.html"].error
    assert found["noise.html"].status == "failed" and "binary data" in found["noise.html"].error
    assert library.count() == 0


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_links_in_a_dropped_folder_stay_inside_it(library, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(FIXTURE, drop / "a.html")
    secret = tmp_path / "secret.html"
    secret.write_text(
        FIXTURE.read_text()
        .replace("Quiet Rivers", "Private Diary")
        .replace("example.org/2024", "e.org/d")
        .replace("quiet in winter", "dear diary")
    )
    (drop / "diary.html").symlink_to(secret)
    (drop / "up").symlink_to(tmp_path)  # the folder's own parent
    (drop / "passwd.html").symlink_to("/etc/passwd")
    (drop / "loop").symlink_to(drop / "loop")
    (drop / "again.html").symlink_to(drop / "a.html")  # inside: fine
    found = outcomes_by_name(library, drop)
    assert found["a.html"].status == "imported"
    for name in ("diary.html", "up", "passwd.html"):
        assert found[name].status == "skipped" and "outside the folder" in found[name].error, name
    assert found["again.html"].status == "duplicate"
    assert [a.title for a in library.iter_articles()] == ["The Quiet Rivers of the North"]
    # A file the user names directly is imported wherever its link leads.
    [direct] = library.import_paths([drop / "diary.html"], workers=1)
    assert direct.status == "imported"


def test_a_long_file_name_and_a_link_loop_among_its_images(library, tmp_path):
    long_name = tmp_path / ("x" * 250 + ".html")  # 255 bytes: legal; its _files folder name is not
    shutil.copy(FIXTURE, long_name)
    [outcome] = library.import_paths([long_name], workers=1)
    assert outcome.status == "imported", outcome.error
    page = tmp_path / "pics" / "p.html"
    page.parent.mkdir()
    page.write_text(
        FIXTURE.read_text()
        .replace("</article>", '<img src="p_files/loop/x.png"><img src="p_files/self.png"></article>')
        .replace("Quiet Rivers", "Loud Rivers")
        .replace("example.org/2024", "e.org/l")
        .replace("quiet in winter", "loud")
    )
    (tmp_path / "pics" / "p_files").mkdir()
    (tmp_path / "pics" / "p_files" / "loop").symlink_to("loop")
    (tmp_path / "pics" / "p_files" / "self.png").symlink_to("self.png")
    [outcome] = library.import_paths([page], workers=1)
    assert outcome.status == "imported", outcome.error  # the images are skipped, not the page


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_a_file_whose_size_reads_zero_is_read_anyway(library, tmp_path):
    link = tmp_path / "status.html"
    link.symlink_to("/proc/self/status")
    [outcome] = library.import_paths([link], workers=1)
    assert outcome.status == "failed" and "empty" not in outcome.error and "no HTML" in outcome.error


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_named_directly_is_refused_without_reading_it(library, tmp_path):
    link = tmp_path / "zero.html"
    link.symlink_to("/dev/zero")
    [outcome] = library.import_paths([link], workers=1)
    assert outcome.status == "failed" and "not a regular file" in outcome.error


@pytest.mark.slow
def test_a_page_of_one_text_over_10_mb_is_imported(library, tmp_path):
    """libxml2 drops a text node over 10 MB unless told otherwise: the page said "no readable text"."""
    page = tmp_path / "long.html"
    page.write_text("<html><head><title>Long</title></head><body><p>" + "word " * 2_100_000 + "end</p></body></html>")
    [outcome] = library.import_paths([page], workers=1)
    assert outcome.status == "imported", outcome.error
    assert library.get(outcome.id).text.rstrip().endswith("word end")
