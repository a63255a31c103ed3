"""Pages: signature and archive (Tanda tangan dan arsip) of one agreement.

For each document the agreement's process signs: its signed versions and finalized texts (links to the
files the history recorded), and while the process allows its signature, a button that prepares the
final text as PDF/A (``workflow.finalize``, a background job: that file goes to the TTE application)
and the upload of the signed scan or e-signed PDF (``workflow.sign``, a background job too: it converts
the final text to PDF/A). Then the archive: every signed version packaged (``workflow.archive``, a job)
and the .zip packages to download.

An upload is checked before anything else (a PDF, at most 25 MB), written to a private temporary
folder under a name of our own (the name the browser sent is never a path), and removed when the job
ends; the library refuses a signature with every reason, and nothing is written then.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

import workflow
from workflow.i18n import _
from workflow.web.core import MAX_BODY, Req, redirect, render
from workflow.web.jobs import Job

FINALIZE_EVENT = "finalize"
ARCHIVE_EVENT = "archive"
SIGNATURE_FILE = "signature.json"


def file_url(slug: str, path: str) -> str:
    """The download page of a file the history of ``slug`` recorded (by its recorded path)."""
    return f"/kerja-sama/{quote(slug)}/berkas/{quote(path, safe='/')}"


def page_url(slug: str, anchor: str = "") -> str:
    return f"/kerja-sama/{quote(slug)}/tanda-tangan" + (f"#{anchor}" if anchor else "")


# --- what the page shows ---------------------------------------------------------------------------------


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Signed:
    """One recorded signature of a document."""

    seq: int
    signed_on: date | None
    place: str
    meterai: bool
    electronic: bool
    files: list[Link]


@dataclass
class Finalized:
    """One recorded final text (PDF/A) of a document; ``current`` when made from today's data."""

    seq: int
    made: date
    current: bool
    files: list[Link]


@dataclass
class Document:
    """A document the process signs, as the page shows it."""

    name: str
    title: str
    signed: list[Signed] = field(default_factory=list)
    finalized: list[Finalized] = field(default_factory=list)
    event: Any = None
    """The signature event the current state allows (an ``EventStatus``), else None."""
    blockers: list[str] = field(default_factory=list)
    when_states: list[str] = field(default_factory=list)
    """The titles of the states it is signed in (when not now)."""
    signers: list[str] = field(default_factory=list)
    """The people the account acts as who hold a role that records the signature."""
    date: str = ""
    """The signing date the text states (ISO), if any: the form's default."""


def _label(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _documents(req: Req, slug: str, status: Any, loaded: Any, entries: list[dict[str, Any]]) -> list[Document]:
    from workflow.commands.signing import own_facts
    from workflow.process.definition import load_process

    process = load_process(status.process)
    events_now = {e.trigger: e for e in status.events}
    agreement = loaded.agreement
    mine = _mine(req, agreement)
    out = []
    for spec in process.documents:
        doc = Document(spec.name, spec.title)
        for e in entries:
            paths = [a["path"] for a in e["artifacts"]]
            sig = next((p for p in paths if p.startswith(f"signed/{spec.name}-e") and p.endswith("/" + SIGNATURE_FILE)), None)
            if sig is not None:
                details = _json(req, slug, sig)
                shown = [p for p in paths if p.endswith(".pdf")]
                doc.signed.append(
                    Signed(
                        e["seq"],
                        _iso_day(details.get("signed_on")),
                        str(details.get("place", "")),
                        bool(details.get("meterai", False)),
                        "electronic" in details,
                        [Link(_label(p), file_url(slug, p)) for p in shown],
                    )
                )
            elif e["event"] == FINALIZE_EVENT and (e.get("data") or {}).get("document") == spec.name:
                doc.finalized.append(
                    Finalized(
                        e["seq"],
                        date.fromisoformat(e["ts"][:10]),
                        e["data_sha256"] == loaded.sha256,
                        [Link(_label(p), file_url(slug, p)) for p in paths],
                    )
                )
        signature_events = process.events_of("signature", spec.name)
        now = next((events_now[e.trigger] for e in signature_events if e.trigger in events_now), None)
        if now is not None:
            doc.event = now
            doc.blockers = list(now.blockers)
            doc.signers = [name for name, roles in mine if set(roles) & set(now.roles)]
            facts = own_facts(agreement, spec, status.adenda)
            written = facts.date[1]
            doc.date = written.isoformat() if isinstance(written, date) else ""
        else:
            titles = {s.name: s.title for s in process.states}
            doc.when_states = sorted({titles.get(s, s) for e in signature_events for s in e.source})
        out.append(doc)
    return out


def _iso_day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _mine(req: Req, agreement: Any) -> list[tuple[str, list[str]]]:
    """(name, roles) of each person of the agreement the account acts as."""
    acts = set(req.account.acts_as) if req.account is not None else set()
    return [(p.name, list(p.roles)) for p in agreement.people if p.name in acts]


def _json(req: Req, slug: str, path: str) -> dict[str, Any]:
    try:
        data = json.loads(req.store.read(slug, path).decode("utf-8"))
    except (OSError, ValueError, workflow.MouError):
        return {}
    return data if isinstance(data, dict) else {}


@dataclass
class Archives:
    packages: list[Link]
    pending: int
    """Signed versions not yet packaged."""


def _archives(slug: str, entries: list[dict[str, Any]]) -> Archives:
    packages, done = [], set()
    for e in entries:
        if e["event"] == ARCHIVE_EVENT:
            for a in e["artifacts"]:
                if a["path"].endswith(".zip"):
                    packages.append(Link(_label(a["path"]), file_url(slug, a["path"])))
                done.add(a["path"].split("/")[1].removesuffix(".zip"))
    signed = [
        p.split("/")[1]
        for e in entries
        for p in (a["path"] for a in e["artifacts"])
        if p.startswith("signed/") and p.endswith("/" + SIGNATURE_FILE)
    ]
    pending = sum(1 for kind in signed if f"{slug}-{kind}" not in done)
    return Archives(packages, pending)


def _page(
    req: Req, slug: str, *, status_code: int = 200, error: str = "", reasons: list[str] | None = None, **form: Any
) -> Response:
    person = req.agreement(slug)
    status = workflow.status(req.store, slug)
    loaded = workflow.load(req.store, slug)
    entries = workflow.entries(req.store, slug)
    return render(
        req,
        "signing.html",
        status=status_code,
        slug=slug,
        person=person,
        state=status,
        documents=_documents(req, slug, status, loaded, entries),
        archives=_archives(slug, entries),
        running=req.site.jobs.running_on(slug),
        error=error,
        reasons=reasons or [],
        values=form,
        max_mb=MAX_BODY // 2**20,
    )


def signing_page(req: Req) -> Response:
    return _page(req, req.params["slug"])


# --- the actions: each starts a background job ---------------------------------------------------------


def _actor(req: Req, slug: str, person: str | None) -> str:
    """The person the account acts as here (chosen with ``sebagai``); refused when it acts as nobody."""
    if person is None:
        raise workflow.MouError(
            _("your account acts as none of the people of {slug}; only they may finalize or sign its documents").format(
                slug=slug
            ),
            rule="web.person",
        )
    return person


def _document(req: Req) -> str:
    """The document the form names (the library refuses one the process does not declare, naming those it does)."""
    return req.form.get("dokumen", "").strip()


def _start(req: Req, slug: str, kind: str, title: str, work: Any) -> Response:
    job = req.site.jobs.start(kind, slug, work, title=title, back=page_url(slug))
    return redirect(f"/tugas/{job.id}")


def finalize(req: Req) -> Response:
    slug = req.params["slug"]
    person = req.agreement(slug)
    try:
        actor = _actor(req, slug, person)
        document = _document(req)
        site = req.site

        def work(job: Job) -> str:
            job.report(0.1, _("Rendering the final text from the approved data and converting it to PDF/A"))
            with site.store() as store:
                done = workflow.finalize(store, slug, document, actor)
                entry = workflow.entries(store, slug)[done.entry - 1]
            pdf = next(a["path"] for a in entry["artifacts"] if a["path"].endswith(".pdf"))
            job.result_label = _("Download the final text (PDF/A)")
            job.details = [
                _("Recorded in entry {seq}: {path}").format(seq=done.entry, path=pdf),
                _("Sign this file in the TTE application, then upload the e-signed PDF on the signature page."),
            ]
            return file_url(slug, pdf)

        title = _("Final text (PDF/A) of {document}: {slug}").format(document=document, slug=slug)
        return _start(req, slug, "finalize", title, work)
    except workflow.MouError as err:
        return _page(req, slug, status_code=409, error=str(err), reasons=list(getattr(err, "reasons", None) or []))


def _signed_day(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise workflow.MouError(
            _("the signing date {value} is not a date (YYYY-MM-DD)").format(value=repr(text.strip())), field="tanggal"
        ) from None


def upload_problem(data: bytes | None) -> str | None:
    """Why an uploaded signed file is refused before the library sees it, or None."""
    if not data:
        return _("choose the signed PDF (the scan or the e-signed file) to upload")
    if len(data) > MAX_BODY:
        return _("the uploaded file is larger than {limit} MB").format(limit=MAX_BODY // 2**20)
    if not data.startswith(b"%PDF-"):
        return _("the uploaded file is not a PDF (it does not begin with %PDF-): upload the signed scan or the e-signed PDF")
    return None


def upload(req: Req) -> Response:
    slug = req.params["slug"]
    person = req.agreement(slug)
    kept = {k: req.form.get(k, "") for k in ("dokumen", "tanggal", "tempat")} | {"meterai": bool(req.form.get("meterai"))}
    try:
        actor = _actor(req, slug, person)
        document = _document(req)
        signed_on = _signed_day(req.form.get("tanggal", ""))
        problem = upload_problem(getattr(req, "uploads", {}).get("berkas"))
        if problem:
            raise workflow.MouError(problem, field="berkas", rule="web.upload")
        data: bytes = req.uploads["berkas"]  # type: ignore[attr-defined]
        place = req.form.get("tempat", "").strip() or None
        meterai = bool(req.form.get("meterai"))
        site = req.site
        folder = Path(tempfile.mkdtemp(prefix="mou-upload-"))  # 0700: private to this process's user
        scan = folder / f"{document}-ditandatangani.pdf"  # our name: the browser's file name is never a path
        scan.write_bytes(data)
        scan.chmod(0o600)

        def work(job: Job) -> str:
            try:
                job.report(0.1, _("Checking the signature and converting the final text to PDF/A"))
                with site.store() as store:
                    entry = workflow.sign(store, slug, document, [scan], signed_on, place=place, meterai=meterai, actor=actor)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            job.result_label = _("Open the signature page")
            job.details = [
                _("Recorded in entry {seq}: {source} -> {dest}").format(seq=entry["seq"], source=entry["from"], dest=entry["to"])
            ]
            job.details += [a["path"] for a in entry["artifacts"]]
            return page_url(slug, f"dok-{document}")

        title = _("Signature of {document}: {slug}").format(document=document, slug=slug)
        try:
            return _start(req, slug, "sign", title, work)
        except workflow.MouError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    except workflow.MouError as err:
        status = 400 if err.rule in ("web.upload",) or err.field == "tanggal" else 409
        return _page(req, slug, status_code=status, error=str(err), reasons=list(getattr(err, "reasons", None) or []), **kept)


def archive(req: Req) -> Response:
    slug = req.params["slug"]
    person = req.agreement(slug)
    actor = person or req.account.name
    site = req.site

    def work(job: Job) -> str:
        job.report(0.1, _("Packaging every signed version not yet archived"))
        with site.store() as store:
            written = workflow.archive(store, slug, actor)
            entries = workflow.entries(store, slug)
        recorded = {a["path"] for e in entries if e["event"] == ARCHIVE_EVENT for a in e["artifacts"]}
        new = [f"archive/{w.name}.zip" for w in written if f"archive/{w.name}.zip" in recorded]
        if not new:
            job.summary = _("{slug}: every signed version is already archived.").format(slug=slug)
            job.result_label = _("Open the signature page")
            return page_url(slug, "arsip")
        job.details = [_("Archive package: {path}").format(path=z) for z in new]
        job.result_label = _("Download the archive (.zip)")
        return file_url(slug, new[-1])

    try:
        return _start(req, slug, "archive", _("Archive: {slug}").format(slug=slug), work)
    except workflow.MouError as err:
        return _page(req, slug, status_code=409, error=str(err))


ROUTES: list[tuple[str, Any, list[str]]] = [
    ("/kerja-sama/{slug}/tanda-tangan", signing_page, ["GET"]),
    ("/kerja-sama/{slug}/tanda-tangan/final", finalize, ["POST"]),
    ("/kerja-sama/{slug}/tanda-tangan/unggah", upload, ["POST"]),
    ("/kerja-sama/{slug}/tanda-tangan/arsip", archive, ["POST"]),
]
