"""The ledger: money entries follow the rules, mistakes are corrected or voided, KPIs add up.

One test per finding of the issue (each was accepted before the ledger rules), through the CLI
where a user would notice: exit 1, the exact ``Error:`` lines, the folder unchanged. Then
corrections and voids, the participant list over replacements, the replay a verify runs, and a
property test holding the rules against a small independent re-implementation.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cli
from tests.conftest import EXAMPLE, SLUG, tree_hash
from workflow.commands.agreements import load_file
from workflow.commands.monitoring import kpis
from workflow.commands.session import reader
from workflow.data import ledger
from workflow.data.kpis import kpis_of
from workflow.data.participants import Participant, mask, synthetic
from workflow.records.store import FolderStore

ACTOR = "Dinas Tenaga Kerja Kabupaten Buton"
FORTY_CSV = synthetic(40, date(2025, 7, 1))
NIKS = [line.split(",")[0] for line in FORTY_CSV.splitlines()[1:]]  # Peserta Contoh 0001 ... 0040
STRANGER = "7401064501850001"  # a valid NIK that is on no list
RATE = 16_800
JKM = 42_000_000


@pytest.fixture
def implementing(demo_out: Path, tmp_path: Path) -> Path:
    """A private copy of the demo's agreements: implementation, 1.000 participants, 2025-07..09 paid, one JKM claim."""
    target = tmp_path / "agreements"
    shutil.copytree(demo_out / "agreements", target)
    return target


@pytest.fixture
def forty(implementing: Path, tmp_path: Path) -> Path:
    """The demo copy whose participant list is re-imported with 40 workers (the list in force for every month)."""
    listing = tmp_path / "peserta-40.csv"
    listing.write_text(FORTY_CSV, encoding="utf-8")
    result = _run(implementing, "participants", "import", SLUG, str(listing))
    assert result.exit_code == 0, result.stderr
    return implementing


def _run(root: Path, *args: str, today: str = "2025-10-01") -> Result:
    return CliRunner().invoke(cli.main, ["--root", str(root), *args], env={"MOU_TODAY": today, "MOU_ACTOR": ACTOR})


def _log(root: Path, *args: str, today: str = "2025-10-01") -> int:
    """Log a milestone that must be accepted; its entry number."""
    result = _run(root, "log", SLUG, *args, today=today)
    assert result.exit_code == 0, result.stderr
    found = re.search(r"\[entry (\d+)\]", result.stdout)
    assert found, result.stdout
    return int(found.group(1))


def assert_refused(root: Path, args: list[str], lines: list[str], today: str = "2025-10-01") -> None:
    """`mou log` refuses: exit 1, exactly these lines (each after ``Error: ``), nothing written."""
    before = tree_hash(root)
    result = _run(root, "log", SLUG, *args, today=today)
    assert result.exit_code == 1, result.stdout
    assert result.stderr == "".join(f"Error: {line}\n" for line in lines)
    assert tree_hash(root) == before


def _pay(period: str, workers: int, amount: int, reference: str) -> list[str]:
    return ["payment", "--period", period, "--workers", str(workers), "--amount", str(amount), "--reference", reference]


def _entries(root: Path) -> list[dict[str, Any]]:
    from workflow.commands.lifecycle import entries

    return entries(FolderStore(root), SLUG)


def _seq(root: Path, event: str, **data: Any) -> int:
    """The entry number of the first ``event`` whose data has these values."""
    return next(e["seq"] for e in _entries(root) if e["event"] == event and all(e["data"].get(k) == v for k, v in data.items()))


# --- the findings of the issue --------------------------------------------------------------------


def test_payment_amount_must_be_workers_times_the_rate(forty: Path) -> None:
    """Rp700.000 for 40 workers was accepted; 40 x Rp16.800 = Rp672.000."""
    assert_refused(
        forty, _pay("2025-10", 40, 700_000, "SP2D-0010"), ["cannot log payment: amount Rp700.000 ≠ 40 × Rp16.800 = Rp672.000"]
    )
    _log(forty, *_pay("2025-10", 40, 672_000, "SP2D-0010"))


def test_second_payment_for_a_month_with_the_same_sp2d_is_refused(forty: Path) -> None:
    """A second payment of 2026-03 under the same SP2D was accepted, and Q1 realisasi came out Rp2.044.000."""
    today = "2026-03-20"
    seqs = [_log(forty, *_pay(f"2026-0{m}", 40, 672_000, f"SP2D-2026-0{m}"), today=today) for m in (1, 2, 3)]
    assert_refused(
        forty,
        _pay("2026-03", 40, 672_000, "SP2D-2026-03"),
        [
            f"cannot log payment: period 2026-03 is already paid by entry {seqs[2]} (SP2D-2026-03); "
            + "correct or void that entry instead",
            f"cannot log payment: reference SP2D-2026-03 is already used by entry {seqs[2]} (payment for 2026-03)",
        ],
        today,
    )
    assert_refused(  # the reference alone, written differently, is the same SP2D
        forty,
        _pay("2025-10", 40, 672_000, "sp2d-2026-03"),
        [f"cannot log payment: reference sp2d-2026-03 is already used by entry {seqs[2]} (payment for 2026-03)"],
        today,
    )
    k = kpis(FolderStore(forty), SLUG, date(2026, 3, 31))
    assert k.paid_by_year == {2025: 3 * 1000 * RATE, 2026: 3 * 40 * RATE}
    assert k.paid_by_year[2026] == 2_016_000  # not Rp2.044.000


def test_payment_for_more_workers_than_participants_is_refused(forty: Path) -> None:
    """1.000 workers paid for while 40 are enrolled was accepted (only the quota of 1.000 was checked)."""
    assert_refused(
        forty,
        _pay("2025-10", 1000, 16_800_000, "SP2D-0010"),
        ["cannot log payment: 1.000 workers paid for 2025-10, more than the 40 participants active that month"],
    )


def test_payment_for_a_month_not_yet_begun_is_refused(forty: Path) -> None:
    """November paid on 31 October was accepted; a month is payable from its first day, not before."""
    assert_refused(
        forty,
        _pay("2025-11", 40, 672_000, "SP2D-0011"),
        ["cannot log payment: period 2025-11 has not begun on 2025-10-31; a month is payable from its first day"],
        "2025-10-31",
    )
    assert_refused(
        forty,
        [*_pay("2025-11", 40, 672_000, "SP2D-0011"), "--date", "2025-11-03"],
        ["cannot log payment: date 2025-11-03 is after today (2025-10-31)"],
        "2025-10-31",
    )
    _log(forty, *_pay("2025-11", 40, 672_000, "SP2D-0011"), today="2025-11-01")


def test_santunan_for_someone_not_on_the_list_is_refused(forty: Path) -> None:
    """A santunan (and a claim) for a NIK not on the participant list was accepted: there was no NIK at all."""
    masked = mask(STRANGER)
    assert_refused(
        forty,
        ["santunan", "--heir", "Wa Ode Contoh", "--amount", str(JKM), "--nik", STRANGER],
        [f"cannot log santunan: NIK {masked} is not on the participant list"],
    )
    assert_refused(
        forty,
        ["claim", "--programme", "JKM", "--cases", "1", "--amount", str(JKM), "--nik", STRANGER],
        [f"cannot log claim: NIK {masked} is not on the participant list"],
    )
    assert_refused(
        forty,
        ["claim", "--programme", "JKM", "--cases", "1", "--amount", str(JKM), "--nik", "74010642"],
        ["cannot log claim: NIK 7401**42 is not 16 digits"],
    )


def test_santunan_must_be_the_jkm_benefit(forty: Path) -> None:
    """A santunan of Rp5.000 was accepted; the JKM benefit is Rp42.000.000, another amount needs a reason."""
    _log(forty, "claim", "--programme", "JKM", "--cases", "1", "--amount", str(JKM), "--nik", NIKS[1])
    assert_refused(
        forty,
        ["santunan", "--heir", "Wa Ode Contoh", "--amount", "5000", "--nik", NIKS[1]],
        ["cannot log santunan: amount Rp5.000 ≠ the JKM benefit of Rp42.000.000; give --reason to explain a different amount"],
    )
    reason = "santunan berkala dibayar terpisah oleh BPJS"
    seq = _log(forty, "santunan", "--heir", "Wa Ode Contoh", "--amount", "30000000", "--nik", NIKS[1], "--reason", reason)
    assert _entries(forty)[seq - 1]["data"]["reason"] == reason


# --- claims and santunan --------------------------------------------------------------------------


def test_santunan_follows_one_jkm_claim_of_the_same_person(forty: Path) -> None:
    """No santunan without the person's JKM claim; one JKM claim and one santunan per person."""
    who = f"{mask(NIKS[2])} (Peserta Contoh 0003)"
    santunan = ["santunan", "--heir", "Ahli Waris", "--amount", str(JKM), "--nik", NIKS[2]]
    no_claim = (
        f"cannot log santunan: no JKM claim is recorded for {who}; a santunan follows the JKM claim of the same participant"
    )
    assert_refused(forty, santunan, [no_claim])
    _log(forty, "claim", "--programme", "JKK", "--cases", "1", "--amount", "2500000", "--nik", NIKS[2])
    assert_refused(forty, santunan, [no_claim])
    claim = _log(forty, "claim", "--programme", "JKM", "--cases", "1", "--amount", str(JKM), "--nik", NIKS[2])
    assert_refused(
        forty,
        ["claim", "--programme", "JKM", "--cases", "1", "--amount", str(JKM), "--nik", NIKS[2]],
        [f"cannot log claim: a JKM claim for {mask(NIKS[2])} is already recorded in entry {claim}"],
    )
    handed = _log(forty, *santunan)
    assert_refused(forty, santunan, [f"cannot log santunan: the santunan for {who} was already handed over in entry {handed}"])


def test_claim_and_santunan_record_the_nik_masked(forty: Path) -> None:
    """The history keeps the masked NIK, the name and the list row; the Berita Acara names the participant."""
    from tests.conftest import docx_text

    _log(forty, "claim", "--programme", "JKM", "--cases", "1", "--amount", str(JKM), "--nik", NIKS[1])
    result = _run(forty, "log", SLUG, "santunan", "--heir", "Wa Ode Contoh", "--amount", str(JKM), "--nik", NIKS[1])
    assert result.exit_code == 0, result.stderr
    assert NIKS[1] not in result.stdout
    data = _entries(forty)[-1]["data"]
    assert {k: data[k] for k in ("nik", "participant", "row")} == {
        "nik": "7401**********02",
        "participant": "Peserta Contoh 0002",
        "row": "participants/peserta-v2.csv:3",
    }
    history = (forty / SLUG / "history.jsonl").read_text(encoding="utf-8")
    assert not any(nik in history for nik in NIKS)
    ba = docx_text(forty / SLUG / "documents" / "santunan" / "ba-santunan-jkm-v2.docx")
    assert "Peserta Contoh 0002" in ba and "Rp42.000.000,00 (empat puluh dua juta rupiah)" in ba


def test_payments_need_a_participant_list_and_an_sp2d(forty: Path) -> None:
    """Without a list nothing can be paid for; a payment names its SP2D."""
    a = load_file(EXAMPLE / "agreement.yaml")
    data = {"period": "2025-07", "workers": 1, "amount": RATE, "reference": "SP2D-1", "date": "2025-07-15"}
    assert ledger.check_entry("payment", data, a, ledger.Roster(), [], date(2025, 10, 1)) == [
        "no participants imported; import the list first (mou participants import)"
    ]
    assert_refused(forty, _pay("2025-10", 40, 672_000, "x")[:-2], ["cannot log payment: --reference is required"])


# --- corrections and voids ------------------------------------------------------------------------


def test_corrections_and_voids_change_what_counts(forty: Path) -> None:
    """A corrected payment counts with its new figures, a voided one not at all; both free the month and the SP2D."""
    today = "2025-11-05"

    def paid() -> tuple[int, int, dict[int, int]]:
        k = kpis(FolderStore(forty), SLUG, date(2025, 11, 5))
        return k.paid, k.active, k.paid_by_year

    quarter = 3 * 1000 * RATE
    october = _log(forty, *_pay("2025-10", 40, 672_000, "SP2D-10"), today=today)
    assert paid() == (quarter + 672_000, 40, {2025: quarter + 672_000})
    _log(forty, "correction", "--corrects", str(october), "--reason", "salah ketik", "--reference", "SP2D-010", today=today)
    _log(
        forty,
        "correction",
        "--corrects",
        str(october),
        "--reason",
        "30 aktif",
        "--workers",
        "30",
        "--amount",
        "504000",
        today=today,
    )
    assert paid() == (quarter + 504_000, 30, {2025: quarter + 504_000})
    assert_refused(
        forty,
        ["correction", "--corrects", str(october), "--reason", "20 aktif", "--workers", "20"],
        ["cannot log correction: amount Rp504.000 ≠ 20 × Rp16.800 = Rp336.000"],
        today,
    )
    assert_refused(
        forty,
        _pay("2025-10", 30, 504_000, "SP2D-99"),
        [f"cannot log payment: period 2025-10 is already paid by entry {october} (SP2D-010); correct or void that entry instead"],
        today,
    )
    void = _log(forty, "void", "--corrects", str(october), "--reason", "dicatat pada bulan yang salah", today=today)
    assert paid() == (quarter, 1000, {2025: quarter})
    for kind in ("void", "correction"):
        assert_refused(
            forty,
            [kind, "--corrects", str(october), "--reason", "lagi", "--amount", "1"][: 5 if kind == "void" else 7],
            [f"cannot log {kind}: entry {october} is already voided by entry {void}"],
            today,
        )
    _log(forty, *_pay("2025-10", 40, 672_000, "SP2D-010"), today=today)  # month and SP2D are free again
    september = _seq(forty, "log:payment", period="2025-09")
    _log(
        forty,
        "correction",
        "--corrects",
        str(september),
        "--reason",
        "40 aktif",
        "--workers",
        "40",
        "--amount",
        "672000",
        today=today,
    )
    assert paid() == (2 * 1000 * RATE + 2 * 672_000, 40, {2025: 2 * 1000 * RATE + 2 * 672_000})
    corrections = [e for e in _entries(forty) if e["event"] == "log:correction"]
    assert corrections[-1]["data"]["figures"] == {
        "period": "2025-09",
        "workers": 40,
        "amount": 672_000,
        "reference": "CONTOH-SP2D-2025-09",
    }


def test_corrections_and_voids_name_a_money_entry_and_say_why(forty: Path) -> None:
    """The entry named must exist, be money, not be voided nor be a correction; a reason is required."""
    october = _log(forty, *_pay("2025-10", 40, 672_000, "SP2D-10"))
    fix = _log(forty, "correction", "--corrects", str(october), "--reason", "salah ketik", "--reference", "SP2D-010")
    count = len(_entries(forty))
    cases = [
        (["void", "--corrects", "999", "--reason", "x"], f"entry 999 does not exist (the history has {count} entries)"),
        (["void", "--corrects", "1", "--reason", "x"], "entry 1 is render, not a payment, claim, santunan or enrolment"),
        (["void", "--corrects", str(fix), "--reason", "x"], f"entry {fix} is a correction; name the entry it voids ({october})"),
        (["void", "--corrects", str(october)], "--reason is required"),
        (["correction", "--reason", "x", "--amount", "1"], "--corrects is required"),
        (
            ["void", "--corrects", str(october), "--reason", "x", "--amount", "1"],
            "--amount is not taken by a void, which only names the entry and the reason",
        ),
        (["correction", "--corrects", str(october), "--reason", "x", "--heir", "A"], "--heir is not a figure of a payment"),
        (
            ["correction", "--corrects", str(october), "--reason", "x", "--workers", "40"],
            f"the figures are those of entry {october} already; nothing to correct",
        ),
    ]
    for args, reason in cases:
        assert_refused(forty, args, [f"cannot log {args[0]}: {reason}"])


def test_a_jkm_claim_is_voided_after_its_santunan(forty: Path) -> None:
    """The claim a santunan follows keeps its person while the santunan counts; KPIs follow the voids."""
    claim = _log(forty, "claim", "--programme", "JKM", "--cases", "1", "--amount", str(JKM), "--nik", NIKS[1])
    handed = _log(forty, "santunan", "--heir", "Wa Ode Contoh", "--amount", str(JKM), "--nik", NIKS[1])
    k = kpis(FolderStore(forty), SLUG, date(2025, 10, 1))
    assert (k.claims, k.santunan) == ({"JKM": (2, 2 * JKM)}, 2 * JKM)
    follows = f"santunan entry {handed} follows the JKM claim in entry {claim}; void or correct entry {handed} first"
    assert_refused(forty, ["void", "--corrects", str(claim), "--reason", "salah orang"], [f"cannot log void: {follows}"])
    assert_refused(
        forty,
        ["correction", "--corrects", str(claim), "--reason", "salah orang", "--nik", NIKS[2]],
        [f"cannot log correction: {follows}"],
    )
    _log(forty, "correction", "--corrects", str(claim), "--reason", "biaya pemakaman", "--amount", "41000000")
    k = kpis(FolderStore(forty), SLUG, date(2025, 10, 1))
    assert (k.claims, k.santunan) == ({"JKM": (2, JKM + 41_000_000)}, 2 * JKM)
    _log(forty, "void", "--corrects", str(handed), "--reason", "salah orang")
    _log(forty, "void", "--corrects", str(claim), "--reason", "salah orang")
    k = kpis(FolderStore(forty), SLUG, date(2025, 10, 1))
    assert (k.claims, k.santunan) == ({"JKM": (1, JKM)}, JKM)


def test_a_corrected_santunan_gets_a_new_berita_acara(forty: Path) -> None:
    """The Berita Acara shows the corrected heir; the first one stays as rendered."""
    from tests.conftest import docx_text

    _log(forty, "claim", "--programme", "JKM", "--cases", "1", "--amount", str(JKM), "--nik", NIKS[1])
    handed = _log(forty, "santunan", "--heir", "Wa Ode Contoh", "--amount", str(JKM), "--nik", NIKS[1])
    result = _run(
        forty, "log", SLUG, "correction", "--corrects", str(handed), "--reason", "nama ahli waris", "--heir", "Wa Ode Benar"
    )
    assert result.exit_code == 0, result.stderr
    assert "documents/santunan/ba-santunan-jkm-v3.docx" in result.stdout
    folder = forty / SLUG / "documents" / "santunan"
    assert "Wa Ode Benar" in docx_text(folder / "ba-santunan-jkm-v3.docx")
    assert "Wa Ode Contoh" in docx_text(folder / "ba-santunan-jkm-v2.docx")


# --- the participant list over time ---------------------------------------------------------------


def _person(nik: str, mulai: date) -> Participant:
    return Participant(nik, f"P {nik[-2:]}", "Desa", "Kec", "Nelayan", mulai)


def test_active_participants_over_replacements_and_imports() -> None:
    """A worker replaced during a month counts in it with the newcomer; a later import is the list for every month."""
    a, b, c = (_person(n, date(2025, 7, 1)) for n in NIKS[:3])
    newcomer = _person(NIKS[3], date(2025, 9, 10))
    late = _person(NIKS[4], date(2025, 8, 31))
    first = ledger.ListVersion(1, date(2025, 7, 1), "participants/peserta-v1.csv", (a, b, late))
    swap = ledger.ListVersion(5, date(2025, 9, 10), "participants/peserta-v2.csv", (newcomer, b, late), replacement=True)
    roster = ledger.Roster((first, swap))
    assert [roster.active(date(2025, m, 1)) for m in (7, 8, 9, 10)] == [2, 3, 4, 3]
    assert roster.find(a.nik) == ledger.Member(a.nik, a.nama, a.mulai, date(2025, 9, 10), "participants/peserta-v1.csv:2")
    assert roster.before(5).active(date(2025, 10, 1)) == 3  # before the swap, a is still on the list
    again = ledger.ListVersion(9, date(2025, 12, 1), "participants/peserta-v4.csv", (c,))
    later = ledger.Roster((first, swap, again))
    assert [later.active(date(2025, m, 1)) for m in (7, 8, 9, 10)] == [1, 1, 1, 1]
    on_the_first = ledger.ListVersion(7, date(2025, 11, 1), "participants/peserta-v3.csv", (newcomer, late), replacement=True)
    assert [ledger.Roster((first, swap, on_the_first)).active(date(2025, m, 1)) for m in (11, 12)] == [
        3,
        2,
    ]  # b counts in November
    assert later.find(a.nik) is None and later.at("participants/peserta-v1.csv:2") == roster.rows["participants/peserta-v1.csv:2"]


# --- replay: what verify runs ---------------------------------------------------------------------


def test_replay_finds_nothing_in_a_history_the_rules_made(forty: Path) -> None:
    """The demo history and later entries pass; a payment logged before the 40-worker list stays valid."""
    _log(forty, *_pay("2025-10", 40, 672_000, "SP2D-10"))
    entries = _entries(forty)
    roster = ledger.roster_of(reader(FolderStore(forty), SLUG), entries)
    agreement = load_file(forty / SLUG / "agreement.yaml")
    assert ledger.replay(entries, agreement, roster, date(2025, 10, 1)) == []


def test_replay_catches_a_rewritten_history(forty: Path) -> None:
    """An amount changed, a payment repeated, a santunan's amount lowered after the fact: each is named."""
    entries = _entries(forty)
    roster = ledger.roster_of(reader(FolderStore(forty), SLUG), entries)
    agreement = load_file(forty / SLUG / "agreement.yaml")
    july = _seq(forty, "log:payment", period="2025-07")
    handed = _seq(forty, "log:santunan")
    forged = [json.loads(json.dumps(e)) for e in entries]
    forged[july - 1]["data"]["amount"] = 17_000_000
    forged[handed - 1]["data"]["amount"] = 5_000
    again = {**forged[july - 1], "seq": len(forged) + 1, "data": {**entries[july - 1]["data"], "date": "2025-09-30"}}
    assert ledger.replay([*forged, again], agreement, roster, date(2025, 10, 1)) == [
        (july, "rate: amount Rp17.000.000 ≠ 1.000 × Rp16.800 = Rp16.800.000"),
        (handed, "benefit: amount Rp5.000 ≠ the JKM benefit of Rp42.000.000; give --reason to explain a different amount"),
        (again["seq"], "participants: 1.000 workers paid for 2025-07, more than the 40 participants active that month"),
        (
            again["seq"],
            f"once: period 2025-07 is already paid by entry {july} (CONTOH-SP2D-2025-07); correct or void that entry instead",
        ),
        (again["seq"], f"reference: reference CONTOH-SP2D-2025-07 is already used by entry {july} (payment for 2025-07)"),
    ]


# --- the property: accepted exactly when a simple model says so; KPIs add up ------------------------

TODAY = date(2026, 3, 15)
QUOTA = 3
ALLOC_2025 = RATE * QUOTA * 2  # funding: two months of 2025
ANNUAL = RATE * QUOTA * 12
PEOPLE = [
    _person(NIKS[0], date(2025, 7, 1)),
    _person(NIKS[1], date(2025, 8, 1)),
    _person(NIKS[2], date(2025, 9, 15)),
    _person(NIKS[3], date(2025, 11, 1)),
]
NEWCOMER = _person(NIKS[4], date(2025, 9, 10))
REPLACED_ON = date(2025, 9, 10)  # NIKS[0] replaced by NEWCOMER, when the roster has the replacement
REFERENCES = [*(f"SP2D-{n:02d}" for n in range(1, 13)), "sp2d-01 "]

days = st.dates(min_value=date(2025, 6, 20), max_value=date(2026, 4, 20))
past = st.dates(min_value=date(2025, 6, 20), max_value=TODAY)
periods = st.sampled_from(
    [f"{y}-{m:02d}" for y, m in [(2025, 6), *((2025, m) for m in range(7, 13)), *((2026, m) for m in range(1, 6))]]
)
niks = st.sampled_from([*NIKS[:5], STRANGER])
amounts = st.sampled_from([-1, 0, 5_000, RATE, 2 * RATE, 3 * RATE, 4 * RATE, JKM, 2_500_000])
CHANGES = {  # what a correction may give, any kind's figures (another kind's are refused)
    "period": periods,
    "workers": st.integers(0, 4),
    "amount": amounts,
    "reference": st.sampled_from(REFERENCES),
    "programme": st.sampled_from(["JKK", "JKM", "JHT"]),
    "cases": st.integers(0, 2),
    "nik": niks,
    "heir": st.sampled_from(["Ahli Waris", "Ahli Waris Lain"]),
}
SENSIBLE = {  # corrections an office would make, by kind of the entry corrected
    "payment": st.one_of(
        st.integers(1, 3).map(lambda w: {"workers": w, "amount": w * RATE}),
        st.sampled_from(REFERENCES).map(lambda r: {"reference": r}),
        periods.map(lambda p: {"period": p}),
    ),
    "claim": st.one_of(
        st.sampled_from([2_500_000, 41_000_000, JKM]).map(lambda a: {"amount": a}),
        st.integers(1, 2).map(lambda c: {"cases": c}),
        niks.map(lambda n: {"nik": n}),
    ),
    "santunan": st.one_of(
        st.sampled_from(["Ahli Waris Lain", "Ahli Waris"]).map(lambda h: {"heir": h}),
        st.sampled_from([JKM, 30_000_000]).map(lambda a: {"amount": a}),
        niks.map(lambda n: {"nik": n}),
    ),
}


def _step(data: Any, model: Model) -> dict[str, Any]:
    """One operation: mostly what an office would type, one in four anything at all."""
    kind = data.draw(st.sampled_from(["payment", "payment", "payment", "claim", "claim", "santunan", "correction", "void"]))
    sloppy = data.draw(st.integers(0, 3)) == 0
    if kind == "payment":
        period = data.draw(periods)
        first = date(int(period[:4]), int(period[5:]), 1)
        workers = data.draw(st.integers(0, 5) if sloppy else st.integers(1, 3))
        return {
            "kind": kind,
            "period": period,
            "workers": workers,
            "amount": data.draw(amounts) if sloppy else workers * RATE,
            "reference": data.draw(st.sampled_from([*REFERENCES, None] if sloppy else REFERENCES)),
            "date": data.draw(days if sloppy else st.integers(0, 45).map(lambda d: first + timedelta(days=d))),
        }
    if kind == "claim":
        return {
            "kind": kind,
            "programme": data.draw(st.sampled_from(["JKK", "JKM", "JHT"] if sloppy else ["JKK", "JKM", "JKM"])),
            "cases": data.draw(st.integers(0, 2) if sloppy else st.just(1)),
            "amount": data.draw(amounts if sloppy else st.sampled_from([2_500_000, JKM])),
            "nik": data.draw(niks if sloppy else st.sampled_from(sorted(model.people))),
            "date": data.draw(days if sloppy else past),
        }
    if kind == "santunan":
        claimed = sorted(r["figures"]["nik"] for _, r in model.live() if r["kind"] == "claim")
        return {
            "kind": kind,
            "heir": "Ahli Waris",
            "amount": data.draw(st.sampled_from([JKM, 5_000]) if sloppy else st.just(JKM)),
            "nik": data.draw(niks if sloppy or not claimed else st.sampled_from(claimed)),
            "reason": data.draw(st.sampled_from([None, "dibayar sebagian"])),
            "date": data.draw(days if sloppy else past),
        }
    money = [(seq, r["kind"]) for seq, r in model.live()]
    if money and not sloppy:
        target, target_kind = data.draw(st.sampled_from(money))
    else:  # any entry: voided, a correction, not money, not there
        target, target_kind = data.draw(st.integers(1, len(model.records) + 4)), ""
    if kind == "void" or not target_kind:
        changes = data.draw(
            st.just({})
            if not sloppy
            else st.lists(st.sampled_from(sorted(CHANGES)), max_size=1).flatmap(
                lambda keys: st.fixed_dictionaries({k: CHANGES[k] for k in keys})
            )
        )
    elif sloppy:
        changes = data.draw(
            st.lists(st.sampled_from(sorted(CHANGES)), max_size=3, unique=True).flatmap(
                lambda keys: st.fixed_dictionaries({k: CHANGES[k] for k in keys})
            )
        )
    else:
        changes = data.draw(SENSIBLE[target_kind])
    return {
        "kind": kind,
        "corrects": target,
        "reason": data.draw(st.sampled_from(["salah ketik", " "])) if sloppy else "salah ketik",
        "changes": changes,
        "date": data.draw(days if data.draw(st.integers(0, 4)) == 0 else past),
    }


NEEDS = {
    "payment": {"period", "workers", "amount", "reference"},
    "claim": {"programme", "cases", "amount", "nik"},
    "santunan": {"heir", "amount", "nik"},
}
TAKES = {**NEEDS, "santunan": {"heir", "amount", "nik", "reason"}}


def _trimmed(f: dict[str, Any]) -> dict[str, Any]:
    """An SP2D number is kept without surrounding blanks."""
    return {**f, "reference": f["reference"].strip()} if isinstance(f.get("reference"), str) else f


class Model:
    """The rules again, as plainly as they can be said, over figures kept with full NIKs."""

    def __init__(self, replaced: bool) -> None:
        self.people = {p.nik: (p.mulai, None) for p in PEOPLE}
        if replaced:
            self.people[NIKS[0]] = (PEOPLE[0].mulai, REPLACED_ON)
            self.people[NEWCOMER.nik] = (NEWCOMER.mulai, None)
        self.records: dict[int, dict[str, Any]] = {}  # seq -> {"kind", "figures", "on", "voided"}

    def active(self, first: date) -> int:
        last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
        return sum(1 for mulai, gone in self.people.values() if mulai <= last and (gone is None or gone >= first))

    def live(self, but: int | None = None) -> list[tuple[int, dict[str, Any]]]:
        return [(s, r) for s, r in self.records.items() if r["kind"] in NEEDS and not r["voided"] and s != but]

    def ok(self, kind: str, f: dict[str, Any], on: date, but: int | None, correcting: bool) -> bool:
        others = self.live(but)
        if any(f.get(k) is None for k in NEEDS[kind]):
            return False
        if any(k not in TAKES[kind] for k in f):
            return False
        if f["amount"] <= 0:
            return False
        if kind == "payment":
            year, month = map(int, f["period"].split("-"))
            first = date(year, month, 1)
            same_year = sum(
                r["figures"]["amount"] for _, r in others if r["kind"] == "payment" and r["figures"]["period"][:4] == str(year)
            )
            return (
                f["workers"] >= 1
                and date(2025, 7, 1) <= first <= date(2027, 6, 30)
                and first <= on
                and f["workers"] <= min(QUOTA, self.active(first))
                and f["amount"] == f["workers"] * RATE
                and not any(r["kind"] == "payment" and r["figures"]["period"] == f["period"] for _, r in others)
                and not any(
                    r["kind"] == "payment" and r["figures"]["reference"].casefold() == f["reference"].strip().casefold()
                    for _, r in others
                )
                and same_year + f["amount"] <= (ALLOC_2025 if year == 2025 else ANNUAL)
            )
        mine = [r for _, r in others if r["figures"].get("nik") == f["nik"]]
        jkm_claims = [r for r in mine if r["kind"] == "claim" and r["figures"]["programme"] == "JKM"]
        if kind == "claim":
            return (
                f["programme"] in ("JKK", "JKM")
                and f["cases"] >= 1
                and f["nik"] in self.people
                and not (f["programme"] == "JKM" and jkm_claims)
            )
        return (
            f["nik"] in self.people
            and bool(jkm_claims)
            and not any(r["kind"] == "santunan" for r in mine)
            and (f["amount"] == JKM or correcting or bool(f.get("reason")))
        )

    def fix_ok(self, kind: str, target: int, reason: str, changes: dict[str, Any], on: date) -> bool:
        r = self.records.get(target)
        if not reason.strip() or r is None or r["kind"] not in NEEDS or r["voided"]:
            return False
        if kind == "void" and changes:
            return False
        new = {**r["figures"], **changes}
        if kind == "correction" and (any(k not in TAKES[r["kind"]] for k in changes) or new == r["figures"]):
            return False
        if r["kind"] == "claim" and r["figures"]["programme"] == "JKM":
            keeps = kind == "correction" and new["programme"] == "JKM" and new["nik"] == r["figures"]["nik"]
            follows = any(x["kind"] == "santunan" and x["figures"]["nik"] == r["figures"]["nik"] for _, x in self.live())
            if follows and not keeps:
                return False
        return kind == "void" or self.ok(r["kind"], new, r["on"], target, True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans(), st.data())
def test_the_ledger_accepts_exactly_what_the_rules_allow(replaced: bool, data: Any) -> None:
    """Random payments, claims, santunan, corrections and voids, valid or not: the ledger accepts exactly
    what the model allows, and the KPIs equal sums done by hand over what the model holds."""
    base = load_file(EXAMPLE / "agreement.yaml")
    terms = dataclasses.replace(
        base,
        coverage=dataclasses.replace(base.coverage, workers=QUOTA),
        funding=dataclasses.replace(base.funding, start_month=11, months=2),
    )
    assert ledger.allocation_for(terms, 2025) == ALLOC_2025 and ledger.allocation_for(terms, 2026) == ANNUAL
    versions = [ledger.ListVersion(1, date(2025, 6, 30), "participants/peserta-v1.csv", tuple(PEOPLE))]
    entries: list[dict[str, Any]] = [
        {"seq": 1, "event": "log:participants", "data": {"count": 4}, "ts": "2025-06-30T00:00:00Z", "artifacts": []}
    ]
    if replaced:
        swapped = (NEWCOMER, *PEOPLE[1:])
        versions.append(ledger.ListVersion(2, REPLACED_ON, "participants/peserta-v2.csv", swapped, replacement=True))
        entries.append(
            {
                "seq": 2,
                "event": "log:replacement",
                "data": {"date": REPLACED_ON.isoformat()},
                "ts": "2025-09-10T00:00:00Z",
                "artifacts": [],
            }
        )
    roster = ledger.Roster(tuple(versions))
    model = Model(replaced)
    for _ in range(data.draw(st.integers(0, 40))):
        step = _step(data, model)
        kind, on = step["kind"], step["date"]
        seq = len(entries) + 1
        if kind in ledger.FIXES:
            given: dict[str, Any] = {"corrects": step["corrects"], "reason": step["reason"], **step["changes"]}
            changes = _trimmed(step["changes"])
            expected = on <= TODAY and model.fix_ok(kind, step["corrects"], step["reason"], changes, on)
        else:
            given = {k: v for k, v in step.items() if k not in ("kind", "date") and v is not None}
            expected = on <= TODAY and model.ok(kind, _trimmed(given), on, None, False)
        drafted = ledger.draft(kind, {**given, "date": on.isoformat()}, entries)
        reasons = ledger.check_entry(kind, drafted, terms, roster, entries, TODAY)
        assert (not reasons) == expected, (kind, given, reasons)
        if reasons:
            continue
        recorded = ledger.finalize(kind, drafted, roster)
        assert not any(nik in json.dumps(recorded) for nik in NIKS)
        entries.append({"seq": seq, "event": f"log:{kind}", "data": recorded, "ts": "2026-01-01T00:00:00Z", "artifacts": []})
        if kind == "void":
            model.records[step["corrects"]]["voided"] = True
        elif kind == "correction":
            target = model.records[step["corrects"]]
            target["figures"] = {**target["figures"], **changes}
        model.records[seq] = {"kind": kind, "figures": _trimmed(given), "on": on, "voided": False}
    assert ledger.replay(entries, terms, roster, TODAY) == []
    live = [r for _, r in model.live()]
    pays = [r["figures"] for r in live if r["kind"] == "payment"]
    by_year: dict[int, int] = {}
    for p in pays:
        by_year[int(p["period"][:4])] = by_year.get(int(p["period"][:4]), 0) + p["amount"]
    claims: dict[str, tuple[int, int]] = {}
    for r in live:
        if r["kind"] == "claim":
            cases, amount = claims.get(r["figures"]["programme"], (0, 0))
            claims[r["figures"]["programme"]] = (cases + r["figures"]["cases"], amount + r["figures"]["amount"])
    k = kpis_of(terms, entries, [], TODAY)
    assert k.paid == sum(p["amount"] for p in pays)
    assert k.paid_by_year == by_year
    assert k.active == (max(pays, key=lambda p: p["period"])["workers"] if pays else 0)
    assert k.claims == claims
    assert k.santunan == sum(r["figures"]["amount"] for r in live if r["kind"] == "santunan")
