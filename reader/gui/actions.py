"""Every action of the window as data, turned into QActions in one place.

An action has an id, a menu, a label, shortcuts (a QKeySequence.StandardKey
where the platform has one, so each platform gets its own key), an icon and
whether it needs an open article. Handlers are looked up on the window by id.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

SK = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    id: str
    menu: str
    text: str
    shortcuts: tuple = ()
    icon: str | None = None
    tip: str = ""
    needs_article: bool = False
    checkable: bool = False
    separator_before: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "import",
        "&File",
        "&Import Saved Pages…",
        (SK.Open,),
        "import",
        "Import saved web pages (.html, .mhtml, folders)",
    ),
    ActionSpec(
        "import_folder",
        "&File",
        "Import &Folder…",
        ("Ctrl+Shift+I",),
        tip="Import every saved page in a folder and the folders in it",
    ),
    ActionSpec(
        "import_annotations",
        "&File",
        "Import &Annotations…",
        (),
        tip="Bring highlights and notes back from a JSON export",
    ),
    ActionSpec(
        "export",
        "&File",
        "&Export…",
        ("Ctrl+Shift+E",),
        "export",
        "Export highlights and notes (Markdown, JSON, HTML, CSV)",
        separator_before=True,
    ),
    ActionSpec(
        "keep_vault",
        "&File",
        "Keep a &Vault Current…",
        (),
        tip="Keep a folder of Markdown or Logseq pages up to date with your highlights and notes",
    ),
    ActionSpec(
        "open_original",
        "&File",
        "Open &Original File",
        ("Ctrl+Shift+O",),
        "external",
        "Open the saved page this article came from",
        needs_article=True,
        separator_before=True,
    ),
    ActionSpec("open_shared", "&File", "Open Shared &Library…", ("Ctrl+Shift+L",), separator_before=True),
    ActionSpec(
        "display_name",
        "&File",
        "Your &Name…",
        (),
        tip="The name recorded with your highlights and notes",
        separator_before=True,
    ),
    ActionSpec("quit", "&File", "&Quit", (SK.Quit,), separator_before=True),
    ActionSpec("undo", "&Edit", "&Undo", (SK.Undo,)),
    ActionSpec("redo", "&Edit", "&Redo", (SK.Redo, "Ctrl+Shift+Z")),
    ActionSpec("copy", "&Edit", "&Copy", (SK.Copy,), separator_before=True),
    ActionSpec(
        "copy_url",
        "&Edit",
        "Copy Source &URL",
        ("Ctrl+Shift+C",),
        "link",
        "Copy the article's web address",
        needs_article=True,
    ),
    ActionSpec(
        "find",
        "&Edit",
        "&Find in Article…",
        (SK.Find,),
        "search",
        "Find in this article",
        needs_article=True,
        separator_before=True,
    ),
    ActionSpec("find_next", "&Edit", "Find &Next", (SK.FindNext,), needs_article=True),
    ActionSpec("find_previous", "&Edit", "Find Pre&vious", (SK.FindPrevious,), needs_article=True),
    ActionSpec(
        "search",
        "&Edit",
        "&Search Library…",
        ("Ctrl+K", "/"),
        tip="Search titles, text, highlights and notes",
        separator_before=True,
    ),
    ActionSpec(
        "toggle_library", "&View", "Show &Library", ("Ctrl+\\",), "sidebar", "Show or hide the library", checkable=True
    ),
    ActionSpec(
        "toggle_annotations",
        "&View",
        "Show &Annotations",
        ("Ctrl+Shift+A",),
        "note",
        "Show or hide highlights and notes",
        checkable=True,
    ),
    ActionSpec(
        "contents",
        "&View",
        "Table of &Contents…",
        ("C",),
        "contents",
        "Headings of this article (C)",
        needs_article=True,
        separator_before=True,
    ),
    ActionSpec(
        "review",
        "&View",
        "&Review Highlights…",
        ("Ctrl+R",),
        "review",
        "Today's review of your highlights",
        separator_before=True,
    ),
    ActionSpec(
        "appearance", "&View", "&Appearance…", (), "type", "Theme, font, size, spacing and width", separator_before=True
    ),
    ActionSpec("zoom_in", "&View", "&Bigger Text", (SK.ZoomIn, "Ctrl+=")),
    ActionSpec("zoom_out", "&View", "&Smaller Text", (SK.ZoomOut,)),
    ActionSpec("zoom_reset", "&View", "&Reset Text Size", ("Ctrl+0",)),
    ActionSpec(
        "full_screen", "&View", "&Full Screen", (SK.FullScreen, "F11"), checkable=True, separator_before=True
    ),  # F11 too: Linux desktops have no standard key for it
    ActionSpec("next_article", "&Article", "&Next Article", ("J",), "down", needs_article=False),
    ActionSpec("previous_article", "&Article", "&Previous Article", ("K",), "up"),
    ActionSpec("page_down", "&Article", "Page &Down", ("Space",), separator_before=False),
    ActionSpec("page_up", "&Article", "Page &Up", ("Shift+Space",)),
    ActionSpec(
        "archive",
        "&Article",
        "&Archive",
        ("E",),
        "archive",
        "Archive (E)",
        needs_article=True,
        checkable=True,
        separator_before=True,
    ),
    ActionSpec("favorite", "&Article", "&Favorite", ("S",), "star", "Favorite (S)", needs_article=True, checkable=True),
    ActionSpec("tags", "&Article", "&Tags…", ("T",), "tag", "Edit tags (T)", needs_article=True),
    # F2 renames, as in file managers and Zotero.
    ActionSpec(
        "rename", "&Article", "&Rename…", ("F2",), tip="Give this article a title of your own", needs_article=True
    ),
    ActionSpec(
        "reset_title",
        "&Article",
        "Use the Page’s Tit&le",
        (),
        tip="Give this article the title its page has again",
        needs_article=True,
    ),
    ActionSpec(
        "open_url", "&Article", "Open Source in &Browser", ("Ctrl+Shift+B",), needs_article=True, separator_before=True
    ),
    ActionSpec("copy_citation", "&Article", "Copy &Citation (BibTeX)", ("Ctrl+Alt+C",), needs_article=True),
    ActionSpec(
        "delete",
        "&Article",
        "&Delete…",
        (SK.Delete,),
        "trash",
        "Delete this article",
        needs_article=True,
        separator_before=True,
    ),
    ActionSpec(
        "highlight",
        "&Highlight",
        "&Highlight Selection",
        ("H",),
        "highlight",
        "Highlight the selection (H)",
        needs_article=True,
    ),
    ActionSpec(
        "note",
        "&Highlight",
        "Highlight with &Note…",
        ("N",),
        tip="Highlight the selection with a note, or edit the note of the chosen highlight",
        needs_article=True,
    ),
    ActionSpec("delete_highlight", "&Highlight", "&Delete Highlight", (), needs_article=True),
    ActionSpec(
        "notebook",
        "&Highlight",
        "&Notebook",
        ("Ctrl+Shift+N",),
        tip="Every highlight in the library",
        separator_before=True,
    ),
    ActionSpec("color_names", "&Highlight", "Name the &Colours…", ()),
    ActionSpec(
        "shortcuts", "&Help", "&Keyboard Shortcuts", (SK.HelpContents, "?"), tip="Every key the window answers to"
    ),
    ActionSpec("about", "&Help", "&About Reader", (), separator_before=True),
)

MENUS = ("&File", "&Edit", "&View", "&Article", "&Highlight", "&Help")
TOOLBAR = (
    "toggle_library",
    "import",
    None,
    "archive",
    "favorite",
    "tags",
    "delete",
    None,
    "open_original",
    "copy_url",
    "|",
    "highlight",
    "review",
    "contents",
    "find",
    "appearance",
    "toggle_annotations",
)


def build_actions(window, specs=ACTIONS) -> dict[str, QAction]:
    """QActions for every spec; triggered calls window.action_<id>(checked?)."""
    actions: dict[str, QAction] = {}
    for spec in specs:
        action = QAction(spec.text, window)
        action.setObjectName(spec.id)
        keys: list[QKeySequence] = []
        for shortcut in spec.shortcuts:
            if isinstance(shortcut, QKeySequence.StandardKey):
                keys.extend(QKeySequence.keyBindings(shortcut))
            else:
                keys.append(QKeySequence(shortcut))
        unique = []
        for key in keys:
            if not key.isEmpty() and key not in unique:
                unique.append(key)
        action.setShortcuts(unique)
        if spec.tip:
            tip = spec.tip
            if unique:
                tip += f"  ({unique[0].toString(QKeySequence.SequenceFormat.NativeText)})" if "(" not in tip else ""
            action.setToolTip(tip)
            action.setStatusTip(spec.tip)
        action.setCheckable(spec.checkable)
        handler = getattr(window, f"action_{spec.id}")
        if spec.checkable:
            action.triggered.connect(handler)
        else:
            action.triggered.connect(lambda _checked=False, h=handler: h())
        window.addAction(action)  # shortcuts work even with the menu bar hidden
        actions[spec.id] = action
    return actions


def build_menus(menubar: QMenuBar, actions: dict[str, QAction], specs=ACTIONS) -> dict[str, QMenu]:
    menus: dict[str, QMenu] = {}
    for title in MENUS:
        menus[title] = menubar.addMenu(title)
    for spec in specs:
        menu = menus[spec.menu]
        if spec.separator_before and not menu.isEmpty():
            menu.addSeparator()
        menu.addAction(actions[spec.id])
    return menus


def article_actions(specs=ACTIONS) -> list[str]:
    return [s.id for s in specs if s.needs_article]
