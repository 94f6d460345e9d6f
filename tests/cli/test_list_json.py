"""`reader list --json`: the same array of the same keys, indented at a terminal,
compact for a program, written a batch of articles at a time."""

import contextlib
import functools
import io
import json

from reader import cli
from reader.cli import commands

KEYS = {"id", "title", "author", "site", "url", "published", "added", "word_count", "highlights"}


def _import_three(run, article_page, tmp_path):
    source = article_page.read_text()
    ids = []
    for n in range(3):
        page = tmp_path / f"page{n}.html"
        page.write_text(
            source.replace("The Quiet Rivers of the North", f"Rivers, part {n}")
            .replace("quiet in winter", f"quiet in winter, part {n}.")
            .replace("example.org/2024", f"example.org/{n}")
        )
        [outcome] = json.loads(run("import", page, "--json").stdout)
        assert outcome["status"] == "imported"
        ids.append(outcome["id"])
    return ids


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_list_json_is_compact_for_programs_and_indented_at_a_terminal(run, article_page, tmp_path, monkeypatch):
    ids = _import_three(run, article_page, tmp_path)
    run("highlight", ids[0], "--quote", "listening posts")
    piped = run("list", "--json").stdout
    listed = json.loads(piped)
    assert piped.count("\n") == 1 and ", " not in piped.replace('"Rivers, part', "")  # one compact line
    assert [a["id"] for a in listed] == ids[::-1]  # newest first
    assert all(set(a) == KEYS for a in listed)
    assert [a["highlights"] for a in listed] == [0, 0, 1]
    assert all(a["added"].endswith("Z") for a in listed)

    terminal = _Terminal()
    with contextlib.redirect_stdout(terminal):
        assert cli.main(["list", "--json"]) == 0
    assert terminal.getvalue().startswith('[\n  {\n    "id": ')
    assert json.loads(terminal.getvalue()) == listed


def test_list_json_written_in_batches_is_one_array(run, article_page, tmp_path, monkeypatch):
    ids = _import_three(run, article_page, tmp_path)
    whole = json.loads(run("list", "--json").stdout)
    monkeypatch.setattr(commands, "_print_json_array", functools.partial(commands._print_json_array, batch=2))
    assert json.loads(run("list", "--json").stdout) == whole
    assert [a["id"] for a in json.loads(run("list", "--json", "--state", "archived").stdout)] == []
    run("archive", ids[1])
    assert [a["id"] for a in json.loads(run("list", "--json", "--state", "archived").stdout)] == [ids[1]]
