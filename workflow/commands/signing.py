"""Recording a signature, and freezing the text that was signed.

`mou sign` renders the final text from the approved data, converts it to PDF/A-2b, copies the signed
scan or e-signed PDF into the agreement's folder, keeps the values of every field the signed document
used (``fields.json``), and records all of it, with SHA-256, in the history entry of the sign event.
From then on `check` and `verify` report any change to those fields. An e-signed PDF (TTE) is signed
over the text `mou finalize` made, which it keeps instead of converting again (``workflow.commands.tte``).
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from workflow.commands.render import document_values
from workflow.commands.session import Session, Snapshot, blockers, changed_since, session, snapshot
from workflow.data.catalogue import load_catalogue, templates_dir
from workflow.data.model import Agreement
from workflow.documents.context import EXAMPLE_MARK, EXTRA_NAMES, Placeholder, build_context, plain, resolve
from workflow.errors import MouError, Refused, TransitionNotAllowed, UnknownDocument
from workflow.i18n import _, day
from workflow.process.definition import EventDef, SignedDocument
from workflow.process.guards import nomor_present, signatories_complete
from workflow.process.machine import build_machine
from workflow.records import history
from workflow.records.store import Artifact, Store

FIELDS_FILE = "fields.json"
SIGNATURE_FILE = "signature.json"


@dataclass(frozen=True)
class PdfArtifact(Artifact):
    """The final text's PDF/A: its bytes are never reproducible, so the entry keeps a content hash too."""

    content_sha256: str | None = None

    def recorded(self) -> dict[str, Any]:
        """The form a history entry records it in, the content hash included (None without poppler)."""
        return {**super().recorded(), "content_sha256": self.content_sha256}


@dataclass(frozen=True)
class OwnFacts:
    """What the signed document itself says: its nomor pair, its signing date, its title."""

    nomor: list[tuple[str, str | None]]  # (field path, value)
    date: tuple[str, date | None]
    title: str


def own_facts(a: Agreement, doc: SignedDocument, signed_adenda: int) -> OwnFacts:
    """The nomor pair, date and title of the document being signed, from where ``doc.facts`` says they are:
    the parties' nomor and signing date (``agreement``), the PKS's (``pks``), or this adendum's (``amendment``)."""
    if doc.facts == "pks":
        pks = a.pks
        return OwnFacts(
            [("pks.nomor_pemda", pks.nomor_pemda if pks else None), ("pks.nomor_partner", pks.nomor_partner if pks else None)],
            ("pks.date", pks.date if pks else None),
            doc.title,
        )
    if doc.facts == "amendment":
        if len(a.amendments) <= signed_adenda:
            return OwnFacts([], ("amendments[].date", None), doc.title)
        n = signed_adenda + 1
        am = a.amendments[signed_adenda]
        where = f"amendments[{n}]"
        return OwnFacts(
            [(f"{where}.nomor_pemda", am.nomor_pemda), (f"{where}.nomor_partner", am.nomor_partner)],
            (f"{where}.date", am.date),
            am.title,
        )
    return OwnFacts(
        [("parties.pemda.nomor", a.parties.pemda.nomor), ("parties.partner.nomor", a.parties.partner.nomor)],
        ("signing.date", a.signing.date),
        doc.title,
    )


def own_fact_gaps(facts: OwnFacts, signed_on: date | None, *, nomor: bool = True) -> list[str]:
    """Reasons the document's own nomor and date do not allow a signature on ``signed_on``."""
    reasons = []
    if nomor:
        reasons += [
            _("{field} is empty: the {title} has no nomor of its own yet").format(field=path, title=facts.title)
            for path, value in facts.nomor
            if not value
        ]
    path, written = facts.date
    if written is None:
        reasons.append(
            _("{field} is empty: the date the {title} is signed must be in its text").format(field=path, title=facts.title)
        )
    elif signed_on is not None and signed_on != written:
        reasons.append(
            _("signed date {signed} differs from {field} {written}, the date its text states").format(
                signed=day(signed_on), field=path, written=day(written)
            )
        )
    return reasons


_MARKER = re.compile(r"\[[A-Z][A-Z0-9 .,/-]*[A-Z0-9]\]")
"""A marker a template writes for what is still missing (``[DAFTAR PESERTA BELUM DILAMPIRKAN]``): upper case
in square brackets, as placeholders print."""


def placeholders_in(text: str, context: dict[str, Any]) -> list[str]:
    """Every placeholder of ``context``, and every ``[MARKER]`` a template writes for what is missing, that the
    rendered ``text`` still shows; the ``[CONTOH]`` mark of an invented example value is not one."""
    labels: set[str] = {m for m in _MARKER.findall(text) if m != EXAMPLE_MARK}

    def walk(value: Any) -> None:
        if isinstance(value, Placeholder):
            labels.add(str(value))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(context)
    return sorted(label for label in labels if label in text)


def reused_files(entries: list[dict[str, Any]], files: list[Path]) -> list[str]:
    """Reasons a signed file is already the signed file of another recorded signature (same SHA-256)."""
    recorded = {
        a["sha256"]: (e["seq"], e["event"])
        for e in entries
        for a in e["artifacts"]
        if "/ttd-" in a["path"] and a["path"].startswith("signed/")
    }
    reasons = []
    for f in files:
        try:
            digest = history.sha256_file(f)
        except OSError:
            continue
        if digest in recorded:
            seq, event = recorded[digest]
            reasons.append(
                _("{file} is the signed file already recorded by {event} in entry {seq} (same SHA-256)").format(
                    file=f.name, event=event, seq=seq
                )
            )
    return reasons


def is_pdf(path: Path) -> bool:
    """A readable PDF: the %PDF- header and an %%EOF trailer near the end."""
    try:
        with path.open("rb") as fh:
            head = fh.read(5)
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 1024))
            tail = fh.read()
    except OSError:
        return False
    return head == b"%PDF-" and b"%%EOF" in tail


def last_approval(entries: list[dict[str, Any]], events: Collection[str]) -> dict[str, Any] | None:
    """The most recent of the given approval events, if any."""
    return next((e for e in reversed(entries) if e["event"] in events), None)


def used_fields(document: str) -> list[str]:
    """Every data path the document's template uses (loop paths included), derived values too."""
    from workflow.documents.check import template_parts, used_paths

    spec = next(d for _stage, d in load_catalogue().documents() if d.name == document)
    paths: set[str] = set()
    for _name, _typed, source in template_parts(templates_dir() / spec.template):
        found, _unsafe = used_paths(source)
        paths.update(p for p in found if p.split(".")[0] not in EXTRA_NAMES)
    # keep the most specific paths only: "parties.pemda" adds nothing when "parties.pemda.name" is there
    return sorted(p for p in paths if not any(q != p and q.startswith(p + ".") for q in paths))


def frozen_values(snap: Snapshot, document: str) -> dict[str, Any]:
    """The current value of every field the document uses, as JSON-ready data.

    An adendum's own fields are kept under their place in the list (``amendments[2].reason``), so a
    later adendum does not look like a change to this one.
    """
    ctx = build_context(snap.agreement)
    index = len(snap.agreement.amendments)
    paths = [f"amendments[{index}]" + p.removeprefix("adendum") if p.startswith("adendum.") else p for p in used_fields(document)]
    return {path: plain(resolve(ctx, path)) for path in paths}


def signed_document(snap: Snapshot, kind: str) -> SignedDocument:
    """The document ``kind`` as the agreement's process declares it; UnknownDocument names those it declares."""
    doc = snap.process.signed_document(kind)
    if doc is None:
        raise UnknownDocument(kind, snap.process.name, [d.name for d in snap.process.documents])
    return doc


def sign_event(snap: Snapshot, doc: SignedDocument) -> EventDef | None:
    """The event that signs ``doc``: the one the current state allows, else the first the process declares."""
    events = snap.process.events_of("signature", doc.name)
    return next((e for e in events if snap.state in e.source), events[0] if events else None)


@dataclass
class Checked:
    """What the checks before a signature (or before its text is finalized) found, and the final text rendered."""

    doc: SignedDocument
    event: EventDef
    role: str | None
    facts: OwnFacts
    signed_on: date
    docx: bytes | None
    reasons: list[str]


def signature_checks(s: Session, kind: str, files: list[Path] | None, signed_on: date | None, when: date) -> Checked:
    """Every reason the document ``kind`` may not be signed now, with the final text rendered from the approved data.

    The role, the event's guards, the approval of exactly this data, both nomor and every signatory, the
    document's own nomor pair and date, and no placeholder left in the final text. With ``files`` (a
    signature) also the signing date (``signed_on`` defaults to the date the text states and must equal
    it; neither before the approval nor in the future) and the signed files; ``files`` None (the text
    finalized for the TTE application) leaves both out. Raises when the process cannot sign ``kind`` now.
    """
    from workflow.documents.render import render_bytes
    from workflow.documents.textdiff import document_lines

    snap, store, slug = s.snap, s.store, s.slug
    doc = signed_document(snap, kind)
    event = sign_event(snap, doc)
    if event is None:
        raise MouError(
            _("process {process} declares no signature event for the {title}").format(process=snap.process.name, title=doc.title),
            rule="document",
            figures={"document": doc.name, "process": snap.process.name},
        )
    if snap.state not in event.source:
        allowed = [e.trigger for e in snap.process.events_from(snap.state)]
        raise TransitionNotAllowed(slug, event.trigger, snap.state, allowed, known=True)
    role, role_reason = s.role(event.roles, event.trigger)
    reasons = [role_reason] if role_reason else []
    not_approved = _("review not approved")  # the same text as the guard's (workflow.process.guards)
    reasons += [r for r in blockers(snap, event, store, when) if r != not_approved]
    approval = last_approval(snap.entries, {e.trigger for e in snap.process.events_of("approval", doc.name)})
    if approval is None:
        reasons.append(not_approved)
    elif approval["data_sha256"] != snap.data_sha256:
        reasons.append(changed_since(store, slug, approval, snap.agreement))
    ctx = snap.context(store, when)
    reasons += [r for r in (nomor_present(ctx), signatories_complete(ctx)) if r]
    facts = own_facts(snap.agreement, doc, snap.signed_adenda)
    # the parties' nomor (facts: agreement) are checked by nomor_present above
    reasons += own_fact_gaps(facts, signed_on, nomor=doc.facts != "agreement")
    signed_on = signed_on or facts.date[1] or when
    if files is not None:
        reasons += reused_files(snap.entries, files)
        # in real use ``when`` is today, never before the approval; a what-if day (MOU_TODAY) earlier
        # than the approval's wall-clock day stands in for it
        approved_on = min(date.fromisoformat(approval["ts"][:10]), when) if approval else None
        if approved_on is not None and signed_on < approved_on:
            reasons.append(
                _("signed date {signed} is before the approval of {approved}").format(
                    signed=day(signed_on), approved=day(approved_on)
                )
            )
        if signed_on > when:
            reasons.append(_("signed date {signed} is in the future").format(signed=day(signed_on)))
        if not files:
            reasons.append(_("no signed file given"))
        reasons += [_("{file} is not a readable PDF").format(file=f) for f in files if not is_pdf(f)]
    docx = None
    if doc.template is not None:  # the text that is signed, checked before anything is recorded
        doc_spec = next(d for _stage, d in load_catalogue().documents() if d.name == doc.template)
        final_ctx = build_context(snap.agreement, version=1, final=True)
        # what the draft showed beyond agreement.yaml (the PKS's participants and logos) is in the final text too
        docx = render_bytes(doc_spec, final_ctx, values=document_values(store, slug, snap.agreement, doc_spec, final_ctx))
        left = placeholders_in("\n".join(document_lines(docx)), final_ctx)
        if left:
            reasons.append(_("the final text still shows {placeholders}").format(placeholders=", ".join(left)))
    return Checked(doc, event, role, facts, signed_on, docx, reasons)


def signatories(a: Agreement, doc: SignedDocument) -> list[dict[str, Any]]:
    """Who signs the document, as signature.json records them: each party's representative; the PKS is
    signed for the Pemda by ``pks.signer`` (the Bupati, or an official under a surat kuasa)."""
    out = []
    for label, party in ((a.pihak_kesatu, a.parties.pemda), (a.pihak_kedua, a.parties.partner)):
        p = a.pks.signer if doc.facts == "pks" and a.pks is not None and party is a.parties.pemda else party.representative
        out.append(
            {
                "party": label,
                "name": plain(p.name),
                "position": p.position,
                "id": None if p.id is None else f"{p.id.kind} {p.id.number}",
            }
        )
    return out


def sign(
    store: Store,
    slug: str,
    kind: str,
    files: list[Path],
    signed_on: date | None,
    *,
    place: str | None = None,
    meterai: bool = True,
    actor: str | None = None,
    when: date | None = None,
    trust: Path | None = None,
) -> dict[str, Any]:
    """Record the signature of one of the documents the process signs (``kind``: kb, pks, adendum in ksdpk).

    The final text is rendered from the approved data and checked before anything is recorded: no
    placeholder left, the document's own nomor pair and date present (``signed_on`` defaults to that
    date and must equal it), and no signed file already recorded for another signature. Refused with
    every reason when it may not be.

    A PDF that carries electronic signatures (TTE) is validated offline against the trust roots in
    ``trust`` (else the settings' ``MOU_TRUST``): it must begin with the text ``mou finalize`` recorded
    for this data, and every signatory must have signed it (``workflow.commands.tte``); its validation
    report and certificates are kept with it, and the finalized .docx and PDF/A are the signed
    version's final text.
    """
    from workflow.commands.tte import electronic_checks
    from workflow.documents.pdf import content_sha256, to_pdf

    with session(store, slug, actor) as s:
        snap = s.snap
        when = when or s.settings.day()
        checked = signature_checks(s, kind, files, signed_on, when)
        doc, event, facts, signed_on, docx = checked.doc, checked.event, checked.facts, checked.signed_on, checked.docx
        trigger = event.trigger
        a = snap.agreement
        who = signatories(a, doc)
        electronic = electronic_checks(s, doc, files, who, trust or s.settings.trust)
        reasons = checked.reasons + electronic.reasons
        if reasons:
            raise Refused(event.trigger, event.dest, snap.state, reasons)

        folder = f"signed/{doc.name}-e{len(snap.entries) + 1}"
        outputs: list[tuple[str, bytes]] = []
        pdf_content: str | None = None
        if electronic.final is not None:  # what was e-signed is the finalized text: kept as it is, never made again
            final_docx, final_pdf, pdf_content = electronic.final
            outputs += [(f"{folder}/naskah-final.docx", final_docx), (f"{folder}/naskah-final.pdf", final_pdf)]
        elif doc.template is not None and docx is not None:
            with tempfile.TemporaryDirectory(prefix="mou-sign-") as tmp:  # outside the agreements root
                source = Path(tmp) / "naskah-final.docx"
                source.write_bytes(docx)
                (pdf,) = to_pdf([source], Path(tmp) / "pdf", pdfa=True)
                outputs += [(f"{folder}/naskah-final.docx", docx), (f"{folder}/naskah-final.pdf", pdf.read_bytes())]
                pdf_content = content_sha256(pdf)  # PDF bytes are never reproducible: keep a content hash too
        if doc.template is not None:
            fields = frozen_values(snap, doc.template)
            outputs.append(
                (f"{folder}/{FIELDS_FILE}", (json.dumps(fields, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode())
            )
        details: dict[str, Any] = {
            "document": doc.name,
            "title": facts.title,
            "signed_on": signed_on.isoformat(),
            "place": place or a.signing.place,
            "meterai": meterai,
            "signatories": who,
            "nomor": [value for _path, value in facts.nomor],
            "files": [f.name for f in files],
        }
        if electronic.section is not None:
            details["electronic"] = electronic.section
        outputs.append((f"{folder}/agreement.yaml", snap.loaded.raw))  # the data as signed
        outputs.append((f"{folder}/{SIGNATURE_FILE}", (json.dumps(details, indent=1, ensure_ascii=False) + "\n").encode()))
        for i, f in enumerate(files, 1):
            outputs.append((f"{folder}/ttd-{i}-{f.name}", f.read_bytes()))
        outputs += [(f"{folder}/{name}", data) for name, data in electronic.kept]
        machine = build_machine(snap.process, snap.state)
        machine.fire(trigger)
        artifacts: list[Artifact] = []
        for rel, data in outputs:
            art = s.write(rel, data)
            if rel.endswith("/naskah-final.pdf"):
                art = PdfArtifact(art.path, art.sha256, pdf_content)
            artifacts.append(art)
        note = f"{doc.title} ditandatangani {signed_on.isoformat()} di {details['place']}" + (", bermeterai" if meterai else "")
        return s.record(s.entry(trigger, role=checked.role, to=machine.state, note=note, stage=doc.stage, artifacts=artifacts))


def frozen_changes(store: Store, slug: str, entries: list[dict[str, Any]] | None = None) -> list[str]:
    """Each field a signed document used whose value has changed since the signature."""
    from workflow.commands.agreements import load

    found = entries if entries is not None else snapshot(store, slug).entries
    signed_fields = [
        (e, art) for e in found if (art := next((a for a in e["artifacts"] if a["path"].endswith("/" + FIELDS_FILE)), None))
    ]
    if not signed_fields:
        return []
    loaded = load(store, slug)
    ctx = build_context(loaded.agreement)
    out: list[str] = []
    for e, fields_art in signed_fields:
        signed = json.loads(store.read(slug, fields_art["path"]).decode("utf-8"))
        for path, value in signed.items():
            now = plain(resolve(ctx, path))
            if now != value:
                out.append(
                    _(
                        "{file}: {field}: signed as {signed} in entry {seq}, now {now}; "
                        "a signed text changes only through an adendum"
                    ).format(file=loaded.path, field=path, signed=_short(value), seq=e["seq"], now=_short(now))
                )
    return out


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
