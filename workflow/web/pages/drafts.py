"""Pages: drafts and their review (Rancangan dan telaah).

``/kerja-sama/{slug}/rancangan`` lists every version of every document the history recorded (with a
link to download each), renders a new version of a stage's documents, compares two versions of a
document side by side (the library's HTML, its styles moved into static/style.css for the CSP) or as a
Word redline, and, while the agreement waits for a reviewer's decision, gives the reviewer the form
that approves or sends the draft back, with comments and the marked-up .docx kept with the decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, urlencode

from starlette.responses import Response

import workflow
from workflow.i18n import _
from workflow.web.core import MAX_BODY, Req, redirect, render

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_DRAFT = re.compile(r"^documents/([a-z0-9_]+)/([A-Za-z0-9._-]+)-v(\d+)\.docx$")
_VERSION = re.compile(r"^v?(\d+)$")


# --- what the history recorded ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One recorded version of a document: ``documents/<stage>/<stem>-v<n>.docx`` and the entry that wrote it."""

    n: int
    path: str
    seq: int
    ts: str
    actor: str
    login: str | None

    @property
    def day(self) -> date:
        """The day (UTC) the version was recorded."""
        return date.fromisoformat(self.ts[:10])


@dataclass
class Document:
    """A document of a stage with all its recorded versions, oldest first."""

    stem: str
    title: str
    stage: str
    versions: list[Version] = field(default_factory=list)

    def version(self, n: int) -> Version | None:
        return next((v for v in self.versions if v.n == n), None)


@dataclass
class StageDrafts:
    name: str
    title: str
    documents: list[Document] = field(default_factory=list)

    @property
    def several(self) -> bool:
        """Whether a document of the stage has more than one version (something to compare)."""
        return any(len(d.versions) > 1 for d in self.documents)


def _catalogue() -> Any:
    from workflow.data.catalogue import load_catalogue

    return load_catalogue()


def drafts_of(history: list[dict[str, Any]]) -> list[StageDrafts]:
    """Every document version the history's entries recorded, by stage (in the catalogue's order)."""
    catalogue = _catalogue()
    titles: dict[str, str] = {spec.name: spec.title for _stage, spec in catalogue.documents()}
    order = {st.name: k for k, st in enumerate(catalogue.stages)}
    stage_titles: dict[str, str] = {st.name: st.title for st in catalogue.stages}
    stages: dict[str, StageDrafts] = {}
    docs: dict[str, Document] = {}
    for e in history:
        account = e.get("account")
        login = account.get("login") if isinstance(account, dict) else None
        for a in e.get("artifacts", []):
            m = _DRAFT.match(a["path"])
            if m is None:
                continue
            stage, stem, n = m.group(1), m.group(2), int(m.group(3))
            if stem not in docs:
                docs[stem] = Document(stem, titles.get(stem, stem), stage)
                stages.setdefault(stage, StageDrafts(stage, stage_titles.get(stage, stage))).documents.append(docs[stem])
            if docs[stem].version(n) is None:
                docs[stem].versions.append(Version(n, a["path"], e["seq"], e["ts"], e["actor"], login))
    for d in docs.values():
        d.versions.sort(key=lambda v: v.n)
    return sorted(stages.values(), key=lambda s: order.get(s.name, len(order)))


def _documents(history: list[dict[str, Any]]) -> dict[str, Document]:
    return {d.stem: d for st in drafts_of(history) for d in st.documents}


def file_url(slug: str, path: str) -> str:
    """The download of a recorded file (the agreement pages' route, looked up by its recorded path)."""
    return f"/kerja-sama/{quote(slug)}/berkas/{quote(path, safe='/')}"


# --- reviews ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    """A reviewer's decision recorded in the history, with its comments and the files attached to it."""

    seq: int
    ts: str
    actor: str
    login: str | None
    event: str
    title: str
    approval: bool
    note: str
    attachments: list[tuple[str, str]]  # (name shown, recorded path)

    @property
    def day(self) -> date:
        """The day (UTC) the decision was recorded."""
        return date.fromisoformat(self.ts[:10])


def reviews_of(history: list[dict[str, Any]], process: Any) -> list[Review]:
    """The decisions (events of kind approval or changes) of ``history``, newest first."""
    out = []
    for e in history:
        event = process.event(e["event"])
        if event is None or not event.is_review:
            continue
        names = {x.get("path"): x.get("name") for x in (e.get("data") or {}).get("attachments", []) if isinstance(x, dict)}
        files = [
            (str(names.get(a["path"]) or PurePosixPath(a["path"]).name), a["path"])
            for a in e["artifacts"]
            if a["path"].startswith("reviews/attachments/")
        ]
        account = e.get("account")
        login = account.get("login") if isinstance(account, dict) else None
        out.append(Review(e["seq"], e["ts"], e["actor"], login, e["event"], event.title, event.is_approval, e["note"], files))
    return out[::-1]


# --- the page ------------------------------------------------------------------------------------------------


def _page(
    req: Req,
    slug: str,
    person: str | None,
    *,
    status: int = 200,
    error: str = "",
    reasons: list[str] | None = None,
    note: str = "",
) -> Response:
    from workflow.process.definition import load_process

    state = workflow.status(req.store, slug)
    process = load_process(state.process)
    history = workflow.entries(req.store, slug)
    agreement = workflow.load(req.store, slug).agreement
    holds = next((p.roles for p in agreement.people if p.name == person), [])
    names = {p.name for p in agreement.people}
    mine = [n for n in req.account.acts_as if n in names]
    review_events = [e for e in state.events if (ev := process.event(e.trigger)) is not None and ev.is_review]
    reviewer = bool(review_events) and any(set(e.roles) & set(holds) for e in review_events)
    role_titles = {r.name: r.title for r in process.roles}
    review_roles = list(dict.fromkeys(role_titles.get(r, r) for e in review_events for r in e.roles))
    kinds = {e.trigger: process.event(e.trigger).is_approval for e in review_events}  # type: ignore[union-attr]
    catalogue = _catalogue()
    from workflow.documents.render import MADE_BY

    current = process.state(state.state).stage
    stages = [(st.name, st.title) for st in catalogue.stages if st.name not in MADE_BY]
    return render(
        req,
        "drafts.html",
        status=status,
        slug=slug,
        person=person,
        mine=mine,
        state=state,
        current_stage=current,
        stages=stages,
        drafts=drafts_of(history),
        reviews=reviews_of(history, process),
        review_events=review_events,
        review_roles=review_roles,
        approval=kinds,
        reviewer=reviewer,
        error=error,
        reasons=reasons or [],
        note=note,
        file_url=file_url,
        max_mb=MAX_BODY // 2**20,
    )


def _refusal(err: workflow.MouError) -> tuple[str, list[str]]:
    reasons = list(getattr(err, "reasons", []) or [])
    return str(err), reasons


def _status_of(err: workflow.MouError) -> int:
    return 409 if isinstance(err, workflow.Refused | workflow.TransitionNotAllowed | workflow.AgreementBusy) else 400


def drafts_page(req: Req) -> Response:
    slug = req.params["slug"]
    person = req.agreement(slug)
    return _page(req, slug, person)


def _nobody(req: Req, slug: str) -> Response:
    return _page(
        req, slug, None, status=403, error=_("Your account acts as none of the people of this agreement; it may only look.")
    )


def render_drafts(req: Req) -> Response:
    slug = req.params["slug"]
    person = req.agreement(slug)
    if person is None:
        return _nobody(req, slug)
    stage = req.form.get("tahap", "").strip()
    try:
        written = workflow.render(req.store, slug, [stage] if stage else None, None, person)
    except workflow.MouError as err:
        error, reasons = _refusal(err)
        return _page(req, slug, person, status=_status_of(err), error=error, reasons=reasons)
    names = ", ".join(PurePosixPath(d.artifact.path).name for d in written if getattr(d, "artifact", None))
    return redirect(f"/kerja-sama/{quote(slug)}/rancangan", _("New drafts recorded: {files}").format(files=names))


def review(req: Req) -> Response:
    slug = req.params["slug"]
    person = req.agreement(slug)
    if person is None:
        return _nobody(req, slug)
    event = req.form.get("event", "")
    note = req.form.get("note", "").strip()
    upload = req.uploads.get("lampiran", b"")  # type: ignore[attr-defined]
    attachments: list[tuple[str, bytes]] = []
    if upload:
        sent = req.files.get("lampiran")
        attachments.append((getattr(sent, "filename", "") or "", upload))  # the name is shown, never used as a path
    for sent_file in req.files.values():  # read already (req.uploads): its spooled temporary file is done with
        sent_file.file.close()
    try:
        from workflow.process.definition import load_process

        process = load_process(workflow.status(req.store, slug).process)
        chosen = process.event(event)
        if chosen is None or not chosen.is_review:
            raise workflow.MouError(_("{event} is not a reviewer's decision on a draft").format(event=repr(event)))
        entry = workflow.advance(req.store, slug, event, person, note, attachments=attachments)
    except workflow.MouError as err:
        error, reasons = _refusal(err)
        return _page(req, slug, person, status=_status_of(err), error=error, reasons=reasons, note=note)
    flash = _("Recorded in the history: {event} by {actor} [entry {seq}]").format(
        event=chosen.title, actor=entry["actor"], seq=entry["seq"]
    )
    return redirect(f"/kerja-sama/{quote(slug)}/rancangan", flash)


# --- comparing two versions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    document: Document
    old: Version
    new: Version


class _Bad(Exception):
    pass


def _pair(req: Req, slug: str) -> Pair:
    """The document and the two versions the query names, or _Bad with what is wrong."""
    docs = _documents(workflow.entries(req.store, slug))
    stem = req.query.get("dokumen", "")
    document = docs.get(stem)
    if document is None:
        raise _Bad(_("{slug} has no recorded drafts of a document {name}").format(slug=slug, name=repr(stem)))
    found = []
    for key in ("a", "b"):
        text = req.query.get(key, "")
        m = _VERSION.match(text)
        version = document.version(int(m.group(1))) if m else None
        if version is None:
            have = ", ".join(f"v{v.n}" for v in document.versions)
            raise _Bad(
                _("{name} has no version {version}; it has {versions}").format(name=stem, version=repr(text), versions=have)
            )
        found.append(version)
    if found[0].n == found[1].n:
        raise _Bad(_("choose two different versions to compare"))
    return Pair(document, found[0], found[1])


def _side_by_side(html: str) -> str:
    """The body of the library's side-by-side page, fit for our page and its Content-Security-Policy.

    The page's ``<style>`` is dropped (its rules are in static/style.css, under ``.redline``); its column
    widths (``style="width:…"``) become the ``width`` attribute of ``<col>``; its title a second-level heading.
    """
    body = html.split("<body>", 1)[1].rsplit("</body>", 1)[0]
    body = re.sub(r'<col style="width:([0-9.]+%)">', r'<col width="\1">', body)
    body = body.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    if "style=" in body or "<script" in body or "<style" in body:  # the CSP would refuse it: never send it
        raise workflow.MouError(_("the comparison page could not be shown"))
    return body


def _who(req: Req, person: str | None) -> str:
    return person or req.account.name


def _compare_refused(req: Req, slug: str, err: Exception) -> Response:
    """The comparison page saying why the two versions asked for cannot be compared (nothing shown, nothing made)."""
    return render(req, "drafts_compare.html", status=400, slug=slug, pair=None, body="", error=str(err), docx_url="")


def compare_page(req: Req) -> Response:
    slug = req.params["slug"]
    person = req.agreement(slug)
    from markupsafe import Markup

    from workflow.documents.textdiff import document_lines, side_by_side

    try:
        pair = _pair(req, slug)
        old, new = req.store.read(slug, pair.old.path), req.store.read(slug, pair.new.path)
        html = side_by_side(
            document_lines(old),
            document_lines(new),
            f"{pair.document.stem}-v{pair.old.n}",
            f"{pair.document.stem}-v{pair.new.n}",
            _who(req, person),
            datetime.now(UTC),
        )
        shown = Markup(_side_by_side(html))  # the library escapes every text of the documents
    except (_Bad, workflow.MouError) as err:
        return _compare_refused(req, slug, err)
    query = urlencode({"dokumen": pair.document.stem, "a": f"v{pair.old.n}", "b": f"v{pair.new.n}"})
    return render(
        req,
        "drafts_compare.html",
        slug=slug,
        pair=pair,
        body=shown,
        error="",
        docx_url=f"/kerja-sama/{quote(slug)}/rancangan/banding.docx?{query}",
        file_url=file_url,
    )


def compare_docx(req: Req) -> Response:
    """The tracked-changes .docx of two versions, made now (checked: accepting every change gives the newer
    text, rejecting every change the older) and sent as a download; nothing is written to the agreement."""
    slug = req.params["slug"]
    person = req.agreement(slug)
    from workflow.documents.textdiff import checked_redline

    try:
        pair = _pair(req, slug)
        stamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        what = f"{pair.document.stem} v{pair.old.n} -> v{pair.new.n}"
        data = checked_redline(
            req.store.read(slug, pair.old.path), req.store.read(slug, pair.new.path), _who(req, person), stamp, what
        )
    except (_Bad, workflow.MouError) as err:
        return _compare_refused(req, slug, err)
    name = f"{pair.document.stem}-v{pair.old.n}-v{pair.new.n}-redline.docx"
    return Response(data, media_type=DOCX, headers={"content-disposition": f'attachment; filename="{name}"'})


ROUTES: list[tuple[str, Any, list[str]]] = [
    ("/kerja-sama/{slug}/rancangan", drafts_page, ["GET"]),
    ("/kerja-sama/{slug}/rancangan/susun", render_drafts, ["POST"]),
    ("/kerja-sama/{slug}/rancangan/telaah", review, ["POST"]),
    ("/kerja-sama/{slug}/rancangan/banding", compare_page, ["GET"]),
    ("/kerja-sama/{slug}/rancangan/banding.docx", compare_docx, ["GET"]),
]
