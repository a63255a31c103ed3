"""Indonesian formatting for legal text: terbilang, rupiah, counts and dates (DOMAIN.md §6).

Pure standard library; babel and num2words serve only as test oracles.
"""

from __future__ import annotations

from datetime import date

NAMA_HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
NAMA_BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
_DIGITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_SCALES = ("", "ribu", "juta", "miliar", "triliun")
LIMIT = 10**15


def _check_int(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an integer, got {type(n).__name__} {n!r}")
    return n


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_DIGITS[hundreds], "ratus"]
    tens, ones = divmod(rest, 10)
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif tens == 1:
        words += [_DIGITS[ones], "belas"]
    else:
        if tens:
            words += [_DIGITS[tens], "puluh"]
        if ones:
            words.append(_DIGITS[ones])
    return words


def terbilang(n: int) -> str:
    """Integer in Indonesian words, 0 to 999 triliun: 1_001_000 -> 'satu juta seribu'."""
    _check_int(n)
    if n < 0 or n >= LIMIT:
        raise ValueError(f"expected an integer from 0 to {LIMIT - 1}, got {n}")
    if n == 0:
        return "nol"
    words: list[str] = []
    for power in range(len(_SCALES) - 1, -1, -1):
        block = n // 1000**power % 1000
        if not block:
            continue
        if power == 1 and block == 1:
            words.append("seribu")  # in every position: "satu juta seribu", never "satu ribu"
        else:
            words += _below_thousand(block)
            if power:
                words.append(_SCALES[power])
    return " ".join(words)


def angka(n: int) -> str:
    """Integer with '.' between thousands: 201600000 -> '201.600.000'."""
    _check_int(n)
    return f"{n:,}".replace(",", ".")


def rupiah(n: int, *, decimals: bool = True) -> str:
    """'Rp201.600.000,00' (or 'Rp201.600.000' without decimals)."""
    _check_int(n)
    if n < 0:
        raise ValueError(f"expected an amount of at least 0, got {n}")
    return f"Rp{angka(n)}" + (",00" if decimals else "")


def rupiah_terbilang(n: int) -> str:
    """'dua ratus satu juta enam ratus ribu rupiah'."""
    return f"{terbilang(n)} rupiah"


def rupiah_lengkap(n: int) -> str:
    """'Rp201.600.000,00 (dua ratus satu juta enam ratus ribu rupiah)'."""
    return f"{rupiah(n)} ({rupiah_terbilang(n)})"


def bilangan(n: int, satuan: str = "") -> str:
    """'1.000 (seribu) orang', '12 (dua belas) bulan', '2 (dua)'."""
    text = f"{angka(n)} ({terbilang(n)})"
    return f"{text} {satuan}" if satuan else text


def _check_date(d: object) -> date:
    if not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__} {d!r}")
    return d


def nama_hari(d: date) -> str:
    """Day name derived from the date: 2025-05-28 -> 'Rabu'."""
    return NAMA_HARI[_check_date(d).weekday()]


def nama_bulan(month: int) -> str:
    """Month name: 5 -> 'Mei'."""
    _check_int(month)
    if not 1 <= month <= 12:
        raise ValueError(f"expected a month from 1 to 12, got {month}")
    return NAMA_BULAN[month - 1]


def tanggal(d: date) -> str:
    """'28 Mei 2025'."""
    _check_date(d)
    return f"{d.day} {NAMA_BULAN[d.month - 1]} {d.year}"


def hari_tanggal(d: date) -> str:
    """'Rabu, 28 Mei 2025'."""
    return f"{nama_hari(d)}, {tanggal(d)}"


def tanggal_kata(d: date) -> str:
    """Opening-line date: 'Rabu tanggal dua puluh delapan bulan Mei tahun dua ribu dua puluh lima'."""
    _check_date(d)
    return f"{nama_hari(d)} tanggal {terbilang(d.day)} bulan {NAMA_BULAN[d.month - 1]} tahun {terbilang(d.year)}"


def tanggal_angka_kata(d: date) -> str:
    """'28 Mei 2025 (dua puluh delapan Mei dua ribu dua puluh lima)'."""
    _check_date(d)
    return f"{tanggal(d)} ({terbilang(d.day)} {NAMA_BULAN[d.month - 1]} {terbilang(d.year)})"


def bulan_tahun(d: date) -> str:
    """'Juli 2025'."""
    _check_date(d)
    return f"{NAMA_BULAN[d.month - 1]} {d.year}"
