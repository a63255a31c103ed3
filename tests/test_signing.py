"""Signature: the final text as PDF/A, the signed scan recorded, and the signed fields frozen."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import SLUG, docx_text, tree_hash, walk_to_review
from tests.test_pdf import needs_soffice
from workflow.commands.demo import DEMO_DAY, HUKUM, OPD, SIGN_DAY, TKKSD, fill_examples, stand_in_pdf
from workflow.commands.lifecycle import advance
from workflow.records.store import FolderStore

pytestmark = [pytest.mark.slow, needs_soffice]


@pytest.fixture
def ready(root: Path) -> Path:
    """The example, facts filled as in the demo, walked to kb_ready_to_sign; returns a stand-in scan."""
    fill_examples(root / SLUG / "agreement.yaml")
    walk_to_review(root, approve=True, when=DEMO_DAY)
    scan = root.parent / "kb-ttd.pdf"
    scan.write_bytes(stand_in_pdf(["CONTOH", "Kesepakatan Bersama ditandatangani"]))
    return scan


def _sign(run: Callable[..., Result], scan: Path, day: date = SIGN_DAY, *extra: str) -> Result:
    return run(
        "sign",
        SLUG,
        "--file",
        str(scan),
        "--date",
        day.isoformat(),
        "--as",
        TKKSD,
        *extra,
        env={"MOU_TODAY": SIGN_DAY.isoformat()},
    )


def test_sign_records_final_text_pdfa_scan_and_frozen_fields(ready: Path, root: Path, run: Callable[..., Result]) -> None:
    """`mou sign` moves to kb_signed and records the final .docx, its PDF/A-2b, the scan and the signed fields."""
    from workflow.documents.pdf import content_sha256, pdfa_part, to_pdf

    result = _sign(run, ready)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"{SLUG}: sign_kb by {TKKSD}: kb_ready_to_sign -> kb_signed [entry 10]"
    folder = root / SLUG / "signed" / "kb-e10"
    assert sorted(p.name for p in folder.iterdir()) == [
        "agreement.yaml",
        "fields.json",
        "naskah-final.docx",
        "naskah-final.pdf",
        "signature.json",
        "ttd-1-kb-ttd.pdf",
    ]
    assert pdfa_part(folder / "naskah-final.pdf") == "2B"
    entry = json.loads((root / SLUG / "history.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    pdf_record = next(a for a in entry["artifacts"] if a["path"].endswith("naskah-final.pdf"))
    again = to_pdf([folder / "naskah-final.docx"], root.parent / "again", pdfa=True)[0]  # a second conversion ...
    assert again.read_bytes() != (folder / "naskah-final.pdf").read_bytes()  # ... never has the same bytes,
    assert content_sha256(again) == pdf_record["content_sha256"]  # but the same content hash
    final = docx_text(folder / "naskah-final.docx")
    assert "Rancangan" not in final.splitlines()[0]
    # the demo's invented signing date is listed in examples:, so the final text marks it
    assert "Pada hari ini [CONTOH] Selasa tanggal dua puluh empat bulan Juni tahun dua ribu dua puluh lima" in final
    assert (folder / "ttd-1-kb-ttd.pdf").read_bytes() == ready.read_bytes()
    fields = json.loads((folder / "fields.json").read_text(encoding="utf-8"))
    assert fields["parties.pemda.nomor"] == "[CONTOH] 000.8.3.3/001/KB/2025"
    assert fields["budget.annual"] == 201_600_000
    assert "people" not in fields and "technical_team.members" not in fields
    details = json.loads((folder / "signature.json").read_text(encoding="utf-8"))
    assert (details["signed_on"], details["place"], details["meterai"]) == ("2025-06-24", "Pasarwajo", True)
    verified = run("verify", SLUG)
    assert verified.exit_code == 0, verified.stderr
    assert verified.stdout == f"{SLUG}: ok - 10 entries, state kb_signed, 12 documents match\n"


def test_a_frozen_field_changed_after_signature_is_reported(ready: Path, yaml_file: Path, run: Callable[..., Result]) -> None:
    """Editing a field the signed text used makes check and verify exit 1 naming it; monitoring data stays free."""
    assert _sign(run, ready).exit_code == 0
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(
        text.replace("    - Kepala Dinas Sosial Kabupaten Buton                # [I]", "    - Kepala Dinas Sosial"),
        encoding="utf-8",
    )
    assert run("verify", SLUG).exit_code == 0  # technical_team.members is not in the signed text
    yaml_file.write_text(text.replace("  workers: 1000", "  workers: 1200"), encoding="utf-8")
    for command in ("check", "verify"):
        result = run(command, SLUG)
        assert result.exit_code == 1
        lines = result.stderr.splitlines()
        assert (
            f"Error: {yaml_file}: coverage.workers: signed as 1000 in entry 10, now 1200; "
            "a signed text changes only through an adendum" in lines
        )
        assert any(
            line.startswith(f"Error: {yaml_file}: budget.annual: signed as 201600000 in entry 10, now 241920000")
            for line in lines
        )


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ({"day": date(2025, 6, 30)}, "signed date 2025-06-30 is in the future"),
        ({"day": date(2025, 6, 1)}, "signed date 2025-06-01 is before the approval of 2025-06-24"),
        ({"scan": "not-a-pdf"}, "is not a readable PDF"),
    ],
    ids=["future", "before-approval", "not-pdf"],
)
def test_sign_refusals_change_nothing(
    args: dict[str, object], reason: str, ready: Path, root: Path, run: Callable[..., Result]
) -> None:
    """A future date, a date before approval or a file that is not a PDF is refused; nothing is written."""
    scan = ready
    if args.get("scan"):
        scan = root.parent / "scan.pdf"
        scan.write_bytes(b"JPEG pretending")
    day = args.get("day", SIGN_DAY)
    assert isinstance(day, date)
    before = tree_hash(root)
    result = _sign(run, scan, day)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot move to kb_signed: ")
    assert reason in result.stderr
    assert tree_hash(root) == before


def test_data_changed_after_approval_blocks_signature(ready: Path, yaml_file: Path, run: Callable[..., Result]) -> None:
    """If agreement.yaml changed after the legal review approved it, signing is refused."""
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("  workers: 1000", "  workers: 900"), encoding="utf-8")
    result = _sign(run, ready)
    assert result.exit_code == 1
    assert "agreement.yaml changed since the approval in entry 8: coverage.workers" in result.stderr


def test_advance_cannot_bypass_the_signature_record(ready: Path, run: Callable[..., Result]) -> None:
    """`mou advance sign_kb` is refused: a signature is recorded with its signed file by `mou sign`."""
    result = run("advance", SLUG, "sign_kb", "--as", TKKSD)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: sign_kb records a signature: it is recorded with the signed files and the signing date\n"
        f"Hint: use mou sign {SLUG} --document kb --file SIGNED.pdf --date YYYY-MM-DD\n"
    )


def test_adendum_is_drafted_reviewed_signed_and_changes_the_terms_in_force(
    ready: Path, root: Path, run: Callable[..., Result]
) -> None:
    """After the KB is signed, an adendum goes through its own draft, review and signature; the KB stays untouched."""
    from tests.test_lifecycle import PKS

    assert _sign(run, ready).exit_code == 0
    kb_before = tree_hash(root / SLUG / "signed" / "kb-e10")
    yaml_file = root / SLUG / "agreement.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8") + PKS, encoding="utf-8")  # not a signed field
    store = FolderStore(root)
    from workflow.commands.participants import import_participants, synthetic

    listing = root.parent / "peserta.csv"  # Lampiran I of the PKS lists them
    listing.write_text(synthetic(1000, date(2025, 7, 1)), encoding="utf-8")
    import_participants(store, SLUG, listing, OPD)
    for event, actor in [("start_pks_draft", OPD), ("request_pks_review", OPD), ("approve_pks", HUKUM)]:
        advance(store, SLUG, event, actor, when=SIGN_DAY)
    pks_scan = root.parent / "pks-ttd.pdf"
    pks_scan.write_bytes(stand_in_pdf(["CONTOH", "Perjanjian Kerja Sama ditandatangani"]))
    pks = _sign(run, pks_scan, SIGN_DAY, "--document", "pks", "--as", OPD)  # the last --as wins
    assert pks.exit_code == 0, pks.stderr
    assert run("advance", SLUG, "start_implementation", "--as", OPD, env={"MOU_TODAY": "2025-07-01"}).exit_code == 0
    amend = run("advance", SLUG, "amend", "--as", OPD, env={"MOU_TODAY": "2025-09-01"})
    assert amend.exit_code == 0, amend.stderr
    assert amend.stdout.splitlines()[1] == "  documents/amendment/adendum-v1.docx"
    draft = docx_text(root / SLUG / "documents" / "amendment" / "adendum-v1.docx")
    assert "ADENDUM PERTAMA" in draft
    assert "1.\tPasal 6 ayat (1) diubah sehingga berbunyi sampai dengan tanggal 31 Desember 2027." in draft
    assert "Nomor [CONTOH] 000.8.3.3/001/KB/2025 dan Nomor [CONTOH] KB/001/KC-BAUBAU/2025 tanggal [CONTOH] 24 Juni 2025" in draft
    for event, actor in [("request_amendment_review", OPD), ("approve_amendment", HUKUM)]:
        advance(store, SLUG, event, actor, when=date(2025, 9, 1))
    add_scan = root.parent / "adendum-ttd.pdf"
    add_scan.write_bytes(stand_in_pdf(["CONTOH", "Adendum ditandatangani"]))
    signed = run(
        "sign",
        SLUG,
        "--document",
        "adendum",
        "--file",
        str(add_scan),
        "--date",
        "2025-10-09",
        "--as",
        TKKSD,
        env={"MOU_TODAY": "2025-10-09"},
    )
    assert signed.exit_code == 0, signed.stderr
    assert "sign_amendment" in signed.stdout and "-> implementation" in signed.stdout
    assert tree_hash(root / SLUG / "signed" / "kb-e10") == kb_before  # the signed KB is untouched
    assert sorted(p.name.split("-e")[0] for p in (root / SLUG / "signed").iterdir()) == ["adendum", "kb", "pks"]
    status = run("status", SLUG, env={"MOU_TODAY": "2025-10-09"})
    assert "Terms in force: the signed text and 1 signed adendum." in status.stdout
    assert "  2027-12-31 end of term" in status.stdout  # the adendum moved the end of the term
    assert run("verify", SLUG).exit_code == 0


def test_status_shows_the_signature_blocked_when_the_data_changed_after_approval(
    ready: Path, yaml_file: Path, run: Callable[..., Result]
) -> None:
    """What `mou sign` refuses, `mou status` does not call ready: the changed field is named there too."""
    before = run("status", SLUG)
    assert re.search(r"sign_kb -> kb_signed \[tkksd\] ready", before.stdout), before.stdout
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("  workers: 1000", "  workers: 900"), encoding="utf-8")
    after = run("status", SLUG)
    line = next(line for line in after.stdout.splitlines() if "sign_kb" in line)
    assert "blocked: agreement.yaml changed since the approval in entry 8: coverage.workers" in line
