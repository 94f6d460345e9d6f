"""File > Export...: what (library, this article, the selected, a tag, the Notebook's
highlights), which format (Markdown, W3C JSON, HTML, Readwise CSV), and where (a
folder with one file per article, or one file). The export itself runs on the
window's background worker (reader.core.export.export_articles)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from reader.gui.widgets import props

FORMAT_LABELS = (
    ("md", "Markdown (Obsidian)", ".md"),
    ("logseq", "Logseq pages", ".md"),
    ("json", "W3C Web Annotations (JSON, re-importable)", ".json"),
    ("html", "HTML page (highlights in colour)", ".html"),
    ("csv", "CSV for Readwise", ".csv"),
    ("anki", "Anki deck (one card per highlight)", ".apkg"),
    ("bibtex", "BibTeX citations (Zotero, LaTeX)", ".bib"),
    ("csl-json", "CSL JSON citations (Zotero)", ".json"),
    ("hypothesis", "Hypothesis annotations (JSON)", ".json"),
)
SUFFIX = {key: suffix for key, _label, suffix in FORMAT_LABELS}
# Formats that are one file by nature (a deck, a bibliography, a JSON list).
ONE_FILE = frozenset({"anki", "bibtex", "csl-json", "hypothesis"})


@dataclass(frozen=True)
class ExportRequest:
    fmt: str
    out: Path
    single_file: bool
    ids: tuple[int, ...] | None  # None: by tag, or the whole library
    tag: str | None
    template: Path | None
    only_highlights: frozenset[int] | None = None  # the Notebook's filter: export just these
    scope_label: str = ""
    annotated: bool = True  # only articles with highlights or a note
    # The user agreed to replace the one file there, which Reader did not write (or
    # which changed since): the save dialog's "Replace?", or this dialog's own.
    replace: bool = False


class ExportDialog(QDialog):
    """Choices are remembered in the settings (format, destination kind, folder)."""

    def __init__(
        self,
        settings: QSettings,
        tags: list[str],
        current: tuple[int, str] | None = None,
        selected: list[int] | None = None,
        notebook: tuple[list[int], frozenset | None] | None = None,
        preset: str | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Highlights and Notes")
        self.setObjectName("ExportDialog")
        self.settings = settings
        self.current = current
        self.selected = selected or []
        self.notebook = notebook
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(10)

        self.scope = props(QComboBox(), objectName="ExportScope")
        if notebook is not None:
            n = len(notebook[0])
            self.scope.addItem(f"The highlights shown in the Notebook ({n} article{'s' if n != 1 else ''})", "notebook")
        if current is not None:
            self.scope.addItem(f"This article: {current[1][:60]}", "current")
        if len(self.selected) > 1:
            self.scope.addItem(f"The {len(self.selected)} selected articles", "selected")
        self.scope.addItem("The whole library", "all")
        for tag in tags:
            self.scope.addItem(f"Articles tagged #{tag}", f"tag:{tag}")
        if preset is not None and self.scope.findData(preset) >= 0:
            self.scope.setCurrentIndex(self.scope.findData(preset))
        form.addRow("Export", self.scope)

        self.format = props(QComboBox(), objectName="ExportFormat")
        for key, label, _suffix in FORMAT_LABELS:
            self.format.addItem(label, key)
        remembered = settings.value("export/format", "md")
        self.format.setCurrentIndex(max(0, self.format.findData(remembered)))
        form.addRow("Format", self.format)

        kinds = QWidget()
        kinds_layout = QHBoxLayout(kinds)
        kinds_layout.setContentsMargins(0, 0, 0, 0)
        self.to_folder = props(QRadioButton("One file per article, into a folder"), objectName="ToFolder")
        self.to_file = props(QRadioButton("Everything in one file"), objectName="ToFile")
        group = QButtonGroup(self)
        group.addButton(self.to_folder)
        group.addButton(self.to_file)
        kinds_layout.addWidget(self.to_folder)
        kinds_layout.addWidget(self.to_file)
        kinds_layout.addStretch(1)
        single = settings.value("export/single_file", False) in (True, "true", "1", 1)
        (self.to_file if single else self.to_folder).setChecked(True)
        form.addRow("Write", kinds)

        self.annotated = props(QCheckBox("Only articles with highlights or notes"), objectName="ExportAnnotated")
        self.annotated.setChecked(settings.value("export/annotated", True) not in (False, "false", "0", 0))
        form.addRow("", self.annotated)

        dest = QHBoxLayout()
        self.path = props(QLineEdit(), objectName="ExportPath")
        self.browse = QPushButton("Choose…")
        dest.addWidget(self.path, 1)
        dest.addWidget(self.browse)
        form.addRow("To", dest)

        template_row = QHBoxLayout()
        self.template = props(QLineEdit(), objectName="ExportTemplate", placeholderText="Default template")
        self.template.setText(str(settings.value("export/template", "") or ""))
        self.template_browse = QPushButton("Choose…")
        template_row.addWidget(self.template, 1)
        template_row.addWidget(self.template_browse)
        self.template_label = QLabel("Template")
        form.addRow(self.template_label, template_row)
        layout.addLayout(form)

        self.hint = props(QLabel(), objectName="ExportHint", wordWrap=True)
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        folder = (
            settings.value("export/folder", "")
            or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            or str(Path.home())
        )
        self._folder = folder
        self._agreed: Path | None = None  # a file the user agreed to have replaced
        self.format.currentIndexChanged.connect(self._update)
        self.to_file.toggled.connect(self._update)
        self.scope.currentIndexChanged.connect(self._update)
        self.browse.clicked.connect(self._browse)
        self.template_browse.clicked.connect(self._browse_template)
        self.path.textChanged.connect(lambda _t: self.export_button.setEnabled(bool(self.path.text().strip())))
        self._update()
        self.setMinimumWidth(560)

    def fmt(self) -> str:
        return str(self.format.currentData())

    def _default_path(self) -> str:
        folder = Path(str(self._folder))
        if self.to_file.isChecked():
            scope = self.scope.currentData() or "all"
            name = (
                "Reader highlights"
                if scope in ("all", "selected", "notebook")
                else (self.current[1] if scope == "current" and self.current else f"Reader #{scope[4:]}")
            )
            from reader.core.export import safe_filename

            return str(folder / f"{safe_filename(name) or 'Reader highlights'}{SUFFIX[self.fmt()]}")
        return str(self.settings.value("export/into", "") or folder / "Reader")

    def _update(self) -> None:
        typed = self.path.text().strip()
        if (
            not typed
            or typed == getattr(self, "_auto", None)
            or (Path(typed).suffix.lower() in SUFFIX.values() and self.to_file.isChecked())
        ):
            self._auto = self._default_path()
            self.path.setText(self._auto)
        is_md = self.fmt() == "md"
        for w in (self.template, self.template_browse, self.template_label):
            w.setVisible(is_md)
        one_file = self.fmt() in ONE_FILE
        if one_file and not self.to_file.isChecked():
            self.to_file.setChecked(True)  # toggled: _update runs again with the file's name
            return
        self.to_folder.setEnabled(not one_file)
        if self.to_file.isChecked():
            self.hint.setText(
                "One file holding every article and its highlights. Exporting again replaces the file "
                "Reader wrote; a file of yours there is replaced only once you agree."
            )
        else:
            self.hint.setText(
                "One file per article, named from its title. Exporting again overwrites only the "
                "files Reader wrote; your other files in the folder are never touched."
            )

    def _browse(self) -> None:
        if self.to_file.isChecked():
            suffix = SUFFIX[self.fmt()]
            path, _ = QFileDialog.getSaveFileName(self, "Export To", self.path.text(), f"*{suffix}")
            if path and Path(path).is_file():
                self._agreed = Path(path)  # the save dialog asked "Replace?" and the user said yes
            if path and not path.lower().endswith(suffix):
                path += suffix  # another file than the one the save dialog asked about
        else:
            path = QFileDialog.getExistingDirectory(self, "Export Into Folder", self.path.text())
        if path:
            self.path.setText(path)

    def _browse_template(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Markdown Template",
            self.template.text() or str(Path.home()),
            "Jinja2 templates (*.j2 *.jinja *.md *.txt);;All files (*)",
        )
        if path:
            self.template.setText(path)

    def request(self) -> ExportRequest:
        scope = self.scope.currentData() or "all"
        fmt = self.fmt()
        single = self.to_file.isChecked()
        out = Path(self.path.text().strip()).expanduser()
        if single and out.suffix.lower() != SUFFIX[fmt]:
            out = (
                out.with_name(out.name + SUFFIX[fmt])
                if out.suffix.lower() not in SUFFIX.values()
                else out.with_suffix(SUFFIX[fmt])
            )
        ids: tuple[int, ...] | None = None
        tag = None
        only = None
        if scope == "current" and self.current is not None:
            ids = (self.current[0],)
        elif scope == "selected":
            ids = tuple(self.selected)
        elif scope == "notebook" and self.notebook is not None:
            ids = tuple(self.notebook[0])
            only = self.notebook[1]
        elif scope.startswith("tag:"):
            tag = scope[4:]
        template = (
            Path(self.template.text().strip()).expanduser() if fmt == "md" and self.template.text().strip() else None
        )
        return ExportRequest(
            fmt,
            out,
            single,
            ids,
            tag,
            template,
            only,
            self.scope.currentText(),
            annotated=self.annotated.isChecked(),
            replace=single and out == self._agreed,
        )

    def _may_write(self, request: ExportRequest) -> bool:
        """Whether the export may go ahead: a file there that Reader would not replace
        on its own (the user's, or Reader's changed since) only once the user agreed."""
        from reader.core.export.single_file import may_replace

        if not request.single_file or request.replace or may_replace(request.out):
            return True
        answer = QMessageBox.question(
            self,
            "Replace File?",
            f"{request.out.name} already exists in {request.out.parent}, and Reader did not write it "
            "(or it was changed since). Replace it with the export?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self._agreed = request.out
        return True

    def accept(self) -> None:
        request = self.request()
        if not self._may_write(request):
            return  # the dialog stays open: another name, or Cancel
        s = self.settings
        s.setValue("export/format", request.fmt)
        s.setValue("export/single_file", request.single_file)
        if request.single_file:
            s.setValue("export/folder", str(request.out.parent))
        else:
            s.setValue("export/into", str(request.out))
        s.setValue("export/template", str(request.template) if request.template else "")
        s.setValue("export/annotated", request.annotated)
        super().accept()


def run_export(library, request: ExportRequest, color_names: dict[str, str], progress=None):
    """The export job (runs on the background worker)."""
    from dataclasses import replace

    from reader.core.export import FORMATS, export_articles

    template = str(request.template) if request.template else None
    if request.only_highlights is None:
        return export_articles(
            library,
            request.fmt,
            request.out,
            template=template,
            color_names=color_names,
            ids=list(request.ids) if request.ids else None,
            tag=request.tag,
            single_file=request.single_file,
            progress=progress,
            annotated=request.annotated,
            force=request.replace,
        )
    keep = request.only_highlights
    articles = library.get_many(list(request.ids or ()), content=FORMATS[request.fmt].needs_content)
    articles = [replace(a, highlights=tuple(h for h in a.highlights if h.id in keep)) for a in articles]
    return export_articles(
        articles,
        request.fmt,
        request.out,
        template=template,
        color_names=color_names,
        single_file=request.single_file,
        assets=library.asset,
        progress=progress,
        annotated=request.annotated,
        force=request.replace,
    )
