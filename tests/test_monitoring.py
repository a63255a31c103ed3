"""Monitoring: participant checks, milestone checks, KPIs, the report, due dates and the dashboard."""

from __future__ import annotations

import os
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import cli
from tests.conftest import SLUG, docx_text, tree_hash
from workflow.data.participants import mask, nik_problem, synthetic

GOOD = "7401064501850001"  # Sulawesi Tenggara, Buton, a woman born 5 January 1985


@pytest.fixture
def demo_root(demo_out: Path) -> Path:
    """The session's demo run (see conftest)."""
    return demo_out / "agreements"


@pytest.fixture
def implementing(demo_root: Path, tmp_path: Path) -> Path:
    """A private copy of the demo's agreements (in implementation, participants imported)."""
    target = tmp_path / "agreements"
    shutil.copytree(demo_root, target)
    return target


def _run(root: Path, *args: str, today: str = "2025-10-01") -> Result:
    return CliRunner().invoke(
        cli.main, ["--root", str(root), *args], env={"MOU_TODAY": today, "MOU_ACTOR": "Dinas Tenaga Kerja Kabupaten Buton"}
    )


@pytest.mark.parametrize(
    ("nik", "problem"),
    [
        (GOOD, None),
        ("7401060101850001", None),
        ("740106450185000", "740106450185000 is not 16 digits".replace("740106450185000", mask("740106450185000"))),
        ("9901064501850001", "9901**********01 starts with 99, which is no province code"),
        ("7400064501850001", "7400**********01 has no kabupaten/kota or kecamatan code"),
        ("7401063201850001", "7401**********01 does not encode a birth date (DDMMYY, day + 40 for women)"),
        ("7401064513850001", "7401**********01 does not encode a birth date (DDMMYY, day + 40 for women)"),
        ("7401064501850000", "7401**********00 has serial 0000"),
    ],
    ids=["woman", "man", "short", "province", "no-kabupaten", "day-32", "month-13", "serial-0"],
)
def test_nik_structure(nik: str, problem: str | None) -> None:
    """A NIK has 16 digits, a province, kabupaten and kecamatan, a birth date (day + 40 for women) and a serial."""
    assert nik_problem(nik) == problem


def test_nik_is_masked() -> None:
    """Listings show the region code and the last two digits only."""
    assert mask(GOOD) == "7401**********01"


def test_every_bad_row_is_reported_and_nothing_imported(implementing: Path, tmp_path: Path) -> None:
    """Bad NIK, duplicates, empty names, start outside the term: every row named at once, nothing changed."""
    rows = synthetic(3, date(2025, 7, 1)).splitlines()
    nik1 = rows[1].split(",")[0]
    bad = [
        rows[0],
        rows[1],
        rows[1],  # duplicate
        "123,Peserta X,Desa,Kec,Nelayan,2025-07-01",
        f"{GOOD},,Desa,Kec,Nelayan,2025-07-01",
        "7401060101850002,Peserta Y,Desa,Kec,Nelayan,2030-01-01",
        "7401060101850003,Peserta Z,Desa,Kec,Nelayan,1 Juli 2025",
    ]
    csv_file = tmp_path / "p.csv"
    csv_file.write_text("\n".join(bad) + "\n", encoding="utf-8")
    before = tree_hash(implementing)
    result = _run(implementing, "participants", "import", SLUG, str(csv_file))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {csv_file}:3: nik: {mask(nik1)} already on row 2",
        f"Error: {csv_file}:4: nik: {mask('123')} is not 16 digits",
        f"Error: {csv_file}:5: nama: is empty, expected text",
        f"Error: {csv_file}:6: mulai: 2030-01-01 is outside the term 2025-07-01 to 2027-06-30",
        f"Error: {csv_file}:7: mulai: '1 Juli 2025' is not a date, expected YYYY-MM-DD",
    ]
    assert tree_hash(implementing) == before


def test_quota_and_header_are_checked(implementing: Path, tmp_path: Path) -> None:
    """More rows than the quota, or the wrong columns, are refused."""
    big = tmp_path / "big.csv"
    big.write_text(synthetic(1001, date(2025, 7, 1)), encoding="utf-8")
    result = _run(implementing, "participants", "import", SLUG, str(big))
    assert result.stderr == f"Error: {big}: 1001 participants, expected at most the quota of 1000 (coverage.workers)\n"
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("NIK;Nama\n1;2\n", encoding="utf-8")
    result = _run(implementing, "participants", "import", SLUG, str(wrong))
    assert result.stderr == f"Error: {wrong}:1: header: columns are nik;nama, expected nik,nama,desa,kecamatan,pekerjaan,mulai\n"


def test_listing_masks_nik_unless_asked(implementing: Path) -> None:
    """`participants list` masks NIK; --show-nik prints it."""
    first = _run(implementing, "participants", "list", SLUG).stdout.splitlines()[0]
    assert first.startswith("7401**********01  Peserta Contoh 0001")
    assert _run(implementing, "participants", "list", SLUG, "--show-nik").stdout.splitlines()[0].startswith("7401064202710001")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["payment", "--period", "2025-10", "--workers", "1000", "--amount", "60000000", "--reference", "SP2D-1"],
            "cannot log payment: amount Rp60.000.000 ≠ 1.000 × Rp16.800 = Rp16.800.000\n"
            "cannot log payment: payments of 2025 would reach Rp110.400.000, above the ceiling of Rp100.800.000",
        ),
        (
            ["payment", "--period", "2028-01", "--workers", "1000", "--amount", "16800000", "--reference", "SP2D-1"],
            "cannot log payment: period 2028-01 is outside the term 2025-07-01 to 2027-06-30\n"
            "cannot log payment: period 2028-01 has not begun on 2025-10-01; a month is payable from its first day",
        ),
        (
            ["payment", "--period", "2025-10", "--workers", "1200", "--amount", "20160000", "--reference", "SP2D-1"],
            "cannot log payment: 1.200 workers paid for, more than the quota of 1.000\n"
            "cannot log payment: 1.200 workers paid for 2025-10, more than the 1.000 participants active that month",
        ),
        (
            ["claim", "--programme", "JHT", "--cases", "0", "--amount", "-5", "--nik", "7401060303720002"],
            "cannot log claim: amount -5 must be positive\n"
            "cannot log claim: programme JHT is not covered, expected one of JKK, JKM\n"
            "cannot log claim: cases 0 must be at least 1",
        ),
        (
            ["santunan", "--amount", "42000000"],
            "cannot log santunan: --heir is required\ncannot log santunan: --nik is required",
        ),
        (
            ["payment", "--period", "Juli", "--workers", "1", "--amount", "1"],
            "'Juli' is not a month, expected YYYY-MM such as 2025-07",
        ),
    ],
    ids=["over-ceiling", "outside-term", "over-quota", "claim", "missing-heir", "bad-period"],
)
def test_milestone_figures_are_checked(args: list[str], message: str, implementing: Path) -> None:
    """Amounts, periods, quota, programmes and required figures are checked; a refusal writes nothing."""
    before = tree_hash(implementing)
    result = _run(implementing, "log", SLUG, *args)
    assert result.exit_code == 1
    assert result.stderr == "".join(f"Error: {line}\n" for line in message.splitlines())
    assert tree_hash(implementing) == before


def test_payments_wait_for_implementation(root: Path) -> None:
    """Money milestones are refused before the agreement is implemented."""
    payment = ["--period", "2025-07", "--workers", "1", "--amount", "16800", "--reference", "S-1"]
    result = _run(root, "log", SLUG, "payment", *payment)
    assert result.stderr == (
        "Error: cannot log payment: payment is logged during implementation, the agreement is in fgd_scheduled\n"
        "Error: cannot log payment: no participants imported; import the list first (mou participants import)\n"
    )


def test_kpis_match_the_hand_computed_quarter(implementing: Path) -> None:
    """1.000 active workers x Rp16.800 x 3 months = Rp50.400.000; one JKM case of Rp42.000.000."""
    from workflow.commands.monitoring import kpis
    from workflow.records.store import Store

    k = kpis(Store(implementing), SLUG, date(2025, 9, 30))
    assert (k.quota, k.enrolled, k.active) == (1000, 1000, 1000)
    assert k.paid == 1000 * 16_800 * 3 == 50_400_000
    assert k.allocation == 1000 * 16_800 * 6
    assert k.claims == {"JKM": (1, 42_000_000)}
    assert k.santunan == 42_000_000
    assert k.trend == [("2025-07", 1000, 1000), ("2025-08", 1000, 1000), ("2025-09", 1000, 1000)]
    early = kpis(Store(implementing), SLUG, date(2025, 7, 31))
    assert (early.paid, early.claims) == (16_800_000, {})


def test_report_text_and_charts(implementing: Path, update_golden: bool) -> None:
    """The Laporan Monev of 2025-Q3 has its KPI table, milestones and two chart images."""
    path = implementing / SLUG / "documents" / "monitoring" / "laporan-monev-2025-Q3-v1.docx"
    text = docx_text(path)
    golden = Path(__file__).parent / "golden" / f"laporan-monev__{SLUG}.txt"
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    assert "Realisasi iuran | Rp50.400.000,00 | Rp100.800.000,00 | 50,0% dari alokasi APBD" in text
    with zipfile.ZipFile(path) as zf:
        images = [n for n in zf.namelist() if n.startswith("word/media/") and n.endswith(".png")]
    assert len(images) == 2
    again = _run(implementing, "report", SLUG, "--period", "2025-Q3", "--recommendation", "diperluas")
    assert again.exit_code == 0, again.stderr
    assert "laporan-monev-2025-Q3-v2.docx" in again.stdout
    assert "direkomendasikan untuk diperluas." in docx_text(path.with_name("laporan-monev-2025-Q3-v2.docx"))


def test_santunan_produces_the_berita_acara(implementing: Path) -> None:
    """The handover's BA shows the heir and the amount in figures and words."""
    text = docx_text(implementing / SLUG / "documents" / "santunan" / "ba-santunan-jkm-v1.docx")
    assert "Jumlah santunan | : | Rp42.000.000,00 (empat puluh dua juta rupiah)" in text
    assert "Pada hari ini Rabu tanggal tiga bulan September tahun dua ribu dua puluh lima" in text


def test_due_lists_reminders_and_ics_parses_back(implementing: Path, tmp_path: Path) -> None:
    """`mou due` lists payments and reports overdue and the term reminder; the .ics reads back."""
    from icalendar import Calendar

    ics = tmp_path / "due.ics"
    result = _run(implementing, "due", "--ics", str(ics), today="2027-04-15")
    assert result.stdout.splitlines() == [
        f"2025-10-31  {SLUG:<28} payment for 2025-10 (overdue)",
        f"2025-12-31  {SLUG:<28} monitoring report (overdue)",
        f"2027-06-30  {SLUG:<28} end of term",
    ]
    cal = Calendar.from_ical(ics.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert [str(e["summary"]) for e in events][-1] == f"{SLUG}: end of term"
    assert events[-1].decoded("dtstart") == date(2027, 6, 30)


def test_dashboard_is_self_contained(implementing: Path, tmp_path: Path) -> None:
    """The page has no external resources and shows state, coverage and budget."""
    out = tmp_path / "dash.html"
    assert _run(implementing, "dashboard", "--out", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert "Pelaksanaan dan monitoring" in page and "Kepesertaan 1.000 / 1.000 orang" in page
    assert "Anggaran Rp50.400.000 / Rp100.800.000" in page


HAVE_BROWSER = bool(shutil.which("chromium") and shutil.which("chromedriver"))
if not HAVE_BROWSER and os.environ.get("MOU_REQUIRE_TOOLS"):
    raise RuntimeError("MOU_REQUIRE_TOOLS is set but chromium or chromedriver is missing")


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_BROWSER, reason="chromium and chromium-driver not installed")
def test_dashboard_in_a_real_browser(implementing: Path, tmp_path: Path) -> None:
    """Chromium opens the page on a laptop and a phone width; the cards and bars are laid out."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    out = tmp_path / "dash.html"
    assert _run(implementing, "dashboard", "--out", str(out)).exit_code == 0
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,800"):
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium") or ""
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or ""))
    try:
        driver.get(out.as_uri())
        card = driver.find_element("css selector", "article.card")
        assert card.size["width"] > 300
        bars = driver.find_elements("css selector", ".bar > div")
        assert [b.get_attribute("style").split("width: ")[1].split("%")[0] for b in bars] == ["82", "100", "50"]
        driver.save_screenshot(str(tmp_path / "laptop.png"))
        driver.set_window_size(390, 844)
        assert driver.find_element("css selector", "article.card").size["width"] <= 390
        driver.save_screenshot(str(tmp_path / "phone.png"))
    finally:
        driver.quit()
    assert (tmp_path / "laptop.png").stat().st_size > 10_000


def test_replacement_is_checked_and_recorded_with_masked_nik(implementing: Path) -> None:
    """A worker who died is replaced by one who passes the import checks; the event shows masked NIKs only."""
    import json

    new = [
        "--nik",
        "7401061503900002",
        "--nama",
        "La Ode Contoh",
        "--desa",
        "Wakalambe",
        "--kecamatan",
        "Kapontori",
        "--pekerjaan",
        "Nelayan",
        "--mulai",
        "2025-09-01",
    ]
    result = _run(implementing, "participants", "replace", SLUG, "7401064202710001", "--reason", "meninggal", *new)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{SLUG}: 7401**********01 (meninggal) replaced by La Ode Contoh (7401**********02)\n"
    listing = _run(implementing, "participants", "list", SLUG).stdout
    assert "Peserta Contoh 0001" not in listing and "La Ode Contoh" in listing
    last = json.loads((implementing / SLUG / "history.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert (last["event"], last["data"]["out"], last["data"]["in"]) == ("log:replacement", "7401**********01", "7401**********02")
    assert "7401064202710001" not in (implementing / SLUG / "history.jsonl").read_text(encoding="utf-8")
    dup = _run(
        implementing,
        "participants",
        "replace",
        SLUG,
        "7401061503900002",
        "--reason",
        "keluar",
        *new[:1],
        "7401060303720002",  # Peserta Contoh 0002 is already on the list
        *new[2:],
    )
    assert dup.exit_code == 1
    assert "nik: 7401**********02 already on row" in dup.stderr
