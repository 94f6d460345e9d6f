"""Every kind of saved page, built by the test itself, becomes one article (or one clear reason)."""

from __future__ import annotations

import base64
import email.policy
import re
import shutil
import struct
import tracemalloc
import zlib
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest
from lxml import html as lxml_html

from reader.core.domain import page_values
from reader.core.importing import formats
from reader.core.importing.depth import too_deep
from reader.core.importing.formats import ImportFailure, find_pages, load_page, page_from_bytes
from reader.core.importing.images import image_size, usable_image
from reader.core.importing.pipeline import prepare

PARAGRAPHS = [
    "The harbour master keeps a ledger of every boat that enters the bay, written in pencil so that the "
    "salt air cannot smudge it. Her grandmother kept the same ledger, and the shelves of the office hold "
    "ninety years of arrivals and departures.",
    "In the spring the herring return and the ledger fills with the names of boats from three countries. "
    "Some of them have come to this harbour for generations; others arrive once and are never seen again.",
    "Reading the old volumes, one learns how the town changed: steam replaced sail, diesel replaced steam, "
    "and the fleet shrank from two hundred boats to fewer than thirty working vessels today.",
    "Still the harbour master writes every name, because, she says, a boat that is not written down has "
    "not really arrived, and a town that forgets its boats forgets itself.",
]


def png(width: int = 40, height: int = 30, color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    raw = b"".join(b"\x00" + bytes(color) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def jpeg_header(width: int = 64, height: int = 48) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def gif(width: int = 20, height: int = 10) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00;"


def article_html(
    title: str = "The Harbour Ledger",
    head: str = "",
    before: str = "",
    figure: str = "",
    prologue: str = "",
    marker: str = "",
) -> str:
    paragraphs = "\n".join(f"<p>{p} {marker}</p>" for p in PARAGRAPHS)
    return (
        f"<!DOCTYPE html>{prologue}<html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1>{before}{paragraphs}{figure}</article>"
        f"<footer>Contact us</footer></body></html>"
    )


def import_one(library, path):
    [outcome] = library.import_paths([path], workers=1)
    assert outcome.status == "imported", outcome
    return library.get(outcome.id)


# -- "Web page, complete": page.html + page_files/ -------------------------------


@pytest.mark.parametrize("folder_suffix", ["_files", ".files", "-Dateien"])
def test_complete_save_brings_images_into_the_library(library, tmp_path, folder_suffix):
    saved = tmp_path / "saved"
    files = saved / f"harbour{folder_suffix}"
    files.mkdir(parents=True)
    (files / "boats.png").write_bytes(png(80, 60))
    (files / "ledger photo.jpg").write_bytes(jpeg_header())
    (files / "pixel.gif").write_bytes(gif(1, 1))
    (files / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10)
    (files / "script.js").write_text("alert(1)")
    figure = (
        f"<figure><img src='harbour{folder_suffix}/boats.png' alt='Boats in the bay'>"
        "<figcaption>Boats in the bay at dawn</figcaption></figure>"
        f"<p>The ledger itself: <img src='./harbour{folder_suffix}/ledger%20photo.jpg' alt='ledger'> "
        f"and a counter <img src='harbour{folder_suffix}/pixel.gif' alt=''>"
        f"<img src='harbour{folder_suffix}/broken.png' alt=''>"
        "<img src='https://cdn.example.com/remote.jpg' alt='A map of the coast'> remains.</p>"
        "<p><img src='../../../../etc/hostname' alt=''><img src='/etc/passwd' alt=''></p>"
    )
    page = saved / "harbour.html"
    page.write_text(article_html(figure=figure))
    article = import_one(library, page)
    assert len(article.images) == 2
    for name in article.images:
        assert f'src="asset:{name}"' in article.html
    assert "cdn.example.com" not in article.html and "etc/" not in article.html
    assert "A map of the coast" not in article.text  # a remote image's alt text is not article text
    assert article.text.count("Boats in the bay at dawn") == 1  # the caption stays, once

    shutil.rmtree(saved)  # the originals are gone; the library keeps its own copies
    mimes = sorted(library.asset(article.id, name)[0] for name in article.images)
    assert mimes == ["image/jpeg", "image/png"]
    png_name = next(n for n in article.images if n.endswith(".png"))
    assert library.asset(article.id, png_name)[1] == png(80, 60)


def test_resource_folder_is_not_searched_for_pages(tmp_path):
    (tmp_path / "a_files").mkdir()
    (tmp_path / "a_files" / "frame.html").write_text("<p>an iframe of the page</p>")
    (tmp_path / "a.html").write_text(article_html())
    assert [(p.name, r) for p, r in find_pages([tmp_path])] == [("a.html", None)]


def test_images_beside_a_plain_page_are_kept_but_not_files_elsewhere(tmp_path):
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "a.png").write_bytes(png())
    (tmp_path / "secret.png").write_bytes(png())
    page_dir = tmp_path / "page"
    page_dir.mkdir()
    (page_dir / "b.png").write_bytes(png(10, 10))
    (page_dir / "escape.png").symlink_to(tmp_path / "secret.png")
    page = page_dir / "p.html"
    page.write_text("<p>x</p>")
    saved = load_page(page)
    assert saved.resolve("b.png") is not None
    assert saved.resolve("../secret.png") is None
    assert saved.resolve("escape.png") is None  # a symlink out of the page's folder
    assert saved.resolve("file:///etc/passwd") is None
    assert saved.resolve("http://example.com/b.png") is None


# -- MHTML ------------------------------------------------------------------------


def mhtml(
    html: str,
    images: dict[str, bytes],
    charset: str = "utf-8",
    cid: bytes | None = None,
    url: str = "https://news.example.com/harbour",
) -> bytes:
    message = MIMEMultipart("related", type="text/html")
    message["Snapshot-Content-Location"] = url
    message["Subject"] = "The Harbour Ledger"
    message["MIME-Version"] = "1.0"
    part = MIMEText(html, "html", charset)
    part["Content-Location"] = url
    message.attach(part)
    for location, data in images.items():
        image = MIMEImage(data)
        image["Content-Location"] = location
        message.attach(image)
    if cid is not None:
        image = MIMEImage(cid)
        image["Content-ID"] = "<logo@example>"
        message.attach(image)
    return message.as_bytes(policy=email.policy.SMTP)


def test_mhtml_with_image_parts(library, tmp_path):
    figure = (
        "<figure><img src='https://news.example.com/img/boats.png' alt=''></figure>"
        "<p><img src='img/relative.png' alt=''> and <img src='cid:logo@example' alt=''></p>"
        "<p><img src='https://elsewhere.example.net/not-in-the-file.png' alt=''></p>"
    )
    data = mhtml(
        article_html(figure=figure, marker="é"),
        {
            "https://news.example.com/img/boats.png": png(50, 50),
            "https://news.example.com/img/relative.png": png(30, 20),
        },
        cid=png(12, 12),
    )
    page = tmp_path / "harbour.mhtml"
    page.write_bytes(data)
    article = import_one(library, page)
    assert len(article.images) == 3
    assert article.url == "https://news.example.com/harbour"
    assert "elsewhere.example.net" not in article.html
    assert "ledger fills with the names" in article.text and "é" in article.text
    assert library.original(article.id) == data


def test_mhtml_legacy_charset_and_base64_html_part(tmp_path):
    html = article_html(marker="Größe")
    message = MIMEMultipart("related")
    message["MIME-Version"] = "1.0"
    message.attach(MIMEText(html, "html", "windows-1252"))  # base64-encoded
    page = tmp_path / "legacy.mht"
    page.write_bytes(message.as_bytes())
    saved = load_page(page)
    assert saved.kind == "mhtml" and "Größe" in saved.html


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n--x\r\n"
            b"Content-Type: image/png\r\n\r\nabc\r\n--x--\r\n",
            "no HTML part",
        ),
        (b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello", "not a multipart"),
        (b"From nobody\r\n\r\n", "not a multipart"),
    ],
)
def test_malformed_mhtml(tmp_path, data, reason):
    page = tmp_path / "broken.mhtml"
    page.write_bytes(data)
    with pytest.raises(ImportFailure, match=reason):
        load_page(page)


def test_mhtml_saved_with_an_html_name_is_still_mhtml(tmp_path):
    page = tmp_path / "looks-like.html"
    page.write_bytes(mhtml(article_html(), {}))
    assert load_page(page).kind == "mhtml"


# -- SingleFile --------------------------------------------------------------------

SINGLEFILE_COMMENT = """
<!--
 Page saved with SingleFile \n url: https://blog.example.org/2024/harbour-ledger \n saved date: Sat May 04 2024 18:22:05 GMT+0200 (Central European Summer Time)
-->"""


def test_singlefile_page_with_data_uris(library, tmp_path):
    inline = base64.b64encode(png(64, 32)).decode()
    svg = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>").decode()
    figure = (
        f"<figure><img src='data:image/png;base64,{inline}' alt='inline'></figure>"
        f"<p><img src='data:image/svg+xml;base64,{svg}' alt=''> and "
        "<img src='data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7' alt=''></p>"
    )
    page = tmp_path / "harbour (5_4_2024 6_22_05 PM).html"
    page.write_text(article_html(prologue=SINGLEFILE_COMMENT, figure=figure))
    saved = load_page(page)
    assert saved.kind == "singlefile"
    assert saved.url == "https://blog.example.org/2024/harbour-ledger"
    assert saved.saved_at == "2024-05-04T18:22:05+02:00"
    article = import_one(library, page)
    assert len(article.images) == 1 and article.url == saved.url
    assert "data:" not in article.html and "svg" not in article.html


# -- where the page came from -----------------------------------------------------


@pytest.mark.parametrize(
    ("head", "prologue", "expected"),
    [
        ("<link rel='canonical' href='https://example.com/canonical'>", "", "https://example.com/canonical"),
        ("<meta property='og:url' content='https://example.com/og'>", "", "https://example.com/og"),
        ("", "<!-- saved from url=(0031)https://example.com/saved-from -->", "https://example.com/saved-from"),
        ("", SINGLEFILE_COMMENT, "https://blog.example.org/2024/harbour-ledger"),
        ("", "<!-- saved from url=(0014)about:internet -->", None),
        (
            "<link rel='canonical' href='https://example.com/canonical'>",
            "<!-- saved from url=(0031)https://example.com/saved-from -->",
            "https://example.com/canonical",
        ),
    ],
)
def test_source_url(library, tmp_path, head, prologue, expected):
    page = tmp_path / "page.html"
    page.write_text(article_html(head=head, prologue=prologue))
    assert import_one(library, page).url == expected


# -- what is not a page ----------------------------------------------------------------


def test_everything_else_is_skipped_with_a_reason_and_the_batch_goes_on(library, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    files = {
        "paper.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        "photo.jpg": jpeg_header(),
        "program.exe": b"MZ\x90\x00" + bytes(200),
        "notes.txt": b"just text",
        "empty.html": b"",
        "blank.htm": b" \n\t\r\n  ",
        "binary.html": bytes(range(256)) * 20,
        "image.html": png(),
        "zip.xhtml": b"PK\x03\x04" + bytes(100),
    }
    for name, data in files.items():
        (bad / name).write_bytes(data)
    no_pages = tmp_path / "no-pages"
    (no_pages / "deep").mkdir(parents=True)
    (no_pages / "deep" / "readme.md").write_text("# nothing")
    good = tmp_path / "good.html"
    good.write_text(article_html())
    paths = [bad / name for name in files] + [no_pages, tmp_path / "missing.html", good]
    outcomes = library.import_paths(paths)
    reasons = {Path(o.path).name: o.error for o in outcomes}
    assert outcomes[-1].status == "imported"
    assert [o.status for o in outcomes[:-1]] == ["failed"] * (len(outcomes) - 1)
    assert "PDF" in reasons["paper.pdf"]
    assert "image" in reasons["photo.jpg"]
    assert ".exe" in reasons["program.exe"]
    assert "text file" in reasons["notes.txt"]
    assert "0 bytes" in reasons["empty.html"]
    assert "whitespace" in reasons["blank.htm"]
    assert "binary" in reasons["binary.html"] and "binary" in reasons["image.html"] and "binary" in reasons["zip.xhtml"]
    assert "no saved pages" in reasons["no-pages"]
    assert "not found" in reasons["missing.html"]
    assert all(o.error and "\n" not in o.error for o in outcomes[:-1])


def test_a_file_over_50_mb_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.html"
    with huge.open("wb") as f:  # sparse: takes no room on disk
        f.write(b"<html><body><p>")
        f.truncate(60 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(ImportFailure, match=r"too large \(60 MB; the limit is 50 MB\)"):
            load_page(huge)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_a_file_that_grows_while_read_is_still_bounded(tmp_path, monkeypatch):
    page = tmp_path / "growing.html"
    page.write_bytes(b"<p>" + b"a" * 5000 + b"</p>")
    monkeypatch.setattr(formats, "MAX_PAGE_BYTES", 1000)
    with pytest.raises(ImportFailure, match="too large"):
        formats.read_page_bytes(page, limit=1000)


def test_not_a_regular_file(tmp_path):
    import os

    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)  # a plain open() for reading would wait for a writer for ever
    device = tmp_path / "device.html"
    device.symlink_to("/dev/zero")
    for path in (fifo, device):
        with pytest.raises(ImportFailure, match="not a regular file"):
            load_page(path)


def test_page_from_bytes_kinds(tmp_path):
    plain = page_from_bytes(tmp_path / "x.html", article_html().encode())
    assert plain.kind == "html" and plain.url is None
    with pytest.raises(ImportFailure, match="whitespace"):
        page_from_bytes(tmp_path / "x.html", b"\n \n")


def test_utf16_page_is_a_page_not_binary(tmp_path):
    page = tmp_path / "utf16.html"
    page.write_bytes(article_html(marker="ü").encode("utf-16-le"))
    assert "herring return" in load_page(page).html


# -- markup that defeats parsers ------------------------------------------------------


def test_very_deep_nesting_is_flattened_and_keeps_its_text(tmp_path):
    # deeper than even huge_tree builds (2048 levels): unflattened, the words are lost
    page = tmp_path / "deep.html"
    page.write_text(
        "<html><body>" + "<div>" * 5000 + "<p>the words at the bottom</p>" + "</div>" * 5000 + "</body></html>"
    )
    assert "the words at the bottom" in prepare(page).text


def test_unclosed_inline_tags_are_flattened(tmp_path):
    page = tmp_path / "fonts.html"
    page.write_text("<html><body><p>start " + "<font>word " * 600 + "end</p></body></html>")
    text = prepare(page).text
    assert text.count("word") == 600 and "end" in text


def test_deep_pages_are_found_from_the_parsed_tree():
    # the tree built with huge_tree is deeper than libxml2's default 256 levels exactly when
    # a default parse stops with ERR_RESOURCE_LIMIT (which is what made pages lose text)
    for levels in (250, 254, 255, 256, 600):
        html = "<html><body>" + "<div>" * levels + "x" + "</div>" * levels + "</body></html>"
        parser = lxml_html.HTMLParser()
        lxml_html.document_fromstring(html, parser=parser)
        limited = any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)
        tree = lxml_html.document_fromstring(html, parser=lxml_html.HTMLParser(huge_tree=True))
        assert too_deep(tree) == limited, levels
        assert (levels >= 255) == limited


def test_too_many_elements_is_refused_quickly(tmp_path):
    page = tmp_path / "many.html"
    page.write_text("<html><body><p>" + "<i>a</i>" * (formats.MAX_ELEMENTS + 10) + "</p></body></html>")
    with pytest.raises(ImportFailure, match="too many elements"):
        load_page(page)


# -- images --------------------------------------------------------------------------------


def test_image_checks():
    assert image_size(png(321, 123), "image/png") == (321, 123)
    assert image_size(jpeg_header(640, 480), "image/jpeg") == (640, 480)
    assert image_size(gif(7, 9), "image/gif") == (7, 9)
    assert usable_image(png(1, 1)) is None  # tracking pixel
    assert usable_image(gif(1, 1)) is None
    assert usable_image(jpeg_header(60000, 60000)) is None  # a pixel bomb
    assert usable_image(png(10, 10)[:20]) is None  # broken header
    assert usable_image(b"<svg onload=alert(1)>") is None
    assert usable_image(png(10, 10)) == ("image/png", "png")


def test_truncated_images_are_dropped():
    assert usable_image(png(30, 20)[:40]) is None
    assert usable_image(jpeg_header()[:-2]) is None


# -- encodings end to end ---------------------------------------------------------------

JAPANESE = (
    "これは日本語で書かれた記事です。東京の天気は晴れ、気温は二十度でした。多くの人々が公園を散歩していました。"
    "桜の花が満開で、とても美しい一日でした。"
)


@pytest.mark.parametrize(
    ("name", "html", "encoding", "expected"),
    [
        (
            "cp1252.html",
            article_html(marker="Le café était déjà prêt — « très bien »"),
            "cp1252",
            "Le café était déjà prêt",
        ),
        ("sjis.html", article_html(before=f"<p>{JAPANESE}</p>" * 3), "shift_jis", JAPANESE),
        (
            "lying.html",
            article_html(
                head="<meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>",
                marker="naïve “quotes” — Größe",
            ),
            "utf-8",
            "naïve “quotes” — Größe",
        ),
        ("bom.htm", "\ufeff" + article_html(marker="Zürich"), "utf-8", "Zürich"),
        ("bom16.html", "\ufeff" + article_html(marker="Zürich"), "utf-16", "Zürich"),
    ],
)
def test_encodings_end_to_end(library, tmp_path, name, html, encoding, expected):
    page = tmp_path / name
    page.write_bytes(html.replace("<meta charset='utf-8'>", "").encode(encoding))
    article = import_one(library, page)
    assert expected in article.text
    assert "Ã" not in article.text and "\ufffd" not in article.text


def test_symlinks_given_directly(tmp_path):
    (tmp_path / "a.html").symlink_to("b.html")
    (tmp_path / "b.html").symlink_to("a.html")
    (tmp_path / "gone.html").symlink_to("nowhere.html")
    reasons = dict(find_pages([tmp_path / "a.html", tmp_path / "gone.html", tmp_path / "missing.html"]))
    assert reasons[tmp_path / "a.html"] == reasons[tmp_path / "gone.html"] == "a broken or looping symbolic link"
    assert reasons[tmp_path / "missing.html"] == "file not found"


# -- control characters -------------------------------------------------------------

# C0 controls but tab, newline and carriage return; DEL; C1 controls; U+FFFE/U+FFFF.
CONTROLS = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


@pytest.mark.parametrize(
    "control",
    ["&#27;", "&#1;", "&#x1B;", "&#0000007", "&#12;", "&#127;", "&#129;", "&#xFFFE;", "\x1b", "\x85", "\x0b"],
)
def test_a_page_with_control_characters_in_its_text_imports_without_them(library, tmp_path, control):
    """A browser shows such a page (a reference to a control character is only a
    parse error); Reader failed it whole: "All strings must be XML compatible"."""
    page = tmp_path / "controls.html"
    body = f"<pre>x = 1\ny = z{control}</pre><p>hello {control} world, a dash &#150; and an ellipsis &#x85;</p>"
    page.write_text(article_html(before=body), "utf-8")
    article = import_one(library, page)
    assert "ledger fills with the names" in article.text
    assert "x = 1\ny = z" in article.text  # line breaks stay where the text keeps its lines
    assert "a dash – and an ellipsis …" in article.text  # &#128;-&#159; read as windows-1252, as browsers do
    for stored in (article.text, article.html):
        assert not CONTROLS.search(stored), CONTROLS.findall(stored)


def test_control_characters_are_removed_from_every_field_of_the_page(library, tmp_path):
    """ESC and BEL in a title, byline or site name were stored as written (from the
    markup's references, and from JSON-LD's escapes, which no markup check sees)."""
    ld = (
        '{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "headline": "Title \\u001b]0;pwned\\u0007 \\u001b[31mRED\\u001b[0m",'
        ' "author": {"@type": "Person", "name": "Bob \\u001b[2J Smith"},'
        ' "publisher": {"@type": "Organization", "name": "Site \\u009b5m"},'
        ' "datePublished": "2024-03-0\\u00075", "inLanguage": "en\\u001b",'
        ' "description": "Short \\u0007summary\\nover two lines."}'
    )
    head = (
        "<meta name='author' content='Bob &#27;[2J Smith'>"
        "<meta property='og:site_name' content='Site &#x9b;5m'>"
        "<meta property='og:url' content='https://news.example.com/a&#27;b'>"
        f"<script type='application/ld+json'>{ld}</script>"
    )
    page = tmp_path / "fields.html"
    page.write_text(article_html(title="Title &#27;]0;pwned&#7; &#27;[31mRED&#27;[0m", head=head), "utf-8")
    article = import_one(library, page)
    assert article.title == "Title ]0;pwned [31mRED[0m"
    assert article.author == "Bob [2J Smith"
    assert article.site == "Site 5m"
    assert article.excerpt == "Short summary over two lines."
    for name, value in page_values(article).items():
        if isinstance(value, str):
            assert not CONTROLS.search(value) and "\n" not in value and "\t" not in value, (name, value)
