"""One export into a folder, one file per article, kept current run after run.

Two ways to find the work; both keep the rules in files.py's docstring:

- After an export of everything from the same library under the same options,
  into a folder that nobody added to or removed from since (its modification time
  and inode are what that export left), only the library's changes since the
  revision that export saw are asked for (Library.export_changes: the articles
  changed, added and deleted, through the index on the change sequence), and only
  their manifest entries are read and written. The cost follows what changed.
- Otherwise every article's stamp is compared with the manifest and the folder is
  listed: the first export, one of a selection, one after the options changed or
  after files were added or removed by someone else.

Both record what they saw for the next one. File names are kept from run to run:
only an article that is new, or whose title changed, gets a name computed.

The folder's mark has the file system's time resolution: a file someone else
adds or removes within the same tick as the export's last write goes unseen
until the folder changes again (a changed article's own file is always looked at).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Container, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from filelock import FileLock

from reader.core import domain
from reader.core.errors import LibraryError
from reader.core.export.common import Formatter
from reader.core.export.manifest import DATABASE, LOCK, MANIFEST, Entry, Manifest, file_hash, is_current, sha256
from reader.core.export.renderpool import WorkerUnavailable, worth_it
from reader.core.export.writing import (
    ExportResult,
    name_key,
    named_after,
    remove_stale_temporaries,
    safe_filename,
    settle,
    unique_names,
)
from reader.core.listing import ExportChanges, ExportStamp

WRITERS = 4  # threads creating files
BATCH = 500  # articles rendered, recorded and written at once
CHUNK = 25  # files one writer thread writes per task
_NOWHERE = 2**62  # a revision above any: asks the library for nothing but its counters
SAMPLES = 32  # the latest articles an export saw, checked by the next one (see _diverged)

Progress = Callable[[int, int], None]  # (articles done, total)
Fetch = Callable[[Sequence[ExportStamp]], list[domain.Article]]
Changes = Callable[[int, Sequence[int]], tuple[str, ExportChanges]]  # (since, sample) -> (identity, news)
Stamps = Callable[[], tuple[list[int], list[ExportStamp], list[ExportStamp]]]


@dataclass
class Job:
    """What one export into a folder is asked to do."""

    out: Path
    fmt: str
    suffix: str
    annotated: bool
    prune: bool
    options_key: Callable[[tuple[str, ...]], str]  # the options' key, given the export's tags
    formatter: Callable[[tuple[str, ...]], Formatter]  # the formatter, given the export's tags
    fetch: Fetch
    needs_content: bool
    progress: Progress | None = None
    # Renders batches of article ids in worker processes, given the export's tags
    # (renderpool.py); None: everything is rendered here.
    pooled: Callable[[tuple[str, ...], list[list[int]]], Iterator[list[tuple[int, bytes]]]] | None = None
    # (id, uid) of every article deleted from the library; None: a source that keeps
    # none (then `prune` removes the files of every article it does not export).
    deletions: Callable[[], list[tuple[int, str]]] | None = None


@dataclass
class Plan:
    """The articles to bring up to date, and what is known of their files."""

    items: list[ExportStamp]
    tags: tuple[str, ...]  # the export's tags (tag names may depend on them)
    mine: dict[str, Entry]  # manifest entries of these articles (files still there)
    legacy: dict[str, Entry]  # version-1 entries of these articles, by id
    reserved: Container[str]  # name keys not to take: someone else's file, or another article's
    present: set[str] | None  # name keys in the folder (None: not listed; files read one by one)
    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def export_to_folder(job: Job, stamps: Stamps, changes: Changes | None) -> ExportResult:
    """`stamps()` gives (every selected id, the stamps of those exported, of every
    one selected); `changes`
    is the library's export_changes when everything is exported (else None)."""
    job.out.mkdir(parents=True, exist_ok=True)
    (job.out / MANIFEST).mkdir(exist_ok=True)
    # One export into a folder at a time (the window's vault keeper and `reader
    # export` at once): the second waits; both sharing the manifest, one failed.
    with FileLock(os.fspath(job.out / MANIFEST / LOCK)):
        manifest = Manifest(job.out, name_key)
        try:
            return _run(job, manifest, stamps, changes)
        except sqlite3.OperationalError as exc:  # a full disk, mostly: the next export settles the files
            raise LibraryError(f"cannot record the export in {job.out / MANIFEST / DATABASE}: {exc}") from None
        finally:
            manifest.close()


def article_key(stamp: ExportStamp) -> str:
    """An article's key in the manifest: its uid (stable, never reused, unlike the row id)."""
    return stamp.uid or f"id:{stamp.id}"


def folder_mark(folder: Path) -> list[int]:
    """Moves whenever a file is added to, removed from or renamed in the folder."""
    st = os.stat(folder)
    return [st.st_mtime_ns, st.st_ino, st.st_dev]


def _run(job: Job, manifest: Manifest, stamps: Stamps, changes: Changes | None) -> ExportResult:
    fmt, out = job.fmt, job.out
    state = manifest.state(fmt)
    quick = _quick_plan(job, manifest, state, changes) if changes is not None and state is not None else None
    news: ExportChanges | None = None
    identity = ""
    if quick is not None:
        plan, identity, news, before = quick
    else:
        if changes is not None:
            identity, news = changes(_NOWHERE, ())
        remove_stale_temporaries(out)
        listed = os.listdir(out)
        selected, items, every = stamps()
        plan = _full_plan(job, manifest, items, listed, every)
    names, written = _write(job, manifest, plan)

    if quick is not None:
        assert state is not None and news is not None
        seen: dict[int, int | None] = dict.fromkeys(s.id for s in news.changed)
        seen.update((s.id, s.highlights) for s in plan.items)
        gone = [i for i, _uid in news.deleted if i not in seen]
        # Totals from the last export's, moved by what changed.
        articles = state["articles"] + sum(n is not None for n in seen.values())
        articles -= sum(n is not None for n in before.values())
        highlights = state["highlights"] + sum(n or 0 for n in seen.values()) - sum(n or 0 for n in before.values())
        manifest.set_seen(fmt, seen, gone=gone)
        paths: Sequence[Path] = ManifestPaths(out, fmt, articles)
        count = news.total
        # The latest articles seen: those changed now, then the last export's still unchanged.
        deleted = {i for i, _uid in news.deleted}
        earlier = [tuple(x) for x in state.get("samples") or [] if x[0] not in seen and x[0] not in deleted]
        samples = _latest([(s.id, s.fingerprint, s.revision) for s in news.changed] + earlier)
    else:
        articles = len(plan.items)
        highlights = sum(s.highlights for s in plan.items)
        paths = tuple(out / names[s.id] for s in plan.items)
        if news is not None:
            everything: dict[int, int | None] = dict.fromkeys(selected)
            everything.update((s.id, s.highlights) for s in plan.items)
            manifest.set_seen(fmt, everything, replace=True)
            manifest.set_articles(fmt, {article_key(s): s.id for s in plan.items})
            visible = [n for n in listed if not n.startswith(".")]
            recorded = manifest.names() if visible else set()
            manifest.set_others(k for n in visible if (k := name_key(n)) not in recorded)
            count = len(selected)
            samples = _latest([(s.id, s.fingerprint, s.revision) for s in every])
    if news is None:
        manifest.set_state(fmt, None)  # a selection: the next export of everything compares all
    else:
        manifest.set_state(
            fmt,
            {
                "library": identity,
                "options": job.options_key(plan.tags),
                "annotated": job.annotated,
                "prune": job.prune,
                "revision": news.revision,
                "count": count,
                "articles": articles,
                "highlights": highlights,
                "samples": samples,
                # Last: every file of this export is in place (the manifest lives in
                # a folder of its own: its writes leave this folder's entries alone).
                "folder": folder_mark(out),
            },
        )
    manifest.commit()
    return ExportResult(paths, tuple(written), tuple(plan.removed), articles, highlights, tuple(plan.kept))


def _quick_plan(
    job: Job, manifest: Manifest, state: dict[str, Any], changes: Changes
) -> tuple[Plan, str, ExportChanges, dict[int, int | None]] | None:
    """The plan from the library's changes since the last export of everything, or
    None when that export's record cannot be trusted for this one."""
    since = state.get("revision")
    if not isinstance(since, int) or job.needs_content:
        return None
    same = (state.get("annotated"), state.get("prune")) == (job.annotated, job.prune)
    if not same or state.get("folder") != folder_mark(job.out):
        return None
    samples = [x for x in state.get("samples") or [] if isinstance(x, list) and len(x) == 3]
    identity, news = changes(since, [x[0] for x in samples])
    if identity != state.get("library") or news.revision < since:
        return None  # another library, or this one's file replaced by an older copy
    if _diverged(samples, news):
        return None  # this one's file replaced by a copy that went another way since
    # Tag names that depend on which tags are exported together: the whole export decides.
    if job.options_key(news.tags) != state.get("options") or job.options_key(news.tags) != job.options_key(()):
        return None
    changed = {s.id for s in news.changed}
    deleted = {i for i, _uid in news.deleted}
    before = manifest.totals(job.fmt, changed | deleted)
    # The library holds what the last export saw, with these changes: else something
    # moved without a revision (a deletion by an older Reader), and all is compared.
    expected = state.get("count", -1) + len(changed - before.keys()) - len((deleted - changed) & before.keys())
    if expected != news.total:
        return None

    items = [s for s in news.changed if not job.annotated or s.highlights or s.note.strip()]
    keys = [article_key(s) for s in items]
    exported = {s.id for s in items}
    dropped = {article_key(s) for s in news.changed if s.id not in exported}
    dropped |= {uid or f"id:{i}" for i, uid in news.deleted}
    entries = manifest.entries_of(job.fmt, [*keys, *sorted(dropped)])
    plan = Plan(items, news.tags, {}, manifest.legacy(job.fmt, [str(s.id) for s in items]), (), None)
    for key, entry in entries.items():
        if not os.path.lexists(job.out / entry.name):
            manifest.put(job.fmt, [(key, None)])  # deleted by the user: forgotten
        elif key in dropped:
            if job.prune:
                _remove(job.out, plan, key, entry, manifest, job.fmt)
        else:
            plan.mine[key] = entry
    owned = {name_key(e.name) for e in (*plan.mine.values(), *plan.legacy.values())}
    plan.reserved = _Taken(manifest, owned)
    return plan, identity, news, before


def _latest(samples: list[tuple[int, str, int]]) -> list[list[Any]]:
    """The SAMPLES articles latest in the change sequence, as (id, fingerprint, revision)."""
    return [list(x) for x in sorted(samples, key=lambda x: -x[2])[:SAMPLES]]


def _diverged(samples: list[list[Any]], news: ExportChanges) -> bool:
    """Whether an article the last export saw, and unchanged since by the library's
    count, reads otherwise now: the library is a copy of its file restored by hand
    (no backup's history mark), whose new changes took the lost changes' numbers."""
    moved = {s.id for s in news.changed} | {i for i, _uid in news.deleted}
    now = {s.id: s.fingerprint for s in news.sampled}
    return any(
        now.get(article_id) != fingerprint for article_id, fingerprint, _rev in samples if article_id not in moved
    )


def _full_plan(
    job: Job, manifest: Manifest, items: list[ExportStamp], listed: list[str], every: list[ExportStamp]
) -> Plan:
    present = {name_key(n) for n in listed}
    fmt = job.fmt
    mine = manifest.entries(fmt)
    legacy = manifest.legacy(fmt)
    # Entries whose file is gone (deleted by the user) are forgotten.
    missing = [k for k, e in mine.items() if name_key(e.name) not in present]
    manifest.put(fmt, [(k, None) for k in missing])
    manifest.drop_legacy(fmt, [i for i, e in legacy.items() if name_key(e.name) not in present])
    mine = {k: e for k, e in mine.items() if name_key(e.name) in present}
    legacy = {i: e for i, e in legacy.items() if name_key(e.name) in present}
    tags = tuple(sorted({t for s in items for t in s.tags}))
    plan = Plan(items, tags, mine, {}, set(), present)
    if job.prune:
        # Files of articles not exported any more: removed while unchanged. Only this
        # library's (not exported now, or deleted): another library may keep the folder too.
        wanted = {article_key(s) for s in items}
        ours: set[str] | None = None
        if job.deletions is not None:
            ours = {article_key(s) for s in every} | {uid or f"id:{i}" for i, uid in job.deletions()}
        for key in sorted(set(mine) - wanted):
            if ours is None or key in ours:
                _remove(job.out, plan, key, mine.pop(key), manifest, fmt)
    ids = {str(s.id) for s in items}
    plan.legacy = {i: e for i, e in legacy.items() if i in ids}
    # Names these articles had are theirs to take again (if unchanged, see settle).
    owned = {name_key(plan.mine[k].name) for s in items if (k := article_key(s)) in plan.mine}
    owned |= {name_key(e.name) for e in plan.legacy.values()}
    plan.reserved = present - owned
    return plan


def _remove(out: Path, plan: Plan, key: str, entry: Entry, manifest: Manifest, fmt: str) -> None:
    """The file of an article no longer exported: removed while it is what Reader wrote."""
    path = os.path.join(out, entry.name)
    if entry.proves(file_hash(path)):
        os.unlink(path)
        plan.removed.append(out / entry.name)
        if plan.present is not None:
            plan.present.discard(name_key(entry.name))
        manifest.put(fmt, [(key, None)])
    elif os.path.lexists(path):
        plan.kept.append(out / entry.name)


class _Taken:
    """Name keys taken in a folder not listed: by the manifest's record of it."""

    def __init__(self, manifest: Manifest, owned: set[str]) -> None:
        self.manifest = manifest
        self.owned = owned

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key not in self.owned and self.manifest.taken(key)


class _Either:
    def __init__(self, *sets: Container[str]) -> None:
        self.sets = sets

    def __contains__(self, key: object) -> bool:
        return any(key in s for s in self.sets)


def _names(plan: Plan, suffix: str) -> dict[int, str]:
    """A file name per article: the one it has while its title makes the same
    name; new names only for the others."""
    names: dict[int, str] = {}
    need: list[ExportStamp] = []
    for s in plan.items:
        entry = plan.mine.get(article_key(s)) or plan.legacy.get(str(s.id))
        if entry is not None and named_after(entry.name, safe_filename(s.title), s.id, suffix):
            names[s.id] = entry.name
        else:
            need.append(s)
    if need:
        used = {name_key(n) for n in names.values()}
        names.update(unique_names(need, suffix, _Either(used, plan.reserved)))
    return names


def _write(job: Job, manifest: Manifest, plan: Plan) -> tuple[dict[int, str], list[Path]]:
    """Render and write what changed; returns every article's file name and the files written."""
    out, fmt = job.out, job.fmt
    folder = os.fspath(out)
    names = _names(plan, job.suffix)
    mine, present = plan.mine, plan.present
    keys = {s.id: article_key(s) for s in plan.items}
    article_of = {k: i for i, k in keys.items()}
    new_keys = {name_key(n) for n in names.values()}
    # Names one article gives up and another takes (titles swapped): the file is
    # Reader's as the entry of the one giving it up proves, for the other to replace.
    passed: dict[str, Entry] = {}
    # Files of renamed articles: removed while unchanged (not when another article takes the name).
    for s in plan.items:
        old = mine.get(keys[s.id])
        if old is None or old.name == names[s.id]:
            continue
        if name_key(old.name) in new_keys and name_key(old.name) != name_key(names[s.id]):
            passed[name_key(old.name)] = old
            continue
        if present is not None and name_key(old.name) not in present:
            continue
        path = os.path.join(folder, old.name)
        if old.proves(file_hash(path)):
            os.unlink(path)
            plan.removed.append(out / old.name)
            del mine[keys[s.id]]
            manifest.put(fmt, [(keys[s.id], None)])
        elif os.path.lexists(path):
            plan.kept.append(out / old.name)
            # The user's file now (its entry moves to the new name): a name to stay off.
            manifest.add_others([name_key(old.name)])

    # What each file is rendered from: the article's fingerprint under these options.
    # A file whose entry records the same is current: neither rendered nor read again.
    sources: dict[int, str] = {}
    if not job.needs_content:
        options_key = job.options_key(plan.tags)
        sources = {s.id: sha256(f"{options_key}\n{s.fingerprint}".encode()) for s in plan.items if s.fingerprint}
    todo = [s for s in plan.items if not is_current(mine.get(keys[s.id]), names[s.id], sources.get(s.id))]
    total = len(plan.items)
    done = total - len(todo)
    render = job.formatter(plan.tags).render
    written: list[Path] = []
    # Creating files is mostly waiting on the file system: a few threads write while
    # this one renders. Same bytes whatever the order.
    Batch = tuple[list[tuple[int, bytes, str]], list[tuple[str, Entry]], list[Future[list[str | OSError]]]]

    def finish(batch: Batch) -> None:
        """Record how a batch's files were settled (once they are)."""
        nonlocal done
        restored: list[tuple[str, Entry | None]] = []
        errors: list[OSError] = []
        outcomes = [outcome for work in batch[2] for outcome in work.result()]
        for (article_id, _raw, _digest), (key, entry), outcome in zip(batch[0], batch[1], outcomes):
            if isinstance(outcome, OSError):
                errors.append(outcome)
                outcome = "failed"
            name = names[article_id]
            if outcome in ("failed", "kept"):
                restored.append((key, mine.get(key)))  # not written: what was known before
                if outcome == "kept":
                    plan.kept.append(out / name)
                continue
            mine[key] = entry
            if outcome == "written":
                written.append(out / name)
            old = plan.legacy.get(str(article_id))
            if old is not None and name_key(old.name) == name_key(name):
                manifest.drop_legacy(fmt, [str(article_id)])  # proved ours now
        # The others are settled all at once at the end (Manifest.settle).
        manifest.put(fmt, restored, article_of)
        if errors:
            raise errors[0]
        done += len(batch[0])
        if job.progress:
            job.progress(done, total)

    # Creating files is mostly the kernel's work: a few threads write one batch while
    # this one renders the next. Same bytes whatever the order.
    with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="reader-export") as pool:
        writing: Batch | None = None
        batches = [todo[offset : offset + BATCH] for offset in range(0, len(todo), BATCH)]
        stream: Iterator[list[tuple[int, bytes]]] | None = None
        if job.pooled is not None and worth_it(len(todo)):
            with contextlib.suppress(WorkerUnavailable):  # then everything is rendered here
                stream = job.pooled(plan.tags, [[s.id for s in b] for b in batches])
        if stream is None:
            stream = (_rendered(job.fetch(b), render) for b in batches)
        for files in stream:
            rendered = [(article_id, raw, sha256(raw)) for article_id, raw in files]
            # The whole batch rendered (a template error raises before anything is
            # recorded); its entries committed with the hash about to be written as
            # pending, so a killed export's files stay provably Reader's; then written.
            planned = []
            jobs = []
            for article_id, raw, digest in rendered:
                key, name = keys[article_id], names[article_id]
                previous = mine.get(key) or plan.legacy.get(str(article_id))
                known = previous if previous is not None and name_key(previous.name) == name_key(name) else None
                known = known or passed.get(name_key(name))
                proof = known.sha256 if known else None
                planned.append((key, Entry(name, proof, sources.get(article_id), digest)))
                new = present is not None and name_key(name) not in present
                jobs.append((os.path.join(folder, name), raw, known, new))
            manifest.plan(fmt, planned, article_of)
            # A few files per task: a future per file cost more than writing it.
            works = [pool.submit(_settle_all, jobs[i : i + CHUNK]) for i in range(0, len(jobs), CHUNK)]
            if writing is not None:
                finish(writing)
            writing = (rendered, planned, works)
        if writing is not None:
            finish(writing)
    manifest.settle()
    if job.progress and not todo:
        job.progress(total, total)
    return names, written


def _settle_all(jobs: list[tuple[str, bytes, Entry | None, bool]]) -> list[str | OSError]:
    """writing.settle of each file: its outcome, or the error that stopped it."""
    out: list[str | OSError] = []
    for job in jobs:
        try:
            out.append(settle(*job))
        except OSError as exc:
            out.append(exc)
    return out


def _rendered(articles: list[domain.Article], render: Callable[..., str | bytes]) -> list[tuple[int, bytes]]:
    out = []
    for article in articles:
        text = render([article])
        out.append((article.id, text if isinstance(text, bytes) else text.encode("utf-8", "replace")))
    return out


class ManifestPaths(Sequence[Path]):
    """The files of an export of everything, read from the folder's manifest when
    first asked for (an export after one change does not list 100,000 names)."""

    def __init__(self, out: Path, fmt: str, count: int) -> None:
        self.out, self.fmt, self._count = out, fmt, count
        self._paths: list[Path] | None = None

    def _load(self) -> list[Path]:
        if self._paths is None:
            db = sqlite3.connect(f"file:{self.out / MANIFEST / DATABASE}?mode=ro", uri=True)
            try:
                self._paths = [self.out / n for n in Manifest.exported_names_of(db, self.fmt)]
            finally:
                db.close()
        return self._paths

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Path]: ...

    def __getitem__(self, index: int | slice) -> Path | Sequence[Path]:
        return self._load()[index]

    def __iter__(self) -> Iterator[Path]:
        return iter(self._load())

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]
