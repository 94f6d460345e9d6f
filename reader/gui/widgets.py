"""Small typed helpers for building widgets."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

W = TypeVar("W", bound=QObject)


def props(widget: W, **properties: object) -> W:
    """The widget with these Qt properties set (objectName, toolTip, checkable...), as
    PySide's keyword arguments do; typed (the stubs know a class's own properties
    only), and a name that is no property of the widget is an error, not a new one."""
    meta = widget.metaObject()
    for name, value in properties.items():
        if meta.indexOfProperty(name) < 0:
            raise AttributeError(f"{type(widget).__name__} has no property {name!r}")
        widget.setProperty(name, value)
    return widget


def named(widget: W, name: str) -> W:
    """The widget with an object name (for style sheets and tests)."""
    return props(widget, objectName=name)


__all__ = ["named", "props"]
