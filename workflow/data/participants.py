"""The list of workers covered (from P3KE): its rows, their checks, its CSV text form and its versions.

NIK is personal data (UU 27/2022 tentang Pelindungan Data Pribadi): the full list lives only in the
agreement's ``participants/`` folder; every listing and report masks NIK unless asked otherwise.
Everything here is pure: reading and writing the versions is ``workflow.commands.participants``'s.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from workflow import i18n
from workflow.data.entries import IMPORT_EVENT as IMPORT_EVENT  # the history entries of an import, a replacement
from workflow.data.entries import REPLACE_EVENT as REPLACE_EVENT
from workflow.errors import InvalidData, Problem
from workflow.i18n import _

PARTICIPANTS_DIR = "participants"
"""Each import or replacement writes a new ``participants/peserta-vN.csv``; the highest N is the list in force."""
COLUMNS = ("nik", "nama", "desa", "kecamatan", "pekerjaan", "mulai")
"""NIK (16 digits), name, village, kecamatan, occupation, start of cover (YYYY-MM-DD)."""
REASONS = ("meninggal", "keluar", "pindah", "tidak memenuhi syarat")
"""Why a worker may be replaced."""
# Province codes of the NIK (Permendagri 72/2019 kode wilayah; the first two digits).
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65}
    | {71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96}
)
_PREFIX, _SUFFIX = "peserta-v", ".csv"


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
        return _("{nik} is not 16 digits").format(nik=mask(nik))
    if int(nik[:2]) not in PROVINCES:
        return _("{nik} starts with {code}, which is no province code").format(nik=mask(nik), code=nik[:2])
    if nik[2:4] == "00" or nik[4:6] == "00":
        return _("{nik} has no kabupaten/kota or kecamatan code").format(nik=mask(nik))
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    day = day - 40 if day > 40 else day  # women: day + 40
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
            break
        except ValueError:
            continue
    else:
        return _("{nik} does not encode a birth date (DDMMYY, day + 40 for women)").format(nik=mask(nik))
    if nik[12:] == "0000":
        return _("{nik} has serial 0000").format(nik=mask(nik))
    return None


def parse(
    path: Path | str, text: str, quota: int, start: date, end: date, progress: Callable[[int], None] | None = None
) -> list[Participant]:
    """Every row checked; raise InvalidData listing every bad row (file:row: column: what).

    ``path`` names the source in the problems; ``quota`` is ``coverage.workers``; ``start`` and ``end``
    bound the start of cover (the term). ``progress(1)`` is called once per row. Columns are separated
    by commas, or by semicolons as Excel writes them under Indonesian regional settings.
    """
    first = text.split("\n", 1)[0]
    # Excel with Indonesian regional settings saves "CSV" with semicolons (the comma is the decimal mark)
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if header != list(COLUMNS):
        raise InvalidData(
            [
                Problem(
                    path,
                    1,
                    "header",
                    _("columns are {columns}, expected {expected}").format(
                        columns=", ".join(header) or _("missing"), expected=",".join(COLUMNS)
                    ),
                )
            ]
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
            problems.append(Problem(path, row_no, "nik", _("{nik} already on row {row}").format(nik=mask(nik), row=seen[nik])))
        else:
            seen[nik] = row_no
        for column in ("nama", "desa", "kecamatan", "pekerjaan"):
            if not row[column]:
                problems.append(Problem(path, row_no, column, _("is empty, expected text")))
        try:
            mulai = date.fromisoformat(row["mulai"])
        except ValueError:
            problems.append(
                Problem(path, row_no, "mulai", _("{value} is not a date, expected YYYY-MM-DD").format(value=repr(row["mulai"])))
            )
        else:
            if not start <= mulai <= end:
                problems.append(
                    Problem(
                        path,
                        row_no,
                        "mulai",
                        _("{date} is outside the term {start} to {end}").format(
                            date=i18n.day(mulai), start=i18n.day(start), end=i18n.day(end)
                        ),
                    )
                )
        if len(problems) == before:
            people.append(Participant(nik, row["nama"], row["desa"], row["kecamatan"], row["pekerjaan"], mulai))
        if progress:
            progress(1)
    if rows > quota:
        problems.append(
            Problem(
                path,
                None,
                "",
                _("{count} participants, expected at most the quota of {quota} (coverage.workers)").format(
                    count=rows, quota=quota
                ),
            )
        )
    if problems:
        raise InvalidData(problems)
    return people


def row(p: Participant) -> list[str]:
    """One participant as the CSV columns (``COLUMNS``)."""
    return [p.nik, p.nama, p.desa, p.kecamatan, p.pekerjaan, p.mulai.isoformat()]


def to_csv(people: Iterable[Participant]) -> str:
    """The CSV text of a list version: the header, then one line per participant."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in people:
        writer.writerow(row(p))
    return buf.getvalue()


def from_csv(text: str) -> list[Participant]:
    """The participants of a recorded list version (checked when it was written)."""
    return [
        Participant(r["nik"], r["nama"], r["desa"], r["kecamatan"], r["pekerjaan"], date.fromisoformat(r["mulai"]))
        for r in csv.DictReader(io.StringIO(text))
    ]


def versions(files: Sequence[str]) -> list[tuple[int, str]]:
    """(N, path) of every list version ``participants/peserta-vN.csv`` among the agreement's ``files``, by N."""
    found = []
    for rel in files:
        folder, _sep, name = rel.rpartition("/")
        number = name.removeprefix(_PREFIX).removesuffix(_SUFFIX)
        if folder == PARTICIPANTS_DIR and name.startswith(_PREFIX) and name.endswith(_SUFFIX) and number.isdigit():
            found.append((int(number), rel))
    return sorted(found)


def next_version(files: Sequence[str]) -> str:
    """The path of the next list version after those among ``files`` (a version is never replaced)."""
    found = versions(files)
    return f"{PARTICIPANTS_DIR}/{_PREFIX}{(found[-1][0] if found else 0) + 1}{_SUFFIX}"


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
