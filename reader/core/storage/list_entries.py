"""`reader list --json`'s entry of an article in SQLite's SQL (reader.core.lazy.list_entry).

Stored per article in articles.list_json and kept current by triggers
(migration 0014, whose SQL builds the same bytes for the stamps it stores);
built with ENTRY_SQL where that is NULL, and compared with it by `reader check`.
Plain strings: reading them loads neither SQLAlchemy nor anything else.
"""

# json_object escapes as json.dumps(ensure_ascii=False) does (only '"', '\\' and control
# characters; \b \f \n \r \t by name, the rest as \u00xx). `added` as
# datetime.isoformat() + "Z": from the form SQLAlchemy stores, "YYYY-MM-DD
# HH:MM:SS.ffffff" (26 characters), with the separator made "T" and a zero fraction
# dropped. Any other form is marked with U+0001 (escaped \u0001 in the JSON, so never a
# stamp's first character), for the reader to rewrite by list_entry's own rule; the
# triggers store no entry (NULL) for such a stamp.
ADDED_SQL = (
    "CASE WHEN length(a.added) <> 26 THEN char(1) || a.added"
    " WHEN substr(a.added, 20) = '.000000' THEN replace(substr(a.added, 1, 19), ' ', 'T') || 'Z'"
    " ELSE replace(a.added, ' ', 'T') || 'Z' END"
)
ENTRY_SQL = (
    "json_object('id', a.id, 'title', a.title, 'author', a.author, 'site', a.site, 'url', a.url, "
    f"'published', a.published, 'added', {ADDED_SQL}, 'word_count', a.word_count, "
    "'highlights', (SELECT count(*) FROM highlights h WHERE h.article_id = a.id))"
)
# What articles.list_json should hold: the entry, or NULL for a stamp of another form.
STORED_SQL = f"CASE WHEN length(a.added) = 26 THEN {ENTRY_SQL} END"
# Articles whose stored entry is not what it should be (a trigger missing, or the
# column written by hand).
STALE_SQL = f"SELECT count(*) FROM articles a WHERE a.list_json IS NOT ({STORED_SQL})"
# The five triggers of migration 0014.
TRIGGERS = 5
TRIGGERS_SQL = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name GLOB '*_list_json_*'"
