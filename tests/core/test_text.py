from reader.core.text import html_to_text, reading_minutes, word_count


def test_canonical_text_separates_blocks_and_collapses_spaces():
    html = "<h1>Title</h1><p>One   two\nthree</p><ul><li>a</li><li>b<br>c</li></ul>"
    assert html_to_text(html) == "Title\n\nOne two three\n\na\n\nb\nc"


def test_word_count_and_reading_time_in_spaced_scripts():
    assert word_count("Under a lid of ice, the water keeps moving.") == 9
    assert reading_minutes(word_count("word " * 460)) == 2


def test_chinese_and_japanese_are_counted_by_character():
    chinese = "河流在冬天依然流动，" * 100  # 1,000 characters, no spaces
    assert word_count(chinese) == 540  # 900 Han characters x 0.6 (punctuation is not counted)
    assert reading_minutes(word_count(chinese)) == 2
    assert word_count("東京 Tokyo 2024") == 2 + round(2 * 0.6)
