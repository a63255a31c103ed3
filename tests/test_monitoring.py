"""Monitoring: participant checks, milestone checks, KPIs, the report, due dates and the dashboard."""

from __future__ import annotations

import os
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import cli
from tests.conftest import SLUG, docx_text, tree_hash
from workflow.data.kpis import Kpis
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
    assert result.stderr == f"Error: {wrong}:1: header: columns are nik, nama, expected nik,nama,desa,kecamatan,pekerjaan,mulai\n"


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
    from workflow.records.store import FolderStore

    k = kpis(FolderStore(implementing), SLUG, date(2025, 9, 30))
    assert (k.quota, k.enrolled, k.active) == (1000, 1000, 1000)
    assert k.paid == 1000 * 16_800 * 3 == 50_400_000
    assert k.allocation == 1000 * 16_800 * 6
    assert k.claims == {"JKM": (1, 42_000_000)}
    assert k.santunan == 42_000_000
    assert k.trend == [("2025-07", 1000, 1000), ("2025-08", 1000, 1000), ("2025-09", 1000, 1000)]
    early = kpis(FolderStore(implementing), SLUG, date(2025, 7, 31))
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
    """The handover's BA: the parts of the benefit adding up in figures and words, the masked NIK, the scholarship
    the participant is not yet eligible for, and placeholders for the particulars not given."""
    text = docx_text(implementing / SLUG / "documents" / "santunan" / "ba-santunan-jkm-v1.docx")
    assert "Pada hari ini Rabu tanggal tiga bulan September tahun dua ribu dua puluh lima" in text
    assert "Nomor: [NOMOR BERITA ACARA]" in text
    assert " | Hubungan dengan peserta | : | [HUBUNGAN DENGAN PESERTA]" in text
    assert "Nama peserta | : | Peserta Contoh 0417\nNIK | : | 7401**********17\nNomor KPJ | : | [NOMOR KPJ]" in text
    assert (
        "1. | Santunan kematian | Rp20.000.000,00\n"
        "2. | Santunan berkala, 24 (dua puluh empat) bulan dibayarkan sekaligus | Rp12.000.000,00\n"
        "3. | Biaya pemakaman | Rp10.000.000,00\n"
        " | Jumlah | Rp42.000.000,00\n"
    ) in text
    assert "Jumlah yang diserahkan sebesar Rp42.000.000,00 (empat puluh dua juta rupiah)." in text
    assert "Beasiswa pendidikan anak: tidak memenuhi syarat (masa iuran kurang dari 3 (tiga) tahun)." in text
    assert "1. | [NAMA KETUA TIM TEKNIS]\nNIP. [NIP KETUA TIM TEKNIS] | Kepala Dinas Tenaga Kerja Kabupaten Buton | 1." in text


ACTOR = "Dinas Tenaga Kerja Kabupaten Buton"


def _handover(root: Path, monkeypatch: pytest.MonkeyPatch, **particulars: Any) -> dict[str, Any]:
    """A JKM claim for Peserta Contoh 0011 and its santunan with ``particulars``, logged through the library."""
    from workflow.commands.monitoring import log
    from workflow.commands.participants import load_participants
    from workflow.records.store import FolderStore

    monkeypatch.setenv("MOU_TODAY", "2025-10-01")
    store = FolderStore(root)
    nik = load_participants(store, SLUG)[10].nik
    log(store, SLUG, "claim", actor=ACTOR, when=date(2025, 9, 20), programme="JKM", cases=1, amount=42_000_000, nik=nik)
    return log(
        store,
        SLUG,
        "santunan",
        actor=ACTOR,
        when=date(2025, 9, 29),
        heir="Wa Ode Contoh",
        amount=42_000_000,
        nik=nik,
        **particulars,
    )


def test_santunan_berita_acara_states_its_particulars(implementing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nomor, relationship, KPJ, date of death and witnesses given to the log appear in the BA, and are recorded
    beside it; a correction of the heir keeps them."""
    import json

    entry = _handover(
        implementing,
        monkeypatch,
        nomor="BA/012/KC-BAUBAU/IX/2025",
        relationship="Istri",
        kpj="25 0123 45678",
        died="2025-09-12",
        witnesses=[
            "La Ode Budi, S.Sos., M.Si. | Camat Pasarwajo | 19750101 200003 1 002",
            {"name": "Wa Ode Sitti", "position": "Kepala Desa Wakalambe"},
        ],
    )
    paths = [a["path"] for a in entry["artifacts"]]
    assert paths == ["documents/santunan/ba-santunan-jkm-v2.docx", "santunan/ba-santunan-jkm-v2.json"]
    recorded = json.loads((implementing / SLUG / paths[1]).read_text(encoding="utf-8"))
    assert recorded["kpj"] == "25012345678" and recorded["died"] == "2025-09-12"
    text = docx_text(implementing / SLUG / paths[0])
    assert "Nomor: BA/012/KC-BAUBAU/IX/2025" in text
    assert " | Hubungan dengan peserta | : | Istri" in text
    assert "Nomor KPJ | : | 25012345678\nTanggal meninggal | : | 12 September 2025" in text
    assert "1. | LA ODE BUDI, S.Sos., M.Si.\nNIP. 19750101 200003 1 002 | Camat Pasarwajo | 1." in text
    assert "2. | WA ODE SITTI | Kepala Desa Wakalambe | 2." in text  # no NIP given, no NIP line
    assert "WA ODE CONTOH | MUSRIATI" in text
    fixed = _run(
        implementing, "log", SLUG, "correction", "--corrects", str(entry["seq"]), "--reason", "nama", "--heir", "Wa Ode Benar"
    )
    assert fixed.exit_code == 0, fixed.stderr
    again = docx_text(implementing / SLUG / "documents" / "santunan" / "ba-santunan-jkm-v3.docx")
    assert "Nomor: BA/012/KC-BAUBAU/IX/2025" in again and "WA ODE BENAR | MUSRIATI" in again
    assert _run(implementing, "verify").exit_code == 0


@pytest.mark.parametrize(
    ("particulars", "rule", "reasons"),
    [
        (
            {"kpj": "KPJ-1", "died": "2025-09-30"},
            "santunan.kpj",
            [
                "KPJ number 'KPJ-1' is not a card number, expected 6 to 20 digits",
                "date of death 2025-09-30 is after the handover on 2025-09-29",
            ],
        ),
        (
            {"witnesses": ["Camat Pasarwajo", " | Kepala Desa"]},
            "santunan.witness",
            [
                "witness 1 'Camat Pasarwajo' has no position, expected 'name | position' or 'name | position | NIP'",
                "witness 2 ' | Kepala Desa' has no name, expected 'name | position' or 'name | position | NIP'",
            ],
        ),
        (
            {"scholarship": 12_000_000, "died": "2025-09-12"},
            "santunan.beasiswa",
            [
                "a scholarship needs 3 years of iuran; Peserta Contoh 0011 was a participant from 2025-07-01, "
                "0 full years before 2025-09-12"
            ],
        ),
        ({"relationship": "  "}, "santunan.relationship", ["relationship is blank, expected text"]),
    ],
    ids=["kpj-and-death", "witness", "scholarship", "blank"],
)
def test_santunan_particulars_are_checked(
    particulars: dict[str, object], rule: str, reasons: list[str], implementing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every wrong particular is named at once, with the rule broken; nothing is recorded."""
    from workflow.errors import Refusal

    before = len((implementing / SLUG / "history.jsonl").read_text(encoding="utf-8").splitlines())
    with pytest.raises(Refusal) as caught:
        _handover(implementing, monkeypatch, **particulars)
    assert str(caught.value).splitlines() == [f"cannot log santunan: {r}" for r in reasons]
    assert caught.value.rule == rule
    assert len((implementing / SLUG / "history.jsonl").read_text(encoding="utf-8").splitlines()) == before + 1  # the claim


def test_particulars_belong_to_a_santunan(implementing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A payment given a KPJ number is refused: the particulars are facts of a santunan's Berita Acara."""
    from workflow.commands.monitoring import log
    from workflow.errors import Refusal
    from workflow.records.store import FolderStore

    monkeypatch.setenv("MOU_TODAY", "2025-10-01")
    with pytest.raises(Refusal) as caught:
        log(FolderStore(implementing), SLUG, "note", actor=ACTOR, kpj="123456")
    assert str(caught.value) == "cannot log note: kpj: facts of a santunan's Berita Acara, not of note"
    assert caught.value.rule == "santunan.particulars"


def _kpis(**changes: Any) -> Kpis:
    """The KPIs of a quarter on plan (1.000 of 1.000 enrolled, July to September paid), with ``changes``."""
    base: dict[str, Any] = {
        "as_of": date(2025, 9, 30),
        "quota": 1000,
        "enrolled": 1000,
        "active": 1000,
        "paid": 50_400_000,
        "allocation": 100_800_000,
        "monthly_per_worker": 16_800,
        "claims": {"JKM": (1, 42_000_000)},
        "santunan": 42_000_000,
        "planned": 50_400_000,
        "due_months": ["2025-07", "2025-08", "2025-09"],
        "unpaid": [],
        "santunan_cases": 1,
    }
    return Kpis(**{**base, **changes})


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {},
            [
                "Kepesertaan, pembayaran iuran dan penyerahan santunan pada periode ini telah sesuai dengan rencana; "
                "pelaksanaan agar dipertahankan dengan pemantauan rutin."
            ],
        ),
        (
            {"enrolled": 940},
            [
                "Kepesertaan baru mencapai 940 dari kuota 1.000 orang (94,0%); Tim Teknis agar segera menetapkan dan "
                "mendaftarkan 60 (enam puluh) orang calon peserta lagi dari data sasaran hingga kuota terpenuhi."
            ],
        ),
        (
            {"paid": 48_720_000},
            [
                "Realisasi iuran sebesar Rp48.720.000,00 baru 96,7% dari rencana Rp50.400.000,00 sampai dengan bulan "
                "September 2025; pembayaran iuran agar disesuaikan dengan jumlah peserta dan jadwal dalam rencana."
            ],
        ),
        (
            {"paid": 33_600_000, "unpaid": ["2025-09"]},
            [
                "Realisasi iuran sebesar Rp33.600.000,00 baru 66,7% dari rencana Rp50.400.000,00 sampai dengan bulan "
                "September 2025; pembayaran iuran agar disesuaikan dengan jumlah peserta dan jadwal dalam rencana.",
                "Iuran bulan September 2025 belum dibayar; iuran agar segera dibayarkan sebelum kepesertaan dinonaktifkan "
                "setelah 3 (tiga) bulan tidak dibayar.",
            ],
        ),
        (
            {"paid": 0, "unpaid": ["2025-07", "2025-08", "2025-09"]},
            [
                "Realisasi iuran sebesar Rp0,00 baru 0,0% dari rencana Rp50.400.000,00 sampai dengan bulan September 2025; "
                "pembayaran iuran agar disesuaikan dengan jumlah peserta dan jadwal dalam rencana.",
                "Iuran bulan Juli 2025, Agustus 2025 dan September 2025 belum dibayar; iuran agar segera dibayarkan. "
                "Iuran tidak dibayar 3 (tiga) bulan berturut-turut sehingga kepesertaan dinonaktifkan; peserta agar "
                "didaftarkan ulang setelah tunggakan dibayar.",
            ],
        ),
        (
            {"claims": {"JKM": (3, 126_000_000), "JKK": (2, 5_000_000)}},
            [
                "Sebanyak 2 (dua) klaim Jaminan Kematian belum diikuti penyerahan santunan kepada ahli waris; penyerahan "
                "santunan agar segera dilaksanakan dan dituangkan dalam berita acara."
            ],
        ),
    ],
    ids=["on-track", "coverage-below-quota", "realisation-behind-plan", "month-unpaid", "three-months-unpaid", "claims-pending"],
)
def test_recommendations_follow_from_the_figures(changes: dict[str, object], expected: list[str]) -> None:
    """Each rule of section V fires on its own figures: coverage, realisation, unpaid months, pending claims."""
    from workflow.data.kpis import recommendations

    assert recommendations(_kpis(**changes)) == expected


def test_kpis_give_the_plan_and_the_unpaid_months(implementing: Path) -> None:
    """Plan: the quota x Rp16.800 x the funded months ended by the date; unpaid: those without a payment."""
    from workflow.commands.monitoring import kpis
    from workflow.records.store import FolderStore

    k = kpis(FolderStore(implementing), SLUG, date(2025, 10, 31))
    assert (k.planned, k.due_months, k.unpaid) == (4 * 16_800_000, ["2025-07", "2025-08", "2025-09", "2025-10"], ["2025-10"])
    assert (k.santunan_cases, k.pending_jkm) == (1, 0)
    mid = kpis(FolderStore(implementing), SLUG, date(2025, 10, 15))  # October's iuran is not yet due
    assert (mid.planned, mid.unpaid) == (3 * 16_800_000, [])


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


def test_status_in_implementation_names_the_monitoring_commands(implementing: Path) -> None:
    """In an implementing state, status lists the participants, payment and report commands, with the month
    and the period now due, as a person who may record monitoring work; typed as shown, the report renders."""
    import json
    import shlex

    who = '--as "Dinas Tenaga Kerja Kabupaten Buton"'
    result = _run(implementing, "status", SLUG)
    lines = result.stdout.splitlines()
    start = lines.index("Monitoring (participants, payments, reports):")
    assert lines[start + 1 : start + 4] == [
        f"  mou participants import {SLUG} FILE.csv {who}",
        f"  mou log {SLUG} payment --period 2025-10 --workers N --amount RUPIAH --reference NOMOR-SP2D {who}",
        f"  mou report {SLUG} --period 2025-Q4 {who}",
    ]
    assert "  2025-10-31 payment for 2025-10" in lines and "  2025-12-31 monitoring report" in lines
    assert f"    run: mou advance {SLUG} record_monitoring {who}" in lines  # the ready event, too
    as_json = json.loads(_run(implementing, "status", SLUG, "--json").stdout)
    assert as_json["monitoring"] == [line.strip() for line in lines[start + 1 : start + 4]]
    report = shlex.split(lines[start + 3])
    assert _run(implementing, *report[1:], today="2026-01-05").exit_code == 0
    after = _run(implementing, "status", SLUG, today="2026-01-05").stdout
    assert f"  mou report {SLUG} --period 2026-Q1 {who}" in after  # the next report due


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


def test_the_command_line_gives_the_santunan_its_particulars(implementing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mou log … santunan --nomor --relationship --kpj --died --witness` reach the Berita Acara."""
    from workflow.commands.participants import load_participants
    from workflow.records.store import FolderStore

    monkeypatch.setenv("MOU_TODAY", "2025-10-01")
    nik = load_participants(FolderStore(implementing), SLUG)[10].nik
    claim = _run(implementing, "log", SLUG, "claim", "--programme", "JKM", "--cases", "1", "--amount", "42000000",
                 "--nik", nik, "--date", "2025-09-20")  # fmt: skip
    assert claim.exit_code == 0, claim.stderr
    result = _run(
        implementing, "log", SLUG, "santunan", "--heir", "Wa Ode Contoh", "--amount", "42000000", "--nik", nik,
        "--date", "2025-09-29", "--nomor", "BA/013/2025", "--relationship", "Anak", "--kpj", "25 0123 45679",
        "--died", "2025-09-12", "--witness", "La Ode Saksi | Kepala Desa Contoh", "--witness", "Wa Ode Dua | Camat",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    [path] = [line.strip() for line in result.stdout.splitlines() if line.strip().endswith(".docx")]
    text = docx_text(implementing / SLUG / path)
    assert "Nomor: BA/013/2025" in text and " | Hubungan dengan peserta | : | Anak" in text
    assert "Nomor KPJ | : | 25012345679\nTanggal meninggal | : | 12 September 2025" in text
    assert "1. | LA ODE SAKSI | Kepala Desa Contoh | 1." in text and "2. | WA ODE DUA | Camat | 2." in text


def test_a_semicolon_csv_as_excel_saves_it_imports_like_the_comma_one() -> None:
    """Excel under Indonesian regional settings separates columns with ';': the same people are read,
    and a bad row is still named by its row and column."""
    from datetime import date

    from workflow.data.participants import parse
    from workflow.errors import InvalidData

    comma = synthetic(5, date(2025, 7, 1))
    semicolon = comma.replace(",", ";")
    term = (date(2025, 7, 1), date(2027, 6, 30))
    assert parse("a.csv", semicolon, 10, *term) == parse("a.csv", comma, 10, *term)
    broken = semicolon.replace(semicolon.splitlines()[2].split(";")[0], "7,40106E+15", 1)
    with pytest.raises(InvalidData) as err:
        parse("peserta.csv", broken, 10, *term)
    assert str(err.value.problems[0]).startswith("peserta.csv:3: nik:")
