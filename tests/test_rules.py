"""Nothing wrong is signed or recorded: signing guards on the text itself, one actor rule, one due-date rule,
one terms-in-force rule, and `mou verify` re-checking the rules of a consistently re-hashed history."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import SLUG, stand_in_pdfs, tree_hash
from tests.test_lifecycle import KSDPK, PKS, day_for, fire, path_to, ready_agreement
from workflow.commands.demo import HUKUM, OPD, TKKSD, stand_in_pdf
from workflow.commands.lifecycle import advance
from workflow.commands.verify import verify
from workflow.records import history
from workflow.records.store import Store


@pytest.fixture
def fast_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The walks sign several times: a stand-in replaces LibreOffice (test_signing converts for real).

    Not autouse: the session's demo (``demo_out``) must never be made with the stand-in.
    """
    stand_in_pdfs(monkeypatch)


NO_ADENDUM_FACTS = PKS.replace("nomor_pemda: 000.8.3.3/003/ADD/2025", "nomor_pemda:").replace(
    "nomor_partner: ADD/001/KC-BAUBAU/2025", "nomor_partner:"
)
NO_ADENDUM_FACTS = NO_ADENDUM_FACTS.replace("    date: 2025-10-09\n", "    date:\n")


def _with(root: Path, pks_block: str) -> Store:
    """The example filled as the demo fills it, with ``pks_block`` (PKS facts and an adendum) appended."""
    store = ready_agreement(root)
    path = root / SLUG / "agreement.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(PKS, pks_block), encoding="utf-8")
    return store


def _walk(store: Store, to: str) -> None:
    for step in path_to(KSDPK, to):
        fire(store, KSDPK, step)


def _opd_only_implementing(root: Path) -> Store:
    """The example walked to implementation, its Dinas Tenaga Kerja holding opd_teknis only (no tim_teknis)."""
    store = ready_agreement(root)
    path = root / SLUG / "agreement.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("roles: [opd_teknis, tim_teknis]", "roles: [opd_teknis]"), encoding="utf-8"
    )
    _walk(store, "implementation")
    return store


def _scan(root: Path, name: str) -> Path:
    scan = root.parent / name
    scan.write_bytes(stand_in_pdf(["CONTOH", name]))
    return scan


# --- 1. a signed adendum full of placeholders -------------------------------------------------------------


@pytest.mark.usefixtures("fast_pdf")
def test_adendum_without_its_own_nomor_and_date_is_not_signed(root: Path, run: Callable[..., Result]) -> None:
    """Finding 1: the adendum's nomor pair and date are empty, so its text shows placeholders: refused, nothing written."""
    store = _with(root, NO_ADENDUM_FACTS)
    _walk(store, "amendment_review")
    when = day_for(store, "sign_amendment")
    advance(store, SLUG, "approve_amendment", HUKUM, when=when)
    before = tree_hash(root)
    result = run(
        "sign", SLUG, "--document", "adendum", "--file", str(_scan(root, "add.pdf")), "--date", when.isoformat(),
        "--as", TKKSD, env={"MOU_TODAY": when.isoformat()},
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot move to implementation: "
        "amendments[1].nomor_pemda is empty: the Adendum Pertama has no nomor of its own yet; "
        "amendments[1].nomor_partner is empty: the Adendum Pertama has no nomor of its own yet; "
        "amendments[1].date is empty: the date the Adendum Pertama is signed must be in its text; "
        "the final text still shows [NOMOR ADENDUM PIHAK KEDUA], [NOMOR ADENDUM PIHAK KESATU], "
        "[TANGGAL PENANDATANGANAN ADENDUM]\n"
    )
    assert tree_hash(root) == before


@pytest.mark.usefixtures("fast_pdf")
def test_signed_adendum_carries_its_own_nomor(root: Path) -> None:
    """With its facts filled, the adendum is signed and its signature.json names its own nomor and title."""
    store = ready_agreement(root)
    _walk(store, "amendment_review")
    fire(store, KSDPK, "sign_amendment")
    (folder,) = (root / SLUG / "signed").glob("adendum-e*")
    details = json.loads((folder / "signature.json").read_text(encoding="utf-8"))
    assert details["nomor"] == ["000.8.3.3/003/ADD/2025", "ADD/001/KC-BAUBAU/2025"]
    assert details["title"] == "Adendum Pertama"
    assert details["signed_on"] == "2025-10-09"


@pytest.mark.usefixtures("fast_pdf")
def test_signed_date_must_be_the_date_the_text_states(root: Path, run: Callable[..., Result]) -> None:
    """A --date other than signing.date would record a day the signed text does not say: refused."""
    store = ready_agreement(root)
    _walk(store, "kb_ready_to_sign")
    result = run(
        "sign", SLUG, "--file", str(_scan(root, "kb.pdf")), "--date", "2025-06-23", "--as", TKKSD,
        env={"MOU_TODAY": "2025-06-24"},
    )  # fmt: skip
    assert result.exit_code == 1
    assert "signed date 2025-06-23 differs from signing.date 2025-06-24, the date its text states" in result.stderr


# --- 2. a PKS signed without a PKS -------------------------------------------------------------------------


@pytest.mark.usefixtures("fast_pdf")
def test_pks_needs_its_own_nomor_date_and_file(root: Path, run: Callable[..., Result]) -> None:
    """Finding 2: no PKS nomor, no PKS date, and the KB's scan offered as the signed PKS: every reason, nothing written."""
    no_pks = PKS.replace("  nomor_pemda: 000.8.3.3/002/PKS/2025\n", "  nomor_pemda:\n")
    no_pks = no_pks.replace("  nomor_partner: PKS/001/KC-BAUBAU/2025\n", "  nomor_partner:\n").replace(
        "  date: 2025-06-24\n", "  date:\n"
    )
    store = _with(root, no_pks)
    _walk(store, "kb_ready_to_sign")
    kb_scan = _scan(root, "kb.pdf")
    assert run("sign", SLUG, "--file", str(kb_scan), "--as", TKKSD, env={"MOU_TODAY": "2025-06-24"}).exit_code == 0
    for event, actor in [("start_pks_draft", OPD), ("request_pks_review", OPD), ("approve_pks", HUKUM)]:
        advance(store, SLUG, event, actor, when=date(2025, 6, 24))
    before = tree_hash(root)
    result = run(
        "sign", SLUG, "--document", "pks", "--file", str(kb_scan), "--date", "2025-06-24", "--as", OPD,
        env={"MOU_TODAY": "2025-06-24"},
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot move to pks_signed: "
        "pks.nomor_pemda is empty: the Perjanjian Kerja Sama has no nomor of its own yet; "
        "pks.nomor_partner is empty: the Perjanjian Kerja Sama has no nomor of its own yet; "
        "pks.date is empty: the date the Perjanjian Kerja Sama is signed must be in its text; "
        "kb.pdf is the signed file already recorded by sign_kb in entry 10 (same SHA-256); "
        "the final text still shows [DAFTAR PESERTA BELUM DILAMPIRKAN], [NOMOR PKS PIHAK KEDUA], "
        "[NOMOR PKS PIHAK KESATU], [TANGGAL PENANDATANGANAN PKS]\n"
    )
    assert tree_hash(root) == before


@pytest.mark.usefixtures("fast_pdf")
def test_pks_is_listed_under_its_own_nomor(root: Path, run: Callable[..., Result]) -> None:
    """The signed PKS records its own nomor pair, and the JDIH export lists it under that nomor, not the KB's."""
    store = ready_agreement(root)
    _walk(store, "pks_signed")
    assert run("export", SLUG, "--jdih").exit_code == 0
    records = json.loads((root / SLUG / "jdih.json").read_text(encoding="utf-8"))
    assert [(r["judul"], r["nomor"]) for r in records] == [
        ("Kesepakatan Bersama", "[CONTOH] 000.8.3.3/001/KB/2025 ; [CONTOH] KB/001/KC-BAUBAU/2025"),
        ("Perjanjian Kerja Sama", "000.8.3.3/002/PKS/2025 ; PKS/001/KC-BAUBAU/2025"),
    ]


# --- 4. one rule for who acted ------------------------------------------------------------------------------


@pytest.mark.usefixtures("fast_pdf")
def test_recorded_role_is_one_the_person_holds(root: Path, run: Callable[..., Result]) -> None:
    """Finding 4: someone holding only opd_teknis who imports participants is recorded as opd_teknis, never tim_teknis."""
    _opd_only_implementing(root)
    from workflow.commands.participants import synthetic

    listing = root.parent / "peserta.csv"
    listing.write_text(synthetic(40, date(2025, 7, 1)), encoding="utf-8")
    result = run("participants", "import", SLUG, str(listing), env={"MOU_ACTOR": OPD, "MOU_TODAY": "2025-07-02"})
    assert result.exit_code == 0, result.stderr
    last = history.check_chain(root / SLUG)[-1]
    assert (last["event"], last["actor"], last["role"]) == ("log:participants", OPD, "opd_teknis")
    outsider = run("participants", "import", SLUG, str(listing), "--as", "Alvin")
    assert outsider.exit_code == 1
    assert outsider.stderr == (
        "Error: cannot record a participant list: Alvin holds bupati, but a participant list needs tim_teknis or opd_teknis\n"
    )


# --- 5. one due-date rule, 6. one terms-in-force rule ------------------------------------------------------


def test_status_due_list_and_dashboard_agree_on_what_is_due(demo_out: Path, tmp_path: Path, run_in: Any) -> None:
    """Finding 5: on the demo as of 2026-01-15 every view names the same overdue report; signing is no longer due."""
    root = run_in.copy(demo_out)
    env = {"MOU_TODAY": "2026-01-15"}
    status = json.loads(run_in(root, "status", SLUG, "--json", env=env).stdout)
    due = run_in(root, "due", "--within", "1000", env=env).stdout.splitlines()
    rows = json.loads(run_in(root, "list", "--json", env=env).stdout)
    page = tmp_path / "dasbor.html"
    assert run_in(root, "dashboard", "--out", str(page), env=env).exit_code == 0
    shown = [(d["when"], d["what"], d["overdue"]) for d in status["due"]]
    assert ("2025-12-31", "monitoring report", True) in shown
    assert not [d for d in shown if d[1] == "signing"]  # signed: the signing date is no longer due
    assert [line.split(None, 2) for line in due] == [[w, SLUG, f"{t} (overdue)" if o else t] for w, t, o in shown]
    assert (rows[0]["next_deadline"]["when"], rows[0]["next_deadline"]["what"]) == shown[0][:2]
    html = page.read_text(encoding="utf-8")
    assert '<dt class="late">Terlambat</dt><dd class="late">31 Desember 2025 (laporan monev)</dd>' in html


@pytest.mark.usefixtures("fast_pdf")
def test_nothing_about_the_term_is_due_before_signature(root: Path, run: Callable[..., Result]) -> None:
    """Before any signature only the signing date is due (and overdue once it has passed)."""
    ready_agreement(root)
    status = json.loads(run("status", SLUG, "--json", env={"MOU_TODAY": "2025-07-01"}).stdout)
    assert [(d["when"], d["what"], d["overdue"]) for d in status["due"]] == [("2025-06-24", "signing", True)]


@pytest.mark.usefixtures("fast_pdf")
def test_every_view_shows_the_end_of_term_an_adendum_set(root: Path, run: Callable[..., Result], tmp_path: Path) -> None:
    """Finding 6: after the signed adendum (term.end 2027-12-31), list, status, dashboard and JDIH all say so."""
    store = ready_agreement(root)
    _walk(store, "amendment_review")
    fire(store, KSDPK, "sign_amendment")
    env = {"MOU_TODAY": "2025-10-10"}
    rows = json.loads(run("list", "--json", env=env).stdout)
    status = json.loads(run("status", SLUG, "--json", env=env).stdout)
    assert rows[0]["term_end"] == "2027-12-31"
    assert ("2027-12-31", "end of term") in [(d["when"], d["what"]) for d in status["due"]]
    page = tmp_path / "dasbor.html"
    assert run("dashboard", "--out", str(page), env=env).exit_code == 0
    assert "1 Juli 2025 s.d. 31 Desember 2027" in page.read_text(encoding="utf-8")
    assert run("export", SLUG, "--jdih").exit_code == 0
    records = json.loads((root / SLUG / "jdih.json").read_text(encoding="utf-8"))
    assert {r["berlaku_sampai"] for r in records} == {"2027-12-31"}


# --- 7. verify checks the rules, not only the hashes -------------------------------------------------------


def _rewrite(folder: Path, change: Callable[[int, dict[str, Any]], None]) -> None:
    """Rewrite the history with ``change`` applied, every hash recomputed by the project's own code."""
    entries = history.check_chain(folder)
    (folder / history.HISTORY_FILE).unlink()
    rebuilt: list[dict[str, Any]] = []
    for n, e in enumerate(entries, 1):
        body = {k: v for k, v in e.items() if k not in ("seq", "prev", "hash")}
        change(n, body)
        rebuilt.append(history.append(folder, rebuilt, body))


@pytest.fixture
def walked(root: Path, fast_pdf: None) -> Store:
    store = ready_agreement(root)
    _walk(store, "pks_signed")
    assert verify(store, SLUG).problem is None
    return store


def _seq(store: Store, event: str) -> int:
    return next(e["seq"] for e in history.check_chain(store.folder(SLUG)) if e["event"] == event)


@pytest.mark.parametrize(
    ("event", "change", "rule"),
    [
        (
            "approve_kb",
            {"actor": "Alvin", "role": "bupati"},
            "role: approve_kb recorded under role bupati, but it needs bag_hukum",
        ),
        ("approve_kb", {"actor": "Alvin"}, "role: Alvin did not hold bag_hukum when it was recorded (held bupati)"),
        ("approve_kb", {"ts": "2020-01-01T00:00:00Z"}, "time order: recorded at 2020-01-01T00:00:00Z, before entry"),
        ("sign_kb", {"artifacts": []}, "signature: sign_kb recorded without its signed file and signature.json"),
    ],
    ids=["role-not-allowed", "role-not-held", "time-backwards", "signature-without-file"],
)
def test_a_consistently_rehashed_history_that_breaks_a_rule_fails_verify(
    walked: Store, event: str, change: dict[str, Any], rule: str
) -> None:
    """Finding 7: every hash is recomputed, yet verify names the entry and the rule it breaks."""
    seq = _seq(walked, event)
    _rewrite(walked.folder(SLUG), lambda n, body: body.update(change) if n == seq else None)
    problem = verify(walked, SLUG).problem
    assert problem is not None
    assert problem.startswith(f"{walked.folder(SLUG) / 'history.jsonl'}:{seq}: entry {seq}: {rule}")


# --- 9. the demo marks its invented signing date -----------------------------------------------------------


def test_demo_final_text_marks_the_invented_signing_date(demo_out: Path) -> None:
    """The signed final KB prints the demo's invented signing date marked [CONTOH], like its other invented values."""
    from workflow.documents.textdiff import document_lines

    (final,) = (demo_out / "agreements" / SLUG / "signed").glob("kb-e*/naskah-final.docx")
    text = "\n".join(document_lines(final))
    assert "Pada hari ini [CONTOH] Selasa tanggal dua puluh empat bulan Juni tahun dua ribu dua puluh lima" in text
    assert "[CONTOH] 000.8.3.3/001/KB/2025" in text


@pytest.fixture
def run_in() -> Any:
    """Run the CLI on another root: ``run_in(root, *args, env=...)``; ``run_in.copy(demo_out)`` copies the demo's agreements."""
    import shutil
    import tempfile

    from click.testing import CliRunner

    import cli

    def invoke(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(cli.main, ["--root", str(root), *args], env=env, catch_exceptions=False)

    def copy(demo: Path) -> Path:
        target = Path(tempfile.mkdtemp(prefix="mou-rules-")) / "agreements"
        shutil.copytree(demo / "agreements", target)
        return target

    invoke.copy = copy  # type: ignore[attr-defined]
    return invoke


def test_a_rewritten_payment_fails_verify_by_the_ledger_rules(demo_out: Path, run_in: Any) -> None:
    """Finding 7, money: a payment's amount changed and every hash recomputed; verify names the entry and the rule."""
    root = run_in.copy(demo_out)
    folder = root / SLUG
    seq = next(e["seq"] for e in history.check_chain(folder) if e["event"] == "log:payment")
    assert run_in(root, "verify", SLUG).exit_code == 0

    def inflate(n: int, body: dict[str, Any]) -> None:
        if n == seq:
            body["data"] = {**body["data"], "amount": 17_000_000}

    _rewrite(folder, inflate)
    result = run_in(root, "verify", SLUG)
    assert result.exit_code == 1
    assert f"history.jsonl:{seq}: entry {seq}: rate: amount Rp17.000.000 ≠ 1.000 × Rp16.800 = Rp16.800.000" in result.stderr


@pytest.mark.usefixtures("fast_pdf")
def test_a_milestone_is_recorded_under_the_role_the_person_holds(root: Path, run: Callable[..., Result]) -> None:
    """Finding 4: a milestone logged by someone holding only opd_teknis is recorded as opd_teknis, not tim_teknis."""
    store = _opd_only_implementing(root)
    result = run("log", SLUG, "meeting", "--note", "Rapat koordinasi", env={"MOU_ACTOR": OPD, "MOU_TODAY": "2025-07-02"})
    assert result.exit_code == 0, result.stderr
    last = history.check_chain(root / SLUG)[-1]
    assert (last["event"], last["role"]) == ("log:meeting", "opd_teknis")
    assert verify(store, SLUG).problem is None


def test_every_command_resolves_the_actor_the_same_way(root: Path, run: Callable[..., Result]) -> None:
    """--as beats MOU_ACTOR, MOU_ACTOR beats the login name, for a render as for an event."""
    import getpass

    env = {"MOU_ACTOR": HUKUM}
    assert run("render", SLUG, "--stage", "fgd", env=env).exit_code == 0
    assert run("render", SLUG, "--stage", "fgd", "--as", OPD, env=env).exit_code == 0
    assert run("render", SLUG, "--stage", "fgd").exit_code == 0
    actors = [e["actor"] for e in history.check_chain(root / SLUG)]
    assert actors == [HUKUM, OPD, getpass.getuser()]
    refused = run("advance", SLUG, "hold_fgd", env=env)  # MOU_ACTOR taken as for the render: the Bagian Hukum
    assert refused.stderr == f"Error: cannot move to fgd_held: {HUKUM} holds bag_hukum, but hold_fgd needs opd_teknis or tkksd\n"
    nobody = run("advance", SLUG, "hold_fgd")  # no --as, no MOU_ACTOR: the login name, as the render took it
    assert nobody.stderr.startswith(f"Error: '{getpass.getuser()}' is not among the people of {SLUG} (")
    assert run("advance", SLUG, "hold_fgd", "--as", OPD, env=env).exit_code == 0
