"""Annotating: colour names, undoable highlight commands, the floating toolbar, the note editor.

Undo is per article (a QUndoGroup holds one QUndoStack per article opened this
session; the open article's stack is the active one). Ctrl+Z then always undoes
something the reader can see on the page in front of them, never a change made
in another article minutes ago, and each article keeps its history when the
reader goes away and comes back. Every command's redo() and undo() run a job on
the window's ops lane (gui/tasks.py) that calls the Library; a highlight keeps its
id through undo/redo (re-adding after an undone add and un-deleting both go
through Library.restore_highlight).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QPoint, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPixmap, QUndoCommand, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.domain import COLORS, Change, Highlight
from reader.core.errors import LibraryError
from reader.core.tags import parse_tags, tag_edits
from reader.gui.icons import icon
from reader.gui.note_conflict import KEEP_MINE, KEEP_THEIRS, NoteConflictDialog, highlight_label
from reader.gui.tasks import describe
from reader.gui.widgets import props

# -- colour names -------------------------------------------------------------------


class ColorNames:
    """The five colours, each with a name the reader can change ("key idea", "question"...)."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def label(self, color: str) -> str:
        """The name the reader gave a colour, else the colour's own name."""
        return self.custom().get(color) or color.capitalize()

    def custom(self) -> dict[str, str]:
        """Only the names the reader set (what exports get as color_names)."""
        names = {}
        for color in COLORS:
            value = self.settings.value(f"highlights/name_{color}", "")
            if isinstance(value, str) and value.strip():
                names[color] = value.strip()
        return names

    def set_label(self, color: str, name: str) -> None:
        name = " ".join(name.split())
        if name and name.lower() != color:
            self.settings.setValue(f"highlights/name_{color}", name)
        else:
            self.settings.remove(f"highlights/name_{color}")

    @property
    def default(self) -> str:
        value = self.settings.value("highlights/default_color", "yellow")
        return value if value in COLORS else "yellow"

    @default.setter
    def default(self, color: str) -> None:
        self.settings.setValue("highlights/default_color", color if color in COLORS else "yellow")


def swatch(color: QColor | str, size: int = 16, ring: QColor | str | None = None) -> QIcon:
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(color))
    edge = QColor(ring) if ring is not None else QColor(color).darker(125)
    painter.setPen(edge)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


# -- undoable commands -------------------------------------------------------------------


class AnnotationCommand(QUndoCommand):
    """redo() and undo() hand a job to the ops lane (gui/tasks.py); the job calls the
    Library and returns the Change, which every view hears. Jobs run one at a time, in
    the order given, on that one thread: the command's own state (the highlight as last
    stored) is read and written only inside its jobs, so a quick Ctrl+Z after H undoes
    the highlight H made, never something older."""

    def __init__(self, ctl: Annotations, article_id: int, text: str) -> None:
        super().__init__(text)
        self.ctl = ctl
        self.article_id = article_id
        self.ran = False  # the first redo (by push) has been handed over

    def apply(self, library) -> Change:
        raise NotImplementedError

    def revert(self, library) -> Change:
        raise NotImplementedError

    def redo(self) -> None:
        first = not self.ran
        self.ran = True
        self.ctl.submit(self, self.apply, "redo", first)

    def undo(self) -> None:
        self.ctl.submit(self, self.revert, "undo", False)


class AddHighlight(AnnotationCommand):
    """`seen`: the text the offsets were taken on; the library refuses them if the article's
    text there has changed since (re-extracted by another process)."""

    def __init__(
        self, ctl, article_id: int, start: int, end: int, color: str, note: str = "", tags=(), seen: str | None = None
    ) -> None:
        super().__init__(ctl, article_id, "Highlight")
        self.args = (article_id, start, end, color, note, tuple(tags))
        self.seen = seen
        self.highlight: Highlight | None = None

    def apply(self, library) -> Change:
        if self.highlight is None:
            article_id, start, end, color, note, tags = self.args
            self.highlight = library.add_highlight(
                article_id, start, end, color=color, note=note, tags=tags, seen=self.seen
            )
        else:  # redo after undo: the same highlight, same id and uid
            self.highlight = library.restore_highlight(self.highlight)
        return Change("highlight-added", self.highlight.article_id, self.highlight.id)

    def revert(self, library) -> Change:
        if self.highlight is None:
            raise LibraryError("the highlight was never made")
        self.highlight = library.get_highlight(self.highlight.id)  # as it is now, for redo
        return library.delete_highlight(self.highlight.id)


class UpdateHighlight(AnnotationCommand):
    """A change of colour, note or tags. A note is written only over the note the
    editor opened (the core's NoteConflict otherwise, which Annotations turns into
    the conflict dialog). Tags are changed as the tags added and removed (`add_tags`,
    `remove_tags`), never as a whole list: a tag another process gave the highlight
    meanwhile stays, through the edit and its undo."""

    def __init__(self, ctl: Annotations, before: Highlight, text: str, **changes: Any) -> None:
        super().__init__(ctl, before.article_id, text)
        self.before = before
        self.changes = changes
        self.after: Highlight | None = None  # as this command's redo stored it
        self.attempt: dict[str, Any] = {}  # the values of the last step tried (read after a conflict)

    def _apply(self, library: Any, values: dict[str, Any], opened: Highlight) -> Change:
        self.attempt = dict(values)
        guard = self.ctl.latest(opened) if "note" in values else None
        fresh = library.update_highlight(self.before.id, **values, opened=guard)
        self.ctl.remember(fresh)
        return Change("highlight-updated", fresh.article_id, fresh.id)

    def apply(self, library: Any) -> Change:
        change = self._apply(library, self.changes, self.before)
        self.after = self.ctl.latest(self.before)
        return change

    def revert(self, library: Any) -> Change:
        return self._apply(library, self._reverse(), self.after or self.before)

    def _reverse(self) -> dict[str, Any]:
        """The values that undo this command's changes: the tags it added removed and
        those it removed added back; a colour or note as it was before."""
        swap = {"add_tags": "remove_tags", "remove_tags": "add_tags"}
        return {
            swap.get(key, key): value if key in swap else getattr(self.before, key)
            for key, value in self.changes.items()
        }


class DeleteHighlight(AnnotationCommand):
    def __init__(self, ctl, highlight: Highlight) -> None:
        super().__init__(ctl, highlight.article_id, "Delete Highlight")
        self.highlight = highlight

    def apply(self, library) -> Change:
        self.highlight = library.get_highlight(self.highlight.id)  # as it is now, for undo
        return library.delete_highlight(self.highlight.id)

    def revert(self, library) -> Change:
        self.highlight = library.restore_highlight(self.highlight)
        return Change("highlight-added", self.highlight.article_id, self.highlight.id)


def _tag_changes(opened, edited) -> dict[str, tuple[str, ...]]:
    """What a tag editor changed, as UpdateHighlight's `add_tags` and `remove_tags` (only those given)."""
    added, removed = tag_edits(opened, edited)
    return {key: tuple(tags) for key, tags in (("add_tags", added), ("remove_tags", removed)) if tags}


class Annotations(QObject):
    """Every annotation change goes through here: an undoable command whose steps run on
    the ops lane. What changed is announced by the ops (`LibraryOps.changed`); `failed`
    says, in one line, what could not be done."""

    failed = Signal(str)

    def __init__(self, ops, parent=None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.group = QUndoGroup(self)
        self.conflicts: list[NoteConflictDialog] = []  # open conflict dialogs
        self.stacks: dict[int, QUndoStack] = {}
        # Each highlight as this window last wrote it (touched on the ops lane only): a
        # second edit opened before the first one's change came back is not a conflict.
        self._written: dict[int, Highlight] = {}

    def remember(self, highlight: Highlight) -> None:
        self._written[highlight.id] = highlight

    def latest(self, opened: Highlight) -> Highlight:
        """What an edit started from: the highlight as opened, or as this window wrote it since."""
        written = self._written.get(opened.id)
        return written if written is not None and written.version > opened.version else opened

    def stack(self, article_id: int) -> QUndoStack:
        stack = self.stacks.get(article_id)
        if stack is None:
            stack = self.stacks[article_id] = QUndoStack(self.group)
            stack.setUndoLimit(300)
        return stack

    def activate(self, article_id: int | None) -> None:
        self.group.setActiveStack(None if article_id is None else self.stack(article_id))  # type: ignore[arg-type]  # None: no stack, as Qt allows

    def forget(self, article_id: int) -> None:
        """The article is gone, or its highlights changed behind our back: its history no longer applies."""
        stack = self.stacks.pop(article_id, None)
        if stack is not None:
            self.group.removeStack(stack)
            stack.deleteLater()

    def submit(self, command: AnnotationCommand, step, verb: str, first: bool) -> None:
        def failed(exc: BaseException) -> None:
            try:
                text = command.text()
                command.setObsolete(True)
            except RuntimeError:  # the command was dropped meanwhile (its history forgotten)
                text = ""
            from reader.core.library.rows import NoteConflict  # loaded by then; not at start-up

            if isinstance(exc, NoteConflict) and isinstance(command, UpdateHighlight):
                self._drop(command)
                self.note_conflict(command, exc)
                return
            reason = describe(exc)
            self.failed.emit(reason if first or not text else f"Could not {verb} “{text}”: {reason}")
            self._drop(command)

        self.ops.run(step, on_error=failed)

    # -- a note changed by someone else meanwhile ------------------------------------------

    def conflict_dialog(self, what: str, by: str, theirs: str, yours: str) -> NoteConflictDialog:
        """Made by one method so tests can find it."""
        parent = self.parent()
        return NoteConflictDialog(what, by, theirs, yours, parent if isinstance(parent, QWidget) else None)

    def note_conflict(self, command: UpdateHighlight, exc: Any) -> None:
        """Show both notes; what the reader chooses is a new, undoable edit over theirs."""
        hid, article_id = command.before.id, command.article_id
        rest = {key: value for key, value in command.attempt.items() if key != "note"}
        self.ops.announce(Change("highlight-updated", article_id, hid))  # the views show theirs
        what = highlight_label(command.before.quote)
        dialog = self.conflict_dialog(what, exc.by, exc.theirs, exc.yours)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.resolved.connect(lambda choice, text: self._resolve(hid, rest, choice, text))
        self.conflicts.append(dialog)
        dialog.finished.connect(lambda _r: self.conflicts.remove(dialog) if dialog in self.conflicts else None)
        dialog.open()

    def _resolve(self, highlight_id: int, rest: dict[str, Any], choice: str, text: str) -> None:
        if self.ops.closed:  # the window closed over the dialog (yours is on the clipboard)
            return
        try:
            current = self.ops.library.get_highlight(highlight_id)
        except LibraryError:
            QGuiApplication.clipboard().setText(text)
            self.failed.emit("The highlight was deleted meanwhile; your note is on the clipboard")
            return
        changes = dict(rest)
        if choice == KEEP_MINE and text != current.note:
            changes["note"] = text
        elif choice == KEEP_THEIRS:
            self.failed.emit(f"Kept {current.updated_by or 'their'}’s note; yours is on the clipboard")
        if changes:
            self._push(
                UpdateHighlight(self, current, "Edit Note" if "note" in changes else "Edit Highlight", **changes)
            )

    def _drop(self, command: AnnotationCommand) -> None:
        """Take a command that failed off its stack, if it is where undo/redo would reach it
        next (an obsolete command is deleted by the stack without being run)."""
        stack = self.stacks.get(command.article_id)
        if stack is None:
            return
        index = stack.index()
        if index > 0 and stack.command(index - 1) is command:
            stack.undo()
        elif index < stack.count() and stack.command(index) is command:
            stack.redo()

    def add(
        self, article_id: int, start: int, end: int, color: str, note: str = "", tags=(), seen: str | None = None
    ) -> None:
        self.stack(article_id).push(AddHighlight(self, article_id, start, end, color, note, tags, seen))

    def set_color(self, highlight: Highlight, color: str, label: str = "") -> None:
        if color != highlight.color:
            self._push(UpdateHighlight(self, highlight, f"Colour {label or color}", color=color))

    def set_note(self, highlight: Highlight, note: str) -> None:
        if note != highlight.note:
            self._push(UpdateHighlight(self, highlight, "Edit Note", note=note))

    def set_tags(self, highlight: Highlight, tags) -> None:
        changes = _tag_changes(highlight.tags, tags)
        if changes:
            self._push(UpdateHighlight(self, highlight, "Edit Tags", **changes))

    def edit(self, highlight: Highlight, note: str, tags) -> None:
        """Note and tags in one step (the note editor edits both, from `highlight` as it opened)."""
        changes: dict[str, object] = {}
        if note != highlight.note:
            changes["note"] = note
        tagged = _tag_changes(highlight.tags, tags)
        changes.update(tagged)
        if changes:
            text = "Edit Tags" if "note" not in changes else "Edit Note and Tags" if tagged else "Edit Note"
            self._push(UpdateHighlight(self, highlight, text, **changes))

    def delete(self, highlight: Highlight) -> None:
        self._push(DeleteHighlight(self, highlight))

    def _push(self, command: AnnotationCommand) -> None:
        self.stack(command.article_id).push(command)


# -- the floating toolbar --------------------------------------------------------------------


class FloatingToolbar(QFrame):
    """Hovers over a selection (colours + note) or over a clicked highlight (colours,
    note, tags, delete). A child of the reading view's viewport, so it never takes focus."""

    colorChosen = Signal(str)
    noteRequested = Signal()
    tagsRequested = Signal()
    deleteRequested = Signal()

    def __init__(self, names: ColorNames, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("FloatingToolbar")
        self.names = names
        self.highlight: Highlight | None = None  # None: over a selection
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 5, 8, 5)
        layout.setSpacing(3)
        self.color_buttons: dict[str, QToolButton] = {}
        for color in COLORS:
            button = props(QToolButton(), objectName=f"color-{color}", autoRaise=True, checkable=True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setIconSize(QSize(18, 18))
            button.clicked.connect(lambda _c=False, c=color: self.colorChosen.emit(c))
            layout.addWidget(button)
            self.color_buttons[color] = button
        self.separator = props(QFrame(), objectName="ToolbarRule")
        self.separator.setFixedSize(1, 20)
        layout.addWidget(self.separator)
        self.note_button = props(QToolButton(), objectName="note", autoRaise=True, toolTip="Highlight with a note (N)")
        self.tags_button = props(QToolButton(), objectName="tags", autoRaise=True, toolTip="Tags")
        self.delete_button = props(QToolButton(), objectName="delete", autoRaise=True, toolTip="Delete highlight")
        for button in (self.note_button, self.tags_button, self.delete_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setIconSize(QSize(18, 18))
            layout.addWidget(button)
        self.note_button.clicked.connect(self.noteRequested)
        self.tags_button.clicked.connect(self.tagsRequested)
        self.delete_button.clicked.connect(self.deleteRequested)
        self.hide()

    def set_theme(self, theme) -> None:
        tint = theme.muted if not theme.dark else theme.text
        self.note_button.setIcon(icon("note", tint))
        self.tags_button.setIcon(icon("tag", tint))
        self.delete_button.setIcon(icon("trash", tint))
        shadow = "rgba(0,0,0,60)" if not theme.dark else "rgba(0,0,0,140)"
        self.setStyleSheet(
            f"QFrame#FloatingToolbar {{ background: {theme.background}; border: 1px solid {theme.rule};"
            f" border-bottom: 2px solid {shadow}; border-radius: 10px; }}"
            f"QFrame#ToolbarRule {{ background: {theme.rule}; }}"
            f"QToolButton {{ border: none; border-radius: 7px; padding: 4px; }}"
            f"QToolButton:hover {{ background: {theme.code}; }}"
            f"QToolButton:checked {{ background: {theme.selection}; }}"
        )
        self.theme = theme
        self.refresh_labels()

    def refresh_labels(self) -> None:
        theme = getattr(self, "theme", None)
        for color, button in self.color_buttons.items():
            fill = QColor(theme.highlights[color] if theme is not None else color)
            if theme is not None and theme.dark:
                fill = fill.lighter(135)  # the page's dark tints read as mud on a small dot
            ring = QColor(theme.text if theme is not None else "#000")
            ring.setAlpha(70)
            button.setIcon(swatch(fill, 18, ring))
            key = "  (H)" if color == self.names.default else ""
            button.setToolTip(f"{self.names.label(color)}{key}")
            button.setAccessibleName(f"Highlight {self.names.label(color)}")

    def show_for_selection(self, rect) -> None:
        self.highlight = None
        for button in self.color_buttons.values():
            button.setChecked(False)
        self.tags_button.hide()
        self.delete_button.hide()
        self.note_button.setToolTip("Highlight with a note (N)")
        self._place(rect)

    def show_for_highlight(self, highlight: Highlight, rect) -> None:
        self.highlight = highlight
        for color, button in self.color_buttons.items():
            button.setChecked(color == highlight.color)
        self.tags_button.show()
        self.delete_button.show()
        self.note_button.setToolTip("Edit note (N)" if highlight.note else "Add a note (N)")
        self._place(rect)

    def _place(self, rect) -> None:
        self.adjustSize()
        parent = self.parentWidget()
        assert parent is not None  # made over the reading view's viewport
        x = rect.center().x() - self.width() // 2
        y = rect.top() - self.height() - 8
        if y < 4:
            y = rect.bottom() + 10
        x = max(6, min(x, parent.width() - self.width() - 6))
        y = max(4, min(y, parent.height() - self.height() - 4))
        self.move(QPoint(x, y))
        self.raise_()
        self.show()


# -- dialogs -----------------------------------------------------------------------------------


class NoteDialog(QDialog):
    """A highlight's note (several lines, Markdown welcome) and its tags."""

    def __init__(self, quote: str, note: str, tags, color_label: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Note")
        self.setObjectName("NoteDialog")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        shown = quote if len(quote) < 280 else quote[:277].rstrip() + "…"
        self.quote = props(QLabel(f"“{shown}”"), wordWrap=True, objectName="NoteQuote")
        self.quote.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.quote)
        self.editor = props(QPlainTextEdit(), objectName="NoteEditor")
        self.editor.setPlaceholderText("Your note… (Markdown: **bold**, *italic*, - lists, [links](https://…))")
        self.editor.setPlainText(note)
        self.editor.setTabChangesFocus(True)
        self.editor.setMinimumHeight(130)
        layout.addWidget(self.editor, 1)
        self.tags = props(
            QLineEdit(", ".join(tags)), objectName="NoteTags", placeholderText="Tags, separated by commas"
        )
        layout.addWidget(self.tags)
        hint = props(QLabel(f"{color_label} · Ctrl+Enter to save"), objectName="NoteHint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(hint, 1)
        row.addWidget(buttons)
        layout.addLayout(row)
        from PySide6.QtGui import QKeySequence, QShortcut

        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self).activated.connect(self.accept)
        self.editor.setFocus()
        cursor = self.editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.editor.setTextCursor(cursor)

    def note(self) -> str:
        return self.editor.toPlainText().strip("\n")

    def tag_list(self) -> list[str]:
        return parse_tags(self.tags.text())


class ColorNamesDialog(QDialog):
    """Rename the five colours, and choose the one H uses."""

    def __init__(self, names: ColorNames, theme, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Highlight Colours")
        self.names = names
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(10)
        grid.addWidget(
            QLabel("Name each colour for what it means to you, e.g. “key idea”, “question”, “to do”."), 0, 0, 1, 3
        )
        self.fields: dict[str, QLineEdit] = {}
        self.defaults: dict[str, QRadioButton] = {}
        for row, color in enumerate(COLORS, start=1):
            dot = QLabel()
            dot.setPixmap(swatch(theme.highlights[color], 18).pixmap(18, 18))
            field = props(
                QLineEdit(names.custom().get(color, "")), placeholderText=color.capitalize(), objectName=f"name-{color}"
            )
            default = props(QRadioButton("H"), toolTip="The colour the H key uses")
            default.setChecked(color == names.default)
            grid.addWidget(dot, row, 0)
            grid.addWidget(field, row, 1)
            grid.addWidget(default, row, 2)
            self.fields[color] = field
            self.defaults[color] = default
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        grid.addWidget(buttons, len(COLORS) + 1, 0, 1, 3)

    def save(self) -> None:
        for color, field in self.fields.items():
            self.names.set_label(color, field.text())
            if self.defaults[color].isChecked():
                self.names.default = color


__all__ = [
    "Annotations",
    "ColorNames",
    "ColorNamesDialog",
    "FloatingToolbar",
    "NoteDialog",
    "swatch",
]
