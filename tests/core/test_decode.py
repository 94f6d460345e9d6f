"""Decoding saved pages: BOMs, declarations verified, undeclared legacy encodings guessed."""

import codecs

import pytest

from reader.core.importing.decode import declared_encoding, decode_html

FRENCH = (
    "Le café était déjà prêt quand il arriva. « Très bien », dit-il, en posant sa clé sur la table. "
    "L’été dernier, nous étions à Orléans ; la fenêtre donnait sur un jardin où poussaient des glaïeuls."
)
GERMAN = "Die Straße führt über die Brücke. Größere Häuser stehen am Ufer, und die Bürger grüßen freundlich."
ENGLISH = "He said “hello” — and then left… The café’s prices were 5 € higher than last year’s."
JAPANESE = (
    "これは日本語で書かれた記事です。東京の天気は晴れ、気温は二十度でした。"
    "多くの人々が公園を散歩していました。桜の花が満開で、とても美しい一日でした。"
)
RUSSIAN = "Привет! Это статья на русском языке о погоде в Москве. Сегодня солнечно и тепло, и люди гуляют в парке."
CHINESE = "这是一篇用中文写的文章。今天北京的天气很好，很多人在公园里散步，花儿都开了。"


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (FRENCH, "cp1252"),
        (GERMAN, "cp1252"),
        (ENGLISH, "cp1252"),
        ("Un petit naïf à Noël.", "cp1252"),
        (JAPANESE, "shift_jis"),
        (JAPANESE, "euc_jp"),
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8_r"),
        (CHINESE, "gb18030"),
    ],
)
def test_undeclared_legacy_encodings(text, encoding):
    assert text in decode_html(page(text).encode(encoding))


@pytest.mark.parametrize("label", ["windows-1252", "iso-8859-1", "latin1", "ISO-8859-15", "us-ascii"])
def test_declared_western_but_really_utf8_is_not_mojibake(label):
    for head in (f'<meta charset="{label}">', f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'):
        decoded = decode_html(page(FRENCH + " " + ENGLISH, head).encode("utf-8"))
        assert FRENCH in decoded and ENGLISH in decoded
        assert "Ã" not in decoded and "â€" not in decoded


def test_true_declarations_are_honoured():
    assert FRENCH in decode_html(page(FRENCH, '<meta charset="windows-1252">').encode("cp1252"))
    assert JAPANESE in decode_html(page(JAPANESE, '<meta charset="Shift_JIS">').encode("shift_jis"))
    assert RUSSIAN in decode_html(page(RUSSIAN, '<meta charset="windows-1251">').encode("cp1251"))
    xml = f'<?xml version="1.0" encoding="ISO-8859-1"?><html><body><p>{GERMAN}</p></body></html>'
    assert GERMAN in decode_html(xml.encode("latin-1"))


def test_a_false_multibyte_declaration_falls_back_to_the_bytes():
    # Declares Shift_JIS, is windows-1252: the bytes do not decode as declared.
    assert FRENCH in decode_html(page(FRENCH, '<meta charset="shift_jis">').encode("cp1252"))


def test_declared_utf16_in_an_ascii_compatible_page_means_utf8():
    assert FRENCH in decode_html(page(FRENCH, '<meta charset="utf-16">').encode("utf-8"))


def test_transport_charset_outranks_meta_but_not_the_truth():
    data = page(GERMAN, '<meta charset="koi8-r">').encode("cp1252")
    assert GERMAN in decode_html(data, declared="windows-1252")
    assert GERMAN in decode_html(page(GERMAN).encode("utf-8"), declared="iso-8859-1")


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_bom_wins_over_a_wrong_declaration(bom, encoding):
    data = bom + page(FRENCH + JAPANESE, '<meta charset="windows-1252">').encode(encoding)
    decoded = decode_html(data)
    assert FRENCH in decoded and JAPANESE in decoded and not decoded.startswith("\ufeff")


def test_utf16_without_bom():
    for encoding in ("utf-16-le", "utf-16-be"):
        assert FRENCH in decode_html(page(FRENCH).encode(encoding))


def test_truncated_utf8_keeps_everything_before_the_cut():
    data = page(FRENCH + " 日本語").encode("utf-8")
    cut = data[: data.index("日本語".encode()) + 4]  # in the middle of 本
    decoded = decode_html(cut)
    assert FRENCH in decoded and decoded.endswith("日")


def test_utf8_page_with_a_windows1252_snippet():
    data = page(FRENCH).encode("utf-8") + "<p>Zoë’s naïve café</p>".encode("cp1252")
    decoded = decode_html(data)
    assert FRENCH in decoded and "Zoë’s naïve café" in decoded


def test_declared_encoding_labels():
    assert declared_encoding(b'<meta charset="latin1">') == "cp1252"
    assert declared_encoding(b"<meta charset='UTF-8'>") == "utf-8"
    assert declared_encoding(b'<meta content="text/html; charset=Shift_JIS" http-equiv="Content-Type">') == "shift_jis"
    assert declared_encoding(b'<meta charset="no-such-charset">') is None
    assert declared_encoding(b"<p>no declaration</p>") is None


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff", b"\xfe\xff\x00", b"\x80" * 100, bytes(range(256)), b"<p>\xe3\x81</p>", b"\xef\xbb\xbf"],
)
def test_never_raises(data):
    assert isinstance(decode_html(data), str)


@pytest.mark.parametrize(("text", "encoding"), [(RUSSIAN, "cp1251"), (RUSSIAN, "koi8_r"), (JAPANESE, "shift_jis")])
def test_a_false_windows1252_declaration_over_another_legacy_encoding(text, encoding):
    for label in ("windows-1252", "iso-8859-1"):
        assert text in decode_html(page(text, f'<meta charset="{label}">').encode(encoding))


def test_true_windows1252_declarations_of_western_text_stay():
    for text in (FRENCH, GERMAN, ENGLISH, "Þórður og Guðrún fóru í bæinn."):
        assert text in decode_html(page(text, '<meta charset="windows-1252">').encode("cp1252"))
