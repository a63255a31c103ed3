"""Funding periods that start in any month and run into later budget years, allocated per budget year."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLE, SLUG, docx_text, tree_hash
from workflow.data.model import Agreement, Funding, Programme

FUNDING = "  start_month: 7                      # [I] cover from Juli 2025, after the KB and PKS are signed; confirm with BPKAD"


def _set_funding(yaml_file: Path, extra: str) -> str:
    """Put ``extra`` lines after funding.start_month in the example; return the new text."""
    text = yaml_file.read_text(encoding="utf-8")
    assert FUNDING in text, "fixture drifted: funding.start_month of the example changed"
    text = text.replace(FUNDING, FUNDING + "\n" + extra, 1)
    yaml_file.write_text(text, encoding="utf-8")
    return text


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _example() -> Agreement:
    from workflow.commands.agreements import load_file

    return load_file(EXAMPLE / "agreement.yaml")


def test_twelve_months_from_july_are_allocated_per_budget_year(yaml_file: Path) -> None:
    """12 months from July 2025: July-December 2025 and January-June 2026, six months each, priced by hand."""
    from workflow.commands.agreements import load_file

    _set_funding(yaml_file, "  months: 12")
    a = load_file(yaml_file)
    # Rp16.800 per worker per month (JKK Rp10.000 + JKM Rp6.800) x 1.000 workers x 6 months
    six_months = 16_800 * 1_000 * 6
    assert six_months == 100_800_000
    assert a.budget.allocations == {2025: six_months, 2026: six_months}
    assert a.budget.total == 201_600_000 == a.budget.annual
    assert (a.budget.allocation, a.budget.months, a.budget.total_months) == (100_800_000, 6, 12)
    assert a.funding.period == "Juli 2025 s.d. Juni 2026"
    assert [(y.year, y.months, y.period) for y in a.budget.years] == [
        (2025, 6, "Juli s.d. Desember 2025"),
        (2026, 6, "Januari s.d. Juni 2026"),
    ]
    assert (a.funding.months_in(2024), a.funding.months_in(2025), a.funding.months_in(2026), a.funding.months_in(2027)) == (
        0,
        6,
        6,
        0,
    )
    assert a.funding.end.isoformat() == "2026-06-30"


def test_single_year_funding_keeps_its_figures() -> None:
    """The example (from July, months left out) is one budget year, as before: Juli s.d. Desember 2025."""
    a = _example()
    assert a.funding.period == "Juli s.d. Desember 2025"
    assert a.budget.allocations == {2025: 100_800_000}
    assert (a.budget.allocation, a.budget.months, a.budget.year, a.budget.multi_year) == (100_800_000, 6, 2025, False)


def test_rendered_kb_states_each_budget_year_and_its_amount(yaml_file: Path, root: Path, run: Callable[..., Result]) -> None:
    """`mou check` accepts 12 months from July; the rendered KB and its lampiran give both years, months and amounts."""
    _set_funding(yaml_file, "  months: 12")
    checked = run("check", SLUG)
    assert checked.exit_code == 0, checked.stderr
    result = run("render", SLUG, "--stage", "draft_kb")
    assert result.exit_code == 0, result.stderr
    lines = docx_text(root / SLUG / "documents" / "draft_kb" / "rancangan-kb-v1.docx").splitlines()
    amount = "Rp100.800.000,00 (seratus juta delapan ratus ribu rupiah)"
    assert (
        "(3)\tIuran bulan Juli 2025 s.d. Juni 2026 selama 12 (dua belas) bulan sebesar Rp201.600.000,00 "
        "(dua ratus satu juta enam ratus ribu rupiah) dibebankan pada Anggaran Pendapatan dan Belanja Daerah (APBD) "
        "Kabupaten Buton Tahun Anggaran berkenaan, dengan rincian sebagai berikut:"
    ) in lines
    assert f"a.\tTahun Anggaran 2025: Juli s.d. Desember 2025, 6 (enam) bulan, {amount};" in lines
    assert f"b.\tTahun Anggaran 2026: Januari s.d. Juni 2026, 6 (enam) bulan, {amount}." in lines
    # the lampiran: one row per budget year and their total
    assert "2025 | Juli s.d. Desember 2025 | 6 | Rp100.800.000,00" in lines
    assert "2026 | Januari s.d. Juni 2026 | 6 | Rp100.800.000,00" in lines
    assert "Jumlah | Juli 2025 s.d. Juni 2026 | 12 | Rp201.600.000,00" in lines
    assert not any(line.startswith("(3)\tUntuk Tahun Anggaran") for line in lines)


def test_single_year_kb_prints_as_before(root: Path, run: Callable[..., Result]) -> None:
    """Funding within one budget year keeps its one sentence and lampiran row, and no per-year table."""
    result = run("render", SLUG, "--stage", "draft_kb")
    assert result.exit_code == 0, result.stderr
    lines = docx_text(root / SLUG / "documents" / "draft_kb" / "rancangan-kb-v1.docx").splitlines()
    assert (
        "(3)\tUntuk Tahun Anggaran 2025, iuran bulan Juli s.d. Desember 2025 selama 6 (enam) bulan sebesar "
        "Rp100.800.000,00 (seratus juta delapan ratus ribu rupiah) dibebankan pada Anggaran Pendapatan dan Belanja "
        "Daerah (APBD) Kabupaten Buton Tahun Anggaran 2025."
    ) in lines
    assert "Tahun Anggaran 2025 (Juli s.d. Desember 2025) | Rp100.800.000,00" in lines
    assert not any("Alokasi per tahun anggaran" in line for line in lines)


def test_period_past_the_term_is_refused(yaml_file: Path, root: Path, run: Callable[..., Result]) -> None:
    """25 months from July 2025 run past the term's end (30 June 2027): one exact line, exit 1, nothing written."""
    text = _set_funding(yaml_file, "  months: 25")
    before = tree_hash(root)
    for command in ("check", "render"):
        result = run(command, SLUG)
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {yaml_file}:{_line(text, '  months: 25')}: funding.months: 25 months from month 7 of 2025 run to "
            "2027-07, past the end of the term on 2027-06-30, expected at most 24\n"
        )
    assert tree_hash(root) == before


def test_period_filling_the_term_is_accepted(yaml_file: Path, run: Callable[..., Result]) -> None:
    """24 months from July 2025 end with the term, in June 2027."""
    _set_funding(yaml_file, "  months: 24")
    result = run("check", SLUG)
    assert result.exit_code == 0, result.stderr


def test_start_before_the_term_is_refused(yaml_file: Path, run: Callable[..., Result]) -> None:
    """Paying from June 2025 when the term starts on 1 July 2025 names start_month and what it may be."""
    text = yaml_file.read_text(encoding="utf-8").replace(FUNDING, "  start_month: 6", 1)
    yaml_file.write_text(text, encoding="utf-8")
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {yaml_file}:{_line(text, '  start_month: 6')}: funding.start_month: month 6 of 2025 is before the term "
        "starts on 2025-07-01, expected 7 or later\n"
    )


def test_months_left_out_past_a_short_term_is_refused(yaml_file: Path, run: Callable[..., Result]) -> None:
    """'Through December' (months left out) is refused when the term ends in September; the line is funding's."""
    text = yaml_file.read_text(encoding="utf-8").replace("  end: 2027-06-30", "  end: 2025-09-30", 1)
    yaml_file.write_text(text, encoding="utf-8")
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {yaml_file}:{_line(text, 'funding:')}: funding.months: is left out, so the funding runs through "
        "December 2025, past the end of the term on 2025-09-30, expected months: 3 or fewer\n"
    )


def test_more_than_sixty_months_is_out_of_range(yaml_file: Path, run: Callable[..., Result]) -> None:
    """No term is longer than 5 years, so no funding period is longer than 60 months."""
    text = _set_funding(yaml_file, "  months: 61")
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {yaml_file}:{_line(text, '  months: 61')}: funding.months: 61 is out of range, "
        "expected a whole number from 1 to 60\n"
    )


EXAMPLE_AGREEMENT = _example()


@settings(max_examples=300, deadline=None)
@given(
    year=st.integers(2000, 2095),
    start_month=st.integers(1, 12),
    months=st.one_of(st.none(), st.integers(1, 60)),
    rate=st.integers(1, 10_000_000),
    workers=st.integers(1, 10_000_000),
)
def test_allocations_sum_to_rate_workers_months_and_follow_the_calendar(
    year: int, start_month: int, months: int | None, rate: int, workers: int
) -> None:
    """Per-year allocations add up to rate x workers x months; each year has the months a calendar walk gives it."""
    funding = Funding("APBD", year, start_month, months)
    coverage = dataclasses.replace(
        EXAMPLE_AGREEMENT.coverage, workers=workers, programmes=[Programme("JKM", "Jaminan Kematian", flat=rate)]
    )
    budget = dataclasses.replace(EXAMPLE_AGREEMENT, funding=funding, coverage=coverage).budget
    count = months if months is not None else 13 - start_month
    walk: Counter[int] = Counter()
    y, m = year, start_month
    for _ in range(count):
        walk[y] += 1
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    assert sum(budget.allocations.values()) == budget.total == rate * workers * count
    assert budget.allocations == {y: rate * workers * n for y, n in walk.items()}
    assert list(budget.allocations) == sorted(walk)  # in budget-year order
    assert {y: funding.months_in(y) for y in walk} == dict(walk)
    assert funding.months_in(year - 1) == funding.months_in(max(walk) + 1) == 0
    assert (budget.allocation, budget.months) == (rate * workers * walk[year], walk[year])
    assert budget.multi_year == (len(walk) > 1)
    last_year, last_month = (y, m - 1) if m > 1 else (y - 1, 12)  # the walk stopped one month past the end
    assert (funding.end.year, funding.end.month) == (last_year, last_month)
