"""Errors the core reports to the user."""


class LibraryError(Exception):
    """An error to show the user as it is (one clear line)."""
