"""`mou finalize`: the final text of a document as PDF/A-2b, the exact file that goes to the TTE application.

The checks are those of `mou sign` (``workflow.commands.signing.signature_checks``) without the signed
files and the signing date: the review approved exactly this data, the nomor and signatories are
complete, and the final text shows no placeholder. The text is rendered from the approved data,
converted to PDF/A-2b and recorded in a ``finalize`` entry (``final/<doc>-e<N>/naskah-final.docx``
and ``.pdf``). An e-signed PDF given to `mou sign` must begin with these bytes (``workflow.commands.tte``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from workflow.commands.session import session
from workflow.commands.signing import PdfArtifact, signature_checks
from workflow.data.entries import FINALIZE_EVENT
from workflow.errors import MouError, Refused
from workflow.i18n import _
from workflow.records.store import Store

FINAL_DIR = "final"


@dataclass(frozen=True)
class Finalized:
    """The finalized text recorded: the entry, and the PDF/A to give to the TTE application."""

    slug: str
    document: str
    entry: int
    pdf: Path
    """A local path of the PDF/A (``store.path``)."""
    sha256: str


def finalize(store: Store, slug: str, document: str, actor: str | None = None, *, when: date | None = None) -> Finalized:
    """Render the final text of ``document`` from the approved data, convert it to PDF/A-2b and record it.

    Refused with every reason, nothing written, when the document could not be signed now (apart from the
    signed files and the signing date).
    """
    from workflow.documents.pdf import content_sha256, to_pdf

    with session(store, slug, actor) as s:
        snap = s.snap
        checked = signature_checks(s, document, None, None, when or s.settings.day())
        if checked.reasons:
            raise Refused(FINALIZE_EVENT, None, snap.state, checked.reasons)
        doc, docx = checked.doc, checked.docx
        if docx is None:
            raise MouError(
                _("the {title} has no template in process {process}: there is no text to finalize").format(
                    title=doc.title, process=snap.process.name
                ),
                rule="finalize.template",
                figures={"document": doc.name},
            )
        folder = f"{FINAL_DIR}/{doc.name}-e{len(snap.entries) + 1}"
        with tempfile.TemporaryDirectory(prefix="mou-finalize-") as tmp:  # outside the agreements root
            source = Path(tmp) / "naskah-final.docx"
            source.write_bytes(docx)
            (pdf,) = to_pdf([source], Path(tmp) / "pdf", pdfa=True)
            pdf_bytes, content = pdf.read_bytes(), content_sha256(pdf)
        docx_art = s.write(f"{folder}/naskah-final.docx", docx)
        written = s.write(f"{folder}/naskah-final.pdf", pdf_bytes)
        pdf_art = PdfArtifact(written.path, written.sha256, content)  # PDF bytes are never reproducible
        note = f"naskah final {doc.title} (PDF/A) untuk aplikasi TTE"
        entry = s.record(
            s.entry(
                FINALIZE_EVENT,
                role=checked.role,
                note=note,
                stage=None,  # not a draft of the stage: no render guard may count it
                artifacts=[docx_art, pdf_art],
                data={"document": doc.name},
            )
        )
    return Finalized(slug, doc.name, entry["seq"], store.path(slug, pdf_art.path), pdf_art.sha256)
