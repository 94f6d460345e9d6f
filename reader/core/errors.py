"""Errors the core reports to the user."""


class LibraryError(Exception):
    """An error to show the user as it is (one clear line)."""


class NoteConflict(LibraryError):
    """A note was changed by someone else since the editor opened it: both texts
    are kept here for the front end to show, nothing was written."""

    def __init__(self, what: str, by: str | None, theirs: str, yours: str) -> None:
        self.by = by or "someone else"
        self.theirs = theirs
        self.yours = yours
        super().__init__(
            f"{what}: the note was changed by {self.by} since you opened it "
            f"(theirs: {_clip(theirs)!r}; yours: {_clip(yours)!r}); nothing was saved"
        )


def _clip(text_: str, limit: int = 80) -> str:
    text_ = " ".join(text_.split())
    return text_ if len(text_) <= limit else text_[: limit - 1] + "…"
