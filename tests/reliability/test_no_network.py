"""Nothing leaks: pages whose every resource points at a local web server are
imported, shown in a QTextBrowser (offscreen) and exported, and the server
must receive no request at all."""

from __future__ import annotations

import email.policy
import http.server
import threading
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import ClassVar

import pytest
from genpages import article, png

pytest.importorskip("PySide6")


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def _answer(self) -> None:
        type(self).requests.append(f"{self.command} {self.path}")
        body = png(4, 4)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    _Recorder.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.requests
    httpd.shutdown()
    httpd.server_close()


def hostile_resources(base: str) -> str:
    """Every way a page can ask for something from `base`."""
    return f"""
    <img src="{base}/img.png" alt="remote picture">
    <img src="//{base[7:]}/protocol-relative.png">
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="{base}/lazy.png" alt="lazy">
    <img srcset="{base}/1x.png 1x, {base}/2x.png 2x">
    <picture><source srcset="{base}/pic.webp" type="image/webp"><img src="{base}/pic.jpg" alt="pic"></picture>
    <img src="{base}/pixel.gif" width="1" height="1" style="display:none">
    <p style="background:url({base}/bg.png)">styled <span style="background-image:url('{base}/span.png')">span</span></p>
    <table background="{base}/table.png"><tr><td background="{base}/td.png">cell</td></tr></table>
    <video src="{base}/v.mp4" poster="{base}/poster.png"><track src="{base}/t.vtt"></video>
    <audio src="{base}/a.mp3" autoplay></audio>
    <iframe src="{base}/frame.html"></iframe>
    <object data="{base}/object.swf"></object><embed src="{base}/embed.swf">
    <svg><image href="{base}/svg.png"/><use href="{base}/sprite.svg#x"/></svg>
    <input type="image" src="{base}/input.png">
    <form action="{base}/form"><button>send</button></form>
    <script src="{base}/script.js"></script>
    <script>new Image().src = "{base}/beacon";</script>
    <link rel="stylesheet" href="{base}/style.css">
    <style>@import url("{base}/import.css"); body {{ background: url({base}/body.png) }}</style>
    <a href="{base}/just-a-link">a link to the server stays a link</a>
    <blockquote cite="{base}/cite">quoted</blockquote>
    """


def hostile_page(base: str, index: int) -> str:
    head = (
        f'<base href="{base}/"><meta http-equiv="refresh" content="0;url={base}/refresh">'
        f'<link rel="icon" href="{base}/favicon.ico"><link rel="preload" href="{base}/preload.png" as="image">'
        f'<link rel="dns-prefetch" href="{base}"><link rel="prefetch" href="{base}/prefetch">'
        f'<meta property="og:image" content="{base}/og.png"><script src="{base}/head.js"></script>'
    )
    page = article(index, paragraphs=5)
    return page.replace("<head>", "<head>" + head).replace("</article>", hostile_resources(base) + "</article>")


def test_nothing_is_fetched_on_import_view_or_export(server, tmp_path, library, qtbot):
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QTextBrowser

    from reader.core.export import FORMATS, export_articles

    base, requests = server
    pages = tmp_path / "pages"
    files = pages / "saved_files"
    files.mkdir(parents=True)
    (files / "local.png").write_bytes(png(40, 30))
    (pages / "plain.html").write_text(hostile_page(base, 1))
    (pages / "saved.html").write_text(
        hostile_page(base, 2).replace(
            "</article>", '<figure><img src="saved_files/local.png" alt="kept"></figure></article>'
        )
    )
    singlefile = hostile_page(base, 3).replace(
        "<html", f"<!--\n Page saved with SingleFile \n url: {base}/singlefile \n--><html", 1
    )
    (pages / "singlefile.html").write_text(singlefile)
    message = MIMEMultipart("related")
    message["MIME-Version"] = "1.0"
    message["Snapshot-Content-Location"] = f"{base}/mhtml"
    part = MIMEText(hostile_page(base, 4), "html", "utf-8")
    part["Content-Location"] = f"{base}/mhtml"
    message.attach(part)
    image = MIMEImage(png(20, 20))
    image["Content-Location"] = f"{base}/img.png"  # carried inside the file: used, not fetched
    message.attach(image)
    (pages / "page.mhtml").write_bytes(message.as_bytes(policy=email.policy.SMTP))

    outcomes = library.import_paths([pages], workers=1)
    assert [o.status for o in outcomes] == ["imported"] * 4, outcomes
    articles = [library.get(o.id) for o in outcomes]
    assert {len(a.images) for a in articles} == {0, 1}
    for a in articles:
        assert f'href="{base}/just-a-link"' in a.html  # links stay links
        # Nothing else names the server (a quote's cite is never fetched by anyone).
        assert a.html.count(base) == a.html.count(f'href="{base}') + a.html.count(f'cite="{base}')

    # The stored HTML in a plain QTextBrowser: every resource it asks for is recorded.
    asked: list[str] = []

    class Browser(QTextBrowser):
        def loadResource(self, kind, url: QUrl):
            asked.append(url.toString())
            return super().loadResource(kind, url)

    browser = Browser()
    qtbot.addWidget(browser)
    browser.resize(800, 600)
    browser.show()
    for a in articles:
        browser.setHtml(a.html)
        browser.document().adjustSize()
        qtbot.wait(10)
    assert all(url.startswith("asset:") for url in asked), asked

    # The window's own reading view, when it is there.
    try:
        from reader.gui.reading_view import ReadingView
    except ImportError:
        ReadingView = None
    if ReadingView is not None:
        seen: list[str] = []

        class Recording(ReadingView):
            def loadResource(self, kind, url: QUrl):
                seen.append(url.toString())
                return super().loadResource(kind, url)

        view = Recording(library)
        qtbot.addWidget(view)
        view.resize(800, 600)
        view.show()
        for a in articles:
            view.show_article(a)
            qtbot.wait(10)
        assert all(url.startswith("asset:") for url in seen), seen

    # Every export format, and the exported HTML opened in a browser widget too.
    html_files = 0
    for fmt in FORMATS:
        out = tmp_path / f"export-{fmt}"
        export_articles(library, fmt, out)
        for path in out.rglob("*"):
            if path.is_file() and path.suffix in (".html", ".htm"):
                html_files += 1
                exported = path.read_text(encoding="utf-8")
                assert exported.count(base) == exported.count(f'href="{base}') + exported.count(f'cite="{base}')
                opened: list[str] = []

                class FileBrowser(QTextBrowser):
                    def loadResource(self, kind, url: QUrl):
                        opened.append(url.toString())  # noqa: B023 (used within this iteration)
                        return super().loadResource(kind, url)

                viewer = FileBrowser()
                qtbot.addWidget(viewer)
                viewer.setSource(QUrl.fromLocalFile(str(path)))
                qtbot.wait(10)
                assert not [u for u in opened if u.startswith(("http:", "https:", "//"))], opened
    assert "html" in FORMATS and html_files >= 4
    assert requests == []
    # The control: the server does see a request when one is made.
    import urllib.request

    urllib.request.urlopen(f"{base}/control", timeout=5).read()
    assert requests == ["GET /control"]
