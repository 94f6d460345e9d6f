"""An article's own fields as the reader edits them: archived, favorite, progress,
title, note and tags, and deleting it. Part of Library (reader.core.library)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from reader.core import dates, domain
from reader.core.errors import LibraryError
from reader.core.library.rows import NoteConflict, bump_revision, record_deletion
from reader.core.storage.models import Article, Tag, article_tags, highlight_tags
from reader.core.tags import MAX_TAG_CHARS, clean_tags, edited_tags, tag_key
from reader.core.text import storable

if TYPE_CHECKING:
    from reader.core.library.host import LibraryHost
else:
    LibraryHost = object  # the declaration is for the type checker only


class ArticleEditsMixin(LibraryHost):
    """Part of Library (reader.core.library)."""

    def set_archived(self, article_id: int, archived: bool = True) -> domain.Change:
        return self._set(article_id, archived=archived)

    def set_favorite(self, article_id: int, favorite: bool = True) -> domain.Change:
        return self._set(article_id, favorite=favorite)

    def set_progress(self, article_id: int, progress: float) -> domain.Change:
        # Reading progress is not an edit of the article: `updated` stays.
        with self._write() as session:
            self._article_row(session, article_id).progress = min(1.0, max(0.0, float(progress)))
            bump_revision(session, article_id)
        return domain.Change("article-updated", article_id)

    def set_title(self, article_id: int, title: str) -> domain.Change:
        """Rename an article (a page's own title is often the site's, or shouting).
        The title is the reader's from then on: re-extraction keeps it, and keeps the
        page's own beside it (Article.page_title) for reset_title."""
        title = " ".join(storable(str(title)).split())
        if not title:
            raise LibraryError("a title cannot be empty")
        with self._write() as session:
            article = self._article_row(session, article_id)
            if article.page_title is None:
                article.page_title = article.title
            return self._changed(session, article, reindex=True, title=title)

    def restore_title(self, article_id: int, title: str) -> bool:
        """Give an article the reader's title from an export (import-annotations), unless it
        has one of the reader's already (set since, perhaps by another process: theirs stays).
        Whether the title was restored."""
        title = " ".join(storable(str(title)).split())
        with self._write() as session:
            article = self._article_row(session, article_id)
            if not title or article.page_title is not None:
                return False
            if title != article.title:
                self._changed(session, article, reindex=True, title=title, page_title=article.title)
            else:  # the page's title is the one the reader chose: theirs from now on
                self._changed(session, article, page_title=article.title)
            return True

    def restore_reading_state(
        self,
        article_id: int,
        *,
        archived: bool = False,
        favorite: bool = False,
        progress: float | None = None,
        note: str = "",
        note_by: str = "",
    ) -> tuple[str, ...]:
        """Give an article the reader's state from an export (import-annotations) where
        the library holds nothing of theirs newer, read and written in one transaction
        (another process's change meanwhile stays): archived and favorite are set, never
        cleared; progress takes the further point; the note (and who wrote it) only
        where the article has none. The names of the fields restored."""
        restored: list[str] = []
        with self._write() as session:
            article = self._article_row(session, article_id)
            for name, wanted in (("archived", archived), ("favorite", favorite)):
                if wanted and not getattr(article, name):
                    setattr(article, name, True)
                    restored.append(name)
            if progress is not None and min(1.0, max(0.0, float(progress))) > (article.progress or 0.0):
                article.progress = min(1.0, max(0.0, float(progress)))
                restored.append("progress")
            note = storable(note)
            if note.strip() and not (article.note or "").strip():
                article.note = note
                article.note_by = storable(note_by) if note_by else self.user
                article.note_version = (article.note_version or 1) + 1
                restored.append("note")
            if not restored:
                return ()
            if set(restored) - {"progress"}:  # progress is not an edit (see set_progress)
                article.updated = dates.now()
            session.flush()
            bump_revision(session, article_id)
            if "note" in restored:
                self._search.refresh_annotations(session.connection(), article_id)
        return tuple(restored)

    def reset_title(self, article_id: int) -> domain.Change:
        """Give an article the page's own title again (as last extracted); its title
        follows the page's from then on. An article never renamed is left as it is."""
        with self._write() as session:
            article = self._article_row(session, article_id)
            if article.page_title is None:
                return domain.Change("article-updated", article_id)
            return self._changed(session, article, reindex=True, title=article.page_title, page_title=None)

    def set_note(self, article_id: int, note: str, opened: domain.Article | None = None) -> domain.Change:
        """Write the article's note. With `opened` (the article as the editor read
        it), a note someone else changed since then is not overwritten: NoteConflict."""
        note = storable(note)
        with self._write() as session:
            article = self._article_row(session, article_id)
            if opened is not None and article.note_version != opened.note_version and article.note != opened.note:
                raise NoteConflict(f"article {article_id}", article.note_by, article.note, note)
            article.note = note
            article.note_by = self.user
            article.note_version = (article.note_version or 1) + 1
            article.updated = dates.now()
            session.flush()
            bump_revision(session, article_id)
            self._search.refresh_annotations(session.connection(), article_id)
        return domain.Change("article-updated", article_id)

    def _set(self, article_id: int, reindex: bool = False, **values: object) -> domain.Change:
        with self._write() as session:
            return self._changed(session, self._article_row(session, article_id), reindex, **values)

    def _changed(self, session: Session, article: Article, reindex: bool = False, **values: object) -> domain.Change:
        """Set fields of an article in the caller's write transaction, counted as a change."""
        for name, value in values.items():
            setattr(article, name, value)
        article.updated = dates.now()
        session.flush()
        bump_revision(session, article.id)
        if reindex:
            self._search.refresh(session.connection(), article.id)
        return domain.Change("article-updated", article.id)

    def set_tags(self, article_id: int, tags: Iterable[str]) -> domain.Change:
        return self._change_tags(article_id, lambda _current: list(tags))

    def add_tags(self, article_id: int, tags: Iterable[str]) -> domain.Change:
        return self.change_tags(article_id, add=tags)

    def remove_tags(self, article_id: int, tags: Iterable[str]) -> domain.Change:
        return self.change_tags(article_id, remove=tags)

    def change_tags(self, article_id: int, add: Iterable[str] = (), remove: Iterable[str] = ()) -> domain.Change:
        """Add some tags to an article and remove others, in one transaction: a tag editor
        stores only what the reader changed, all or nothing, and the article's other tags
        (another process's, added meanwhile) stay. A tag both removed and added stays."""
        return self._change_tags(article_id, lambda current: edited_tags(current, add, remove))

    def _change_tags(self, article_id: int, change: Callable[[list[str]], list[str]]) -> domain.Change:
        """The article's tags, read and written in one write transaction: two
        processes adding tags at once both keep theirs (read first, then written
        apart, the second wrote over the first's)."""
        with self._write() as session:
            article = self._article_row(session, article_id)
            article.tags = self._tag_rows(session, change([t.name for t in article.tags]))
            article.updated = dates.now()
            session.flush()
            bump_revision(session, article_id)
        return domain.Change("article-updated", article_id)

    @staticmethod
    def _tag_rows(session: Session, names: Iterable[str], typed: bool = True) -> list[Tag]:
        """The tag rows for these names; a tag is found by its key whatever its
        case, and a new one keeps the spelling first typed. typed=False: tags put
        back as they were (undo, restore), which the length limit never refuses."""
        wanted = clean_tags(names)
        if not wanted:
            return []  # most highlights have no tags: no query (it also flushes the session)
        keys = [tag_key(name) for name in wanted]
        existing = {t.key: t for t in session.scalars(select(Tag).where(Tag.key.in_(keys)))}
        rows = []
        for name, key in zip(wanted, keys):
            # The same limit on both backends (tags.MAX_TAG_CHARS), for new tags: a longer
            # one a personal library took before the limit stays usable.
            if typed and key not in existing and len(name) > MAX_TAG_CHARS:
                raise LibraryError(
                    f"a tag can be at most {MAX_TAG_CHARS} characters; {name[:30]!r}… has {len(name)}; nothing was saved"
                )
            tag = existing.get(key) or Tag(name=name, key=key)
            session.add(tag)
            rows.append(tag)
        return rows

    def delete(self, article_id: int) -> domain.Change:
        with self._write() as session:
            row = self._article_row(session, article_id)
            record_deletion(session, article_id, row.uid)
            session.execute(delete(Article).where(Article.id == article_id))
            self._search.remove(session.connection(), article_id)
            self._drop_unused_tags(session)
        return domain.Change("article-deleted", article_id)

    @staticmethod
    def _drop_unused_tags(session: Session) -> None:
        session.execute(
            delete(Tag).where(~Tag.id.in_(select(article_tags.c.tag_id)), ~Tag.id.in_(select(highlight_tags.c.tag_id)))
        )
