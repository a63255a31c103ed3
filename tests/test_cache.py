"""The per-user cache of validated agreements: reused only for the same bytes, never trusted blindly."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import SLUG
from workflow.commands.agreements import load_file
from workflow.data import cache
from workflow.errors import InvalidData


@pytest.fixture
def private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("MOU_CACHE", str(where))
    return where


def test_second_load_comes_from_the_cache_and_equals_the_first(yaml_file: Path, private: Path) -> None:
    """One entry is written on the first load; the second load returns an equal agreement from it."""
    first = load_file(yaml_file)
    entries = list(private.glob("agreement-*.pickle"))
    assert len(entries) == 1
    assert oct(private.stat().st_mode & 0o777) == "0o700"
    assert load_file(yaml_file) == first
    assert list(private.glob("agreement-*.pickle")) == entries


def test_an_edited_file_is_read_again(yaml_file: Path, private: Path) -> None:
    """Changing one byte of agreement.yaml gives a new entry and the new value."""
    load_file(yaml_file)
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(text.replace("workers: 1000", "workers: 900"), encoding="utf-8")
    assert load_file(yaml_file).coverage.workers == 900
    assert len(list(private.glob("agreement-*.pickle"))) == 2


def test_invalid_files_are_never_cached_and_always_reported(yaml_file: Path, private: Path) -> None:
    """A broken file raises with its line every time, and leaves no entry."""
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("workers: 1000", "workers: banyak"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InvalidData, match=r":\d+: coverage\.workers: "):
            load_file(yaml_file)
    assert not list(private.glob("agreement-*.pickle"))


def test_a_damaged_entry_is_a_miss(yaml_file: Path, private: Path) -> None:
    """Garbage in an entry is ignored and replaced by a good one."""
    expected = load_file(yaml_file)
    (entry,) = private.glob("agreement-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert load_file(yaml_file) == expected
    assert entry.read_bytes() != b"not a pickle"


def test_a_folder_others_can_write_is_never_used(yaml_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries are unpickled, so a group- or world-writable cache folder is ignored, not trusted."""
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    os.chmod(shared, 0o777)
    monkeypatch.setenv("MOU_CACHE", str(shared))
    cache._private.cache_clear()
    load_file(yaml_file)
    assert not list(shared.iterdir())


def test_off_writes_nothing(yaml_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOU_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_file(yaml_file)
    assert not (tmp_path / "xdg").exists()


def test_cli_results_are_the_same_with_and_without_the_cache(run: Callable[..., Result], private: Path) -> None:
    """`mou status` prints the same with a cold cache, a warm cache and the cache off."""
    cold, warm = run("status", SLUG), run("status", SLUG)
    off = run("status", SLUG, env={"MOU_CACHE": "off"})
    assert cold.exit_code == warm.exit_code == off.exit_code == 0
    assert cold.stdout == warm.stdout == off.stdout


def test_list_rows_are_remembered_per_agreement_and_rebuilt_when_one_changes(
    run: Callable[..., Result], root: Path, private: Path
) -> None:
    """`mou list` keeps one row per agreement; after one advances only its row changes, and the table file
    left by the first run is read (a damaged one is a miss, never an error)."""
    import shutil

    shutil.copytree(root / SLUG, root / "kedua-2025")
    first = run("list")
    assert first.exit_code == 0, first.output
    tables = list(private.glob("list-rows-*.json"))
    assert len(tables) == 1
    other = next(line for line in first.stdout.splitlines() if line.startswith("kedua-2025"))
    mine = next(line for line in first.stdout.splitlines() if line.startswith(SLUG))
    assert "fgd_scheduled" in mine
    assert run("render", SLUG).exit_code == 0
    moved = run("advance", SLUG, "hold_fgd", "--as", "Dinas Tenaga Kerja Kabupaten Buton")
    assert moved.exit_code == 0, moved.output
    second = run("list", env={"MOU_TODAY": "2025-05-29"})  # another day: the whole-text memo misses too
    assert next(line for line in second.stdout.splitlines() if line.startswith("kedua-2025")).split()[1] == "fgd_scheduled"
    assert next(line for line in second.stdout.splitlines() if line.startswith(SLUG)).split()[1] == "fgd_held"
    for table in private.glob("list-rows-*.json"):
        table.write_bytes(b"{not json")
    third = run("list", env={"MOU_TODAY": "2025-05-29"})
    assert third.exit_code == 0 and third.stdout == second.stdout
    assert other.split()[1] == "fgd_scheduled"
