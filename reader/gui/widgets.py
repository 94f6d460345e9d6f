"""Small helpers for building widgets."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

Q = TypeVar("Q", bound=QObject)


def named(obj: Q, name: str) -> Q:
    """`obj` with its object name set (what the style sheets and tests find it by).

    PySide6 takes objectName= in a constructor, but its type stubs list only a class's own
    properties there, not those it inherits from QObject; this says the same, typed."""
    obj.setObjectName(name)
    return obj
