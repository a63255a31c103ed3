"""History appends go in place (O(1)), and a writer killed mid-line never leaves half a line after recovery."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.test_fuzz import _entry as entry_of
from workflow.errors import HistoryBroken
from workflow.records import history


def _entry(note: str) -> dict[str, Any]:
    """An entry as a command hands it to ``append`` (which adds seq, prev and hash)."""
    return entry_of(note, {})


def _written(folder: Path, count: int) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for n in range(count):
        entries.append(history.append(folder, entries, _entry(f"catatan {n}")))
    return entries


def _half_line(folder: Path, entries: list[dict[str, Any]]) -> bytes:
    """What a writer killed mid-``write`` leaves: the start of the next line, no newline, the head unchanged."""
    nxt = {**_entry("dibunuh"), "seq": len(entries) + 1, "prev": entries[-1]["hash"] if entries else history.GENESIS}
    nxt["hash"] = history.entry_hash(nxt)
    half = history.canonical(nxt).encode()[:40]
    with (folder / history.HISTORY_FILE).open("ab") as fh:
        fh.write(half)
    return half


def test_append_adds_one_line_in_place(tmp_path: Path) -> None:
    """Appending to a history of 200 entries keeps the file (same inode), its earlier bytes, and adds one line."""
    entries = _written(tmp_path, 200)
    path = tmp_path / history.HISTORY_FILE
    before, stat = path.read_bytes(), path.stat()
    added = history.append(tmp_path, entries, _entry("satu lagi"))
    after = path.read_bytes()
    assert path.stat().st_ino == stat.st_ino
    assert after == before + (history.canonical(added) + "\n").encode()
    assert (added["seq"], added["prev"]) == (201, entries[-1]["hash"])
    assert history.check_chain(tmp_path) == [*entries, added]
    assert (tmp_path / history.HEAD_FILE).read_text() == history.canonical({"seq": 201, "hash": added["hash"]}) + "\n"


def test_a_writer_killed_mid_line_is_ignored_then_cut_off(tmp_path: Path) -> None:
    """Half a line the head does not name: readers see the old history, repair_tail cuts it, the next append chains."""
    entries = _written(tmp_path, 3)
    path = tmp_path / history.HISTORY_FILE
    whole = path.read_bytes()
    _half_line(tmp_path, entries)
    assert history.check_chain(tmp_path) == entries
    assert history.read(tmp_path) == entries
    assert history.repair_tail(tmp_path) is True
    assert path.read_bytes() == whole
    assert history.repair_tail(tmp_path) is False  # nothing left to cut
    added = history.append(tmp_path, entries, _entry("setelah pemulihan"))
    assert history.check_chain(tmp_path) == [*entries, added]


def test_append_refuses_to_glue_a_line_onto_half_a_line(tmp_path: Path) -> None:
    """Without repair_tail first, append refuses rather than merge its line with the half line."""
    entries = _written(tmp_path, 2)
    half = _half_line(tmp_path, entries)
    path = tmp_path / history.HISTORY_FILE
    before = path.read_bytes()
    with pytest.raises(HistoryBroken, match="last line is incomplete"):
        history.append(tmp_path, entries, _entry("tidak"))
    assert path.read_bytes() == before and before.endswith(half)


def test_a_first_append_killed_mid_line(tmp_path: Path) -> None:
    """Half of the very first line, no head yet: an empty history, cut off by repair_tail."""
    _half_line(tmp_path, [])
    assert history.check_chain(tmp_path) == []
    assert history.repair_tail(tmp_path) is True
    assert (tmp_path / history.HISTORY_FILE).read_bytes() == b""
    assert history.check_chain(tmp_path) == []
    first = history.append(tmp_path, [], _entry("pertama"))
    assert history.check_chain(tmp_path) == [first]


def test_an_incomplete_line_the_head_names_is_refused(tmp_path: Path) -> None:
    """The last line lost its newline although the head names it (acknowledged): HistoryBroken, nothing cut."""
    _written(tmp_path, 4)
    path = tmp_path / history.HISTORY_FILE
    cut = path.read_bytes()[:-1]
    path.write_bytes(cut)
    with pytest.raises(HistoryBroken) as caught:
        history.check_chain(tmp_path)
    assert str(caught.value) == f"{path}:4: entry 4: last line is incomplete (no newline)"
    assert history.repair_tail(tmp_path) is False
    assert path.read_bytes() == cut


def test_a_head_beyond_the_file_is_refused(tmp_path: Path) -> None:
    """A half line beyond a head that names more entries than the file holds: HistoryBroken, nothing cut."""
    entries = _written(tmp_path, 4)
    path = tmp_path / history.HISTORY_FILE
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:2]) + lines[2][:30])  # entries 3 and 4 lost, the head names 4
    with pytest.raises(HistoryBroken, match="last line is incomplete"):
        history.check_chain(tmp_path)
    assert history.repair_tail(tmp_path) is False
    head = tmp_path / history.HEAD_FILE
    head.write_text(history.canonical({"seq": 9, "hash": entries[-1]["hash"]}) + "\n")
    path.write_bytes(b"".join(lines))
    with pytest.raises(HistoryBroken, match=r"history ends at entry 4 but history\.head names entry 9"):
        history.check_chain(tmp_path)


def test_appending_after_a_lagging_head(tmp_path: Path) -> None:
    """Killed between the line and the head: the head lags one entry, which reads fine; the next append fixes it."""
    entries = _written(tmp_path, 5)
    head = tmp_path / history.HEAD_FILE
    head.write_text(history.canonical({"seq": 4, "hash": entries[3]["hash"]}) + "\n")
    assert history.check_chain(tmp_path) == entries
    assert history.repair_tail(tmp_path) is False
    added = history.append(tmp_path, entries, _entry("berikutnya"))
    assert history.parse_head(head.read_text()) == (6, added["hash"])
    assert history.check_chain(tmp_path) == [*entries, added]


def test_a_lagging_head_and_a_half_line(tmp_path: Path) -> None:
    """Two kills in a row (between line and head, then mid-line): still the complete entries, and repairable."""
    entries = _written(tmp_path, 5)
    (tmp_path / history.HEAD_FILE).write_text(history.canonical({"seq": 4, "hash": entries[3]["hash"]}) + "\n")
    _half_line(tmp_path, entries)
    assert history.check_chain(tmp_path) == entries
    assert history.repair_tail(tmp_path) is True
    added = history.append(tmp_path, entries, _entry("berikutnya"))
    assert history.check_chain(tmp_path) == [*entries, added]


def test_check_lines_takes_bytes_and_a_head(tmp_path: Path) -> None:
    """The check behind check_chain works on bytes with a given head (database stores keep their own head)."""
    entries = _written(tmp_path, 3)
    raw = (tmp_path / history.HISTORY_FILE).read_bytes()
    name = Path("db/history")
    assert history.check_lines(name, raw, (3, entries[-1]["hash"])) == entries
    assert history.check_lines(name, raw + b'{"actor":"Din', (3, entries[-1]["hash"])) == entries
    assert history.check_lines(name, b"", None) == []
    with pytest.raises(HistoryBroken, match=r"^db/history:3: entry 3: history.head is missing or unreadable$"):
        history.check_lines(name, raw, None)
    with pytest.raises(HistoryBroken, match=r"^db/history:1: entry 1: history ends at entry 3 but history.head names entry 1$"):
        history.check_lines(name, raw, (1, entries[0]["hash"]))


def test_repair_tail_reads_back_past_long_lines(tmp_path: Path) -> None:
    """Lines longer than the block repair_tail reads from the end: the last complete line is still found."""
    entries: list[dict[str, Any]] = []
    for n in range(3):
        entries.append(history.append(tmp_path, entries, _entry(f"{n} " + "x" * 150_000)))
    whole = (tmp_path / history.HISTORY_FILE).read_bytes()
    _half_line(tmp_path, entries)
    assert history.repair_tail(tmp_path) is True
    assert (tmp_path / history.HISTORY_FILE).read_bytes() == whole
    assert os.path.getsize(tmp_path / history.HISTORY_FILE) == len(whole)


def test_a_command_after_a_killed_append_repairs_and_chains(root: Path, run: Callable[..., Result]) -> None:
    """Half a line left by a killed writer: the next real command cuts it off under the lock and chains after it."""
    from tests.conftest import SLUG
    from workflow.commands.demo import OPD

    assert run("render", SLUG, "--stage", "fgd", "--as", OPD).exit_code == 0
    folder = root / SLUG
    entries = history.check_chain(folder)
    _half_line(folder, entries)
    assert run("verify", SLUG).exit_code == 0  # readers ignore the half line
    advanced = run("advance", SLUG, "hold_fgd", "--as", OPD)
    assert advanced.exit_code == 0, advanced.stderr
    assert history.check_chain(folder)[-1]["seq"] == len(entries) + 1
    assert (folder / history.HISTORY_FILE).read_bytes().endswith(b"\n")
    assert run("verify", SLUG).exit_code == 0
