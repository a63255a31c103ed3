"""Indonesian formatting: terbilang, rupiah, counts and dates against known answers, a parser and oracles."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from hypothesis import given
from hypothesis import strategies as st
from num2words import num2words

from workflow.data.formatting import (
    NAMA_BULAN,
    NAMA_HARI,
    akhiri,
    angka,
    bilangan,
    bulan_tahun,
    hari_tanggal,
    nama_bergelar,
    nama_bulan,
    nama_hari,
    pisah_gelar,
    rupiah,
    rupiah_lengkap,
    rupiah_terbilang,
    signer_office,
    tanggal,
    tanggal_angka_kata,
    tanggal_kata,
    terbilang,
)

TOP = 10**15  # first number terbilang refuses

NINES = "sembilan ratus sembilan puluh sembilan"
KNOWN_WORDS: dict[int, str] = {
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
    21_000: "dua puluh satu ribu",
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
    999_999_999_999_999: f"{NINES} triliun {NINES} miliar {NINES} juta {NINES} ribu {NINES}",
}

# Whole range, plus numbers assembled from 3-digit groups so that the rare groups 1, 10, 11, 100...
# (e.g. a thousands group of exactly 1 after "juta") turn up often rather than once in a thousand draws.
_INTERESTING_GROUP = st.sampled_from([0, 1, 2, 9, 10, 11, 12, 19, 20, 21, 99, 100, 101, 110, 111, 119, 200, 999])
_GROUP = st.one_of(_INTERESTING_GROUP, st.integers(min_value=0, max_value=999))
WHOLE_RANGE = st.one_of(
    st.integers(min_value=0, max_value=TOP - 1),
    st.lists(_GROUP, min_size=5, max_size=5).map(lambda groups: sum(g * 1000**i for i, g in enumerate(groups))),
)


# --- an independent parser: Indonesian number words back to an int -------------------------------------------

_P_DIGITS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9}
_P_SCALES = {"ribu": 3, "juta": 6, "miliar": 9, "triliun": 12}


def _digit(word: str, *, allow_one: bool) -> int:
    """Value of a digit word 1..9 (or 2..9 where 'se-' must be used instead of 'satu')."""
    value = _P_DIGITS.get(word, 0)
    if not value or (value == 1 and not allow_one):
        raise ValueError(f"not a digit word here: {word!r}")
    return value


def _parse_group(words: list[str]) -> int:
    """Parse one spelled-out group 1..999, rejecting any non-standard form."""
    hundreds = 0
    if words[:1] == ["seratus"]:
        hundreds, words = 100, words[1:]
    elif len(words) >= 2 and words[1] == "ratus":
        hundreds, words = 100 * _digit(words[0], allow_one=False), words[2:]
    match words:
        case []:
            below = 0
        case ["sepuluh"]:
            below = 10
        case ["sebelas"]:
            below = 11
        case [unit, "belas"]:
            below = 10 + _digit(unit, allow_one=False)
        case [tens, "puluh"]:
            below = 10 * _digit(tens, allow_one=False)
        case [tens, "puluh", unit]:
            below = 10 * _digit(tens, allow_one=False) + _digit(unit, allow_one=True)
        case [unit]:
            below = _digit(unit, allow_one=True)
        case _:
            raise ValueError(f"not a group of hundreds: {words!r}")
    if hundreds + below == 0:
        raise ValueError("empty group")
    return hundreds + below


def parse_terbilang(text: str) -> int:
    """Read Indonesian number words back as an int, enforcing descending scales and the 'se-' forms."""
    if text == "nol":
        return 0
    total, pending, last_exponent = 0, [], 15
    for word in [*text.split(" "), "<end>"]:
        if word in _P_SCALES or word in ("seribu", "<end>"):
            exponent = 3 if word == "seribu" else _P_SCALES.get(word, 0)
            if exponent >= last_exponent:
                raise ValueError(f"scale out of order at {word!r} in {text!r}")
            if word == "seribu":
                if pending:
                    raise ValueError(f"'seribu' after other words in its group: {text!r}")
                value = 1
            elif word == "<end>" and not pending:
                break
            else:
                value = _parse_group(pending)
                if word == "ribu" and value == 1:
                    raise ValueError(f"'satu ribu' where 'seribu' belongs: {text!r}")
            total += value * 10**exponent
            pending, last_exponent = [], exponent
        else:
            pending.append(word)
    return total


def test_parser_rejects_non_standard_forms() -> None:
    """The test parser itself refuses 'satu ribu', 'sejuta', 'satu ratus', 'milyar' and out-of-order scales."""
    for bad in ("satu ribu", "satu juta satu ribu", "sejuta", "satu ratus", "satu puluh", "satu milyar", "seribu juta", ""):
        with pytest.raises(ValueError):
            parse_terbilang(bad)
    assert parse_terbilang("dua puluh satu ribu sebelas") == 21_011


# --- terbilang -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "words"), KNOWN_WORDS.items(), ids=[str(n) for n in KNOWN_WORDS])
def test_terbilang_known_answers(n: int, words: str) -> None:
    """terbilang gives the standard form for each table entry, with 'se-' forms in every group."""
    assert terbilang(n) == words


@given(WHOLE_RANGE)
def test_terbilang_never_uses_wrong_forms(n: int) -> None:
    """Output has no 'satu ratus/puluh/belas', no lone-group 'satu ribu', no 'milyar' and no stray spaces."""
    words = terbilang(n)
    for wrong in ("satu ratus", "satu puluh", "satu belas", "milyar", "sejuta", "  "):
        assert wrong not in words
    # "satu ribu" is right only as the end of a larger group: "dua puluh satu ribu", "seratus satu ribu".
    assert not re.search(r"(?<!puluh )(?<!ratus )\bsatu ribu", words)
    assert words == words.strip()
    assert words == words.lower()


@given(WHOLE_RANGE)
def test_terbilang_round_trips_through_an_independent_parser(n: int) -> None:
    """Parsing terbilang(n) with the strict test parser gives n back, anywhere up to 999 triliun."""
    assert parse_terbilang(terbilang(n)) == n


def _num2words_fixed(n: int) -> str:
    """num2words 0.5.14 for lang='id', with its one known error corrected.

    num2words writes a thousands group of exactly 1 as "satu ribu" when a higher group precedes it
    (1_001_000 -> "satu juta satu ribu", 2_001_000 -> "dua juta satu ribu", 10**12 + 1000 ->
    "satu triliun satu ribu"); the standard form is "seribu" there too. Below 10**6 it already says "seribu".
    """
    raw: str = num2words(n, lang="id")
    if n >= 1_000_000 and n // 1000 % 1000 == 1:
        # The word before the thousands group is the scale of the nearest non-zero higher group.
        return re.sub(r"\b(juta|miliar|triliun) satu ribu\b", r"\1 seribu", raw, count=1)
    return raw


@given(WHOLE_RANGE)
def test_terbilang_agrees_with_num2words_oracle(n: int) -> None:
    """terbilang equals num2words(n, lang='id') exactly, except that num2words' lone-group 'satu ribu' is corrected."""
    assert terbilang(n) == _num2words_fixed(n)


@pytest.mark.parametrize("n", [1_001_000, 2_001_000, 1_000_001_000, 10**12 + 1000, 999_000_001_999])
def test_num2words_correction_applies_exactly_where_expected(n: int) -> None:
    """The oracle correction changes only the 'satu ribu' after a scale word and leaves the rest as num2words wrote it."""
    raw = num2words(n, lang="id")
    fixed = _num2words_fixed(n)
    assert fixed.replace(" seribu", " satu ribu") == raw
    assert terbilang(n) == fixed


# --- angka, rupiah and counts ----------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=TOP))
def test_rupiah_agrees_with_babel(n: int) -> None:
    """rupiah(n) equals babel's IDR in locale 'id' with the pattern's two decimals: 'Rp', '.' thousands, ',00'.

    Documents write Rp201.600.000,00 (DOMAIN.md §6). CLDR gives IDR no minor unit since babel 2.19,
    so babel is asked for the locale pattern's decimals (currency_digits=False), which every version
    honours; the form without decimals is checked against babel's plain number.
    """
    assert rupiah(n) == format_currency(n, "IDR", locale="id", currency_digits=False)
    assert rupiah(n, decimals=False) == "Rp" + format_decimal(n, locale="id")


@pytest.mark.oracle
def test_oracles_give_the_answers_they_were_trusted_for() -> None:
    """The third-party oracles (pinned in requirements-dev.txt) still answer as when they were adopted.

    `make lock` runs this after refreshing the lock: an upstream change shows here as one failing
    line, not as a surprise in the property tests on a fresh machine.
    """
    assert format_currency(201_600_000, "IDR", locale="id", currency_digits=False) == "Rp201.600.000,00"
    assert format_currency(0, "IDR", locale="id", currency_digits=False) == "Rp0,00"
    assert format_decimal(-1_000, locale="id") == "-1.000"
    assert format_date(date(2025, 5, 28), "EEEE", locale="id") == "Rabu"
    assert format_date(date(2025, 6, 24), "MMMM", locale="id") == "Juni"
    assert format_date(date(2025, 1, 3), "EEEE", locale="id") == "Jumat"
    assert num2words(201_600_000, lang="id") == "dua ratus satu juta enam ratus ribu"
    assert num2words(1_000, lang="id") == "seribu"
    assert num2words(1_001_000, lang="id") == "satu juta satu ribu"  # the one known error _num2words_fixed corrects


@given(st.integers(min_value=-TOP, max_value=TOP))
def test_angka_agrees_with_babel(n: int) -> None:
    """angka(n) equals babel's format_decimal(n, locale='id'), negatives included."""
    assert angka(n) == format_decimal(n, locale="id")


def test_amounts_and_counts_in_figures_and_words() -> None:
    """Amounts and counts read as the MoU text needs them, figures first and words in brackets."""
    assert angka(0) == "0"
    assert angka(1000) == "1.000"
    assert angka(201_600_000) == "201.600.000"
    assert angka(-1000) == "-1.000"
    assert rupiah(201_600_000) == "Rp201.600.000,00"
    assert rupiah(201_600_000, decimals=False) == "Rp201.600.000"
    assert rupiah(0) == "Rp0,00"
    assert rupiah_terbilang(201_600_000) == "dua ratus satu juta enam ratus ribu rupiah"
    assert rupiah_lengkap(201_600_000) == "Rp201.600.000,00 (dua ratus satu juta enam ratus ribu rupiah)"
    assert rupiah_lengkap(16_800) == "Rp16.800,00 (enam belas ribu delapan ratus rupiah)"
    assert bilangan(1000, "orang") == "1.000 (seribu) orang"
    assert bilangan(12, "bulan") == "12 (dua belas) bulan"
    assert bilangan(2) == "2 (dua)"


# --- dates ---------------------------------------------------------------------------------------------------


def test_date_forms_for_the_signing_day() -> None:
    """Wednesday 28 May 2025 reads as '28 Mei 2025', 'Rabu, 28 Mei 2025' and the spelled-out opening line."""
    day = date(2025, 5, 28)
    assert nama_hari(day) == "Rabu"
    assert nama_hari(date(2025, 5, 27)) == "Selasa"
    assert tanggal(day) == "28 Mei 2025"
    assert hari_tanggal(day) == "Rabu, 28 Mei 2025"
    assert tanggal_kata(day) == "Rabu tanggal dua puluh delapan bulan Mei tahun dua ribu dua puluh lima"
    assert tanggal_angka_kata(day) == "28 Mei 2025 (dua puluh delapan Mei dua ribu dua puluh lima)"
    assert bulan_tahun(day) == "Mei 2025"


def test_date_forms_without_leading_zero_and_for_datetimes() -> None:
    """Day 1 is '1' and 'satu', and a datetime is read by its date part only."""
    first = date(2025, 7, 1)
    assert tanggal(first) == "1 Juli 2025"
    assert bulan_tahun(first) == "Juli 2025"
    assert tanggal_kata(first) == "Selasa tanggal satu bulan Juli tahun dua ribu dua puluh lima"
    assert tanggal_angka_kata(first) == "1 Juli 2025 (satu Juli dua ribu dua puluh lima)"
    moment = datetime(2025, 5, 28, 23, 59)
    assert hari_tanggal(moment) == "Rabu, 28 Mei 2025"
    assert tanggal_kata(moment) == tanggal_kata(date(2025, 5, 28))


def test_day_and_month_name_tables() -> None:
    """Weekdays run Monday first with 'Jumat' (never "Jum'at"), and the twelve months run Januari to Desember."""
    assert NAMA_HARI == ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
    assert len(NAMA_BULAN) == 12
    assert (NAMA_BULAN[0], NAMA_BULAN[4], NAMA_BULAN[11]) == ("Januari", "Mei", "Desember")
    assert nama_hari(date(2025, 5, 30)) == "Jumat"
    assert [nama_bulan(m) for m in range(1, 13)] == list(NAMA_BULAN)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_day_and_month_names_agree_with_babel(d: date) -> None:
    """nama_hari and nama_bulan equal babel's 'EEEE' and 'MMMM' in locale 'id' for every date 1900-2100."""
    assert nama_hari(d) == format_date(d, "EEEE", locale="id")
    assert nama_bulan(d.month) == format_date(d, "MMMM", locale="id")
    assert "Jum'at" not in hari_tanggal(d)


def test_every_weekday_of_one_week() -> None:
    """The week of Monday 26 May 2025 is named Senin through Minggu in order."""
    monday = date(2025, 5, 26)
    assert [nama_hari(monday + timedelta(days=i)) for i in range(7)] == list(NAMA_HARI)


# --- refused input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "expected"),
    [
        (lambda: terbilang(-1), ValueError, r"from 0 to 999999999999999"),
        (lambda: terbilang(TOP), ValueError, r"from 0 to 999999999999999"),
        (lambda: terbilang(True), TypeError, r"expects an int, got bool"),
        (lambda: terbilang(1.5), TypeError, r"expects an int, got float"),
        (lambda: rupiah(1.5), TypeError, r"expects an int, got float"),
        (lambda: rupiah(False), TypeError, r"expects an int, got bool"),
        (lambda: rupiah(-5), ValueError, r"non-negative amount"),
        (lambda: angka("1000"), TypeError, r"expects an int, got str"),
        (lambda: tanggal("2025-05-28"), TypeError, r"expects a datetime\.date, got str"),
        (lambda: tanggal_kata(20250528), TypeError, r"expects a datetime\.date, got int"),
        (lambda: nama_bulan(13), ValueError, r"month from 1 to 12"),
        (lambda: nama_bulan(0), ValueError, r"month from 1 to 12"),
    ],
    ids=[
        "terbilang-negative",
        "terbilang-too-large",
        "terbilang-bool",
        "terbilang-float",
        "rupiah-float",
        "rupiah-bool",
        "rupiah-negative",
        "angka-str",
        "tanggal-str",
        "tanggal_kata-int",
        "month-13",
        "month-0",
    ],
)
def test_wrong_input_is_refused_saying_what_was_expected(
    call: Callable[[], object], error: type[Exception], expected: str
) -> None:
    """Wrong types and out-of-range values raise TypeError or ValueError whose message names what was expected."""
    with pytest.raises(error, match=expected):
        call()


# --- names and degrees (Permendagri 1/2023 Pasal 44; DOCUMENTS.md §1.2) -------------------------------------


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("Dr. H. La Ode Fulan, S.STP., M.Si.", ("Dr. H.", "La Ode Fulan", "S.STP., M.Si.")),
        ("Alvin", ("", "Alvin", "")),
        ("M. Yusuf, S.H.", ("", "M. Yusuf", "S.H.")),  # an initial is part of the name, not a title
        ("Muh. Ridwan", ("", "Muh. Ridwan", "")),
        ("Hj.  Wa Ode   Nur, S.E", ("Hj.", "Wa Ode Nur", "S.E")),  # spaces normalised, spelling kept
        ("dr. Musriati, Sp.KK", ("dr.", "Musriati", "Sp.KK")),
        ("Prof. Dr. Ir. La Ode Ahmad, M.Sc., Ph.D.", ("Prof. Dr. Ir.", "La Ode Ahmad", "M.Sc., Ph.D.")),
        ("H.", ("", "H.", "")),  # the name keeps at least one word
    ],
)
def test_a_name_is_split_into_titles_name_and_degrees(written: str, parts: tuple[str, str, str]) -> None:
    """Degrees after the name follow its first comma; titles before it come from a closed list."""
    assert pisah_gelar(written) == parts


def test_names_are_printed_by_each_document_rule() -> None:
    """Capitals for the bare name only, degrees as written ('M.Si.', never 'M.SI.'); a Keputusan drops them."""
    name = "Dr. H. La Ode Fulan, S.STP., M.Si."
    assert nama_bergelar(name) == name
    assert nama_bergelar(name, kapital=True) == "Dr. H. LA ODE FULAN, S.STP., M.Si."
    assert nama_bergelar(name, gelar=False) == "La Ode Fulan"
    assert nama_bergelar(name, kapital=True, gelar=False) == "LA ODE FULAN"


@given(
    st.lists(st.sampled_from(["Dr.", "H.", "Ir.", "Hj.", "Drs."]), max_size=3),
    st.lists(st.from_regex(r"[A-Z][a-z']{1,8}", fullmatch=True), min_size=1, max_size=4),
    st.lists(st.sampled_from(["S.STP.", "M.Si.", "S.E", "M.Kes.", "S.H."]), max_size=3),
)
def test_splitting_then_joining_gives_the_name_back(front: list[str], words: list[str], back: list[str]) -> None:
    """Whatever the titles and degrees, the three parts put together are the name as written."""
    written = " ".join([*front, *words]) + (", " + ", ".join(back) if back else "")
    depan, nama, belakang = pisah_gelar(written)
    assert (depan, nama, belakang) == (" ".join(front), " ".join(words), ", ".join(back))
    assert nama_bergelar(written) == written


@pytest.mark.parametrize(
    ("text", "mark", "ended"),
    [
        ("Dr. H. La Ode Fulan, S.STP., M.Si.", ".", "Dr. H. La Ode Fulan, S.STP., M.Si."),
        ("Alvin", ".", "Alvin."),
        ("dan lain-lain, dll.", ";", "dan lain-lain, dll.;"),
        ("sudah berakhir;", ";", "sudah berakhir;"),
        ("Apa?", ".", "Apa?"),
        ("ada spasi  ", ".", "ada spasi."),
    ],
)
def test_a_sentence_ending_in_an_abbreviation_takes_no_second_full_stop(text: str, mark: str, ended: str) -> None:
    """'M.Si.' at the end of a sentence is not followed by another '.' (the notulen printed 'M.Si..')."""
    assert akhiri(text, mark) == ended


@pytest.mark.parametrize(
    ("position", "office"),
    [
        ("Bupati Buton", "head"),
        ("Wali Kota Baubau", "head"),
        ("Wakil Bupati Buton", "deputy"),
        ("Sekretaris Daerah Kabupaten Buton", "sekda"),
        ("Pj. Bupati Buton", "acting"),
        ("Plt. Bupati Buton", "acting"),
        ("Plh Sekretaris Daerah Kabupaten Buton", "acting"),
        ("Pelaksana Harian Sekretaris Daerah Kabupaten Buton", "acting"),
        ("Kepala Dinas Tenaga Kerja Kabupaten Buton", "other"),
        ("Kepala Bagian Kerja Sama Sekretariat Daerah Kabupaten Buton", "other"),
        ("Plt. Kepala Dinas Sosial Kabupaten Buton", "other"),  # an acting Kepala Dinas still adds pangkat and NIP
        ("Kepala Kantor Cabang BPJS Ketenagakerjaan Baubau", "other"),
    ],
)
def test_signer_office_follows_pasal_44(position: str, office: str) -> None:
    """Kepala Daerah, Wakil and Sekda sign without NIP; their Pj/Plt/Plh also without degrees; the rest add both."""
    assert signer_office(position) == office
