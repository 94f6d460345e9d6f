"""Extraction quality: what the reader sees of a saved page (title, byline, body)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.importing.bylines import clean_byline
from reader.core.importing.extract import extract
from reader.core.importing.pipeline import prepare
from reader.core.importing.published import normalize_date
from reader.core.importing.titles import strip_site_suffix

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction"


@pytest.fixture(scope="module")
def news():
    return prepare(PAGES / "news-jsonld.html")


def test_news_metadata_comes_from_json_ld_and_opengraph(news):
    assert news.title == "Harbour lights return to the old port"  # no " | Daily Planet"
    assert news.byline == "Lois Lane, Clark Kent"
    assert news.site == "Daily Planet"
    assert news.url == "https://news.example.org/2023/02/harbour-lights"
    assert news.published == "2023-02-04T10:30:00Z"
    assert news.language == "en-GB" and news.direction == "ltr"
    assert news.excerpt == "After forty years of darkness the lamps along the quay are lit again."
    # The lead image is metadata only: an absolute URL, never fetched.
    assert news.lead_image == "https://news.example.org/images/harbour.jpg"
    assert news.assets == []


def test_news_body_is_the_article_and_nothing_around_it(news):
    text = news.text
    assert text.startswith("The lamps along the old quay were lit again")
    assert "longest nights of winter until dawn" in text
    assert "It feels like the town has opened its eyes" in text
    # headline and byline are not repeated at the top of the body
    assert "Harbour lights return to the old port" not in text
    assert "Staff Reporters" not in text and "By Lois Lane" not in text
    # widgets, teasers, rails, newsletter box, navigation and footer are gone
    for junk in (
        "Listen to this article",
        "Share on Twitter",
        "READ MORE",
        "keeper who never left",
        "Storm damages pier",
        "Sign up for our morning newsletter",
        "Lighthouse museum",
        "All rights reserved",
        "Sport",
    ):
        assert junk not in text, junk


def test_embedded_tweet_is_kept_as_a_quote(news):
    assert "The harbour is glowing tonight." in news.text
    assert "<blockquote>" in news.html and "The harbour is glowing tonight." in news.html


def test_output_html_is_tidy(news):
    assert "<span>" not in news.html
    assert "\n" not in news.html and "  " not in news.html
    assert "<div><div>" not in news.html


def test_title_without_site_suffix_and_byline_without_date():
    page = prepare(PAGES / "meta-only.html")
    assert page.title == "Quiet rivers of the north"
    assert page.byline == "Ana Souza"
    assert page.site == "The Wanderer"
    assert page.published == "2021-03-03T09:15:00+01:00"
    assert page.language == "pt-BR"
    assert page.excerpt == "A slow journey by canoe through the lakes."
    assert page.text.startswith("We set out from the last village")
    assert "reading and watching the water change colour" in page.text


def test_lead_paragraph_outside_the_body_container_is_kept():
    page = prepare(PAGES / "lead-outside.html")
    assert page.text.startswith("For two centuries a single family drew every map of the valley")
    assert "Clara Brandt, surveyed the valley again" in page.text
    assert "Popular" not in page.text
    # without other metadata, the excerpt is the first paragraph
    assert page.excerpt.startswith("For two centuries")


def test_link_heavy_related_list_does_not_cost_the_article():
    page = prepare(PAGES / "related-heavy.html")
    assert not page.fallback
    assert "dark crust and an open crumb" in page.text
    assert "a longer, colder rise overnight" in page.text
    assert "You may also like" not in page.text
    assert "Ten mistakes everyone makes" not in page.text
    assert page.byline == "Sam Baker"


def test_page_without_article_structure_is_never_empty():
    page = prepare(PAGES / "no-structure.html")
    assert "המשרד יהיה סגור ביום שני" in page.text
    assert page.language == "he" and page.direction == "rtl"


def test_extract_on_markup_with_no_text_returns_empty_not_error():
    result = extract("<html><body><div></div></body></html>")
    assert result.title == ""


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Emma Soteriou, 4 February 2023", "Emma Soteriou"),
        ("By\n\t\t\tScott Cunningham", "Scott Cunningham"),
        ("Tech Industry by Steven Musil January 18, 2017 11:00 PM PST @stevenmusil", "Steven Musil"),
        ("By Daniel Kahn Gillmor, Senior Staff Technologist, ACLU Speech, Privacy", "Daniel Kahn Gillmor"),
        ("Martin Untersinger (avec Damien Leloup et Morgane Tual)", "Martin Untersinger, Damien Leloup, Morgane Tual"),
        ("By Brenda Goodman, MA\nWebMD Health News", "Brenda Goodman, MA"),
        ("Dan Goodin - Apr 16, 2015 8:02 pm UTC", "Dan Goodin"),
        ("por César Salza 1 de diciembre de 2017 3:00 AM PST", "César Salza"),
        ("Written by Rob Ewaschuk\nEdited by Betsy Beyer", "Rob Ewaschuk"),
        ("By Shane Goldmacher y Maggie Haberman", "Shane Goldmacher, Maggie Haberman"),
        ("Richard (R.J.) Eskow", "Richard (R.J.) Eskow"),
        ("Sunday, Feb 1, 2015 11:57 AM UTC", None),
        ("https://www.facebook.com/someone", None),
        ("Follow Author", None),
        ("BBC News", "BBC News"),
    ],
)
def test_bylines_are_names_only(raw, names):
    assert clean_byline(raw) == names


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2023-02-04T10:30:00Z", "2023-02-04T10:30:00Z"),
        ("2021-11-01T10:52:50+0100", "2021-11-01T10:52:50+01:00"),
        ("2015-07-10 09:53:00 -0400", "2015-07-10T09:53:00-04:00"),
        ("2015-12-11T14:28:34.438Z", "2015-12-11T14:28:34.438000Z"),
        ("2019-04-28", "2019-04-28"),
        ("Tue, 28 Apr 2019 06:01:00 GMT", "2019-04-28T06:01:00Z"),
        ("2014/12/15", "2014-12-15"),
        ("yesterday", None),
    ],
)
def test_dates_are_iso_8601(raw, iso):
    assert normalize_date(raw) == iso


def test_site_suffix_is_stripped_only_when_it_names_the_site():
    assert strip_site_suffix("Big news today - BBC News", "BBC News", None, []) == "Big news today"
    assert strip_site_suffix("Big news today | Example", None, "https://www.example.com/a", []) == "Big news today"
    assert strip_site_suffix("War and Peace - a review", "Books Weekly", None, []) == "War and Peace - a review"
    assert (
        strip_site_suffix("Headline here, long enough | Some Blog", None, None, ["Headline here, long enough"])
        == "Headline here, long enough"
    )


def test_a_page_of_only_script_has_no_article(tmp_path):
    from reader.core.importing.formats import ImportFailure
    from reader.core.importing.pipeline import prepare

    page = tmp_path / "script.html"
    page.write_text('<html><body><script>var secret = "tracker code";</script></body></html>')
    with pytest.raises(ImportFailure, match="no readable text"):
        prepare(page)


def test_links_keep_their_words_whatever_their_class(tmp_path):
    from reader.core.importing.pipeline import prepare

    sentence = (
        "The late <a href='javascript:void(0)' class='popup' onclick='overlib(1)'>John Jacob Astor</a>, "
        "a personage little given to poetic enthusiasm, had no hesitation in pronouncing my first grand point."
    )
    paragraphs = "".join(
        f"<p>{sentence} Paragraph {i} goes on about bonds and mortgages and title-deeds.</p>" for i in range(8)
    )
    page = tmp_path / "links.html"
    page.write_text(
        f"<html><head><title>Bartleby</title></head><body><div class='story'>{paragraphs}</div></body></html>"
    )
    article = prepare(page)
    assert "The late John Jacob Astor, a personage" in article.text
    assert "javascript" not in article.html and "onclick" not in article.html


def test_a_post_split_into_sections_comes_whole(tmp_path):
    from reader.core.importing.pipeline import prepare

    def section(n):
        paragraphs = "".join(
            f"<p>Part {n}, paragraph {i}: the argument goes on, with evidence, examples and a few asides "
            f"that a reader would want to keep, because this is the body of the essay itself.</p>"
            for i in range(5)
        )
        return f"<section class='s'><div class='n p'><div class='z ab'>{paragraphs}</div></div></section>"

    body = "<hr>".join(section(n) for n in range(1, 5))
    page = tmp_path / "sections.html"
    page.write_text(
        f"<html><head><title>An essay</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<div class='post'>{body}</div><footer>Footer links</footer></body></html>"
    )
    text = prepare(page).text
    for n in range(1, 5):
        assert f"Part {n}, paragraph 0" in text and f"Part {n}, paragraph 4" in text
    assert "Footer links" not in text


# --- failure classes found on pages the project had never seen (issue 15) ---


def test_code_keeps_its_comments():
    # highlight.js marks comments "hljs-comment"; a class filter for comment widgets took them.
    page = prepare(PAGES / "code-comments.html")
    assert "# open the log and count the error lines" in page.text
    assert "# one line at a time, never the whole file" in page.text
    assert 'line.rstrip("\\n")' in page.text
    assert "Great post, thanks!" not in page.text  # the real comment section still goes


def test_soft_hyphens_are_removed_from_the_article():
    page = prepare(PAGES / "soft-hyphens.html")
    assert "\xad" not in page.text and "\xad" not in page.html and "\xad" not in page.title
    assert page.title == "Die Krankenversicherung im Überblick"
    for word in ("krankenversichert", "Arbeitgeber", "Selbstständige", "Versicherung", "Versicherungspflichtgrenze"):
        assert word in page.text, word


def test_a_container_holding_most_of_the_page_is_never_removed():
    # Broken header markup leaves <nav> open around the whole article.
    page = prepare(PAGES / "inside-nav.html")
    assert "The night ferry leaves the harbour at eleven" in page.text
    assert "ready for the day crossing back" in page.text


def test_a_document_pasted_inside_the_page_does_not_move_the_article():
    # A widget pasted as a whole <!DOCTYPE><html><body> with an unclosed <div>:
    # parsed as a browser does, the article stays outside the sidebar.
    page = prepare(PAGES / "nested-document.html")
    assert page.title == "Winter pruning of apple trees"
    for sentence in (
        "Pruning an apple tree in winter, while it is dormant",
        "Start with the three Ds",
        "Open the centre of the tree",
        "encourage fruiting spurs rather than long whippy shoots",
    ):
        assert sentence in page.text, sentence
    assert "Frost tonight" not in page.text


def test_lead_figure_between_headline_and_body_is_kept_without_its_caption():
    # The story's lead image comes back; its caption and credit are not the story's text.
    page = prepare(PAGES / "lead-figure.html")
    assert len(page.assets) == 1
    assert page.html.index("<img") < page.html.index("Every evening at dusk")
    assert page.text.startswith("Every evening at dusk")
    assert "lights the first lamp on Harbour Street" not in page.text
    assert "Kari Nieminen" not in page.text


def test_wikipedia_edit_links_and_empty_infobox_rows_are_removed():
    page = prepare(PAGES / "wiki-math.html")
    assert "[edit]" not in page.text and "edit]" not in page.html
    assert "History" in page.text and "Applications" in page.text
    assert "Euclidean geometry" in page.text  # the infobox's rows with text stay
    assert "<tr><th></th><td></td></tr>" not in page.html
    assert page.html.count("<tr>") == 3


def test_math_keeps_its_tex_in_the_text_and_a_marked_span_in_the_html():
    page = prepare(PAGES / "wiki-math.html")
    # inline formulas: the sentence keeps its words in order
    assert "relating the lengths of the sides a, b and the hypotenuse c, sometimes" in page.text
    assert "a^{2}+b^{2}=c^{2}." in page.text  # display formula, without {\displaystyle ...}
    assert "square of side a+b, leaving" in page.text  # from the x-tex annotation
    assert '<span lang="x-tex">a</span>' in page.html
    assert '<span lang="x-tex-display">a^{2}+b^{2}=c^{2}.</span>' in page.html
    assert "displaystyle" not in page.text


def test_author_box_does_not_win_over_a_short_article():
    page = prepare(PAGES / "author-box.html")
    assert page.text.startswith("Not every home has a bright south window")
    assert "keep them away from radiators" in page.text
    assert "Jessica Lind" not in page.text and "About the author" not in page.text


def test_an_article_in_page_builder_boxes_wins_over_a_grid_of_post_cards():
    # Each paragraph in a "<builder>-widget" box (scored as a sidebar widget by
    # readability), then a grid of other posts whose excerpts score as "post".
    # (The grid still follows the article here: the whole page is chosen, cleaned.)
    page = prepare(PAGES / "teaser-grid.html")
    assert page.text.startswith("A home battery stores the solar power")
    assert "so the roof exports the rest for little money" in page.text
    assert page.text.index("little money") < page.text.index("Many towns have declared")


def test_testimonials_do_not_win_over_a_short_service_page():
    page = prepare(PAGES / "testimonials.html")
    assert page.text.startswith("We prune, fell and remove trees of every size")
    assert "while the trees are dormant" in page.text
    assert "What our customers say" not in page.text and "Maria, Hillside" not in page.text


def test_key_takeaways_and_credits_do_not_win_over_the_article():
    page = prepare(PAGES / "takeaways-credits.html")
    assert page.text.startswith("Bread goes stale because the starch in it")
    assert "and a freezer, far below, stops them." in page.text
    assert "Reporting by Lena Park" not in page.text


def test_a_hub_page_keeps_the_text_of_its_header_block():
    page = prepare(PAGES / "hub-header.html")
    assert page.text.startswith("The northern hills have more than forty marked trails")
    assert "where to eat and sleep on the way." in page.text
    assert page.word_count > 50


def test_short_lines_after_the_last_paragraph_go_but_a_last_sentence_stays(tmp_path):
    # "Like this:", "Follow us", tag links: no sentences, after the article's end.
    page = prepare(PAGES / "trailing-lines.html")
    assert page.text.startswith("A puncture far from home is fixed in ten minutes")
    assert page.text.rstrip().endswith("let alone the ride home.")
    for junk in ("Like this", "Follow us on Instagram", "Tyres", "On the road"):
        assert junk not in page.text, junk
    # A short closing sentence is the article's own: it stays.
    signed = tmp_path / "signed.html"
    html = (PAGES / "trailing-lines.html").read_text(encoding="utf-8")
    signed.write_text(html.replace("<p><strong>Like this:", "<p>Ride on.</p><p><strong>Like this:"), encoding="utf-8")
    assert "Ride on." in prepare(signed).text


def test_an_article_in_a_box_with_an_unlikely_word_in_its_class_is_kept():
    # "hasHeaderImage" holds "header": readability drops such boxes, and this one
    # holds little of a page whose menus and footer are long, but all its paragraphs.
    page = prepare(PAGES / "unlikely-wrapper.html")
    assert page.text.startswith("The council voted on Tuesday to open the old railway bridge")
    assert "once the paths on both banks are finished." in page.text


def test_related_links_read_also_and_photo_credits_go_in_other_languages():
    page = prepare(PAGES / "related-de.html")
    assert "Seit Montag fährt zwischen den beiden Inseln" in page.text
    assert "will im Herbst ein zweites Schiff bestellen" in page.text
    assert "Die neue Fähre im Hafen." in page.text  # a caption stays, its credit goes
    for junk in (
        "Foto: dpa",
        "Foto: Hafenamt",
        "Lesen Sie auch",
        "Das könnte Sie auch interessieren",
        "Leuchtturm wird Museum",
        "Folgen Sie uns",
        "Schlagwörter",
    ):
        assert junk not in page.text, junk


def test_a_bold_line_over_related_links_goes_with_them():
    # "<p><strong>Auch interessant:</strong></p>" set by hand as a heading.
    page = prepare(PAGES / "bold-related.html")
    assert page.text.startswith("Ab dem Frühjahr fährt ein zweites Schiff")
    assert "wenn das Meer ruhiger ist als gedacht." in page.text
    for junk in ("Auch interessant", "Die zehn schönsten Inseln", "Schon gelesen", "Leuchtturm auf Helgoland"):
        assert junk not in page.text, junk


@pytest.mark.parametrize(
    "lead",
    ["LE PUEDE INTERESAR:", "Puedes ver:", "VEA TAMBIÉN:", "Lesen Sie hier:", "Dowiedz się więcej:"],
)
def test_an_inline_see_also_teaser_goes_in_other_languages(tmp_path, lead):
    words = "La junta aprobó el plan de agua para los barrios del norte, con obras que empiezan en marzo y duran un año"
    paragraphs = [f"<p>{words}, parte {i}, según dijo el alcalde a la prensa local.</p>" for i in range(4)]
    teaser = f'<p>{lead} <a href="/otra-noticia">El alcalde anuncia nuevas calles para bicicletas</a></p>'
    body = "".join(paragraphs[:2]) + teaser + "".join(paragraphs[2:])
    page = tmp_path / "nota.html"
    page.write_text(
        f"<html><head><title>Plan de agua</title></head><body><article><h1>Plan de agua</h1>{body}</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "La junta aprobó el plan de agua" in text and "parte 3" in text
    assert "nuevas calles para bicicletas" not in text


def test_photo_by_credit_lines_go_but_a_sentence_about_photos_stays(tmp_path):
    para = "<p>The harbour was quiet that morning, the boats still tied up, the nets piled on the quay and the gulls waiting on the roofs of the sheds for the first catch.</p>"
    page = tmp_path / "credits.html"
    page.write_text(
        "<html><head><title>Harbour</title></head><body><article><h1>Harbour</h1>"
        f'<figure><img src="a.jpg"><figcaption>The quay at dawn.</figcaption></figure><p>Photo by Jane Doe on Unsplash</p>'
        f"{para * 3}<p>Photos by the sea are what I love most about these trips.</p>{para}"
        "<p>Bild via Hafenamt Kiel</p></article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "The quay at dawn." in text and "the first catch." in text
    assert "Photos by the sea are what I love most about these trips." in text
    assert "Jane Doe" not in text and "Hafenamt" not in text


def test_a_list_page_keeps_its_text_around_the_table():
    # The table's cells score most; the article is the box around the table.
    page = prepare(PAGES / "table-list.html")
    assert page.text.startswith("This list of films about repeating days")
    assert "Film number 12" in page.text and "stops at noon" in page.text
    assert "See also" in page.text and "the film that named the genre" in page.text
    assert "Time Loops in Popular Media" in page.text
    assert "last edited" not in page.text


def test_a_page_whose_text_is_all_in_noscript_is_read_from_there_without_ruby_readings():
    page = prepare(PAGES / "noscript-ruby.html")
    # furigana (<rt>) are not doubled into the text: search for 子ども finds it
    assert page.text.startswith("子どもへの虐待をなくすための法律ができて、親が子どもを教育するために")
    assert "ぎゃくたい" not in page.text and "(" not in page.text
    assert "新しい法律では、しつけのためでも体罰をしてはいけない" in page.text


def test_text_has_one_spelling_of_each_character(tmp_path):
    # "é" written as e + combining accent, "য়" as one code point (U+09DF): in NFC
    # they are "\u00e9" and "\u09af\u09bc", the forms a quote or a search comes in.
    sentence = "Le caf\u0065\u0301 de la gare ouvre \u00e0 six heures, et \u09df est une lettre bengalie."
    page = tmp_path / "nfc.html"
    page.write_text(
        f"<html><head><title>Gare</title></head><body><article>{('<p>' + sentence + '</p>') * 4}"
        "</article></body></html>",
        encoding="utf-8",
    )
    article = prepare(page)
    assert "Le caf\u00e9 de la gare" in article.text
    assert "et \u09af\u09bc est une lettre" in article.text
    assert "\u0301" not in article.text and "\u09df" not in article.text


def test_extract_many_files_as_json_lines_in_input_order(tmp_path):
    import json
    import os
    import subprocess
    import sys

    pages = [
        PAGES / "lead-figure.html",
        tmp_path / "missing.html",
        PAGES / "soft-hyphens.html",
        PAGES / "news-jsonld.html",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "reader", "extract", *map(str, pages), "--format", "jsonl", "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "READER_LIBRARY": str(tmp_path / "lib")},
    )
    assert result.returncode == 1  # one page failed
    records = [json.loads(line) for line in result.stdout.split("\n") if line]
    assert [r["path"] for r in records] == list(map(str, pages))
    assert records[1] == {"path": str(pages[1]), "error": "file not found"}
    single = json.loads(
        subprocess.run(
            [sys.executable, "-m", "reader", "extract", str(pages[3]), "--format", "json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
    )
    assert {k: v for k, v in records[3].items() if k != "path"} == single  # the keys and values of --format json
    assert records[0]["title"] == "The last lamplighter of the old town" and records[0]["images"]
    assert not (tmp_path / "lib").exists()  # no library touched
    usage = subprocess.run(
        [sys.executable, "-m", "reader", "extract", str(pages[0]), str(pages[2])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert usage.returncode == 2 and "--format jsonl" in usage.stderr


def test_standfirst_in_the_article_header_opens_the_text():
    page = prepare(PAGES / "standfirst.html")
    assert page.text.startswith("Ab März können Bürgerinnen und Bürger jeden ersten Samstag")
    assert page.text.index("Ab März") < page.text.index("Toaster, Lampen")
    assert "nach Nähmaschinen" not in page.text and "Nähmaschinen auskennen" in page.text
    assert "Reparaturcafé öffnet im Rathaus" not in page.text  # the headline is the title, not body text


def test_an_images_declared_size_is_kept(tmp_path):
    """A 64x36 file declared 640x360 is drawn 640 wide by a browser: the size survives extraction."""
    import base64
    import sys

    from reader.core.importing.pipeline import prepare

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
    from genpages import png

    data = base64.b64encode(png(64, 36)).decode()
    para = (
        "<p>A long paragraph about the rivers of the north, with enough words to be an article, "
        "and then some more words so that it is clearly the main content of the page.</p>"
    )
    page = tmp_path / "figure.html"
    page.write_text(
        f"<html><head><title>Figures</title></head><body><article><h1>Figures</h1>{para}"
        f"<figure><img src='data:image/png;base64,{data}' width='640' height='360' alt='x'>"
        f"<figcaption>A caption</figcaption></figure>{para}{para}</article></body></html>"
    )
    html = prepare(page).html
    assert 'width="640"' in html and 'height="360"' in html


def test_heading_permalinks_are_not_part_of_the_heading(tmp_path):
    """Blogs put a "#" or "¶" link after each heading; a browser's reader mode hides it."""
    body = "".join(
        f'<h2 id="s{i}">Section {i} <a class="anchor" href="#s{i}">{mark}</a></h2>'
        f"<p>{'Plenty of words about this part of the story, said plainly. ' * 6}</p>"
        for i, mark in enumerate(("#", "¶", "§", ""), 1)
    )
    keep = '<h2>See <a href="https://example.org/guide#intro">the guide</a></h2><p>More text here.</p>'
    page_file = tmp_path / "anchors.html"
    page_file.write_text(
        f"<html><head><title>Anchors</title></head><body><article>{body}{keep}</article></body></html>", "utf-8"
    )
    page = prepare(page_file)
    for i in range(1, 5):
        assert f"Section {i}\n" in page.text + "\n"
    assert "#" not in page.text and "¶" not in page.text and "§" not in page.text
    assert "See the guide" in page.text  # a real link in a heading stays


def test_notices_about_the_page_after_the_last_paragraph_go(tmp_path):
    # Copyright and reprint notices, blog filing lines, licences, affiliate
    # disclosures and calls to subscribe or download the app, after the story.
    para = (
        "<p>The ferry to the outer islands ran again on Monday after three days in port, "
        "its crew working through the night to clear the ice from the ramps and the deck.</p>"
    )
    closing = (
        "<p>The harbour master said the next storm is due on Friday, and the company has asked "
        "readers of its newsletter to check the timetable before they travel.</p>"
        "<p>The ferry company will donate the fares of the first week to the island's school.</p>"
    )
    notices = [
        "This entry was posted in Islands. Bookmark the permalink.",
        "© 2025 Example Press. All rights reserved. Written permission must be obtained before reprint.",
        'Subscribe now to <a href="/subscribe">our print edition</a> for the full story.',
        "Dieser Text wurde veröffentlicht unter der Lizenz CC-BY-NC-ND-4.0-DE.",
    ]
    page = tmp_path / "ferry.html"
    page.write_text(
        "<html><head><title>Ferry</title></head><body><article><h1>Ferry runs again</h1>"
        + para * 6
        + closing
        + "".join(f"<p>{n}</p>" for n in notices)
        + "</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    # the story's own end stays, though it speaks of a newsletter and a donation
    assert text.rstrip().endswith(
        "check the timetable before they travel.\n\nThe ferry company will donate the fares of the first week to the island's school."
    )
    for notice in ("Bookmark the permalink", "All rights reserved", "print edition", "Lizenz"):
        assert notice not in text, notice


def test_a_short_post_that_ends_with_a_sign_up_line_keeps_it(tmp_path):
    # Too little text before it to tell a notice from the post itself.
    page = tmp_path / "short.html"
    page.write_text(
        "<html><head><title>Club news</title></head><body><article><h1>Club news</h1>"
        "<p>The club meets again on the first Tuesday of March in the back room of the library.</p>"
        "<p>Sign up here for the spring ride to the coast.</p></article></body></html>",
        encoding="utf-8",
    )
    assert "Sign up here for the spring ride" in prepare(page).text


def test_an_article_built_of_repeated_sections_comes_whole():
    # Text, image, text: each part in a section of its own, none of them the whole story.
    text = prepare(PAGES / "repeated-sections.html").text
    assert text.startswith("The rowing clubs opened their season on Saturday")
    assert "The university crew won the men's eights" in text
    assert text.rstrip().endswith("only five hundred metres long.")
    assert text.index("rowing clubs opened") < text.index("university crew") < text.index("sprint regatta")


def test_the_next_story_loaded_below_an_article_is_not_part_of_it(tmp_path):
    # A page that loads the next articles as the reader scrolls: each has its own date.
    html = (PAGES / "repeated-sections.html").read_text(encoding="utf-8")
    dated = html.replace(
        '<header class="image-text-description"><div class="richtext">\n<p>The clubs meet again',
        '<header class="image-text-description"><time datetime="2025-04-02">2 April</time>'
        '<div class="richtext">\n<p>The clubs meet again',
    )
    assert dated != html
    page = tmp_path / "scroll.html"
    page.write_text(dated, encoding="utf-8")
    text = prepare(page).text
    assert "The university crew won the men's eights" in text
    assert "sprint regatta" not in text


def test_standfirst_between_headline_and_body_outside_any_article_opens_the_text():
    # No <article>: the standfirst ("chapô") sits in the headline's box, the body far below it.
    page = prepare(PAGES / "standfirst-outside-article.html")
    assert page.text.startswith("Après deux ans de travaux, la nouvelle ligne relie le centre")
    assert "Les premiers voyageurs sont montés" in page.text
    assert "parc des expositions" in page.text
    assert "Une rame d'essai devant la gare" not in page.text  # a picture's caption is no standfirst
    assert "Accueil" not in page.text


def test_wiki_section_notes_and_up_next_boxes_are_not_article_text(tmp_path):
    para = (
        "<p>The river towns grew along the old salt road, and each kept a market square, a church "
        "with a square tower and a bridge that the town paid for and the merchants crossed for free.</p>"
    )
    page = tmp_path / "towns.html"
    page.write_text(
        "<html><head><title>River towns</title></head><body><div id='content'><h1>River towns</h1>"
        '<div role="note" class="hatnote navigation-not-searchable">For other uses, see '
        '<a href="/wiki/River_towns_(disambiguation)">River towns (disambiguation)</a>.</div>'
        + para * 2
        + '<h2>History</h2><div role="note" class="hatnote">Main article: <a href="/wiki/Salt_road">Salt road</a></div>'
        + para * 3
        + '<div class="upNextBottomWrapper"><a class="upNextBottom" href="#next"><span class="label">Up Next:</span> '
        "Ten bridges worth the detour</a></div></div></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "The river towns grew along the old salt road" in text and "History" in text
    for junk in ("For other uses", "Main article", "Up Next", "Ten bridges worth the detour"):
        assert junk not in text, junk


@pytest.mark.parametrize(
    "box_class", ["author-info", "Report__AuthorBox", "c-author-description", "about-author", "post-author__bio"]
)
def test_an_author_bio_inside_the_article_goes(tmp_path, box_class):
    para = (
        "<p>The orchard on the hill was planted in 1952 by the village school, and every class since "
        "has picked its apples in October and pressed them into juice for the harvest festival.</p>"
    )
    bio = (
        f'<p class="{box_class}">Jo Marsh has written about farming and food for the paper since 2009. '
        "She lives on a smallholding with two goats and far too many hens.</p>"
    )
    page = tmp_path / "orchard.html"
    page.write_text(
        f"<html><head><title>Orchard</title></head><body><article><h1>Orchard</h1>{para * 5}{bio}</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "pressed them into juice" in text
    assert "Jo Marsh has written" not in text


def test_an_endless_scroll_page_gives_the_story_its_title_names():
    # The next stories, loaded below as the reader scrolls, are longer: the page's own one wins, alone.
    page = prepare(PAGES / "endless-scroll.html")
    assert page.title == "Bridge reopens after two years of repairs"
    assert page.text.startswith("The old iron bridge over the river opened again on Monday morning")
    assert "(Bridge 2)." in page.text
    assert "new library" not in page.text and "promoted" not in page.text


@pytest.mark.parametrize(
    "placeholder",
    [
        "Like Loading...",
        "Gefällt mir Wird geladen …",
        "Media playback is unsupported on your device",
        "Unfortunately, this video is not available in your region.",
    ],
)
def test_placeholders_of_widgets_that_did_not_load_are_not_article_text(tmp_path, placeholder):
    para = (
        "<p>The ferry timetable changes on Sunday: the first boat leaves at six instead of seven, "
        "and the last one comes back from the island an hour later than it does in winter.</p>"
    )
    page = tmp_path / "ferry.html"
    page.write_text(
        "<html><head><title>Ferry</title></head><body><article><h1>Ferry</h1>"
        f"{para * 2}<div class='player'><p>{placeholder}</p></div>{para * 3}</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "the last one comes back from the island" in text
    assert placeholder.rstrip(".… ") not in text


def test_an_authors_description_under_the_headline_is_no_standfirst(tmp_path):
    html = (PAGES / "standfirst-outside-article.html").read_text(encoding="utf-8")
    with_author = html.replace(
        '<div class="article-chapo">',
        '<div class="profile-description"><p>Marie Dupont écrit sur les transports et la ville '
        "pour le journal depuis 2015, après dix ans à la radio.</p></div>"
        '<div class="article-chapo">',
    )
    assert with_author != html
    page = tmp_path / "tram.html"
    page.write_text(with_author, encoding="utf-8")
    text = prepare(page).text
    assert text.startswith("Après deux ans de travaux")
    assert "Marie Dupont" not in text


def test_a_news_dateline_opens_the_story_and_is_no_byline(tmp_path):
    para = (
        "<p>The harbour authority said the cranes would be back in service by the end of the month, "
        "after a storm tore two of them from their rails and threw one into the water.</p>"
    )
    page = tmp_path / "cranes.html"
    page.write_text(
        "<html><head><title>Cranes</title></head><body><article><h1>Cranes back by May</h1>"
        '<div class="entry"><p><span class="dateline">ROTTERDAM –</span> Work on the damaged cranes at '
        "the container terminal began on Monday, three weeks after the storm that closed the port.</p>"
        f"{para * 4}</div></article></body></html>",
        encoding="utf-8",
    )
    article = prepare(page)
    assert article.text.startswith("ROTTERDAM – Work on the damaged cranes")
    assert article.author is None


def _dek_page(tmp_path, header: str) -> Path:
    para = (
        "<p>The council voted on Tuesday to close the old swimming pool at the end of the summer, "
        "after engineers found that the roof over the main hall could no longer carry the snow of a hard winter.</p>"
    )
    page = tmp_path / "pool.html"
    page.write_text(
        "<html><head><title>Council votes to close the old pool | Valley News</title></head><body>"
        "<div class='masthead'><h1><a href='/'>Valley News</a></h1>"
        "<p>All the news from the valley, every morning, since nineteen hundred and twelve.</p></div>"
        f"<div class='top'>{header}</div><div class='columns'><div class='story-body'>{para * 5}</div>"
        "<div class='aside'><p>Weather: sunny spells</p></div></div></body></html>",
        encoding="utf-8",
    )
    return page


@pytest.mark.parametrize(
    "header",
    [
        # the dek as an <h2> in the headline's <hgroup>, a byline line between it and the body
        "<header><hgroup><h1>Council votes to close the old pool</h1><h2>Swimmers have one more summer "
        "before the doors shut for good, and no new pool is planned.</h2></hgroup>"
        "<p class='byline'>By Ann Lee</p></header>",
        # a plain <p> under the headline, after a line with the date, in a box the cleaning takes away
        "<div class='teaser'><h1>Council votes to close the old pool</h1><span>Tuesday</span>"
        "<p>Swimmers have one more summer before the doors shut for good, and no new pool is planned.</p></div>",
        # a dek styled by a CSS framework's utility classes, one of them named for a type size
        "<div class='hero'><h1>Council votes to close the old pool</h1><h2 class='mb-5 sm:mb-8 caption-s5-fx'>"
        "Swimmers have one more summer before the doors shut for good, and no new pool is planned.</h2></div>",
        # an author's bio box between the headline and the dek
        "<header><h1>Council votes to close the old pool</h1><div class='author-tooltip__bio'><p>Ann Lee has "
        "covered the council and its budgets for the paper since 2015, after ten years in radio.</p></div>"
        "<p>Swimmers have one more summer before the doors shut for good, and no new pool is planned.</p></header>",
        # a long chapô (700 characters)
        "<header><h1>Council votes to close the old pool</h1><div class='chapo'><p>"
        + "Swimmers have one more summer before the doors shut for good, and no new pool is planned. " * 8
        + "</p></div></header>",
        # a story headed by an <h2> (the page's <h1> is the site's name)
        "<div class='head'><h2>Council votes to close the old pool</h2>"
        "<p>Swimmers have one more summer before the doors shut for good, and no new pool is planned.</p></div>",
    ],
)
def test_the_dek_under_the_headline_opens_the_text(tmp_path, header):
    text = prepare(_dek_page(tmp_path, header)).text
    assert text.startswith("Swimmers have one more summer before the doors shut for good")
    assert "engineers found that the roof" in text
    assert "All the news from the valley" not in text  # the site's slogan under its linked name
    assert "Ann Lee has covered" not in text


def test_a_byline_with_its_date_under_the_headline_is_no_dek(tmp_path):
    header = (
        "<h1>Council votes to close the old pool</h1>"
        "<p class='info'>Von Ann Lee und Tom Berg, 14. März 2023, 10:45 Uhr, aktualisiert</p>"
    )
    text = prepare(_dek_page(tmp_path, header)).text
    assert text.startswith("The council voted on Tuesday")
    assert "Ann Lee" not in text


@pytest.mark.parametrize("cited", [False, True])
def test_links_to_other_posts_after_the_last_paragraph_go_and_a_cited_address_stays(tmp_path, cited):
    para = (
        "<p>The bakery on Mill Street opened its doors again on Saturday, three months after the fire that "
        "destroyed its ovens, and by nine o'clock the queue reached the corner of the square.</p>"
    )
    titles = (
        "Why the old mill on the river is finally getting a new roof after twenty years?",
        "Five walks around the valley that end at a bakery, a pub or both of them",
        "The school choir sings at the cathedral on Sunday for the first time since the war",
    )
    address = "https://example.org/reports/2023/bakery-fire-letter-to-the-council.pdf"
    if cited:  # the source the story ends on: an address shown as its own link
        end = f"<p><a href='{address}'>{address}</a></p>"
    else:
        end = "<p>Keep reading</p>" + "".join(f"<p><a href='/post/{i}'>{t}</a></p>" for i, t in enumerate(titles))
    page = tmp_path / "bakery.html"
    page.write_text(
        "<html><head><title>Bakery reopens</title></head><body><article><h1>Bakery reopens</h1>"
        f"{para * 4}{end}</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "the queue reached the corner of the square" in text
    if cited:
        assert address in text
    else:
        assert "Keep reading" not in text
        for title in titles:
            assert title[:20] not in text, title


@pytest.mark.parametrize(
    "teaser",
    [
        "<h3>MIRA: <a href='/otra-nota'>El puerto cierra dos muelles por la tormenta de esta semana</a></h3>",
        "<blockquote><b>PUEDES VER: </b><a href='/otra-nota'>¿Qué barrios se quedan sin agua el lunes?</a></blockquote>",
    ],
)
def test_a_read_also_link_set_as_a_heading_or_quote_is_not_article_text(tmp_path, teaser):
    para = (
        "<p>El ayuntamiento aprobó el martes el nuevo horario de los autobuses nocturnos, que desde junio "
        "pasarán cada veinte minutos por el centro y llegarán hasta los barrios del norte.</p>"
    )
    page = tmp_path / "buses.html"
    page.write_text(
        "<html><head><title>Autobuses nocturnos</title></head><body><article><h1>Autobuses nocturnos</h1>"
        f"{para * 2}{teaser}{para * 3}</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "llegarán hasta los barrios del norte" in text
    assert "MIRA" not in text and "PUEDES VER" not in text
    assert "muelles" not in text and "sin agua" not in text


@pytest.mark.parametrize("heading", ["Autorin", "Autor:innen", "Author", "Autores"])
def test_an_author_box_under_a_one_word_heading_is_not_article_text(tmp_path, heading):
    para = (
        "<p>Die Fähre zur Insel fährt ab Sonntag wieder nach dem Sommerfahrplan: das erste Schiff legt um "
        "sechs Uhr ab, das letzte kommt eine Stunde später zurück als im Winter.</p>"
    )
    bio = (
        "<div><p>Jana Berg, geboren 1985, schreibt seit 2012 für die Zeitung über Verkehr und Küste. "
        "Sie hat in Kiel Geografie studiert und lebt mit ihrer Familie auf dem Festland.</p></div>"
    )
    page = tmp_path / "faehre.html"
    page.write_text(
        "<html><head><title>Fähre</title></head><body><article><h1>Fähre</h1>"
        f"{para * 4}<h2>{heading}</h2>{bio}</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "das letzte kommt eine Stunde später zurück" in text
    assert "Jana Berg" not in text and heading not in text


@pytest.mark.parametrize("in_markup", [1, 6])
def test_a_story_whose_markup_holds_a_part_of_it_is_read_from_its_structured_data(tmp_path, in_markup):
    import json

    paras = [
        f"Paragraph {n} of the report: the harbour board met on Thursday and agreed that the old crane "
        f"on the north quay, number {n}, will be repaired rather than scrapped, at a cost the city shares."
        for n in range(1, 7)
    ]
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Cranes",
        "articleBody": "\n\n".join(paras),
    }
    shown = "".join(f"<p>{p}</p>" for p in paras[:in_markup])
    page = tmp_path / "cranes.html"
    page.write_text(
        "<html><head><title>Cranes</title>"
        f"<script type='application/ld+json'>{json.dumps(ld)}</script></head><body><article><h1>Cranes</h1>"
        f"{shown}<p>Readers can follow the next meeting of the board on the city's website in May.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "number 1, will be repaired" in text and "number 6, will be repaired" in text
    # the markup holds the story: read from there, as always (its own last line included)
    assert ("follow the next meeting" in text) == (in_markup == 6)


def test_a_page_read_whole_leaves_its_menus_and_keeps_its_lists_of_links_with_words():
    from lxml import html as lxml_html

    from reader.core.importing.extract import whole_page

    menu = (
        "<div class='top'>"
        + "".join(f"<a href='/{w}'>{w}</a> " for w in ("Home", "News", "Events", "Contact"))
        + "</div>"
    )
    fixes = (
        "<ul>"
        + "".join(
            f"<li><a href='/bug/{n}'>Bug {n} – the download panel forgets its place after a restart</a></li>"
            for n in range(3)
        )
        + "</ul>"
    )
    footer = "<div class='bottom'><a href='/imprint'>Imprint</a> | <a href='/privacy'>Privacy</a></div>"
    page = (
        f"<html><body>{menu}<div>Fixed this week:</div>{fixes}"
        f"<div>Thanks to everyone who sent a patch.</div>{footer}</body></html>"
    )
    text = lxml_html.fragment_fromstring(whole_page(page), create_parent="div").text_content()
    assert "Fixed this week" in text and "the download panel forgets its place" in text
    for label in ("Home", "Contact", "Imprint", "Privacy"):
        assert label not in text, label


def test_a_story_set_as_text_sections_in_grid_rows_is_read_whole(tmp_path):
    def section(words: str, n: int) -> str:
        para = f"<p>{words} The interview went on for an hour in the back room of the bookshop, between boxes of new stock.</p>"
        return f"<section class='textblock container'><div class='row'><div class='col-sm-10 col-md-7'>{para * n}</div></div></section>"

    page = tmp_path / "interview.html"
    page.write_text(
        "<html><head><title>Interview</title></head><body><main><h1>Interview</h1>"
        + section("Opening question about the first book.", 2)
        + "<section class='quote container'><div class='row'><div class='col-sm-10'><figure><img src='q.jpg'></figure></div></div></section>"
        + section("The long middle answer about the years abroad.", 6)
        + "<section class='ad container'><div class='row'><div class='col-sm-10'><a href='/shop'>Shop</a></div></div></section>"
        + section("Closing remark about the next novel.", 2)
        + "</main></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    for words in ("Opening question", "The long middle answer", "Closing remark"):
        assert words in text, words
    assert "Shop" not in text


def test_a_news_letter_box_spelt_with_a_hyphen_is_not_article_text(tmp_path):
    para = (
        "<p>The lighthouse on the point will be open to visitors every Sunday this summer, the trust said, "
        "and the keeper's cottage beside it becomes a small museum of the coast.</p>"
    )
    box = (
        "<div class='news-letter-section'><h3>News letters</h3><p>Tips, trends and the week's best stories, "
        "every Friday in your inbox.</p></div>"
    )
    page = tmp_path / "lighthouse.html"
    page.write_text(
        "<html><head><title>Lighthouse</title></head><body><article><h1>Lighthouse</h1>"
        f"{para * 2}{box}{para * 3}</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "becomes a small museum of the coast" in text
    assert "every Friday in your inbox" not in text


def test_the_values_of_a_data_table_stay_however_many_links_they_hold(tmp_path):
    # An infobox's values are often lists of links: cleaned away as link lists, they left each
    # row a label with nothing beside it. As Readability.js, nothing in a data table is cleaned.
    story = "".join(
        f"<p>Paragraph {i} of the article about the islands, their people and their weather goes on here.</p>"
        for i in range(8)
    )
    languages = "".join(f"<li><a href='/wiki/{name}'>{name}</a></li>" for name in ("English", "Maori", "Sign"))
    infobox = (
        "<table class='infobox'><tr><th>Capital</th><td><a href='/wiki/Wellington'>Wellington</a></td></tr>"
        f"<tr><th>Official languages</th><td><div class='plainlist'><ul>{languages}</ul></div></td></tr></table>"
    )
    page = tmp_path / "islands.html"
    page.write_text(
        f"<html><head><title>The islands</title></head><body><article><h1>The islands</h1>{infobox}{story}"
        "</article></body></html>"
    )
    article = prepare(page)
    assert "Paragraph 7 of the article" in article.text
    assert "Official languages" in article.text
    assert all(name in article.text for name in ("English", "Maori", "Sign"))


def test_a_label_inside_a_sentence_stays_and_buttons_go():
    # "Follow us" is a share-bar label when alone, part of the sentence here; links
    # and boxes drawn as buttons ("Next lesson »", "Register now") are not text.
    page = prepare(PAGES / "buttons-and-labels.html")
    assert "Follow us to stay up to date on repairs" in " ".join(page.text.split())
    assert "Ready for the next lesson?" in page.text
    assert "Next lesson" not in page.text and "»" not in page.text
    assert "Register now" not in page.text


def test_the_wordpress_line_under_a_post_goes(tmp_path):
    # Themes' "This entry was posted in ... Bookmark the permalink." (entry-utility),
    # "Der Beitrag wurde am ... veröffentlicht" (postmetadata) and a ratings plugin's line.
    story = "".join(
        f"<p>The orchestra played the noises of a working day, paragraph {i}: trams, kettles, "
        "typewriters and a door that would not close, each given its own bar of music.</p>"
        for i in range(6)
    )
    page = tmp_path / "post.html"
    page.write_text(
        "<html><head><title>Everyday noises</title></head><body><div id='content'><div class='post'>"
        f"<h1>Everyday noises</h1><div class='entry-content'>{story}"
        "<span class='post-ratings'>(No ratings yet)</span></div>"
        "<p class='postmetadata alt'>Der Beitrag wurde am Mittwoch, den 27. November 2019 um 15:21 Uhr "
        "veröffentlicht und wurde unter Allgemein abgelegt.</p>"
        "<div class='entry-utility'>This entry was posted in Music. Bookmark the permalink.</div>"
        "</div></div></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "a door that would not close" in text
    for junk in ("No ratings yet", "Der Beitrag wurde", "This entry was posted"):
        assert junk not in text, junk


def test_the_placeholder_of_an_embed_awaiting_consent_goes(tmp_path):
    paragraphs = [
        f"<p>Paragraph {i}: the clog maker sold a million pairs after a film star wore them on the red carpet, "
        "and the brand now plans shoes with lights, fur and spikes.</p>"
        for i in range(6)
    ]
    consent = (
        "<div class='social-embed'><div><h3>Empfohlener redaktioneller Inhalt</h3>"
        "<p>An dieser Stelle findet Ihr einen externen Inhalt von <b>Instagram</b>, der den Artikel ergänzt. "
        "Ihr könnt ihn Euch mit einem Klick anzeigen lassen.</p>"
        "<p>Ich bin damit einverstanden, dass mir externe Inhalte angezeigt werden. Damit können "
        "personenbezogene Daten an Drittplattformen übermittelt werden.</p></div></div>"
    )
    page = tmp_path / "embed.html"
    page.write_text(
        "<html><head><title>Clogs</title></head><body><article><h1>Clogs</h1>"
        f"{''.join(paragraphs[:3])}{consent}{''.join(paragraphs[3:])}</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert text.count("the clog maker sold a million pairs") == 6
    for junk in ("Empfohlener redaktioneller Inhalt", "externen Inhalt", "einverstanden"):
        assert junk not in text, junk


@pytest.mark.parametrize(
    "counter",
    [
        "Vous avez lu 1 des 4 articles gratuits ce mois-ci.",
        "You have read 2 of 5 free articles this month.",
        "Sie haben 3 von 10 kostenlosen Artikeln gelesen.",
    ],
)
def test_a_metered_paywall_counter_goes(tmp_path, counter):
    story = "".join(
        f"<p>Paragraph {i}: the city will not allow rental scooters in its streets next year, "
        "after a summer of riders on sidewalks and scooters left in parks.</p>"
        for i in range(6)
    )
    page = tmp_path / "metered.html"
    page.write_text(
        "<html><head><title>Scooters</title></head><body><article><h1>Scooters</h1>"
        f"<div class='panel-title'><strong>{counter}</strong></div>{story}"
        "<p>Sie haben 3 Wochen Zeit, um Einspruch zu erheben.</p></article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert counter not in text
    assert text.count("rental scooters") == 6
    assert "Sie haben 3 Wochen Zeit" in text


def test_a_sign_off_ending_in_a_smiley_is_the_writers_own(tmp_path):
    # "Schönen Sonntag <3" / "x Franzi" after the last paragraph: no stop at its
    # end, but the writer's words, not a share line.
    signed = tmp_path / "signed.html"
    html = (PAGES / "trailing-lines.html").read_text(encoding="utf-8")
    signed.write_text(
        html.replace("<p><strong>Like this:", "<p>Have a lovely Sunday <3</p><p>x Anna</p><p><strong>Like this:"),
        encoding="utf-8",
    )
    text = prepare(signed).text
    assert "Have a lovely Sunday <3" in text
    assert "x Anna" in text


def test_a_short_subheading_in_a_box_of_its_own_stays(tmp_path):
    # Page builders put every paragraph in a box of its own; a numbered step set as a
    # bold paragraph is short, but is the article's (Readability.js reads each box as
    # its paragraph and keeps it).
    def box(inner: str) -> str:
        return f"<div class='paragraph'><p>{inner}</p></div>"

    body = ""
    for n, step in enumerate(("Pick a pot", "Water well", "Cut back"), start=1):
        body += box(f"<strong>{n}. {step}</strong>")
        body += box(
            f"Step {n} of caring for hydrangeas in a pot: the soil should stay moist but never wet, "
            "and the plant wants morning sun and afternoon shade, as the grower explains."
        )
    page = tmp_path / "steps.html"
    page.write_text(
        f"<html><head><title>Hydrangeas</title></head><body><div class='content'>{body}</div></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    for step in ("1. Pick a pot", "2. Water well", "3. Cut back"):
        assert step in text, step


def test_the_simple_author_box_under_a_post_goes(tmp_path):
    story = "".join(
        f"<p>Paragraph {i}: the red wines of the hills above Bolzano are light, fragrant and best drunk "
        "young, with a bitter almond note that makes them good company at table.</p>"
        for i in range(6)
    )
    bio = (
        "<div class='saboxplugin-wrap' itemprop='author'><div class='saboxplugin-authorname'>"
        "<a href='/author/jl/'>Jo Loibl</a></div><div class='saboxplugin-desc'><p>Jo Loibl has written about "
        "wine and restaurants for more than twenty-five years, for magazines and daily papers.</p></div></div>"
    )
    page = tmp_path / "wine.html"
    page.write_text(
        f"<html><head><title>Hill wines</title></head><body><article><h1>Hill wines</h1>{story}{bio}"
        "</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert text.count("bitter almond note") == 6
    assert "twenty-five years" not in text


def test_a_page_read_whole_leaves_its_header_footer_and_side_columns():
    from lxml import html as lxml_html

    from reader.core.importing.extract import whole_page

    lines = "".join(
        f"<dd>{s}</dd>"
        for s in (
            "Monday to Thursday the front desk is open from eight in the morning until seven in the evening.",
            "On Fridays it closes at one in the afternoon, as it always has, and the archive stays closed.",
            "Passports and identity cards are handed out on Tuesday and Thursday evenings only.",
        )
    )
    page = (
        "<html><body><header><div>Town of Elmstead</div><div>Text size: larger, smaller</div></header>"
        "<article><header><div>The town hall keeps longer hours from March.</div></header>"
        f"<dl>{lines}</dl><footer>Previous notice: road works on Mill Lane</footer></article>"
        "<div id='sidebar'>From the archive: the harbour festival of 1987</div>"
        "<aside>Opening hours of the library</aside>"
        "<div role='contentinfo'>Town Hall, 1 Market Square, Elmstead</div></body></html>"
    )
    text = lxml_html.fragment_fromstring(whole_page(page), create_parent="div").text_content()
    # the article's own header (its lead) stays; the site's does not
    assert "longer hours from March" in text and "front desk is open" in text
    for furniture in ("Text size", "Previous notice", "harbour festival", "library", "Market Square"):
        assert furniture not in text, furniture


def test_a_live_ticker_keeps_every_entry_not_only_the_longest(tmp_path):
    # Each entry is a box of the same shape; the short ones score too little to be
    # joined by score (one paragraph, no commas), but they are the text going on.
    first = "".join(
        f"<p>{s}</p>"
        for s in (
            "The final whistle has gone at the harbour ground, and the home side have held on to win by a "
            "single goal, their first win of the season.",
            "It was a nervous last quarter of an hour, with the visitors pressing, hitting the bar twice, and "
            "the home keeper saving well from the edge of the box.",
            "The manager, who had spoken of a season that could still be saved, ran onto the pitch at the end "
            "and embraced every one of his players in turn.",
        )
    )
    later = (
        "A change for the visitors as their captain comes off limping and is replaced by the young forward "
        "who scored twice last week to a warm welcome from the travelling supporters.",
        "Goal! A header from the corner looped over the keeper and dropped in under the bar and the home "
        "crowd are on their feet at last after an hour of waiting.",
        "The first chance of the afternoon falls to the home side but the shot from the edge of the area "
        "goes well wide into the stand behind the goal where the away fans sit.",
    )
    entries = [("90+4", first)] + [(m, f"<p>{s}</p>") for m, s in zip(("78", "61", "12"), later, strict=True)]
    items = "".join(
        f"<div class='tick'><div class='tick-time'><span>{minute}'</span></div>"
        f"<div class='tick-words'>{body}</div></div>"
        for minute, body in entries
    )
    page = tmp_path / "live.html"
    page.write_text(
        "<html><head><title>Live: harbour derby</title></head><body>"
        f"<div class='menu'><a href='/'>Home</a></div><div class='live'>{items}</div></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "embraced every one of his players" in text
    for entry in later:
        assert entry[:40] in text, entry
    # in page order
    assert text.index("final whistle") < text.index("A change for the visitors") < text.index("first chance")


def test_an_articles_own_footer_and_aside_are_left_out(tmp_path):
    paragraphs = "".join(
        f"<p>{s}</p>"
        for s in (
            "The town hall keeps longer hours from March, so that people who work during the day can come "
            "by in the evening, the council decided on Tuesday.",
            "Monday to Thursday the front desk is open from eight in the morning until seven in the evening, "
            "and on Fridays it closes at one in the afternoon, as it always has.",
            "Passports and identity cards are handed out on Tuesday and Thursday evenings only, and the "
            "registry office keeps its own hours, with appointments by telephone.",
        )
    )
    page = tmp_path / "hours.html"
    page.write_text(
        "<html><head><title>Longer hours at the town hall</title></head><body><article>"
        f"<h1>Longer hours at the town hall</h1>{paragraphs}"
        "<aside><p>From the archive: the harbour festival of 1987, in pictures, with a word from the mayor.</p></aside>"
        "<footer><p>Previous notice: road works on Mill Lane, from Monday, for three weeks.</p></footer>"
        "</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "longer hours from March" in text and "appointments by telephone" in text
    assert "harbour festival" not in text and "Mill Lane" not in text


def test_a_short_page_wins_over_the_news_blurbs_in_its_menu(tmp_path):
    blurb = (
        "<li><a href='/{0}'>{0}</a><div class='nav-news'><p>Since the end of May, posters on the theme of "
        "living together have hung across the city, a thank-you, from all of us, to the many people, young "
        "and old, who give their time to others, in clubs, in choirs, in schools, in their street.</p></div></li>"
    )
    menu = "".join(blurb.format(name) for name in ("Town hall", "Living here", "Culture", "Sport", "Travel"))
    # the site's links below: the menu holds less than half of the page's text
    links = "".join(f"<li><a href='/{n}'>Services and offices of the city, part {n}</a></li>" for n in range(30))
    page = tmp_path / "quarter.html"
    page.write_text(
        "<html><head><title>The old quarter</title></head><body>"
        f"<div class='page'><aside><nav><ul>{menu}</ul></nav></aside>"
        "<div class='col'><div class='col1'><h1>The old quarter</h1><p>The old quarter grew up as the first district outside the city "
        "walls and was home to craftsmen and vine growers whose gardens grew the beans that gave it its name. "
        "Today its narrow lanes hold small shops and galleries and on summer evenings the squares "
        "fill with people who come to sit outside and rest.</p></div></div></div>"
        f"<div class='bottom'><ul>{links}</ul></div></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "first district outside the city walls" in text
    assert "posters on the theme" not in text


def test_a_list_of_related_posts_with_their_excerpts_is_left_out(tmp_path):
    paragraphs = "".join(
        f"<p>{s}</p>"
        for s in (
            "Iceland let its banks fail in the crisis, put the bankers on trial and asked its people to vote "
            "on what the country owed, a path that no other country in Europe chose to follow.",
            "The film follows that path from the first protests in front of the parliament in Reykjavik to "
            "the referendum, with the voices of fishermen, teachers and members of parliament.",
            "It was shown at festivals across the north of Europe but found no distributor here, and it can "
            "now be watched in full, with subtitles, on the site of the collective that made it.",
        )
    )
    excerpt = (
        "Our media swear the people to stand by the common currency for better or worse, whatever it costs, "
        "while the banks that caused the crisis are saved again and again with the money of those who pay. "
    )
    related = "".join(
        f"<li><a href='/post/{n}'>Another post, number {n}</a><small>{excerpt}</small></li>" for n in range(3)
    )
    page = tmp_path / "iceland.html"
    page.write_text(
        "<html><head><title>Iceland goes its own way</title></head><body><div class='post'><div class='entry'>"
        f"{paragraphs}<ul class='related_post'>{related}</ul></div></div></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "let its banks fail" in text and "on the site of the collective" in text
    assert "swear the people" not in text and "Another post" not in text


def test_a_story_told_in_a_run_of_boxes_keeps_them_whatever_their_class(tmp_path):
    # "community" is one of readability's unlikely words; four boxes of it holding
    # most of the story are the story, not a sidebar
    intro = (
        "The river rose through the night from Friday to Saturday and reached the houses of the lower town by "
        "dawn, the highest water since records began, and it stayed for three days before it went down again. "
        "We asked the people who live by the river what they saw and what they will remember."
    )
    voices = (
        "I have lived on this street for forty years and I have never seen the river this high, not even in "
        "the spring of the great flood when the bridge was closed for a week.",
        "We moved the furniture upstairs on Friday night, and by Saturday morning the water was at the second "
        "step, brown and cold and smelling of the fields upstream.",
        "The fire brigade came by in a boat to ask whether we needed anything, and the children waved at them "
        "from the window as if it were a parade going past.",
        "What I will remember is the neighbours, who brought soup and blankets and stayed to help us carry the "
        "wet carpets out into the sun when the water went down.",
    )
    boxes = "".join(f"<div class='community-voice'><p>{v}</p><p>A resident</p></div>" for v in voices)
    page = tmp_path / "flood.html"
    page.write_text(
        "<html><head><title>Voices from the flood</title></head><body>"
        "<div class='menu'><a href='/'>Home</a> <a href='/news'>News</a></div>"
        f"<div class='story'><h1>Voices from the flood</h1><p>{intro}</p>{boxes}</div></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "what they will remember" in text
    for voice in voices:
        assert voice[:40] in text, voice


def test_the_lead_under_the_headline_in_a_hero_block_comes_first(tmp_path):
    body = "".join(
        f"<p>{s}</p>"
        for s in (
            "In an old house the radiators are small, the walls are thin, and the water in the heating has to "
            "be hot, far hotter than a heat pump likes to make it, at least on the coldest days of the year.",
            "But most old houses were insulated at some point, a new roof, new windows, and a few radiators "
            "changed for larger ones often bring the water temperature down far enough for a pump.",
            "An energy adviser measures the house, works out the heat it needs on a cold day and tells you which "
            "rooms would need larger radiators, before anything is bought.",
        )
    )
    # the headline is not the page's title (an SEO title), so the dek found by the title misses it
    page = tmp_path / "pump.html"
    page.write_text(
        "<html><head><title>Heat pumps for older buildings: costs and subsidies 2024</title></head><body><div class='site'><div class='grid'>"
        "<div class='hero'><h1>Does a heat pump suit an old house?</h1>"
        "<div class='hero__copy'><p>Heat pumps heat with the warmth of the air or the ground, and more and "
        "more owners of older houses ask whether one would work for them.</p></div></div>"
        f"<div class='container'><div class='cmp'><div class='grid-inner'>{body}</div></div></div>"
        "</div></div></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert text.startswith("Heat pumps heat with the warmth")
    assert "before anything is bought" in text


def test_a_live_commentary_is_kept_though_its_entries_are_called_comments(tmp_path):
    # each entry's class says "comment"; together they are most of the page
    moments = [
        ("96", "It is over at the harbour ground! The home side held on for a draw against the leaders."),
        ("81", "A corner for the visitors, headed clear at the near post, and the chance is gone."),
        ("65", "Goal for the home side! The captain heads in from the free kick and the ground erupts."),
        ("52", "The visitors lead after a long ball over the top finds their striker alone in the box."),
        ("30", "Half an hour played and neither keeper has had a save to make in this cautious game."),
        ("1", "The referee blows his whistle and we are under way on a grey afternoon by the sea."),
    ]
    more = "The crowd sings on in the rain, and the players look up at the stand before the game goes on again."
    entries = "".join(
        f"<div class='live-comment'><div class='live-comment-minute'>{m}'</div>"
        f"<div class='live-comment-body'>{t} {more}</div></div>"
        for m, t in moments
    )
    page = tmp_path / "live.html"
    page.write_text(
        "<html><head><title>Harbour against the leaders, live</title></head><body>"
        "<div class='menu'><a href='/'>Home</a> <a href='/football'>Football</a> <a href='/results'>Results</a></div>"
        f"<div class='match'><h1>Harbour against the leaders</h1><div class='live-comments'>{entries}</div></div>"
        "</body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    for _minute, moment in moments:
        assert moment[:40] in text, moment


_HARBOUR = "".join(
    f"<p>{s}</p>"
    for s in (
        "The harbour authority closed the old quay on Monday after divers found the timber piles under it "
        "rotten through, and the ferries now land at the fish market until the repairs are done.",
        "Engineers expect the work to take most of the summer; the piles will be replaced with steel, which "
        "the council had refused to pay for when the quay was last repaired twenty years ago.",
        "Fishermen say the closure costs them an hour a day, and the market traders expect the ferry crowds "
        "to bring more business than they have seen since the new bridge opened in the spring.",
    )
)


def test_a_read_more_list_of_the_sites_own_pages_goes_with_its_heading(tmp_path):
    page = tmp_path / "quay.html"
    page.write_text(
        "<html><head><title>Old quay closed</title>"
        "<link rel='canonical' href='https://www.harbour-news.example/2024/quay-closed'></head><body><article>"
        f"{_HARBOUR}<h2>Weiterlesen:</h2>"
        "<p><a href='https://www.harbour-news.example/2023/ferry-timetable'>The new ferry timetable</a></p>"
        "<p><a href='/2022/bridge-opens'>The bridge opens at last</a></p>"
        "<p><strong>Sources</strong></p>"
        "<ul><li><a href='https://council.example.org/minutes'>Council minutes of 3 May</a></li></ul>"
        "<p>The authority will publish a new timetable for the summer season by the end of the month, "
        "and it says the quay should reopen for the autumn crossings if the weather allows the divers to work.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "rotten through" in text and "reopen for the autumn crossings" in text
    # the site's own "read more" list and its heading go ...
    assert "Weiterlesen" not in text and "ferry timetable" not in text and "bridge opens at last" not in text
    # ... the sources the article cites, on another site, stay
    assert "Sources" in text and "Council minutes of 3 May" in text


def test_a_step_of_the_article_under_its_heading_stays_though_it_is_one_link(tmp_path):
    # A heading over a link to the site's own page is a step of the instructions, not a
    # "read more" list (two links at least make one); the story's last sentence that names
    # the app for Android and iOS stays, since only a link or emphasis makes it a call.
    page = tmp_path / "quay.html"
    page.write_text(
        "<html><head><title>Old quay closed</title>"
        "<link rel='canonical' href='https://www.harbour-news.example/2024/quay-closed'></head><body><article>"
        f"{_HARBOUR}<h3>Step 1</h3><p><a href='/guides/ferry-app'>Update the ferry timetable app</a></p>"
        "<h3>Step 2</h3><p>Then open the timetable and pick the fish market landing for every crossing you take.</p>"
        "<p>The new timetable reaches the harbour's app for Android and iOS this week, "
        "<a href='https://council.example.org/news'>the council said</a>.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "Step 1" in text and "Update the ferry timetable app" in text
    assert "the council said" in text


def test_words_in_a_sentence_stay_whatever_their_class_and_an_answer_in_details_stays(tmp_path):
    page = tmp_path / "faq.html"
    page.write_text(
        "<html><head><title>Harbour FAQ</title></head><body><article>"
        f"{_HARBOUR}<h2>Can I still take my car?</h2>"
        "<details class='disclosure'><summary>Short answer</summary>"
        "<p>Yes: cars board at the fish market landing, at the far end, until the quay reopens.</p></details>"
        "<p>Keywords for this guide: <span class='tags'>quay closure</span> are explained in the glossary below.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "Short answer" in text and "cars board at the fish market landing" in text
    assert "Keywords for this guide: quay closure are explained" in text


@pytest.mark.parametrize(
    "line", ["2021-10-16 | Harbour news", "Posted by: quayside | 31. Dezember 2008", "Jane Doe · 3 May 2021 · Port"]
)
def test_a_line_of_a_date_and_labels_at_the_top_is_metadata(tmp_path, line):
    page = tmp_path / "quay.html"
    page.write_text(
        f"<html><head><title>Old quay closed</title></head><body><article><p>{line}</p>{_HARBOUR}</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert text.startswith("The harbour authority closed the old quay"), text[:80]
    assert "the new bridge opened in the spring" in text


def test_a_sentence_with_a_date_and_a_bar_at_the_top_stays(tmp_path):
    line = "On 3 May 2021 | the council voted to close the quay for the summer"
    page = tmp_path / "quay.html"
    page.write_text(
        f"<html><head><title>Old quay closed</title></head><body><article><p>{line}</p>{_HARBOUR}</article></body></html>",
        encoding="utf-8",
    )
    assert prepare(page).text.startswith(line)


@pytest.mark.parametrize("cls", ["editorial-disclosure", "article__disclaimer"])
def test_an_affiliate_notice_in_a_box_of_its_own_goes(tmp_path, cls):
    notice = "This post contains links to products of our partners. We may receive a commission when you buy."
    page = tmp_path / "quay.html"
    page.write_text(
        "<html><head><title>Old quay closed</title></head><body><article>"
        f"<section class='{cls}'><p>{notice}</p></section>{_HARBOUR}</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "rotten through" in text and "the new bridge opened in the spring" in text
    assert "receive a commission" not in text


@pytest.mark.parametrize(
    ("cls", "box"),
    [
        ("next-post", "<p>The ferry company has ordered two new boats for the crossing, delivered next spring.</p>"),
        ("affiliate-text", "<p>We earn money when you sign up with a provider we tested.</p>"),
    ],
)
def test_a_next_story_teaser_and_an_affiliate_note_go(tmp_path, cls, box):
    page = tmp_path / "quay.html"
    page.write_text(
        "<html><head><title>Old quay closed</title></head><body><article>"
        f"{_HARBOUR}<div class='{cls}'>{box}</div></article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert "rotten through" in text and "the new bridge opened in the spring" in text
    assert "two new boats" not in text and "We earn money" not in text


_MORE_HARBOUR = (
    "The council will meet the ferry companies next week to agree on a timetable for the summer, and the "
    "harbour master has asked boat owners to keep clear of the old quay while the divers work, which he "
    "hopes will be finished before the first autumn gales."
)


def test_a_tag_list_and_the_notice_above_it_go_after_the_article(tmp_path):
    page = tmp_path / "quay.html"
    page.write_text(
        "<html><head><title>Old quay closed</title></head><body><article>"
        f"{_HARBOUR}<p>{_MORE_HARBOUR}</p><p>Harbour News is not responsible for the opinions of its guest writers.</p>"
        "<div class='entry-tags'><a href='/tag/harbour'>Harbour works</a> <a href='/tag/ferry'>Ferry crossings</a></div>"
        "</article></body></html>",
        encoding="utf-8",
    )
    text = prepare(page).text
    assert text.rstrip().endswith("before the first autumn gales.")


@pytest.mark.parametrize(
    "call",
    [
        "<b>Get the latest news straight to your phone with the Harbour News app.</b>",
        "<b>Mehr davon?</b> Schauen Sie in unseren <a href='/nl'>Hafennewsletter</a>!",
    ],
)
def test_a_call_to_get_the_app_or_the_newsletter_after_the_article_goes(tmp_path, call):
    page = tmp_path / "quay.html"
    page.write_text(
        "<html><head><title>Old quay closed</title></head><body><article>"
        f"{_HARBOUR}<p>{_MORE_HARBOUR}</p><p>{call}</p></article></body></html>",
        encoding="utf-8",
    )
    assert prepare(page).text.rstrip().endswith("before the first autumn gales.")


def test_the_comment_count_and_login_line_under_a_post_go(tmp_path):
    page = tmp_path / "quay.html"
    page.write_text(
        "<html><head><title>Old quay closed</title></head><body><article>"
        f"{_HARBOUR}<p>{_MORE_HARBOUR}</p><h3>2 Kommentare</h3><p>You must be logged in to post a comment.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    assert prepare(page).text.rstrip().endswith("before the first autumn gales.")


def test_a_story_in_rows_of_the_same_kind_comes_whole():
    # A page builder sets one story in several rows of the same class, each laid out
    # differently inside: the rows after the one chosen are the story going on, the
    # short sign-up row and the row of links to other stories are not.
    text = prepare(PAGES / "story-rows.html").text
    for sentence in ("sentence 0", "sentence 5", "second part 0", "second part 2", "third part 0", "third part 2"):
        assert sentence in text, sentence
    assert text.index("sentence 5") < text.index("second part 0") < text.index("third part 0")
    assert "Sign up for our weekly harbour letter" not in text
    assert "Another story about ferries" not in text


SUPPORT_MATRIX = (
    "<html><head><title>Supported platforms</title></head><body><article><h1>Supported platforms</h1>"
    "<p>The engine runs on these platforms, and the table below says which architecture each one supports "
    "today. Read it before you install anything on a server of your own.</p>"
    "<table><thead><tr><th>Platform</th><th>amd64</th><th>arm64</th></tr></thead><tbody>"
    # a tick in a link (docs.docker.com's install page), a remote cross, a file name, an address
    "<tr><td>Debian</td><td><a href='/debian/'><img src='/images/green-check.svg' alt='yes'></a></td>"
    "<td><img src='https://cdn.example.com/no.png' alt=' no '></td></tr>"
    "<tr><td>Fedora</td><td><img src='https://cdn.example.com/c.png' alt='check-mark.png'></td>"
    "<td><img src='https://cdn.example.com/a.png' alt='https://cdn.example.com/a.png'></td></tr>"
    # an icon beside its label adds nothing; two ticks in one cell stay two words
    "<tr><td><img src='https://cdn.example.com/win.png' alt='Windows logo'> Windows</td>"
    "<td><img src='x.png' alt='yes'><img src='y.png' alt='yes'></td><td></td></tr>"
    # a picture alone in its cell (its declared size, its sentence of alt text) is no value
    "<tr><td>Harbour</td><td><img src='https://cdn.example.com/m.jpg' alt='Map' width='220' height='180'></td>"
    "<td><img src='https://cdn.example.com/n.jpg' alt='The north pier at dawn'></td></tr>"
    "</tbody></table>"
    "<p>A picture in the text <img src='https://cdn.example.com/map.png' alt='A map of the coast'> leaves "
    "nothing, an emoji <img class='emoji' src='https://s.w.org/images/core/emoji/1f600.png' alt='😀'> "
    "stays.</p></article></body></html>"
)


def test_images_that_are_a_tables_values_leave_their_alt_text(library, tmp_path):
    """Remote images are never fetched: a support matrix of tick images read as blank cells.
    The alt text of an image that is a cell's whole content stays, as plain text."""
    from lxml import html as lxml_html

    from reader.core.export import export_articles

    page = tmp_path / "platforms.html"
    page.write_text(SUPPORT_MATRIX, "utf-8")
    [outcome] = library.import_paths([page], workers=1)
    article = library.get(outcome.id)
    table = lxml_html.fragment_fromstring(article.html, create_parent="div").find(".//table")
    rows = [[" ".join(cell.text_content().split()) for cell in row] for row in table.iter("tr")]
    assert rows[1:] == [["Debian", "yes", "no"], ["Fedora", "", ""], ["Windows", "yes yes", ""], ["Harbour", "", ""]]
    assert "<img" not in article.html and "cdn.example.com" not in article.html and "s.w.org" not in article.html
    for description in ("A map of the coast", "Windows logo", "Map", "north pier"):
        assert description not in article.text  # descriptions stay out
    assert "an emoji 😀 stays" in article.text
    assert "Debian yes no" in article.text  # what search, highlights and word counts see
    assert [hit.article_id for hit in library.search("Debian yes")] == [article.id]
    [out] = export_articles(library, "html", tmp_path / "out").paths
    exported = lxml_html.fromstring(out.read_text("utf-8"))
    cells = [" ".join(td.text_content().split()) for td in exported.iter("td")]
    assert cells[:3] == ["Debian", "yes", "no"] and "cdn.example.com" not in out.read_text("utf-8")


_RTL_TEXT = (
    "<h1>כותרת</h1><p>זהו הפסקה הראשונה של המאמר, והיא ארוכה מספיק כדי להיות חלק מהטקסט של הכתבה עצמה "
    "ולא מהמסגרת של האתר.</p><p>זוהי הפסקה השנייה, שגם היא מספרת את הסיפור עצמו בכמה משפטים ארוכים, "
    "כפי שכתבות עושות בדרך כלל.</p><p>והפסקה השלישית מסיימת את הכתבה בעוד כמה מילים על הנושא.</p>"
)


@pytest.mark.parametrize(
    ("html_attrs", "body_attrs", "body", "direction"),
    [
        # rtl-4 of the readability corpus: only the <article> says it
        ("", "", f"<main><article dir='rtl'>{_RTL_TEXT}</article></main>", "rtl"),
        ("", "", f"<main dir='rtl'><article>{_RTL_TEXT}</article></main>", "rtl"),  # an ancestor says it
        ("dir='ltr'", "dir='rtl'", f"<article>{_RTL_TEXT}</article>", "rtl"),  # the nearer one wins
        ("lang='en'", "", f"<div lang='he'><article>{_RTL_TEXT}</article></div>", "rtl"),  # then lang
        ("lang='he' dir='rtl'", "", f"<div dir='ltr'><article>{_RTL_TEXT}</article></div>", "ltr"),
        ("", "", f"<div dir='auto'><article>{_RTL_TEXT}</article></div>", "rtl"),  # its first strong letter
    ],
)
def test_the_articles_direction_is_the_one_its_block_inherits(tmp_path, html_attrs, body_attrs, body, direction):
    import json
    import subprocess
    import sys

    page = tmp_path / "page.html"
    page.write_text(
        f"<!DOCTYPE html><html {html_attrs}><head><meta charset='utf-8'><title>כתבה</title></head>"
        f"<body {body_attrs}><nav><a href='/'>ראשי</a></nav>{body}</body></html>",
        "utf-8",
    )
    assert prepare(page).direction == direction  # what the library stores
    if body.startswith("<main><article dir='rtl'>"):  # the command's answer, once
        shown = subprocess.run(
            [sys.executable, "-m", "reader", "extract", str(page), "--format", "json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        assert json.loads(shown.stdout)["direction"] == "rtl"


def _mathjax(tex_text: str, display: bool = False) -> str:
    """A formula as MathJax 3 leaves it in a saved page: drawn glyphs and assistive MathML."""
    block = " display='block'" if display else ""
    shown = " display='true'" if display else ""
    return (
        f"<mjx-container class='MathJax' jax='CHTML'{shown}>"
        "<mjx-math class='MJX-TEX' aria-hidden='true'><mjx-mi><mjx-c class='mjx-c1D458'></mjx-c></mjx-mi></mjx-math>"
        f"<mjx-assistive-mml display='{'block' if display else 'inline'}'>"
        f"<math xmlns='http://www.w3.org/1998/Math/MathML'{block}><mi>{tex_text}</mi></math>"
        "</mjx-assistive-mml>\n</mjx-container>"
    )


def test_a_heading_cut_before_its_inline_formula_is_whole_again(tmp_path):
    """HTML Tidy (which saved the readability corpus's MathJax page) closes a heading in front
    of MathJax's <mjx-container>: "<h2>The probability of getting</h2>" came out alone, the
    rest of the heading loose after it. The stored heading holds its words and formulas."""
    from lxml import html as lxml_html

    intro = (
        "<p>Coins are the simplest model of chance that a class can hold in its hands, and the formulas "
        "below are the ones every course of probability starts from before it goes anywhere else.</p>"
    )
    page = tmp_path / "coins.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Coins</title></head><body><article><h1>Coins</h1>"
        f"{intro}<h2>\n  The probability of getting\n</h2>\n{_mathjax('k')}heads when flipping\n{_mathjax('n')}"
        f"coins is:\n{_mathjax('P', display=True)}"
        # a heading followed by a paragraph that opens with a formula keeps its own words only
        f"<h2>Expected heads</h2><p>{_mathjax('E')} is half the number of tosses, as {intro[3:]}"
        "</article></body></html>",
        "utf-8",
    )
    article = prepare(page)
    root = lxml_html.fragment_fromstring(article.html, create_parent="div")
    headings = [" ".join(h.text_content().split()) for h in root.iter("h2")]
    assert headings == ["The probability of getting k heads when flipping n coins is:", "Expected heads"]
    first = root.find(".//h2")
    assert [span.text for span in first.iter("span") if span.get("lang") == "x-tex"] == ["k", "n"]
    assert "The probability of getting k heads when flipping n coins is:\n\nP\n\nExpected heads\n\nE is half" in (
        article.text
    )
