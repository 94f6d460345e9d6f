"""A code block's declared language survives import as data-language (the reading
view colours it); a page that declares none gets none (nothing is guessed)."""

from __future__ import annotations

import re

from reader.core.importing.pipeline import prepare

BODY = "<p>" + "A paragraph of plain prose about building things, long enough to be an article. " * 6 + "</p>"


def languages(tmp_path, blocks: str) -> list[str | None]:
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><head><title>Code</title></head><body><article><h1>Code</h1>{BODY}{blocks}{BODY}</article></body></html>",
        encoding="utf-8",
    )
    html = prepare(page).html
    return [m[1] for m in re.finditer(r"<pre(?: data-language=\"([^\"]+)\")?>", html)]


def test_each_way_pages_declare_a_language(tmp_path):
    found = languages(
        tmp_path,
        '<pre class="language-python"><code>print(1)</code></pre>'
        '<pre><code class="hljs lang-js">let a = 1;</code></pre>'
        '<div class="highlight highlight-source-go"><pre>package main</pre></div>'
        '<div class="language-ruby highlighter-rouge"><div class="highlight"><pre class="highlight"><code>puts 1</code></pre></div></div>'
        '<pre><code class="language-go" data-lang="go">func main() {}</code></pre>'
        '<pre><code class="language-none">plain words</code></pre>'
        "<pre><code>no language</code></pre>"
        '<pre class="language-a&quot;b"><code>odd</code></pre>',
    )
    assert found == ["python", "js", "go", "ruby", "go", None, None, None]
