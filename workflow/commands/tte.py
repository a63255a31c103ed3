"""The electronic path of `mou sign` and `mou verify`: an e-signed PDF checked against the finalized text.

`mou finalize` (``workflow.commands.finalize``) records the final text's PDF/A, the exact file that goes
to the TTE application. When `mou sign --file` is given a PDF that carries signatures, ``electronic_checks``
finds the latest finalized text of that document, which must have been recorded against the current
data, and validates the file offline (``workflow.documents.tte``): it must begin with those bytes, every
signature must validate against the trust roots and every signatory must have signed. What the signed
version keeps (the validation report, the certificates, the roots used) lets `mou verify` validate the
signatures again, offline, from the store alone (``electronic_problems``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workflow.commands.session import Session
from workflow.data.entries import FINALIZE_EVENT
from workflow.documents import tte
from workflow.documents.tte import Signatory
from workflow.i18n import _
from workflow.process.definition import SignedDocument
from workflow.records.store import Store

REPORT_FILE = "validasi-tte.json"
ROOTS_FILE = "akar-tepercaya.pem"
CERTIFICATE_FILE = "sertifikat-tte-{n}.pem"


@dataclass
class Electronic:
    """The e-signature checks of one `mou sign`: nothing at all for a wet-ink scan."""

    reasons: list[str] = field(default_factory=list)
    final: tuple[bytes, bytes, str | None] | None = None
    """The finalized .docx, its PDF/A and the PDF's content hash: the signed version's final text."""
    section: dict[str, Any] | None = None
    """The ``electronic`` section of signature.json."""
    kept: list[tuple[str, bytes]] = field(default_factory=list)
    """Files kept in the signed version's folder: the validation report, the certificates, the trust roots."""


def last_finalized(entries: list[dict[str, Any]], document: str, signature_events: set[str]) -> dict[str, Any] | None:
    """The latest ``finalize`` entry of ``document`` since it was last signed, if any."""
    for e in reversed(entries):
        if e["event"] in signature_events and any(a["path"].startswith(f"signed/{document}-") for a in e["artifacts"]):
            return None
        if e["event"] == FINALIZE_EVENT and e.get("data", {}).get("document") == document:
            found: dict[str, Any] = e
            return found
    return None


def electronic_checks(
    s: Session, doc: SignedDocument, files: Sequence[Path], signatories: list[dict[str, Any]], trust: Path | None
) -> Electronic:
    """Every reason the e-signed PDF among ``files`` may not be recorded, and what to keep with it.

    A file without embedded signatures (a scan of a wet-ink signature) leaves everything as it was.
    """
    datas = {f: f.read_bytes() for f in files if f.is_file()}
    signed = [f for f, data in datas.items() if data.startswith(b"%PDF-") and tte.carries_signatures(data)]
    if not signed:
        return Electronic()
    out = Electronic()
    unsigned = [f for f in files if f not in signed]
    if len(signed) > 1:
        out.reasons.append(
            _("give one e-signed PDF, signed by everyone: {files} each carry signatures").format(
                files=", ".join(f.name for f in signed)
            )
        )
    if unsigned:
        out.reasons.append(
            _("an e-signed PDF is recorded alone: {files} carries no e-signature").format(
                files=", ".join(f.name for f in unsigned)
            )
        )
    snap, slug = s.snap, s.slug
    events = {e.trigger for e in snap.process.events_of("signature", doc.name)}
    finalized = last_finalized(snap.entries, doc.name, events)
    if finalized is None or finalized["data_sha256"] != snap.data_sha256:
        out.reasons.append(
            _("no finalized text for {document}: run {command}").format(
                document=doc.name, command=f"mou finalize {slug} --document {doc.name}"
            )
        )
        return out
    roots, problems = tte.load_roots(trust)
    if problems:
        out.reasons += problems
        return out
    if out.reasons:
        return out
    pdf_art = next(a for a in finalized["artifacts"] if a["path"].endswith(".pdf"))
    docx_art = next(a for a in finalized["artifacts"] if a["path"].endswith(".docx"))
    final_pdf, final_docx = s.store.read(slug, pdf_art["path"]), s.store.read(slug, docx_art["path"])
    (file,) = signed
    result = tte.validate(
        datas[file],
        file_name=file.name,
        finalized=final_pdf,
        finalized_path=pdf_art["path"],
        roots=roots,
        signatories=[_signatory(p) for p in signatories],
        finalized_at=tte.parse_time(finalized["ts"]),
        now=datetime.now(UTC),
    )
    out.reasons += result.reasons
    if out.reasons:
        return out
    report = result.report
    report["finalized_entry"] = finalized["seq"]
    out.final = (final_docx, final_pdf, pdf_art.get("content_sha256"))
    out.section = {
        "file": f"ttd-1-{file.name}",
        "finalized": {"entry": finalized["seq"], "pdf": pdf_art["path"], "sha256": pdf_art["sha256"]},
        "report": REPORT_FILE,
        "trust_roots": ROOTS_FILE,
        "signatures": [
            {
                "n": e["n"],
                "kind": e["kind"],
                "signer": e["signer"],
                "signatory": None if e["signatory"] is None else e["signatory"]["name"],
                "e_meterai": e["e_meterai"],
                "signing_time": e["signing_time"],
                "certificate": CERTIFICATE_FILE.format(n=e["n"]),
            }
            for e in report["signatures"]
        ],
        "e_meterai": any(e["e_meterai"] for e in report["signatures"]),
    }
    out.kept = [(REPORT_FILE, (json.dumps(report, indent=1, ensure_ascii=False) + "\n").encode())]
    out.kept += [(CERTIFICATE_FILE.format(n=n), pem) for n, pem in sorted(result.certificates.items())]
    out.kept.append((ROOTS_FILE, result.roots))
    return out


def electronic_problems(store: Store, slug: str, entries: list[dict[str, Any]]) -> list[str]:
    """Every recorded e-signature validated again offline from what its signed version kept, as
    ``SLUG: entry N: e-signature FILE: REASON``."""
    out: list[str] = []
    for e in entries:
        details_art = next((a for a in e["artifacts"] if a["path"].endswith("/signature.json")), None)
        if details_art is None:
            continue
        try:
            details = json.loads(store.read(slug, details_art["path"]).decode("utf-8"))
        except (OSError, ValueError):
            continue  # the recorded file's hash is checked before: a missing or changed file is named there
        section = details.get("electronic") if isinstance(details, dict) else None
        if not isinstance(section, dict):
            continue
        out += [
            _("{slug}: entry {seq}: e-signature {file}: {reason}").format(
                slug=slug, seq=e["seq"], file=section.get("file"), reason=r
            )
            for r in _again(store, slug, details_art, details)
        ]
    return out


def _again(store: Store, slug: str, details_art: dict[str, Any], details: dict[str, Any]) -> list[str]:
    """The reasons the kept e-signed file no longer validates (none when it does)."""
    section = details["electronic"]
    folder = details_art["path"].rsplit("/", 1)[0]
    try:
        data = store.read(slug, f"{folder}/{section['file']}")
        final = store.read(slug, f"{folder}/naskah-final.pdf")
        report = json.loads(store.read(slug, f"{folder}/{section['report']}").decode("utf-8"))
        roots = tte.certificates_in(store.read(slug, f"{folder}/{section['trust_roots']}")) or []
        times = {int(s["n"]): tte.parse_time(s["signing_time"]) for s in report["signatures"]}
    except (OSError, KeyError, TypeError, ValueError) as err:
        return [_("what the signature kept cannot be read ({error})").format(error=err)]
    result = tte.validate(
        data,
        file_name=section["file"],
        finalized=final,
        finalized_path=f"{folder}/naskah-final.pdf",
        roots=roots,
        signatories=[_signatory(p) for p in details.get("signatories", [])],
        times=times,
    )
    return result.reasons


def _signatory(p: dict[str, Any]) -> Signatory:
    """A signatory as signature.json records it (``id``: 'NIP 19750101 200001 1 001', or None)."""
    ident = p.get("id")
    number = ident.split(" ", 1)[1] if isinstance(ident, str) and " " in ident else ident
    return Signatory(str(p["party"]), str(p["name"]), str(p["position"]), number)
