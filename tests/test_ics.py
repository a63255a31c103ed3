"""`mou due --ics`: an RFC 5545 calendar, read back by the icalendar library and checked octet by octet."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from tests.conftest import SLUG
from workflow.commands.monitoring import ics, ics_uid
from workflow.process.deadlines import Due

DAY = "2025-10-01"  # the demo is in implementation: a payment, a report and the end of term ahead


@pytest.fixture
def demo_root(demo_out: Path, tmp_path: Path) -> Path:
    """A private copy of the demo's agreements (see conftest's demo_out)."""
    target = tmp_path / "agreements"
    shutil.copytree(demo_out / "agreements", target)
    return target


def _due_ics(root: Path, out: Path, today: str = DAY) -> bytes:
    result = CliRunner().invoke(
        cli.main, ["--root", str(root), "due", "--within", "3650", "--ics", str(out)], env={"MOU_TODAY": today}
    )
    assert result.exit_code == 0, result.stderr
    return out.read_bytes()


def _unfolded(data: bytes) -> list[str]:
    """The content lines: CRLF-separated physical lines, each continuation (leading space) joined to the one before."""
    lines: list[str] = []
    for physical in data.decode("utf-8").split("\r\n")[:-1]:
        if physical.startswith(" "):
            lines[-1] += physical[1:]
        else:
            lines.append(physical)
    return lines


def conformance_problems(data: bytes) -> list[str]:
    """What in ``data`` breaks RFC 5545's rules for content lines, the calendar and its events; [] when none."""
    problems: list[str] = []
    physical = data.split(b"\r\n")
    if physical.pop():
        problems.append("the file does not end in CRLF")
    for n, line in enumerate(physical, 1):
        if b"\r" in line or b"\n" in line:
            problems.append(f"line {n}: a bare CR or LF")
        if len(line) > 75:
            problems.append(f"line {n}: {len(line)} octets, more than 75")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {n}: a fold splits a UTF-8 character")
        if n > 1 and line.startswith(b"\t"):
            problems.append(f"line {n}: a continuation starts with a tab, expected one space")
    if problems:
        return problems
    lines = _unfolded(data)
    if lines[0] != "BEGIN:VCALENDAR" or lines[-1] != "END:VCALENDAR":
        problems.append("not one VCALENDAR")
    head = lines[: next((i for i, line in enumerate(lines) if line.startswith("BEGIN:V") and i), len(lines))]
    if head.count("VERSION:2.0") != 1 or sum(line.startswith("PRODID:") for line in head) != 1:
        problems.append("the calendar needs VERSION:2.0 and one PRODID")
    stack: list[str] = []
    uids: list[str] = []
    event: list[str] = []
    for line in lines:
        if line.startswith("BEGIN:"):
            stack.append(line[6:])
            if line == "BEGIN:VEVENT":
                event = []
        elif line.startswith("END:"):
            if not stack or stack.pop() != line[4:]:
                problems.append(f"{line} closes nothing open")
            if line == "END:VEVENT":
                problems += _event_problems(event, uids)
        elif stack and stack[-1] == "VEVENT":
            event.append(line)
        elif stack and stack[-1] == "VALARM":
            event.append("ALARM/" + line)
    if stack:
        problems.append(f"{', '.join(stack)} never closed")
    if len(set(uids)) != len(uids):
        problems.append("two events share a UID")
    return problems


def _event_problems(event: list[str], uids: list[str]) -> list[str]:
    names = [line.split(":", 1)[0].split(";", 1)[0] for line in event]
    problems = [f"a VEVENT without {name}" for name in ("UID", "DTSTAMP", "DTSTART") if names.count(name) != 1]
    stamps = [line for line in event if line.startswith("DTSTAMP")]
    if stamps and not re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", stamps[0]):
        problems.append(f"{stamps[0]} is not a UTC date-time")
    starts = [line for line in event if line.startswith("DTSTART")]
    if starts and not re.fullmatch(r"DTSTART;VALUE=DATE:\d{8}", starts[0]):
        problems.append(f"{starts[0]} is not an all-day date")
    uids += [line[4:] for line in event if line.startswith("UID:")]
    triggers = sorted(line for line in event if line.startswith("ALARM/TRIGGER"))
    if triggers != ["ALARM/TRIGGER:-P30D", "ALARM/TRIGGER:-P7D"]:
        problems.append(f"reminders {triggers}, expected 30 and 7 days before")
    if (
        sum(line == "ALARM/ACTION:DISPLAY" for line in event) != 2
        or sum(line.startswith("ALARM/DESCRIPTION:") for line in event) != 2
    ):
        problems.append("each reminder needs ACTION:DISPLAY and a DESCRIPTION")
    unescaped = re.compile(r"(?<!\\)(?:\\\\)*[;,]")  # a ; or , after an even number of backslashes
    for line in event:
        name, _, value = line.removeprefix("ALARM/").partition(":")
        if name in ("SUMMARY", "DESCRIPTION") and unescaped.search(value):
            problems.append(f"{line}: an unescaped comma or semicolon in TEXT")
    return problems


def test_the_demo_calendar_reads_back_with_icalendar(demo_root: Path, tmp_path: Path) -> None:
    """Every event of the demo's .ics has a UID, a UTC DTSTAMP, an all-day DTSTART and two display reminders."""
    from icalendar import Calendar

    cal = Calendar.from_ical(_due_ics(demo_root, tmp_path / "due.ics"))
    assert str(cal["version"]) == "2.0" and str(cal["prodid"])
    events = list(cal.walk("VEVENT"))
    assert [(e.decoded("dtstart"), str(e["summary"])) for e in events] == [
        (date(2025, 10, 31), f"{SLUG}: payment for 2025-10"),
        (date(2025, 12, 31), f"{SLUG}: monitoring report"),
        (date(2027, 6, 30), f"{SLUG}: end of term"),
    ]
    for event in events:
        assert str(event["uid"]).endswith("@mou")
        assert event.decoded("dtstamp") == datetime(2025, 10, 1, tzinfo=UTC)
        alarms = event.walk("VALARM")
        assert sorted(a.decoded("trigger") for a in alarms) == [timedelta(days=-30), timedelta(days=-7)]
        assert all(str(a["action"]) == "DISPLAY" and str(a["description"]) for a in alarms)


def test_the_demo_calendar_conforms_octet_by_octet(demo_root: Path, tmp_path: Path) -> None:
    """CRLF everywhere, no line over 75 octets, continuations start with a space, DTSTAMP in UTC, UIDs unique;
    a second run the same day gives the same bytes, and a run a day later the same UIDs."""
    data = _due_ics(demo_root, tmp_path / "one.ics")
    assert conformance_problems(data) == []
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert any(line.startswith(b" ") for line in data.split(b"\r\n"))  # the descriptions are long enough to fold
    stamps = [line for line in _unfolded(data) if line.startswith("DTSTAMP")]
    assert stamps and all(re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", s) for s in stamps)
    assert _due_ics(demo_root, tmp_path / "two.ics") == data
    later = _due_ics(demo_root, tmp_path / "later.ics", today="2025-10-02")
    uids = [line for line in _unfolded(data) if line.startswith("UID:")]
    assert len(set(uids)) == len(uids) == 3
    assert [line for line in _unfolded(later) if line.startswith("UID:")] == uids
    assert b"DTSTAMP:20251002T000000Z\r\n" in later


def test_an_overdue_calendar_conforms_too(demo_root: Path, tmp_path: Path) -> None:
    """Overdue items (marked in the summary) keep the UID they had before they were overdue."""
    before = _unfolded(_due_ics(demo_root, tmp_path / "before.ics"))
    data = _due_ics(demo_root, tmp_path / "after.ics", today="2027-04-15")
    assert conformance_problems(data) == []
    after = _unfolded(data)
    assert "SUMMARY:buton-bpjstk-2025: payment for 2025-10 (overdue)" in after
    assert [line for line in after if line.startswith("UID:")] == [line for line in before if line.startswith("UID:")]


@pytest.mark.parametrize(
    "what",
    [
        "payment for 2025-10, SP2D; see note",
        "line one\nline two",
        "a back\\slash, a comma; a semicolon\nand a newline",
        "Rp672.000 — laporan Triwulan IV, 28 Mei 2025 ✓ " * 4,
    ],
    ids=["comma-semicolon", "newline", "all", "long-multibyte"],
)
def test_text_round_trips_through_icalendar(what: str) -> None:
    """A summary with a comma, semicolon, backslash or newline (or long and multi-byte) reads back unchanged."""
    from icalendar import Calendar

    item = Due(SLUG, date(2025, 12, 31), what, False, "report")
    data = ics([item], stamp=date(2025, 10, 1))
    assert conformance_problems(data) == []
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    assert str(event["summary"]) == f"{SLUG}: {what}"
    assert str(event["description"]).startswith(f"{SLUG}: {what}, due 2025-12-31")


def test_folding_never_splits_a_character() -> None:
    """Long lines of two-, three- and four-octet characters fold between characters, each line at most 75 octets."""
    for char in ("é", "—", "𝄞"):
        data = ics([Due(SLUG, date(2025, 12, 31), char * 200, False, "report")], stamp=date(2025, 10, 1))
        assert conformance_problems(data) == []
        physical = data.split(b"\r\n")[:-1]
        assert max(len(line) for line in physical) <= 75
        assert max(len(line) for line in physical) > 70  # folded near the limit, not early
        assert f"SUMMARY:{SLUG}: {char * 200}" in _unfolded(data)


def test_the_uid_names_the_item_not_its_words() -> None:
    """Same agreement, sort of item and date: same UID, whatever the words (a review waits one more day);
    another date, sort or agreement: another UID."""
    review = Due(SLUG, date(2025, 6, 1), "review waiting 15 days (more than 14)", True, "review")
    next_day = Due(SLUG, date(2025, 6, 1), "review waiting 16 days (more than 14)", True, "review")
    assert ics_uid(review) == ics_uid(next_day)
    assert re.fullmatch(r"[0-9a-f]{32}@mou", ics_uid(review))
    others = [
        Due(SLUG, date(2025, 6, 2), review.what, True, "review"),
        Due(SLUG, date(2025, 6, 1), review.what, True, "report"),
        Due("buton-bpjstk-2027", date(2025, 6, 1), review.what, True, "review"),
    ]
    assert len({ics_uid(review), *(ics_uid(o) for o in others)}) == 4


def test_an_empty_calendar_is_still_a_calendar() -> None:
    """Nothing due: a VCALENDAR with its VERSION and PRODID and no event."""
    from icalendar import Calendar

    data = ics([], stamp=date(2025, 10, 1))
    assert conformance_problems(data) == []
    assert list(Calendar.from_ical(data).walk("VEVENT")) == []
