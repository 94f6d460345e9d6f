"""Small typed helpers for building widgets."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

W = TypeVar("W", bound=QObject)


def named(widget: W, name: str) -> W:
    """The widget with an object name (for style sheets and tests); typed, unlike Qt's objectName= keyword."""
    widget.setObjectName(name)
    return widget


__all__ = ["named"]
