"""Indonesian wording for MoU text: numbers in words (terbilang), rupiah amounts, counts, dates, and
people's names with their degrees.

Standard library only; babel and num2words appear solely as oracles in the tests.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from workflow.i18n import MONTHS, _

__all__ = [
    "FRONT_TITLES",
    "LIMIT",
    "NAMA_BULAN",
    "NAMA_HARI",
    "akhiri",
    "angka",
    "bilangan",
    "bulan_tahun",
    "hari_tanggal",
    "nama_bergelar",
    "nama_bulan",
    "nama_hari",
    "pisah_gelar",
    "rupiah",
    "rupiah_lengkap",
    "rupiah_terbilang",
    "signer_office",
    "tanggal",
    "tanggal_angka_kata",
    "tanggal_kata",
    "terbilang",
]

# terbilang covers 0 up to and including 999 triliun.
LIMIT: Final[int] = 10**15

# Monday first, matching date.weekday(); "Jumat" is the KBBI spelling (not "Jum'at").
NAMA_HARI: Final[tuple[str, ...]] = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
NAMA_BULAN: Final[tuple[str, ...]] = MONTHS  # one list of the month names, shared with the messages (workflow.i18n)

# Index = digit; index 0 is never spoken inside a number.
_UNITS: Final[tuple[str, ...]] = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
# (value of the scale, word), largest first; "miliar" is the KBBI form, never "milyar".
_SCALES: Final[tuple[tuple[int, str], ...]] = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu"))


def _require_int(value: object, caller: str) -> int:
    """Return value if it is a real int (bool excluded), else raise TypeError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{caller}() expects an int, got {type(value).__name__} {value!r}")
    return value


def _require_date(value: object, caller: str) -> date:
    """Return the date part of a date or datetime, else raise TypeError."""
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"{caller}() expects a datetime.date, got {type(value).__name__} {value!r}")
    return value


def _group_words(n: int) -> list[str]:
    """Words for 1 <= n <= 999, using the 'se-' forms seratus, sepuluh and sebelas."""
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds > 1:
        words.extend((_UNITS[hundreds], "ratus"))
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif 12 <= rest <= 19:
        words.extend((_UNITS[rest - 10], "belas"))
    else:
        tens, ones = divmod(rest, 10)
        if tens:
            words.extend((_UNITS[tens], "puluh"))
        if ones:
            words.append(_UNITS[ones])
    return words


def terbilang(n: int) -> str:
    """Spell out 0 <= n < 10**15 in Indonesian words, e.g. 1_001_000 -> 'satu juta seribu'."""
    n = _require_int(n, "terbilang")
    if not 0 <= n < LIMIT:
        raise ValueError(_("terbilang() expects an int from 0 to {limit} (below 10**15), got {n}").format(limit=LIMIT - 1, n=n))
    if n == 0:
        return "nol"
    words: list[str] = []
    remainder = n
    for scale, scale_word in _SCALES:
        group, remainder = divmod(remainder, scale)
        if group == 1 and scale_word == "ribu":
            # A thousands group of exactly one is "seribu" wherever it stands; "juta" and up keep "satu".
            words.append("seribu")
        elif group:
            words.extend(_group_words(group))
            words.append(scale_word)
    if remainder:
        words.extend(_group_words(remainder))
    return " ".join(words)


def angka(n: int) -> str:
    """Write an int with '.' as the thousands separator, e.g. 201600000 -> '201.600.000'."""
    n = _require_int(n, "angka")
    return f"{n:,}".replace(",", ".")


def rupiah(n: int, *, decimals: bool = True) -> str:
    """Write a non-negative rupiah amount as 'Rp201.600.000,00' (or 'Rp201.600.000' without decimals)."""
    n = _require_int(n, "rupiah")
    if n < 0:
        raise ValueError(_("rupiah() expects a non-negative amount (0 or more), got {n}").format(n=n))
    return f"Rp{angka(n)},00" if decimals else f"Rp{angka(n)}"


def rupiah_terbilang(n: int) -> str:
    """Spell out a rupiah amount, e.g. 'dua ratus satu juta enam ratus ribu rupiah'."""
    return f"{terbilang(n)} rupiah"


def rupiah_lengkap(n: int) -> str:
    """Write an amount in figures and words: 'Rp201.600.000,00 (dua ratus satu juta enam ratus ribu rupiah)'."""
    return f"{rupiah(n)} ({rupiah_terbilang(n)})"


def bilangan(n: int, satuan: str = "") -> str:
    """Write a count in figures and words with an optional unit: '1.000 (seribu) orang', '2 (dua)'."""
    text = f"{angka(n)} ({terbilang(n)})"
    unit = satuan.strip()
    return f"{text} {unit}" if unit else text


def nama_hari(d: date) -> str:
    """Name the weekday of a date, e.g. 2025-05-28 -> 'Rabu'."""
    return NAMA_HARI[_require_date(d, "nama_hari").weekday()]


def nama_bulan(month: int) -> str:
    """Name a month given as 1..12, e.g. 5 -> 'Mei'."""
    month = _require_int(month, "nama_bulan")
    if not 1 <= month <= 12:
        raise ValueError(_("nama_bulan() expects a month from 1 to 12, got {month}").format(month=month))
    return NAMA_BULAN[month - 1]


def tanggal(d: date) -> str:
    """Write a date as '28 Mei 2025' (no leading zero on the day)."""
    d = _require_date(d, "tanggal")
    return f"{d.day} {NAMA_BULAN[d.month - 1]} {d.year}"


def hari_tanggal(d: date) -> str:
    """Write a date with its weekday: 'Rabu, 28 Mei 2025'."""
    d = _require_date(d, "hari_tanggal")
    return f"{NAMA_HARI[d.weekday()]}, {tanggal(d)}"


def tanggal_kata(d: date) -> str:
    """Spell a date for an opening line: 'Rabu tanggal dua puluh delapan bulan Mei tahun dua ribu dua puluh lima'."""
    d = _require_date(d, "tanggal_kata")
    return f"{NAMA_HARI[d.weekday()]} tanggal {terbilang(d.day)} bulan {NAMA_BULAN[d.month - 1]} tahun {terbilang(d.year)}"


def tanggal_angka_kata(d: date) -> str:
    """Write a date in figures then words: '28 Mei 2025 (dua puluh delapan Mei dua ribu dua puluh lima)'."""
    d = _require_date(d, "tanggal_angka_kata")
    return f"{tanggal(d)} ({terbilang(d.day)} {NAMA_BULAN[d.month - 1]} {terbilang(d.year)})"


def bulan_tahun(d: date) -> str:
    """Write the month and year of a date: 'Juli 2025'."""
    d = _require_date(d, "bulan_tahun")
    return f"{NAMA_BULAN[d.month - 1]} {d.year}"


# --- names and degrees (Permendagri 1/2023 Pasal 44; DOCUMENTS.md §1.2) --------------------------

FRONT_TITLES: Final[frozenset[str]] = frozenset(
    t.casefold()
    for t in ("Prof.", "Dr.", "dr.", "drg.", "drh.", "Ir.", "Drs.", "Dra.", "apt.", "Ns.", "H.", "Hj.", "KH.", "K.H.")
)
"""Degrees and titles written before a name, compared without case ('Dr.' and 'dr.' are both titles).

A closed list on purpose: a leading 'M.' or 'Muh.' is part of a name ('M. Yusuf'), so an unknown
leading word is kept in the name rather than dropped from it."""


def pisah_gelar(text: str) -> tuple[str, str, str]:
    """Split a name written with its degrees into (gelar depan, nama, gelar belakang).

    'Dr. H. La Ode Fulan, S.STP., M.Si.' -> ('Dr. H.', 'La Ode Fulan', 'S.STP., M.Si.'). The degrees
    after the name are everything after its first comma: a name itself never has a comma (Permendagri
    73/2022 on names in population documents forbids punctuation other than an abbreviation's full
    stop, as in 'M. Yusuf'), so the split is exact. The titles before
    it are the leading words in :data:`FRONT_TITLES`; the name keeps at least one word. Each part
    keeps the person's own spelling.
    """
    if not isinstance(text, str):
        raise TypeError(f"pisah_gelar() expects text, got {type(text).__name__} {text!r}")
    head, comma, tail = " ".join(text.split()).partition(",")
    words = head.strip().split(" ")
    front = 0
    while front < len(words) - 1 and words[front].casefold() in FRONT_TITLES:
        front += 1
    return " ".join(words[:front]), " ".join(words[front:]), tail.strip() if comma else ""


def nama_bergelar(text: str, *, kapital: bool = False, gelar: bool = True) -> str:
    """A name as a document prints it: degrees as the person writes them, the bare name in capitals when ``kapital``.

    'Dr. H. La Ode Fulan, S.STP., M.Si.' -> 'Dr. H. LA ODE FULAN, S.STP., M.Si.' with ``kapital``;
    -> 'LA ODE FULAN' (or 'La Ode Fulan') without ``gelar``, as a Keputusan names its signer.
    """
    depan, nama, belakang = pisah_gelar(text)
    if kapital:
        nama = nama.upper()
    if not gelar:
        return nama
    out = f"{depan} {nama}" if depan else nama
    return f"{out}, {belakang}" if belakang else out


def akhiri(text: str, tanda: str = ".") -> str:
    """``text`` ended by ``tanda``, never doubling a full stop: 'Fulan, M.Si.' + '.' stays 'Fulan, M.Si.'.

    A sentence that ends in an abbreviation ('M.Si.', 'dll.') takes no second full stop (PUEBI), and
    text already ending in ``tanda`` keeps the one it has; other marks are added as given ('M.Si.;').
    """
    if not isinstance(text, str):
        raise TypeError(f"akhiri() expects text, got {type(text).__name__} {text!r}")
    body = text.rstrip()
    if body.endswith(tanda) or (tanda == "." and body.endswith(("!", "?"))):
        return body
    return body + tanda


_ACTING: Final[tuple[str, ...]] = (
    "pj.",
    "pj ",
    "pjs.",
    "pjs ",
    "plt.",
    "plt ",
    "plh.",
    "plh ",
    "penjabat ",
    "pelaksana tugas ",
    "pelaksana harian ",
)
_HEADS: Final[tuple[str, ...]] = ("bupati", "wali kota", "walikota", "gubernur")


def signer_office(position: str) -> str:
    """Which rule of Pasal 44 a signer's position falls under.

    'head' (Bupati, Wali Kota, Gubernur), 'deputy' (their Wakil), 'sekda' (Sekretaris Daerah),
    'acting' (a Pj, Pjs, Plt or Plh of any of these: no degrees, NIP or pangkat) or 'other' (every
    other official, who adds pangkat and NIP).
    """
    if not isinstance(position, str):
        raise TypeError(f"signer_office() expects text, got {type(position).__name__} {position!r}")
    text = " ".join(position.split()).casefold() + " "
    acting = next((p for p in _ACTING if text.startswith(p)), "")
    rest = text[len(acting) :].lstrip()
    if rest.startswith(("sekretaris daerah ", "sekda ")):
        office = "sekda"
    elif rest.startswith(tuple(f"wakil {h} " for h in _HEADS)):
        office = "deputy"
    elif rest.startswith(tuple(f"{h} " for h in _HEADS)):
        office = "head"
    else:
        return "other"
    return "acting" if acting else office
