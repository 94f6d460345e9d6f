"""The installed command itself (a child process): exit statuses and one-line errors
reach the shell as the in-process tests see them."""

import json


def test_the_real_command_imports_lists_and_fails_in_one_line(run_command, article_page, tmp_path):
    imported = run_command("import", "--json", article_page)
    assert imported.returncode == 0, imported.stderr
    assert [o["status"] for o in json.loads(imported.stdout)] == ["imported"]
    listed = run_command("list", "--json")
    assert [a["title"] for a in json.loads(listed.stdout)] == ["The Quiet Rivers of the North"]
    missing = run_command("show", "99")
    assert missing.returncode == 1 and missing.stderr.strip().splitlines() == ["reader: no article with id 99"]
    usage = run_command("show")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
