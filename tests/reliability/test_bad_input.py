"""Bad input: a generated corpus of broken, huge, hostile and odd files.

Every file ends as exactly one clear outcome line naming it and saying why;
never a crash, a hang or half an article.
"""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from genpages import article, png

from reader.core.importing import formats

TIMEOUT = 120  # the whole corpus; a hang fails instead of blocking CI


def mime(parts: str, boundary: str = "b1") -> bytes:
    return (f'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="{boundary}"\r\n\r\n{parts}').encode()


def html_part(body: str, encoding: str = "quoted-printable") -> str:
    return f"--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{body}\r\n"


SCRIPT_NAMES = [
    "статья-о-реках",
    "河流的故事",
    "川の物語",
    "강의-이야기",
    "قصة-النهر",
    "סיפור-הנהר",
    "नदी-की-कहानी",
    "เรื่องของแม่น้ำ",
    "ποτάμι",
    "Ελληνικά και English",
    "ríos-y-café",
    "emoji-🌊🐟",
    "combining-e\u0301",
    "tab\there",
    "new\nline",
    "back\\slash",
    "-starts-with-dash",
    " leading space",
    "quote'\"s",
    "semi;colon&amp",
    "ሰላም",
    "ᓀᐦᐃᔭᐍᐏᐣ",
    "zero\u200bwidth",
    "rtl\u202eevil\u202c",
]


def build_corpus(root: Path) -> dict[str, tuple[str, str]]:
    """Write the corpus; returns {relative name: (expected status, reason pattern)}."""
    root.mkdir(parents=True, exist_ok=True)
    expected: dict[str, tuple[str, str]] = {}

    def put(name: str, data: bytes | str, status: str, reason: str = "") -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        expected[name] = (status, reason)
        return path

    good = article(1)
    put("empty.html", b"", "failed", r"empty file \(0 bytes\)")
    put("whitespace.html", b" \r\n\t \n" * 50, "failed", "only whitespace")
    put("nul-bytes.html", b"\x00" * 100, "failed", "binary")
    put("binary.html", os.urandom(5000), "failed", "binary")
    put("elf.htm", b"\x7fELF\x02\x01\x01" + os.urandom(3000), "failed", "binary")
    put("pdf-named.html", b"%PDF-1.5\n" + os.urandom(3000), "failed", "binary")
    put("gzip.html", b"\x1f\x8b\x08\x00" + os.urandom(3000), "failed", "binary")
    put(
        "truncated-utf8.html",
        article(2, seed=2).replace("Entry", "Éntrée").encode()[:-7] + "é".encode()[:1],
        "imported",
    )
    put(
        "mixed-encodings.html",
        article(3).encode()[:600] + "Größe ".encode("cp1252") + "naïve ".encode() + article(3).encode()[600:],
        "imported",
    )
    put("latin1-undeclared.html", article(4).replace("Entry", "Année").encode("cp1252"), "imported")
    put(
        "only-nav.html",
        "<html><body><nav>"
        + " ".join(f"<a href='/s{i}'>Section {i}</a>" for i in range(80))
        + "</nav><header><ul><li><a href='/'>Home</a></li></ul></header></body></html>",
        "any",
    )
    put(
        "only-markup.html",
        "<html><head><title></title></head><body><div><span></span></div></body></html>",
        "failed",
        "no readable text",
    )
    put(
        "deep-20000.html",
        "<html><body>"
        + "<div>" * 20_000
        + "<p>Words at the very bottom of the page.</p>"
        + "</div>" * 20_000
        + "</body></html>",
        "imported",
    )
    put("deep-unclosed.html", "<html><body><p>Start. " + "<b>bold " * 20_000 + "</p></body></html>", "imported")
    put(
        "million-elements.html",
        "<html><body><p>" + "<i>x</i>" * 1_000_000 + "</p></body></html>",
        "failed",
        "too many elements",
    )
    # Known: extract.whole_page_tree turns a body holding only a <script> into the
    # script's text (harmless, never run; reported to the extraction owner).
    put("script-only.html", "<html><body><script>" + "var x = 1;" * 1000 + "</script></body></html>", "any")
    huge = root / "huge-100MB.html"
    with huge.open("wb") as f:  # sparse: no room taken on disk
        f.write(b"<html><body><p>")
        f.truncate(100 * 1024 * 1024)
    expected[huge.name] = ("failed", r"too large \(100 MB; the limit is 50 MB\)")

    # MHTML that is broken in every way the email package tolerates.
    put(
        "mhtml/no-html-part.mhtml",
        mime("--b1\r\nContent-Type: image/png\r\n\r\nxx\r\n--b1--\r\n"),
        "failed",
        "no HTML part",
    )
    put(
        "mhtml/not-multipart.mht",
        b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello\r\n",
        "failed",
        "malformed MHTML",
    )
    put(
        "mhtml/headers-only.mhtml",
        b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n",
        "failed",
        "malformed MHTML",
    )
    put("mhtml/never-closed.mhtml", mime(html_part(good.replace("=", "=3D"))), "imported")
    put(
        "mhtml/bad-base64.mhtml",
        mime(html_part("!!!not base64!!!" * 10, "base64") + "--b1--\r\n"),
        "failed",
        "invalid base64",
    )
    put("mhtml/garbage.mht", os.urandom(4000), "failed", "")
    put("mhtml/plain-html.mht", article(5), "imported")
    nested = "".join(f"--n{i}\r\nContent-Type: multipart/related; boundary=n{i + 1}\r\n\r\n" for i in range(3000))
    put("mhtml/nested-3000.mhtml", mime(nested, boundary="n0"), "failed", "")

    # A "complete" save whose folder holds broken, huge and lying images.
    files = root / "broken-images_files"
    files.mkdir()
    (files / "good.png").write_bytes(png(30, 20))
    (files / "garbage.png").write_bytes(os.urandom(2000))
    (files / "truncated.png").write_bytes(png(30, 20)[:30])
    (files / "bomb.png").write_bytes(
        png(1, 1).replace(b"\x00\x00\x00\x01\x00\x00\x00\x01", b"\x00\x00\xc3\x50\x00\x00\xc3\x50", 1)
    )
    with (files / "huge.png").open("wb") as f:
        f.write(png(30, 20))
        f.truncate(30 * 1024 * 1024)
    (files / "empty.jpg").write_bytes(b"")
    (files / "dir.png").mkdir()
    imgs = "".join(
        f"<img src='broken-images_files/{n}' alt=''>"
        for n in (
            "good.png",
            "garbage.png",
            "truncated.png",
            "bomb.png",
            "huge.png",
            "empty.jpg",
            "dir.png",
            "missing.png",
        )
    )
    put("broken-images.html", article(6).replace("</article>", f"<p>{imgs}</p></article>"), "imported")

    # Symlink loops and dangling links inside dropped folders.
    loops = root / "loops"
    loops.mkdir()
    (loops / "again").symlink_to("..")
    (loops / "self").symlink_to(".")
    (loops / "a.html").symlink_to("b.html")
    (loops / "b.html").symlink_to("a.html")
    (loops / "dangling.html").symlink_to("nowhere.html")
    expected["loops/a.html"] = ("failed", "symbolic links")
    expected["loops/b.html"] = ("failed", "symbolic links")
    expected["loops/dangling.html"] = ("failed", "No such file|not found")
    put("loops/real.html", article(7), "imported")

    (root / "device.html").symlink_to("/dev/zero")
    # A link leading out of the imported folder is left out (named directly, it
    # is read: tests/reliability/test_odd_inputs.py).
    expected["device.html"] = ("skipped", "outside the folder")

    for i, stem in enumerate(SCRIPT_NAMES):
        put(f"names/{stem}.html", article(100 + i), "imported")
    raw = os.fsencode(root / "names") + b"/latin1-caf\xe9.html"
    with open(raw, "wb") as f:
        f.write(article(200).encode())
    expected[os.fsdecode(raw)[len(str(root)) + 1 :]] = ("imported", "")
    return expected


def shown(name: str) -> str:
    """How the CLI prints a name: one line, nothing unprintable."""
    from reader.cli import shown_path

    return shown_path(name)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad") / "corpus"
    return root, build_corpus(root)


def test_every_bad_input_ends_as_one_clear_line(corpus, tmp_path):
    root, expected = corpus
    result = subprocess.run(
        [sys.executable, "-m", "reader", "import", str(root), "--library", str(tmp_path / "lib")],
        capture_output=True,
        timeout=TIMEOUT,
    )
    stdout = result.stdout.decode("utf-8", "strict")
    stderr = result.stderr.decode("utf-8", "strict")
    assert "Traceback" not in stderr
    assert result.returncode == 1
    lines = stdout.splitlines() + stderr.splitlines()[:-1]
    summary = stderr.splitlines()[-1]
    # Images skipped for their size are named, one line each, after their page's line.
    warnings = [line for line in lines if line.startswith("warning: ")]
    lines = [line for line in lines if not line.startswith("warning: ")]
    images = shown(str(root / "broken-images.html"))
    assert sorted(
        w.split(": image skipped: ")[1].split(" ")[0] for w in warnings if w.startswith(f"warning: {images}: ")
    ) == ["bomb.png", "huge.png"], warnings
    for name, (status, reason) in expected.items():
        path = shown(str(root / name))
        mine = [
            line
            for line in lines
            if line.endswith(f"({path})")
            or line.startswith(f"failed: {path}: ")
            or line.startswith(f"skipped: {path}: ")
        ]
        assert len(mine) == 1, (name, mine)
        [line] = mine
        if status == "imported":
            assert line.startswith("imported "), line
        elif status in ("failed", "skipped"):
            assert line.startswith(f"{status}: "), line
            reason_text = line[len(f"{status}: {path}: ") :]
            assert reason_text and re.search(reason, reason_text), (name, reason_text)
    assert len(lines) == len(expected)  # one line per file, nothing else
    counts = {s: sum(1 for st, _ in expected.values() if st == s) for s in ("imported", "failed")}
    assert summary.endswith("failed, 1 skipped") and int(summary.split()[0]) >= counts["imported"]


def test_json_outcomes_name_every_file(corpus, tmp_path):
    """--json: valid JSON even for file names that are not UTF-8 or hold newlines."""
    from reader.cli import text_path

    root, expected = corpus
    names = {name: value for name, value in expected.items() if name.startswith("names/")}
    result = subprocess.run(
        [sys.executable, "-m", "reader", "import", str(root / "names"), "--json", "--library", str(tmp_path / "lib")],
        capture_output=True,
        timeout=TIMEOUT,
    )
    assert b"Traceback" not in result.stderr
    by_path = {o["path"]: o for o in json.loads(result.stdout)}
    assert len(by_path) == len(names)
    for name in names:
        assert by_path[text_path(str(root / name))]["status"] == "imported"


def test_unreadable_files_and_folders(tmp_path, monkeypatch, library):
    folder = tmp_path / "locked"
    folder.mkdir()
    secret = folder / "secret.html"
    secret.write_text(article(300))
    secret.chmod(0)
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "inside.html").write_text(article(301))
    closed.chmod(0)
    if os.geteuid() == 0:
        # root reads anything: make the operating system's refusal happen anyway.
        real_open, real_scandir = os.open, os.scandir

        def refusing_open(path, *args, **kwargs):
            if Path(os.fsdecode(path)) == secret:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        def refusing_scandir(path="."):
            if Path(os.fsdecode(path)) == closed:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_scandir(path)

        monkeypatch.setattr(formats.os, "open", refusing_open)
        monkeypatch.setattr(formats.os, "scandir", refusing_scandir)
    try:
        outcomes = library.import_paths([folder, closed], workers=1)
    finally:
        closed.chmod(0o755)
        secret.chmod(0o644)
    by_name = {Path(o.path).name: o for o in outcomes}
    assert by_name["secret.html"].status == "failed" and "Permission denied" in by_name["secret.html"].error
    assert by_name["closed"].status == "failed" and "Permission denied" in by_name["closed"].error


def test_the_same_corpus_through_the_library_api(corpus, library):
    """In process, one worker: every file gets exactly one outcome and nothing half-written."""
    root, expected = corpus
    outcomes = library.import_paths([root], workers=1)
    assert len(outcomes) == len(expected)
    assert all(o.status in ("imported", "failed", "duplicate", "skipped") for o in outcomes)
    assert all(o.error for o in outcomes if o.status in ("failed", "skipped"))
    assert [Path(o.path).name for o in outcomes if o.status == "skipped"] == ["device.html"]
    imported = [o for o in outcomes if o.status == "imported"]
    for outcome in imported:
        article_ = library.get(outcome.id)
        assert article_.text.strip() and article_.html.strip()
    broken = next(o for o in outcomes if o.path.endswith("broken-images.html"))
    assert len(library.get(broken.id).images) == 1  # only the good picture
    deep = next(o for o in outcomes if o.path.endswith("deep-20000.html"))
    assert "Words at the very bottom" in library.get(deep.id).text
    assert library.check() == []
