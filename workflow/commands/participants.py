"""The list of workers covered (from P3KE): import with validation, masked listing.

NIK is personal data (UU 27/2022 tentang Pelindungan Data Pribadi): the full list lives only in
``agreements/<slug>/participants/``; every listing and report masks NIK unless asked otherwise.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from workflow.commands.lifecycle import _entry, monitoring_role, record, resolve_actor, snapshot
from workflow.errors import InvalidData, MouError, Problem
from workflow.records import history
from workflow.records.store import Store, write_new

PARTICIPANTS_DIR = "participants"
"""Each import or replacement writes a new ``participants/peserta-vN.csv``; the highest N is the list in force."""
COLUMNS = ("nik", "nama", "desa", "kecamatan", "pekerjaan", "mulai")
"""NIK (16 digits), name, village, kecamatan, occupation, start of cover (YYYY-MM-DD)."""
IMPORT_EVENT = "log:participants"
# Province codes of the NIK (Permendagri 72/2019 kode wilayah; the first two digits).
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65}
    | {71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96}
)


@dataclass(frozen=True)
class Participant:
    """One worker covered."""

    nik: str
    nama: str
    desa: str
    kecamatan: str
    pekerjaan: str
    mulai: date


def mask(nik: str) -> str:
    """'7401**********01': region code and the last two digits only."""
    return nik[:4] + "*" * (len(nik) - 6) + nik[-2:] if len(nik) > 6 else "*" * len(nik)


def nik_problem(nik: str) -> str | None:
    """Why ``nik`` is not a plausible NIK, or None: 16 digits, a province, a birth date, a serial."""
    if len(nik) != 16 or not nik.isdigit():
        return f"{mask(nik)} is not 16 digits"
    if int(nik[:2]) not in PROVINCES:
        return f"{mask(nik)} starts with {nik[:2]}, which is no province code"
    if nik[2:4] == "00" or nik[4:6] == "00":
        return f"{mask(nik)} has no kabupaten/kota or kecamatan code"
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    day = day - 40 if day > 40 else day  # women: day + 40
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
            break
        except ValueError:
            continue
    else:
        return f"{mask(nik)} does not encode a birth date (DDMMYY, day + 40 for women)"
    if nik[12:] == "0000":
        return f"{mask(nik)} has serial 0000"
    return None


def parse(
    path: Path, text: str, quota: int, start: date, end: date, progress: Callable[[int], None] | None = None
) -> list[Participant]:
    """Every row checked; raise InvalidData listing every bad row (file:row: column: what)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if header != list(COLUMNS):
        raise InvalidData(
            [Problem(path, 1, "header", f"columns are {', '.join(header) or 'missing'}, expected {','.join(COLUMNS)}")]
        )
    problems: list[Problem] = []
    people: list[Participant] = []
    seen: dict[str, int] = {}
    rows = 0
    for row_no, raw in enumerate(reader, start=2):
        rows += 1
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        before = len(problems)
        nik = row["nik"]
        issue = nik_problem(nik)
        if issue:
            problems.append(Problem(path, row_no, "nik", issue))
        elif nik in seen:
            problems.append(Problem(path, row_no, "nik", f"{mask(nik)} already on row {seen[nik]}"))
        else:
            seen[nik] = row_no
        for column in ("nama", "desa", "kecamatan", "pekerjaan"):
            if not row[column]:
                problems.append(Problem(path, row_no, column, "is empty, expected text"))
        try:
            mulai = date.fromisoformat(row["mulai"])
        except ValueError:
            problems.append(Problem(path, row_no, "mulai", f"{row['mulai']!r} is not a date, expected YYYY-MM-DD"))
        else:
            if not start <= mulai <= end:
                problems.append(Problem(path, row_no, "mulai", f"{mulai} is outside the term {start} to {end}"))
        if len(problems) == before:
            people.append(Participant(nik, row["nama"], row["desa"], row["kecamatan"], row["pekerjaan"], mulai))
        if progress:
            progress(1)
    if rows > quota:
        problems.append(Problem(path, None, "", f"{rows} participants, expected at most the quota of {quota} (coverage.workers)"))
    if problems:
        raise InvalidData(problems)
    return people


def import_participants(
    store: Store, slug: str, source: Path, actor: str | None = None, progress: Callable[[int], None] | None = None
) -> list[Participant]:
    """Validate ``source`` and make it the agreement's participant list, recorded in the history."""
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise MouError(f"{source}: cannot read as UTF-8 CSV ({err})") from err
    who = resolve_actor(actor)
    with store.writing(slug):
        snap = snapshot(store, slug)
        role = monitoring_role(snap, who, "a participant list")
        a = snap.agreement
        people = parse(source, text, a.coverage.workers, a.term.start, a.term.end, progress)
        artifact = _write_version(snap.folder, people)
        note = f"{len(people)} peserta dari {source.name}"
        entry = _entry(snap, who, role, IMPORT_EVENT, snap.state, note, None, [artifact], {"count": len(people)})
        record(snap, entry)
    return people


def _csv(people: list[Participant]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in people:
        writer.writerow([p.nik, p.nama, p.desa, p.kecamatan, p.pekerjaan, p.mulai.isoformat()])
    return buf.getvalue()


def _versions(folder: Path) -> list[tuple[int, Path]]:
    found = []
    for p in (folder / PARTICIPANTS_DIR).glob("peserta-v*.csv"):
        number = p.stem.removeprefix("peserta-v")
        if number.isdigit():
            found.append((int(number), p))
    return sorted(found)


def _write_version(folder: Path, people: list[Participant]) -> dict[str, str]:
    """Write the list as the next version, never replacing one; return its history artifact."""
    n = (_versions(folder)[-1][0] if _versions(folder) else 0) + 1
    target = folder / PARTICIPANTS_DIR / f"peserta-v{n}.csv"
    write_new(target, _csv(people).encode("utf-8"))
    return {"path": str(target.relative_to(folder)), "sha256": history.sha256_file(target)}


def load_participants(folder: Path) -> list[Participant]:
    """The list in force: the latest version (empty before any import)."""
    versions = _versions(folder)
    if not versions:
        return []
    path = versions[-1][1]
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return [
        Participant(r["nik"], r["nama"], r["desa"], r["kecamatan"], r["pekerjaan"], date.fromisoformat(r["mulai"])) for r in rows
    ]


def synthetic(count: int, start: date, region: str = "740106") -> str:
    """A CSV of clearly fake participants with structurally valid NIKs (for the demo and tests)."""
    rows = [",".join(COLUMNS)]
    for i in range(1, count + 1):
        birth = date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
        day = birth.day + (40 if i % 2 else 0)
        nik = f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{i:04d}"
        rows.append(
            f"{nik},Peserta Contoh {i:04d},Desa Contoh {1 + i % 20},Kecamatan Contoh {1 + i % 7},Nelayan,{start.isoformat()}"
        )
    return "\n".join(rows) + "\n"


REPLACE_EVENT = "log:replacement"
REASONS = ("meninggal", "keluar", "pindah", "tidak memenuhi syarat")


def replace_participant(
    store: Store, slug: str, old_nik: str, new: dict[str, str], reason: str, actor: str | None = None, when: date | None = None
) -> Participant:
    """Put a new worker in the place of one who died or left; the swap is a history event (NIK masked)."""
    from workflow.process.guards import today

    if reason not in REASONS:
        raise MouError(f"reason {reason!r} is not one of {', '.join(REASONS)}")
    who = resolve_actor(actor)
    when = when or today()
    with store.writing(slug):
        snap = snapshot(store, slug)
        role = monitoring_role(snap, who, "a participant replacement")
        people = load_participants(snap.folder)
        index = next((i for i, p in enumerate(people) if p.nik == old_nik), None)
        if index is None:
            raise MouError(f"{slug}: no participant with NIK {mask(old_nik)}")
        others = "\n".join(
            ",".join([p.nik, p.nama, p.desa, p.kecamatan, p.pekerjaan, p.mulai.isoformat()]) for p in people if p.nik != old_nik
        )
        row = ",".join(new.get(c, "") for c in COLUMNS)
        a = snap.agreement
        source = Path(f"pengganti {mask(old_nik)}")
        text = ",".join(COLUMNS) + "\n" + (others + "\n" if others else "") + row + "\n"
        checked = parse(source, text, a.coverage.workers, a.term.start, a.term.end)
        incoming = checked[-1]
        people[index] = incoming
        artifact = _write_version(snap.folder, people)
        data = {"out": mask(old_nik), "in": mask(incoming.nik), "reason": reason, "date": when.isoformat()}
        note = f"{mask(old_nik)} ({reason}) diganti {incoming.nama}"
        record(snap, _entry(snap, who, role, REPLACE_EVENT, snap.state, note, None, [artifact], data))
    return incoming
