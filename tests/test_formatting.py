"""Indonesian formatting: terbilang, rupiah, counts and dates, against known answers and oracles."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from hypothesis import given
from hypothesis import strategies as st
from num2words import num2words

from workflow.formatting import (
    LIMIT,
    angka,
    bilangan,
    hari_tanggal,
    nama_bulan,
    nama_hari,
    rupiah,
    rupiah_lengkap,
    rupiah_terbilang,
    tanggal,
    tanggal_angka_kata,
    tanggal_kata,
    terbilang,
)

KNOWN = {
    0: "nol",
    1: "satu",
    10: "sepuluh",
    11: "sebelas",
    12: "dua belas",
    15: "lima belas",
    19: "sembilan belas",
    20: "dua puluh",
    28: "dua puluh delapan",
    99: "sembilan puluh sembilan",
    100: "seratus",
    110: "seratus sepuluh",
    111: "seratus sebelas",
    1_000: "seribu",
    1_100: "seribu seratus",
    2_025: "dua ribu dua puluh lima",
    11_000: "sebelas ribu",
    16_800: "enam belas ribu delapan ratus",
    100_000: "seratus ribu",
    101_000: "seratus satu ribu",
    111_111: "seratus sebelas ribu seratus sebelas",
    1_000_000: "satu juta",
    1_000_001: "satu juta satu",
    1_001_000: "satu juta seribu",
    2_001_000: "dua juta seribu",
    42_000_000: "empat puluh dua juta",
    201_600_000: "dua ratus satu juta enam ratus ribu",
    1_000_000_000: "satu miliar",
    1_000_001_000: "satu miliar seribu",
    10**12: "satu triliun",
    999_999_999_999_999: "sembilan ratus sembilan puluh sembilan triliun sembilan ratus sembilan puluh sembilan miliar "
    "sembilan ratus sembilan puluh sembilan juta sembilan ratus sembilan puluh sembilan ribu "
    "sembilan ratus sembilan puluh sembilan",
}
WHOLE_RANGE = st.integers(min_value=0, max_value=LIMIT - 1)
_UNITS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9}
_SCALES = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "triliun": 10**12}


def parse_terbilang(text: str) -> int:
    """Words back to a number, written independently of the module under test."""
    total, block, small = 0, 0, 0
    for word in text.split():
        if word == "nol":
            continue
        if word in _UNITS:
            small = _UNITS[word]
        elif word == "sepuluh":
            small = 10
        elif word == "sebelas":
            small = 11
        elif word == "seratus":
            block += 100
        elif word == "seribu":
            total += 1000
        elif word == "belas":
            small += 10
        elif word == "puluh":
            block += small * 10
            small = 0
        elif word == "ratus":
            block += small * 100
            small = 0
        elif word in _SCALES:
            total += (block + small) * _SCALES[word]
            block = small = 0
        else:
            raise ValueError(word)
    return total + block + small


@pytest.mark.parametrize(("n", "words"), KNOWN.items(), ids=[str(n) for n in KNOWN])
def test_terbilang_known_answers(n: int, words: str) -> None:
    """terbilang gives the KBBI form for every table entry, 'se-' forms in every block included."""
    assert terbilang(n) == words


@given(WHOLE_RANGE)
def test_terbilang_round_trips(n: int) -> None:
    """Words parsed back give the number, across the whole range up to 999 triliun."""
    assert parse_terbilang(terbilang(n)) == n


@given(WHOLE_RANGE)
def test_terbilang_never_uses_wrong_forms(n: int) -> None:
    """A block of one thousand is 'seribu'; never 'satu ratus/puluh/belas', 'milyar' or stray spaces."""
    words = terbilang(n)
    assert not re.search(r"(^|juta |miliar |triliun )satu ribu", words)  # 'dua puluh satu ribu' is right
    for wrong in ("satu ratus", "satu puluh", "satu belas", "milyar", "  "):
        assert wrong not in words
    assert words == words.strip()


@given(WHOLE_RANGE)
def test_terbilang_agrees_with_num2words_where_num2words_is_right(n: int) -> None:
    """num2words 0.5.14 agrees, except its 'satu ribu' for a thousands block of 1 after a higher block."""
    expected = num2words(n, lang="id")
    if n >= 1_000_000 and n // 1000 % 1000 == 1:  # num2words says "satu juta satu ribu" (DOMAIN.md §6)
        expected = expected.replace(" satu ribu", " seribu")
    assert terbilang(n) == expected


@given(WHOLE_RANGE)
def test_rupiah_and_angka_agree_with_babel(n: int) -> None:
    """Rp formatting matches babel's Indonesian locale: 'Rp201.600.000,00'."""
    assert rupiah(n) == format_currency(n, "IDR", locale="id")
    assert angka(n) == format_decimal(n, locale="id")
    assert rupiah(n, decimals=False) == rupiah(n)[:-3]


def test_rupiah_forms_of_the_buton_budget() -> None:
    """The yearly cost of cover for 1.000 workers reads as the DOMAIN worked example."""
    assert rupiah(201_600_000) == "Rp201.600.000,00"
    assert rupiah_terbilang(201_600_000) == "dua ratus satu juta enam ratus ribu rupiah"
    assert rupiah_lengkap(16_800) == "Rp16.800,00 (enam belas ribu delapan ratus rupiah)"
    assert bilangan(1000, "orang") == "1.000 (seribu) orang"
    assert bilangan(12, "bulan") == "12 (dua belas) bulan"
    assert bilangan(2) == "2 (dua)"


def test_dates_in_prose_and_in_words() -> None:
    """Day names come from the date; the opening line spells day, month and year out."""
    fgd = date(2025, 5, 28)
    assert tanggal(fgd) == "28 Mei 2025"
    assert hari_tanggal(fgd) == "Rabu, 28 Mei 2025"
    assert nama_hari(date(2025, 5, 27)) == "Selasa"
    assert tanggal_kata(fgd) == "Rabu tanggal dua puluh delapan bulan Mei tahun dua ribu dua puluh lima"
    assert tanggal_angka_kata(date(2025, 7, 1)) == "1 Juli 2025 (satu Juli dua ribu dua puluh lima)"
    assert tanggal(datetime(2025, 7, 1, 13, 5)) == "1 Juli 2025"
    assert nama_hari(date(2025, 5, 30)) == "Jumat"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_day_and_month_names_agree_with_babel(d: date) -> None:
    """Day and month names match babel's Indonesian locale for every date of two centuries."""
    assert nama_hari(d) == format_date(d, "EEEE", locale="id")
    assert nama_bulan(d.month) == format_date(d, "MMMM", locale="id")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: terbilang(-1), ValueError, "expected an integer from 0 to 999999999999999, got -1"),
        (lambda: terbilang(LIMIT), ValueError, "expected an integer from 0 to 999999999999999, got 1000000000000000"),
        (lambda: terbilang(True), TypeError, "expected an integer, got bool True"),
        (lambda: terbilang(1.5), TypeError, "expected an integer, got float 1.5"),
        (lambda: rupiah(1.5), TypeError, "expected an integer, got float 1.5"),
        (lambda: rupiah(-5), ValueError, "expected an amount of at least 0, got -5"),
        (lambda: tanggal("2025-05-28"), TypeError, "expected a date, got str '2025-05-28'"),
        (lambda: nama_bulan(13), ValueError, "expected a month from 1 to 12, got 13"),
    ],
    ids=["negative", "too-large", "bool", "float", "rupiah-float", "rupiah-negative", "date-as-text", "month-13"],
)
def test_wrong_input_is_refused_with_what_was_expected(call: object, error: type[Exception], message: str) -> None:
    """Wrong types and ranges raise, saying what was expected."""
    with pytest.raises(error) as info:
        call()  # type: ignore[operator]
    assert str(info.value) == message
