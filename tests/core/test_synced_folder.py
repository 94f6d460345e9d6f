"""A personal (SQLite) library inside a folder a sync service keeps in step
between machines is warned about at open: such copies lose writes."""

import pytest

from reader import cli
from reader.core import Library


@pytest.mark.parametrize(
    "where, service",
    [
        ("Dropbox/reading", "Dropbox"),
        ("OneDrive - Example Corp/lib", "OneDrive"),
        ("Library/Mobile Documents/com~apple~CloudDocs/lib", "iCloud Drive"),
        ("Nextcloud/lib", "Nextcloud"),
        ("sync/lib", "Syncthing"),  # a folder Syncthing shares holds .stfolder
    ],
)
def test_a_library_in_a_synced_folder_is_warned_about_at_open(
    tmp_path, where, service, capsys, monkeypatch, article_page
):
    (tmp_path / "sync").mkdir()
    (tmp_path / "sync" / ".stfolder").mkdir()
    folder = tmp_path / where
    with Library.open(folder) as library:
        [warning] = library.warnings
        assert service in warning and "PostgreSQL" in warning
    monkeypatch.setenv("READER_LIBRARY", str(folder))
    assert cli.main(["import", "--workers", "1", str(article_page)]) == 0
    err = capsys.readouterr().err
    assert f"reader: warning: {folder} is inside a {service} folder" in err


def test_a_library_elsewhere_gets_no_warning(tmp_path):
    with Library.open(tmp_path / "plain") as library:
        assert library.warnings == []
