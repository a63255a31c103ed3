"""Pages: the list of agreements (Daftar kerja sama) and one agreement's page.

The list answers from ``workflow.list_agreements`` (each row remembered while its agreement stays the
same); the filters by OPD and by year need the agreement's data, which the rows lack: those facts are
loaded once per agreement and kept while its head (``Store.heads``) stays the same, as
``Site.people_of`` keeps the people. The agreement page shows where it stands, what may happen next and
who may do it, a button for each event the account may fire, the documents the history recorded, and
the history itself; a file is downloaded only when the history recorded its path.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from threading import Lock
from typing import Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.responses import Response

import workflow
from workflow import i18n
from workflow.i18n import N_, _
from workflow.web.core import Req, error_page, redirect, render

# --- the list ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the list's filters need that a row of ``list_agreements`` lacks."""

    opd: str
    year: int | None


_FACTS: dict[tuple[str, str], tuple[str, Facts]] = {}
_FACTS_LOCK = Lock()


def opd_of(agreement: Any) -> str:
    """The Pemda's technical OPD: the person of ``people:`` holding the role ``opd_teknis``, else the
    tim teknis' lead (a position), else the Pemda's name."""
    for person in agreement.people:
        if "opd_teknis" in person.roles:
            return str(person.name)
    team = getattr(agreement, "technical_team", None)
    lead = getattr(team, "lead", None) if team is not None else None
    return str(lead or agreement.parties.pemda.short_name or agreement.parties.pemda.name)


def facts_of(req: Req, slug: str, head: str) -> Facts:
    """The OPD and the year the term starts of ``slug`` (whose head is ``head``), remembered while its head
    stays the same."""
    key = (req.site.store_url, slug)
    with _FACTS_LOCK:
        known = _FACTS.get(key)
    if known and known[0] == head:
        return known[1]
    try:
        agreement = workflow.load(req.store, slug).agreement
        facts = Facts(opd_of(agreement), agreement.term.start.year if agreement.term.start else None)
    except workflow.MouError:
        facts = Facts("", None)  # an invalid agreement: its row says why
    with _FACTS_LOCK:
        _FACTS[key] = (head, facts)
    return facts


@dataclass(frozen=True)
class Listed:
    """One row of the list as the page shows it."""

    row: Any  # workflow.commands.lifecycle.Row
    facts: Facts

    @property
    def overdue(self) -> bool:
        due = self.row.next_deadline
        return bool(due and due.overdue)


def _choices(values: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(value, label) pairs, each value once, sorted by label."""
    seen: dict[str, str] = {}
    for value, label in values:
        if value and value not in seen:
            seen[value] = label
    return sorted(seen.items(), key=lambda kv: (kv[1].casefold(), kv[0]))


PAGE_ROWS = 50
"""Rows of the list shown per page (``?halaman=N``)."""

_LISTS: dict[tuple[str, str, str], tuple[Mapping[str, str], list[Listed]]] = {}
_LISTS_LOCK = Lock()


def every_row(req: Req) -> tuple[Mapping[str, str], list[Listed]]:
    """Every agreement's row with its facts, made once per look at the store's heads (``Site.heads``) and
    shared by the requests that come while that look holds: the list costs no store read per request."""
    heads = req.heads()
    day = workflow.config.current().day()
    key = (req.site.store_url, day.isoformat(), i18n.language())
    with _LISTS_LOCK:
        known = _LISTS.get(key)
    if known and known[0] is heads:
        return known
    if known and known[0] == heads:  # a new look at the store that found nothing changed
        made = (heads, known[1])
    else:
        rows = workflow.list_agreements(req.store, when=day, heads=heads)
        made = (heads, [Listed(r, facts_of(req, r.slug, heads.get(r.slug, ""))) for r in rows])
    with _LISTS_LOCK:
        if len(_LISTS) > 8:  # other days and languages
            _LISTS.clear()
        _LISTS[key] = made
    return made


def _page_number(text: str | None, pages: int) -> int:
    """The page asked for, within 1..pages (a page past the end shows the last; nonsense shows the first)."""
    try:
        wanted = int(text or "1")
    except ValueError:
        return 1
    return min(max(wanted, 1), pages)


def agreements_list(req: Req) -> Response:
    req.require_account()
    heads, every = every_row(req)
    listed = [x for x in every if req.visible(x.row.slug, heads.get(x.row.slug, ""))]
    query = req.query
    wanted = {k: (query.get(k) or "").strip() for k in ("q", "status", "opd", "mitra", "tahun")}
    options = {
        "status": _choices((x.row.state, x.row.title or x.row.state) for x in listed),
        "mitra": _choices((x.row.partner, x.row.partner) for x in listed),
        "opd": _choices((x.facts.opd, x.facts.opd) for x in listed),
        "tahun": sorted({(str(x.facts.year), str(x.facts.year)) for x in listed if x.facts.year}, reverse=True),
    }
    text = wanted["q"].casefold()
    shown = [
        x
        for x in listed
        if (not text or any(text in (v or "").casefold() for v in (x.row.slug, x.row.partner, x.row.title, x.row.state)))
        and (not wanted["status"] or x.row.state == wanted["status"])
        and (not wanted["mitra"] or x.row.partner == wanted["mitra"])
        and (not wanted["opd"] or x.facts.opd == wanted["opd"])
        and (not wanted["tahun"] or str(x.facts.year) == wanted["tahun"])
    ]
    pages = max(1, -(-len(shown) // PAGE_ROWS))
    page = _page_number(query.get("halaman"), pages)
    kept = "&".join(f"{k}={quote(v)}" for k, v in wanted.items() if v)
    return render(
        req,
        "list.html",
        rows=shown[(page - 1) * PAGE_ROWS : page * PAGE_ROWS],
        matched=len(shown),
        total=len(listed),
        wanted=wanted,
        options=options,
        filtered=any(wanted.values()),
        page=page,
        pages=pages,
        page_url=lambda n: "/?" + (kept + "&" if kept else "") + f"halaman={n}",
    )


# --- the agreement page ----------------------------------------------------------------------------


TOOL_EVENTS = {
    "render": N_("Documents rendered"),
    "archive": N_("Signed version archived"),
    "redline": N_("Drafts compared"),
    "report": N_("Monitoring report"),
    "data": N_("Agreement data replaced"),
    "finalize": N_("Final text made as PDF/A"),
    "log:participants": N_("Participant list imported"),
    "log:replacement": N_("Participant replaced"),
    "log:payment": N_("Payment recorded"),
    "log:claim": N_("Claim recorded"),
    "log:santunan": N_("Santunan handed over"),
    "log:enrolment": N_("Enrolment recorded"),
    "log:correction": N_("Correction recorded"),
    "log:void": N_("Entry voided"),
    "log:issue": N_("Issue recorded"),
}
"""Titles of the entries the tool records beside the process's events (translated where shown)."""


@dataclass(frozen=True)
class Next:
    """One event of the current state: who may fire it, what blocks it, whether this account may."""

    trigger: str
    title: str
    dest: str
    dest_title: str
    roles: list[tuple[str, str]]  # (role, its title)
    holders: list[str]
    blockers: list[str]
    mine: list[str]  # the account's persons who hold one of the roles
    signature: bool


@dataclass
class Version:
    path: str
    label: str
    pdf: str | None
    seq: int
    ts: str


@dataclass
class Document:
    title: str
    versions: list[Version] = field(default_factory=list)


@dataclass
class StageDocs:
    name: str
    title: str
    documents: list[Document] = field(default_factory=list)


_DRAFT = re.compile(r"documents/[^/]+/(?P<name>.+)-v(?P<n>\d+)\.docx")
_SIGNED = re.compile(r"signed/(?P<doc>[a-z0-9_-]+)-e(?P<n>\d+)/(?P<name>[^/]+)\.docx")


def _catalogue() -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Stage names in process order, stage titles and document titles of the templates' catalogue."""
    from workflow.data.catalogue import load_catalogue

    try:
        stages = load_catalogue().stages
    except workflow.MouError:
        return [], {}, {}
    return (
        [s.name for s in stages],
        {s.name: s.title for s in stages},
        {d.name: d.title for s in stages for d in s.documents},
    )


def documents_of(history: list[dict[str, Any]]) -> list[StageDocs]:
    """Every .docx the history recorded in a stage, grouped by stage (process order) and document,
    newest version first, each with its PDF when the history holds one of the same name."""
    order, stage_titles, doc_titles = _catalogue()
    recorded = {a["path"] for e in history for a in e["artifacts"]}
    stages: dict[str, dict[str, Document]] = {}
    for e in history:
        stage = e.get("stage")
        if not stage:
            continue
        for artifact in e["artifacts"]:
            path = artifact["path"]
            if not path.endswith(".docx"):
                continue
            pdf = path[: -len(".docx")] + ".pdf"
            if m := _DRAFT.fullmatch(path):
                key, title, label = m["name"], doc_titles.get(m["name"], m["name"]), f"v{m['n']}"
            elif m := _SIGNED.fullmatch(path):
                key = f"signed/{m['doc']}/{m['name']}"
                title = _("Signed final text ({document})").format(document=m["doc"])
                label = _("entry {seq}").format(seq=m["n"])
            else:
                key = title = path.rsplit("/", 1)[-1][: -len(".docx")]
                label = _("entry {seq}").format(seq=e["seq"])
            doc = stages.setdefault(stage, {}).setdefault(key, Document(title))
            doc.versions.insert(0, Version(path, label, pdf if pdf in recorded else None, e["seq"], e["ts"]))
    rank = {name: i for i, name in enumerate(order)}
    out = []
    for stage in sorted(stages, key=lambda s: (rank.get(s, len(rank)), s)):
        docs = sorted(stages[stage].values(), key=lambda d: -d.versions[0].seq)
        out.append(StageDocs(stage, stage_titles.get(stage, stage), docs))
    return out


def _when(ts: str) -> str:
    """An entry's time (UTC, as recorded) in the reader's form: ``24 Juni 2025 03:12 UTC``."""
    from workflow.i18n import day

    try:
        moment = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return ts
    return f"{day(moment.date())} {moment:%H:%M} UTC"


def _event_title(event: str, titles: Mapping[str, str]) -> str:
    if event in titles:
        return titles[event]
    if event in TOOL_EVENTS:
        return _(TOOL_EVENTS[event])
    if event.startswith("log:"):
        return _("Monitoring record: {kind}").format(kind=event[len("log:") :])
    return event


def timeline(history: list[dict[str, Any]], titles: Any) -> list[dict[str, Any]]:
    """The history newest first, as the page shows it."""
    out = []
    for e in reversed(history):
        account = e.get("account")
        out.append(
            {
                "seq": e["seq"],
                "when": _when(e["ts"]),
                "ts": e["ts"],
                "event": e["event"],
                "title": _event_title(e["event"], titles.events),
                "moved": e["from"] != e["to"],
                "from": titles.states.get(e["from"], e["from"]),
                "to": titles.states.get(e["to"], e["to"]),
                "actor": e["actor"],
                "role": e["role"],
                "web": _("[web: {login}]").format(login=account["login"]) if isinstance(account, dict) else "",
                "note": e["note"],
                "files": _entry_files(e),
            }
        )
    return out


def _entry_files(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, path) of each file of a history entry: an attachment a reviewer sent shows the name it was sent under."""
    sent = {a.get("path"): a.get("name") for a in (entry.get("data") or {}).get("attachments", []) if isinstance(a, dict)}
    out = []
    for artifact in entry["artifacts"]:
        path = artifact["path"]
        name = sent.get(path)
        out.append((_("{name} (attachment: {path})").format(name=name, path=path) if name else path, path))
    return out


def _next_events(req: Req, status: Any, agreement: Any) -> list[Next]:
    from workflow.process.definition import load_process

    process = load_process(status.process)
    role_titles = {r.name: r.title for r in process.roles}
    names = {p.name for p in agreement.people}
    mine = [n for n in req.account.acts_as if n in names]
    out = []
    for e in status.events:
        holders = [p.name for p in agreement.people if set(p.roles) & set(e.roles)]
        definition = process.event(e.trigger)
        out.append(
            Next(
                e.trigger,
                e.title,
                e.dest,
                status.state_titles.get(e.dest, e.dest),
                [(r, role_titles.get(r, r)) for r in e.roles],
                holders,
                list(e.blockers),
                [n for n in mine if n in holders],
                bool(definition and definition.is_signature),
            )
        )
    return out


def _show(
    req: Req,
    slug: str,
    person: str | None,
    *,
    status_code: int = 200,
    error: str = "",
    reasons: list[str] | None = None,
    event: str = "",
    note: str = "",
) -> Response:
    """The agreement page, with a refusal's reasons when given."""
    try:
        status = workflow.status(req.store, slug)
        loaded = workflow.load(req.store, slug)
        history = workflow.entries(req.store, slug)
    except workflow.MouError as err:  # broken data or history: say why, offer nothing to do
        return render(req, "agreement.html", status=500 if status_code == 200 else status_code, slug=slug, broken=str(err))
    titles = workflow.process_titles(status.process)
    return render(
        req,
        "agreement.html",
        status=status_code,
        slug=slug,
        broken="",
        person=person,
        mine=[n for n in req.account.acts_as if n in {p.name for p in loaded.agreement.people}],
        st=status,
        agreement=loaded.agreement,
        events=_next_events(req, status, loaded.agreement),
        stages=documents_of(history),
        timeline=timeline(history, titles),
        error=error,
        reasons=reasons or [],
        chosen=event,
        note=note,
    )


def _holder(req: Req, slug: str, trigger: str) -> str | None:
    """The first of the account's persons in ``slug`` who holds a role of ``trigger``, if any."""
    try:
        status = workflow.status(req.store, slug)
        agreement = workflow.load(req.store, slug).agreement
    except workflow.MouError:
        return None
    event = next((e for e in _next_events(req, status, agreement) if e.trigger == trigger), None)
    return event.mine[0] if event and event.mine else None


def agreement_page(req: Req) -> Response:
    slug = req.params["slug"]
    person = req.agreement(slug)
    return _show(req, slug, person)


def fire_event(req: Req) -> Response:
    """Fire the event of the form as the account's person; a refusal shows every reason, writing nothing."""
    slug = req.params["slug"]
    person = req.agreement(slug)
    event, note = req.form.get("event", "").strip(), req.form.get("note", "").strip()
    if not req.form.get("sebagai"):
        person = _holder(req, slug, event) or person
    if person is None:
        message = _("Your account acts as none of the people of this agreement; it may look but not act.")
        return _show(req, slug, person, status_code=409, error=message, event=event, note=note)
    try:
        entry = workflow.advance(req.store, slug, event, person, note)
    except workflow.MouError as err:
        reasons = list(getattr(err, "reasons", None) or [])
        if isinstance(err, workflow.Refused):
            titles = workflow.process_titles(workflow.status(req.store, slug).process).events
            named = f"{titles[event]} ({event})" if event in titles else event
            message = _("{event} was refused; nothing was recorded:").format(event=named)
        else:
            message, reasons = _("Nothing was recorded:"), [str(err)]
        return _show(req, slug, person, status_code=409, error=message, reasons=reasons, event=event, note=note)
    status = workflow.status(req.store, slug)
    state = status.state_titles.get(entry["to"], entry["to"])
    title = workflow.process_titles(status.process).events.get(event, event)
    return redirect(
        f"/kerja-sama/{quote(slug)}", _("{event} is recorded; the agreement is now at: {state}.").format(event=title, state=state)
    )


# --- downloads ---------------------------------------------------------------------------------------


CONTENT_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".yaml": "text/plain; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".zip": "application/zip",
    ".xml": "application/xml",
}


def disposition(name: str) -> str:
    """``attachment`` with ``name`` as RFC 6266 gives it: a plain ASCII fallback, the exact name in UTF-8."""
    plain = re.sub(r"[^A-Za-z0-9._-]", "_", name).strip(".") or "berkas"
    if plain == name:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(req: Req) -> Response:
    """A file the history recorded, by its recorded path (never a path of the filesystem); 404 otherwise."""
    slug, path = req.params["slug"], req.params["path"]
    req.agreement(slug)
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        raise HTTPException(404)
    recorded = {a["path"]: a["sha256"] for e in workflow.entries(req.store, slug) for a in e["artifacts"]}
    if path not in recorded:
        raise HTTPException(404)
    try:
        data = req.store.read(slug, path)
    except (OSError, ValueError, workflow.MouError):
        raise HTTPException(404) from None
    if hashlib.sha256(data).hexdigest() != recorded[path]:
        return error_page(req.site, req.request, 409, _("The file differs from the one the history recorded; run mou verify."))
    name = parts[-1]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return Response(
        data,
        media_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
        headers={"Content-Disposition": disposition(name)},
    )


ROUTES: list[tuple[str, Any, list[str]]] = [
    ("/", agreements_list, ["GET"]),
    ("/kerja-sama/{slug}", agreement_page, ["GET"]),
    ("/kerja-sama/{slug}/tindakan", fire_event, ["POST"]),
    ("/kerja-sama/{slug}/berkas/{path:path}", download, ["GET"]),
]
