"""The embedded example, run on a copy: the Buton x BPJS Ketenagakerjaan agreement.

The demo walks the copy from the FGD to a signed Kesepakatan Bersama: FGD documents, the KSDPK
steps, draft v1, a legal review that asks for changes, draft v2, an approval, the final text as
PDF/A and a generated stand-in for the signed scan, marked as a demo file, and the BagIt archive of
the signed version. It then imports 1.000 synthetic participants, drafts the Perjanjian Kerja Sama
(Lampiran I lists them), signs it and records a quarter of monitoring. Facts the
real file leaves unknown (nomor, NPK, addresses, the signing date) are filled in the copy with values
marked [CONTOH], so nobody mistakes them for real ones.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from workflow import shipped
from workflow.commands.lifecycle import advance, process_titles, record_render
from workflow.commands.render import Rendered
from workflow.errors import MouError, titled
from workflow.i18n import _, money
from workflow.records.store import AGREEMENT_FILE, FolderStore, Store

EXAMPLE_SLUG = "buton-bpjstk-2025"
MARKER = ".mou-demo"
DEMO_DAY = date(2025, 6, 16)  # the demo's "today", so dates in the story agree with the 2025 term
SIGN_DAY = date(2025, 6, 24)
REPORT_DAY = date(2025, 10, 1)
PKS_SIGNER = """
# Added by mou demo: the Kepala Dinas signs the PKS under a surat kuasa of the Bupati; the tim teknis
# is formed by a Keputusan Bupati once the PKS is signed.
pks:
  signer:
    name: La Ode Contoh, S.STP., M.Si.  # filled by mou demo
    position: Kepala Dinas Tenaga Kerja Kabupaten Buton
    rank: Pembina Utama Muda (IV/c)  # filled by mou demo
    id:
      kind: NIP
      number: 19750101 200001 1 001  # filled by mou demo
  surat_kuasa: '[CONTOH] 180/012/SK/2025'  # filled by mou demo
  nomor_pemda: '[CONTOH] 000.8.3.3/002/PKS/2025'  # filled by mou demo
  nomor_partner: '[CONTOH] PKS/001/KC-BAUBAU/2025'  # filled by mou demo
  date: 2025-06-24  # filled by mou demo

power_of_attorney:
  date: 2025-06-20  # filled by mou demo

team_decree:
  date: 2025-06-30  # filled by mou demo
  budget_regulation:  # unknown: the Keputusan shows a placeholder
"""

RECONCILIATION = """
# Added by mou demo: the reconciliation of July 2025 between the Dinas and BPJS Ketenagakerjaan.
reconciliation:
  period: 2025-07-01
  date: 2025-08-05  # filled by mou demo
  nomor_pemda: '[CONTOH] 000.8.3.3/021/BA/2025'  # filled by mou demo
  nomor_partner: '[CONTOH] BA/007/KC-BAUBAU/2025'  # filled by mou demo
  unit: Dinas Tenaga Kerja
  lead_nip:
  listed: 1000
  registered: 1000
  active: 1000
  paid: 16800000
  payment_reference: CONTOH-SP2D-2025-07
"""

OPD = "Dinas Tenaga Kerja Kabupaten Buton"
TKKSD = "Bagian Kerja Sama Setda Kabupaten Buton"
HUKUM = "Bagian Hukum Setda Kabupaten Buton"
REVIEW_NOTE = "Lengkapi nomor kedua pihak, NPK, dasar pengangkatan, alamat, dan tetapkan tanggal penandatanganan."

# Unknown facts of the example, filled in the demo's copy only: (field path, YAML value).
EXAMPLES = [
    ("parties.pemda.address", "'[CONTOH] Kantor Bupati Buton, Pasarwajo'"),  # i18n: not translated (demo data)
    ("parties.pemda.nomor", "'[CONTOH] 000.8.3.3/001/KB/2025'"),
    (
        "parties.pemda.appointment",
        "'[CONTOH] Keputusan Menteri Dalam Negeri tentang pengesahan pengangkatan Bupati Buton'",  # i18n: not translated (data)
    ),
    ("parties.partner.address", "'[CONTOH] Kantor Cabang BPJS Ketenagakerjaan Baubau'"),  # i18n: not translated (demo data)
    ("parties.partner.nomor", "'[CONTOH] KB/001/KC-BAUBAU/2025'"),  # i18n: not translated (demo data)
    ("parties.partner.representative.id.number", "'[CONTOH] 000000'"),
    (
        "parties.partner.appointment",
        "'[CONTOH] Keputusan Direksi BPJS Ketenagakerjaan tentang pengangkatan"  # i18n: not translated (demo data)
        " Kepala Kantor Cabang'",
    ),
    ("signing.date", "2025-06-24"),
]
MARKED = [path for path, _value in EXAMPLES] + ["pks.nomor_pemda", "pks.nomor_partner", "pks.date"]
SIGNER_MARKED = [
    "pks.signer.name",
    "pks.signer.rank",
    "pks.signer.id.number",
    "pks.surat_kuasa",
    "power_of_attorney.date",
    "team_decree.date",
]
RECONCILIATION_MARKED = ["reconciliation.date", "reconciliation.nomor_pemda", "reconciliation.nomor_partner"]
"""Invented values the demo adds with the PKS signatory and the reconciliation, listed in ``examples:`` then."""


def _append(store: Store, block: str, marked: list[str]) -> None:
    """Add ``block`` to the copy's agreement.yaml and its invented values to the ``examples:`` list."""
    text = store.read(EXAMPLE_SLUG, AGREEMENT_FILE).decode("utf-8")
    listed = "".join(f"  - {path}\n" for path in marked)
    text = text.replace("\nexamples:\n", "\nexamples:\n" + listed, 1)
    store.replace(EXAMPLE_SLUG, AGREEMENT_FILE, (text + block).encode("utf-8"))


"""Every invented value, listed in the copy's ``examples:`` so each document prints it marked [CONTOH]."""


@dataclass(frozen=True)
class Step:
    """One thing the demo did."""

    what: str
    documents: list[Rendered]


@dataclass(frozen=True)
class DemoResult:
    """Where the demo copied the example and what it did."""

    root: Path
    steps: list[Step]
    state: str
    diff: list[str]
    kpis: Any

    @property
    def slug(self) -> str:
        """The slug of the example agreement the demo walked."""
        return EXAMPLE_SLUG

    @property
    def documents(self) -> list[Rendered]:
        """Every document produced, in order."""
        return [d for s in self.steps for d in s.documents]


def demo(out: Path) -> DemoResult:
    """Copy the shipped example into ``out`` and walk it through signature.

    ``out`` must be empty, missing, or an earlier demo (which is replaced); the shipped example is
    never touched. The agreement is created and changed through its store (``out/agreements``); the
    stand-in scans and the participants' listing it hands to the commands are files of ``out`` beside it.
    """
    from workflow.commands.archive import archive
    from workflow.commands.diff import diff_versions
    from workflow.commands.lifecycle import status
    from workflow.commands.signing import sign
    from workflow.commands.verify import verify

    if out.exists():
        if not out.is_dir():
            raise MouError(_("{out} is a file, expected a folder for the demo").format(out=out))
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise MouError(
                _("{out} is not empty and holds no earlier demo").format(out=out), rule="demo.out", figures={"out": str(out)}
            )
        shutil.rmtree(out)  # an earlier demo: the user's folder, agreements and all
    out.mkdir(parents=True)
    (out / MARKER).write_text("made by mou demo; safe to delete\n", encoding="utf-8")
    store = FolderStore(out / "agreements")
    store.create(EXAMPLE_SLUG, (shipped.examples() / EXAMPLE_SLUG / AGREEMENT_FILE).read_bytes())
    steps: list[Step] = []

    def render(stage: str, actor: str) -> None:
        what = _("render {stage} by {actor}").format(stage=stage, actor=actor)
        steps.append(Step(what, record_render(store, EXAMPLE_SLUG, [stage], None, actor)))

    def fire(event: str, actor: str, note: str = "") -> None:
        entry = advance(store, EXAMPLE_SLUG, event, actor, note, when=DEMO_DAY)
        docs = _rendered(store, entry["artifacts"])
        steps.append(Step(_("{event} by {actor}: {source} -> {target}").format(**_move(event, actor, entry)), docs))

    render("fgd", OPD)
    fire("hold_fgd", OPD)
    fire("start_preparation", OPD)
    render("preparation", OPD)  # the KAK and the Surat Inisiasi to the Sekda
    fire("submit_to_tkksd", OPD)
    render("tkksd", TKKSD)  # the Telaahan Staf and the BA Rapat TKKSD
    fire("tkksd_feasible", TKKSD)
    render("offer", TKKSD)  # the Surat Penawaran to the partner
    fire("start_kb_draft", TKKSD)
    fire("request_kb_review", TKKSD)
    fire("request_kb_changes", HUKUM, REVIEW_NOTE)
    fill_example_facts(store, EXAMPLE_SLUG)
    steps.append(Step(_("filled {count} unknown facts with [CONTOH] values in the copy").format(count=len(EXAMPLES)), []))
    render("draft_kb", TKKSD)
    fire("request_kb_review", TKKSD)
    fire("approve_kb", HUKUM)
    fire("ready_to_sign", TKKSD)
    scan = out / "CONTOH-scan-kb-ditandatangani.pdf"
    scan.write_bytes(
        stand_in_pdf(
            ["CONTOH - BUKAN DOKUMEN ASLI", "Pengganti pindaian Kesepakatan Bersama yang ditandatangani", "dibuat oleh mou demo"]
        )
    )
    entry = sign(store, EXAMPLE_SLUG, "kb", [scan], SIGN_DAY, actor=TKKSD, when=SIGN_DAY)
    what = _("sign kb by {actor}: {source} -> {target} (stand-in scan {scan})").format(
        **_move("sign", TKKSD, entry), scan=scan.name
    )
    steps.append(Step(what, []))
    (package,) = archive(store, EXAMPLE_SLUG, TKKSD)
    checked = verify(store, EXAMPLE_SLUG)
    if checked.problem is None and not checked.frozen:
        outcome = _("ok")
    else:
        outcome = _("FAILED: {problem}").format(problem=checked.problem or checked.frozen[0])
    what = _("archive: {folder} and {zip}; mou verify: {outcome}").format(folder=package.folder, zip=package.zip, outcome=outcome)
    steps.append(Step(what, []))
    kpis = _implement(store, out, steps, fire)
    state = status(store, EXAMPLE_SLUG, when=REPORT_DAY).state
    return DemoResult(store.root, steps, state, diff_versions(store, EXAMPLE_SLUG, "v1", "v2", "rancangan-kb"), kpis)


def _implement(store: Store, out: Path, steps: list[Step], fire: Any) -> Any:
    """PKS, implementation and one quarter of monitoring with synthetic participants."""
    from workflow.commands.monitoring import log
    from workflow.commands.participants import import_participants, synthetic
    from workflow.commands.report import report
    from workflow.commands.signing import sign

    _append(store, PKS_SIGNER, SIGNER_MARKED)
    steps.append(Step(_("added the PKS signatory (the Kepala Dinas, under a surat kuasa) to the copy"), []))
    # Lampiran I of the PKS lists the participants: the list is imported before the PKS is drafted
    listing = out / "CONTOH-peserta-p3ke.csv"
    listing.write_text(synthetic(1000, date(2025, 7, 1)), encoding="utf-8")
    people = import_participants(store, EXAMPLE_SLUG, listing, OPD)
    what = _("imported {count} synthetic participants ({file}; fake names, valid NIK structure)").format(
        count=len(people), file=listing.name
    )
    steps.append(Step(what, []))
    fire("start_pks_draft", OPD)
    fire("request_pks_review", OPD)
    fire("approve_pks", HUKUM)
    scan = out / "CONTOH-scan-pks-ditandatangani.pdf"
    scan.write_bytes(
        stand_in_pdf(["CONTOH - BUKAN DOKUMEN ASLI", "Pengganti pindaian Perjanjian Kerja Sama", "dibuat oleh mou demo"])
    )
    entry = sign(store, EXAMPLE_SLUG, "pks", [scan], SIGN_DAY, actor=OPD, when=SIGN_DAY)
    steps.append(Step(_("sign pks by {actor}: {source} -> {target}").format(**_move("sign", OPD, entry)), []))
    steps.append(
        Step(
            _("render {stage} by {actor}").format(stage="tim_teknis", actor=OPD),
            record_render(store, EXAMPLE_SLUG, ["tim_teknis"], None, OPD),
        )
    )
    entry = advance(store, EXAMPLE_SLUG, "start_implementation", OPD, when=date(2025, 7, 1))
    steps.append(Step(_("{event} by {actor}: {source} -> {target}").format(**_move("start_implementation", OPD, entry)), []))
    for month, paid_on in (("2025-07", date(2025, 7, 15)), ("2025-08", date(2025, 8, 15)), ("2025-09", date(2025, 9, 15))):
        if month == "2025-08":  # July paid: the Dinas and BPJS reconcile the list and the iuran of July
            _append(store, RECONCILIATION, RECONCILIATION_MARKED)
            docs = record_render(store, EXAMPLE_SLUG, ["rekonsiliasi"], None, OPD)
            steps.append(Step(_("render rekonsiliasi (July 2025) by {actor}").format(actor=OPD), docs))
        log(
            store,
            EXAMPLE_SLUG,
            "payment",
            actor=OPD,
            when=paid_on,
            period=month,
            workers=1000,
            amount=16_800_000,
            reference=f"CONTOH-SP2D-{month}",
        )
        # the count grouped with a dot in both languages, as the demo has always shown it
        paid = _("payment {period}: {workers} workers, {amount}").format(period=month, workers="1.000", amount=money(16_800_000))
        steps.append(Step(paid, []))
    log(
        store,
        EXAMPLE_SLUG,
        "claim",
        actor=OPD,
        when=date(2025, 8, 20),
        programme="JKM",
        cases=1,
        amount=42_000_000,
        nik=people[416].nik,  # Peserta Contoh 0417
        note="Peserta Contoh 0417 meninggal dunia",
    )
    entry = log(
        store,
        EXAMPLE_SLUG,
        "santunan",
        actor=OPD,
        when=date(2025, 9, 3),
        heir="Ahli Waris Contoh",
        amount=42_000_000,
        nik=people[416].nik,
    )
    claimed = _("claim {programme} {cases} case {amount} and its santunan handover").format(
        programme="JKM", cases=1, amount=money(42_000_000)
    )
    steps.append(Step(claimed, _rendered(store, entry["artifacts"])))
    log(
        store,
        EXAMPLE_SLUG,
        "issue",
        actor=OPD,
        when=date(2025, 9, 10),
        note="Sebagian peserta belum menerima kartu; BPJS mencetak ulang pada Oktober 2025.",
    )
    doc, kpis = report(store, EXAMPLE_SLUG, "2025-Q3", actor=OPD)
    steps.append(Step(_("monitoring report {quarter} by {actor}").format(quarter="2025-Q3", actor=OPD), [doc]))
    return kpis


DEMO_PROCESS = "ksdpk"  # the example's process (agreement.yaml: process)


def _move(event: str, actor: str, entry: dict[str, Any]) -> dict[str, str]:
    """The figures of a step that moved the agreement: the event, who fired it, the states it left and reached
    (in Indonesian with their titles beside the tokens)."""
    titles = process_titles(DEMO_PROCESS)
    return {
        "event": titled(event, titles.events.get(event)),
        "actor": actor,
        "source": titled(entry["from"], titles.states.get(entry["from"])),
        "target": titled(entry["to"], titles.states.get(entry["to"])),
    }


def _rendered(store: Store, artifacts: list[dict[str, str]]) -> list[Rendered]:
    out = []
    for a in artifacts:
        if not a["path"].startswith("documents/") or a["path"].count("/") != 2:
            continue
        rel = PurePosixPath(a["path"])
        stem, _sep, version = rel.stem.rpartition("-v")
        out.append(Rendered(rel.parent.name, stem, store.path(EXAMPLE_SLUG, a["path"]), int(version)))
    return out


def fill_examples(path: Path) -> None:
    """Give the unknown facts of the example [CONTOH] values in ``path``: the ``agreement.yaml`` of a copy,
    ``ROOT/SLUG/agreement.yaml``, changed through the store of ``ROOT``."""
    if path.name != AGREEMENT_FILE:
        raise MouError(
            _("{path} is not an {file}").format(path=path, file=AGREEMENT_FILE), rule="demo.examples", figures={"path": str(path)}
        )
    fill_example_facts(FolderStore(path.parent.parent), path.parent.name)


def fill_example_facts(store: Store, slug: str) -> None:
    """Give the unknown facts of the example [CONTOH] values in the agreement ``slug`` of ``store`` (a copy)."""
    raw = store.read(slug, AGREEMENT_FILE)
    store.replace(slug, AGREEMENT_FILE, with_examples(raw.decode("utf-8")).encode("utf-8"))


def with_examples(text: str) -> str:
    """The text of the example's ``agreement.yaml`` with its unknown facts given [CONTOH] values, listed in ``examples:``."""
    lines = text.splitlines()
    for fieldpath, value in EXAMPLES:
        index = _line_of(lines, fieldpath)
        key = fieldpath.rsplit(".", 1)[-1]
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
        lines[index] = f"{indent}{key}: {value}  # filled by mou demo"
    lines += ["", "# Added by mou demo: the invented values above, printed marked [CONTOH] in every document.", "examples:"]
    lines += [f"  - {marked}" for marked in MARKED]
    return "\n".join(lines) + "\n"


def _line_of(lines: list[str], fieldpath: str) -> int:
    """Index of the line holding ``fieldpath`` in a block-style YAML file."""
    start, indent = 0, -1
    for key in fieldpath.split("."):
        for i in range(start, len(lines)):
            text = lines[i]
            depth = len(text) - len(text.lstrip())
            if depth > indent and re.match(rf"\s*{re.escape(key)}:(\s|$)", text):
                start, indent = i + 1, depth
                break
        else:
            raise MouError(_("the example no longer has {field}; update workflow/commands/demo.py").format(field=fieldpath))
    return start - 1


def stand_in_pdf(lines: list[str]) -> bytes:
    """A one-page A4 PDF showing ``lines``: the demo's stand-in for a signed scan, marked as such."""
    text = " ".join(
        f"BT /F1 {18 if i == 0 else 12} Tf 60 {780 - 28 * i} Td ({_pdf_escape(line)}) Tj ET" for i, line in enumerate(lines)
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text.encode("latin-1")) + text.encode("latin-1") + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf_escape(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1").replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
