"""Moving an agreement through its process: advance, status, history, verify, list, diagram.

The state is the replay of ``history.jsonl`` through a ``transitions`` machine built from the
agreement's process definition. Guards are checked first, all of them; only when every guard passes
are documents rendered and the entry appended, under the agreement's lock, so a refused or failed
event changes nothing (ANCHORS.md pitfall 16).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from workflow import config
from workflow.commands.session import Snapshot, blockers, session, snapshot
from workflow.data.model import DEFAULT_PROCESS, Agreement
from workflow.errors import MouError, NoDocumentsHere, Refused, SignatureNeedsFiles, TransitionNotAllowed
from workflow.i18n import _
from workflow.process.deadlines import Due, deadlines, period_of
from workflow.process.definition import EventDef, Process, load_process
from workflow.process.machine import RENDER_EVENT, build_machine
from workflow.records.store import Store


def advance(
    store: Store,
    slug: str,
    trigger: str,
    actor: str | None = None,
    note: str = "",
    *,
    when: date | None = None,
    attachments: Sequence[tuple[str, bytes]] = (),
) -> dict[str, Any]:
    """Fire ``trigger`` as ``actor``: refuse with every reason, or render (if the event says so) and record.

    ``attachments`` go with a reviewer's decision (an approval or a request for changes): each a pair
    (the name it had, its bytes), a Word document (.docx) such as the partner's marked-up draft. They are
    checked before anything is written, kept as ``reviews/attachments/e<seq>-<n>.docx`` (a name of the
    tool's, never the one given) and recorded among the entry's artifacts, their names in its data.
    """
    kept = _review_attachments(attachments)
    with session(store, slug, actor) as s:
        snap = s.snap
        event = snap.process.event(trigger)
        allowed = [e.trigger for e in snap.process.events_from(snap.state)]
        if event is None or snap.state not in event.source:
            raise TransitionNotAllowed(
                slug, trigger, snap.state, allowed, known=event is not None, state_title=snap.process.state(snap.state).title
            )
        if event.is_signature:
            raise SignatureNeedsFiles(slug, trigger, event.document)
        if kept and not event.is_review:
            raise MouError(
                _("{event} is not a review: only an approval or a request for changes takes attachments").format(event=trigger),
                rule="review.attachment",
                figures={"event": trigger},
            )
        role, role_reason = s.role(event.roles, event.trigger)
        reasons = ([role_reason] if role_reason else []) + blockers(snap, event, store, when or s.settings.day())
        if reasons:
            dest_title = snap.process.state(event.dest or snap.state).title
            raise Refused(event.trigger, event.dest, snap.state, reasons, dest_title=dest_title)
        dest = event.dest or snap.state
        machine = build_machine(snap.process, snap.state)
        machine.fire(trigger)  # the process allows it: checked above, confirmed by the machine
        stage = snap.process.state(dest).stage if event.render else None
        from workflow.commands.render import render_stage  # docxtpl and Jinja load only when a document is made

        artifacts = [d.artifact for d in render_stage(store, snap.loaded, stage, None) if d.artifact] if stage else []
        if event.is_approval:  # keep the approved data, so later changes can be named
            artifacts.append(s.write(f"reviews/agreement-approved-e{len(snap.entries) + 1}.yaml", snap.loaded.raw))
        data: dict[str, Any] = {}
        if kept:
            listed = []
            for n, (name, content) in enumerate(kept, 1):  # after the approved copy, which stays the first reviews/ file
                written = s.write(f"{ATTACHMENTS}/e{len(snap.entries) + 1}-{n}.docx", content)
                artifacts.append(written)
                listed.append({"path": written.path, "name": name})
            data["attachments"] = listed
        entry = s.entry(trigger, role=role, to=machine.state, note=note, stage=stage, artifacts=artifacts, data=data)
        return s.record(entry)


ATTACHMENTS = "reviews/attachments"
"""Where the files a reviewer attaches to a decision are kept: ``e<seq>-<n>.docx``."""
MAX_ATTACHMENT = 25 * 1024 * 1024


def _review_attachments(attachments: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """``attachments`` with each name reduced to a plain label; raises unless every one is a .docx of at most 25 MB.

    A .docx is recognised by its content (a zip holding ``word/document.xml``), never by its name.
    """
    import io
    import zipfile

    out: list[tuple[str, bytes]] = []
    for n, (name, content) in enumerate(attachments, 1):
        label = "".join(c for c in name.replace("\\", "/").rsplit("/", 1)[-1] if c.isprintable()).strip()[:120]
        label = label or _("attachment {n}").format(n=n)
        if len(content) > MAX_ATTACHMENT:
            raise MouError(
                _("the attachment {name} is larger than {limit} MB").format(name=label, limit=MAX_ATTACHMENT // 2**20),
                rule="review.attachment.size",
                figures={"name": label, "bytes": len(content)},
            )
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as docx:
                is_docx = "word/document.xml" in docx.namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            is_docx = False
        if not is_docx:
            raise MouError(
                _("the attachment {name} is not a Word document (.docx)").format(name=label),
                rule="review.attachment.type",
                figures={"name": label},
            )
        out.append((label, content))
    return out


def record_render(store: Store, slug: str, stages: list[str] | None, out: Path | None, actor: str | None) -> list[Any]:
    """Render stages (default: the current state's) and record each in the history, under the lock.

    Documents written with ``out`` go outside the agreement's folder and are an export, not recorded.
    """
    from workflow.commands.render import render_stage
    from workflow.data.catalogue import load_catalogue

    with session(store, slug, actor) as s:
        snap = s.snap
        if not stages:
            current = snap.process.state(snap.state).stage
            if current is None:
                names = [st.name for st in load_catalogue().stages]
                raise NoDocumentsHere(snap.state, names)
            stages = [current]
        catalogue = load_catalogue()
        for st in stages:
            catalogue.stage(st)  # unknown stage: refused before anything is written
        written: list[Any] = []
        for st in stages:
            docs = render_stage(store, snap.loaded, st, out)
            written += docs
            if out is None:
                s.record(s.entry(RENDER_EVENT, role=None, stage=st, artifacts=[d.artifact for d in docs if d.artifact]))
        return written


@dataclass(frozen=True)
class EventStatus:
    """One event that may be fired in the current state, and what blocks it."""

    trigger: str
    title: str
    dest: str
    roles: list[str]
    blockers: list[str]
    command: str = ""
    """The command that fires it, to type as it is (`mou advance`, or `mou sign` for a signature); the
    blockers, if any, say why it would be refused now."""
    actor: str | None = None
    """The first person of the agreement (``people:``) holding one of ``roles``, in the order of the
    roles; None when nobody does (the command then says ``--as NAME``)."""


@dataclass(frozen=True)
class Status:
    """What `mou status` shows."""

    slug: str
    process: str
    state: str
    title: str
    final: bool
    events: list[EventStatus]
    documents: list[str]
    due: list[Due]
    entries: int
    adenda: int = 0
    monitoring: list[str] = field(default_factory=list)
    """In a state that carries the agreement out (``implementing: true``): the commands that record the
    monitoring work (participants, a payment, the periodic report), with the periods now due; else empty."""
    state_titles: dict[str, str] = field(default_factory=dict)
    """The title (in Indonesian, as the process declares it) of the current state and of every state an
    event of ``events`` leads to, by state name: what a reader of Indonesian is shown beside the name."""


def status(store: Store, slug: str, *, when: date | None = None) -> Status:
    """State, what may happen next and what blocks it (with the command to type), this stage's
    documents, due dates, and while the agreement is carried out the monitoring commands."""
    snap = snapshot(store, slug)
    when = when or config.current().day()
    st = snap.process.state(snap.state)
    events = []
    for e in snap.process.events_from(snap.state):
        actor = holder(snap.agreement, e.roles)
        events.append(
            EventStatus(
                e.trigger,
                e.title,
                e.dest or snap.state,
                e.roles,
                blockers(snap, e, store, when),
                event_command(slug, e, actor),
                actor,
            )
        )
    due = due_of(snap, when)
    return Status(
        slug,
        snap.process.name,
        snap.state,
        st.title,
        st.final,
        events,
        latest_documents(snap),
        due,
        len(snap.entries),
        snap.signed_adenda,
        monitoring_commands(slug, snap.terms, holder(snap.agreement, snap.process.milestone_roles), due)
        if st.implementing
        else [],
        {name: snap.process.state(name).title for name in [snap.state, *(e.dest for e in events)]},
    )


def holder(agreement: Agreement, roles: list[str]) -> str | None:
    """The first person of ``agreement.people`` who holds one of ``roles`` (tried in that order), if any."""
    for role in roles:
        person = next((p for p in agreement.people if role in p.roles), None)
        if person is not None:
            return person.name
    return None


def event_command(slug: str, event: EventDef, actor: str | None) -> str:
    """The command line that fires ``event`` as ``actor`` (``NAME`` when unknown): `mou sign` for a signature."""
    who = f"--as {quoted(actor)}" if actor else "--as NAME"
    if event.is_signature:
        return f"mou sign {slug} --document {event.document} --file SIGNED.pdf {who}"
    return f"mou advance {slug} {event.trigger} {who}"


def monitoring_commands(slug: str, terms: Agreement, actor: str | None, due: list[Due]) -> list[str]:
    """The commands that record monitoring work: import the participant list, log a payment, render the
    report; the payment's month and the report's period are those now due (placeholders when none is)."""
    periods = {d.kind: period_of(d, terms.monitoring.cadence) for d in due if d.kind in ("payment", "report")}
    who = f" --as {quoted(actor)}" if actor else " --as NAME"
    return [
        f"mou participants import {slug} FILE.csv{who}",
        f"mou log {slug} payment --period {periods.get('payment') or 'YYYY-MM'} --workers N --amount RUPIAH"
        f" --reference NOMOR-SP2D{who}",
        f"mou report {slug} --period {periods.get('report') or 'YYYY-Qn'}{who}",
    ]


def quoted(text: str) -> str:
    """``text`` as one shell word in double quotes (POSIX shells and cmd.exe alike, for ordinary names)."""
    escaped = "".join("\\" + c if c in '"\\$`' else c for c in text)
    return f'"{escaped}"'


def latest_documents(snap: Snapshot) -> list[str]:
    """Latest recorded version of each document of the current stage."""
    stage = snap.process.state(snap.state).stage
    latest: dict[str, str] = {}
    for e in snap.entries:
        if e.get("stage") == stage:
            for a in e["artifacts"]:
                latest[a["path"].rsplit("-v", 1)[0]] = a["path"]
    return sorted(latest.values())


def due_of(snap: Snapshot, when: date) -> list[Due]:
    """What is due for the agreement as of ``when``: the one rule (``workflow.process.deadlines``) every view uses."""
    limit = config.current().review_days
    paid: list[str] | None = None
    if snap.process.state(snap.state).implementing:  # only then are payments due (and the ledger worth loading)
        from workflow.data.ledger import live

        paid = [str(i.figures["period"]) for i in live(snap.entries) if i.kind == "payment" and "period" in i.figures]
    return deadlines(snap.loaded.slug, snap.process, snap.state, snap.terms, snap.entries, when, limit, paid)


def entries(store: Store, slug: str) -> list[dict[str, Any]]:
    """The checked history of one agreement."""
    store.agreement_file(slug)  # an unknown agreement is named with those there are
    return store.history(slug)


@dataclass(frozen=True)
class Row:
    """One line of `mou list`."""

    slug: str
    state: str
    partner: str
    term_end: date | None
    next_deadline: Due | None
    problem: str | None = None
    title: str = ""
    """The title of ``state`` (in Indonesian, as the process declares it); empty for an invalid or broken agreement."""

    def plain(self) -> dict[str, Any]:
        """The row as JSON values (dates as ISO text)."""
        due = self.next_deadline
        return {
            "slug": self.slug,
            "state": self.state,
            "partner": self.partner,
            "term_end": self.term_end.isoformat() if self.term_end else None,
            "due": [due.slug, due.when.isoformat(), due.what, due.overdue, due.kind] if due else None,
            "problem": self.problem,
            "title": self.title,
        }

    @classmethod
    def from_plain(cls, d: dict[str, Any]) -> Row:
        """The row ``plain`` gave."""
        due = d["due"]
        return cls(
            d["slug"],
            d["state"],
            d["partner"],
            date.fromisoformat(d["term_end"]) if d["term_end"] else None,
            Due(due[0], date.fromisoformat(due[1]), due[2], due[3], *due[4:]) if due else None,
            d["problem"],
            d.get("title", ""),
        )


def list_agreements(store: Store, *, when: date | None = None, heads: Mapping[str, str] | None = None) -> list[Row]:
    """Every agreement of the store (of ``heads``, when the caller has just read ``store.heads()``): state,
    partner, end of term, next deadline.

    Each row is remembered while its agreement's data and history stay the same (``remembered_rows``).
    """
    import json

    from workflow.commands.views import remembered_rows

    day = when or config.current().day()
    texts = remembered_rows("list-rows", store, [day.isoformat()], lambda slug: json.dumps(_row(store, slug, day).plain()), heads)
    return [Row.from_plain(json.loads(text)) for text in texts.values()]


def _row(store: Store, slug: str, when: date) -> Row:
    from workflow.errors import InvalidData

    try:
        snap = snapshot(store, slug)
    except InvalidData as err:
        return Row(slug, "invalid", "", None, None, str(err.problems[0]))
    except MouError as err:
        return Row(slug, "broken", "", None, None, str(err))
    terms = snap.terms  # the end of term in force, after any signed adendum
    dues = due_of(snap, when)
    title = snap.process.state(snap.state).title
    return Row(slug, snap.state, terms.parties.partner.short_name, terms.term.end, dues[0] if dues else None, None, title)


def mermaid(process: Process, current: str | None = None) -> str:
    """The process as a Mermaid state diagram, the current state highlighted."""
    lines = ["stateDiagram-v2", f"    [*] --> {process.initial}"]
    for st in process.states:
        lines.append(f"    {st.name} : {st.name}<br/>{st.title}")
    for ev in process.events:
        for src in ev.source:
            lines.append(f"    {src} --> {ev.dest or src} : {ev.trigger}")
    lines += [f"    {st.name} --> [*]" for st in process.states if st.final]
    if current:
        lines += ["    classDef current fill:#f9d71c,stroke:#333,stroke-width:2px", f"    class {current} current"]
    return "\n".join(lines) + "\n"


def dot(process: Process, current: str | None = None) -> str:
    """The process in Graphviz DOT, for SVG output."""
    out = ["digraph process {", '  rankdir=TB; node [shape=box, style=rounded, fontname="Helvetica"];']
    for st in process.states:
        attrs = [f'label="{st.name}\\n{st.title}"']
        if st.final:
            attrs.append("peripheries=2")
        if st.name == current:
            attrs.append('style="rounded,filled", fillcolor="#f9d71c"')
        out.append(f"  {st.name} [{', '.join(attrs)}];")
    for ev in process.events:
        for src in ev.source:
            out.append(f'  {src} -> {ev.dest or src} [label="{ev.trigger}", fontsize=9];')
    out.append("}")
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Titles:
    """The titles a process gives its states and events (Indonesian in the shipped processes), by token."""

    states: dict[str, str]
    events: dict[str, str]


def process_titles(name: str) -> Titles:
    """The state and event titles of the process ``name`` (what a reader is shown beside the tokens)."""
    process = load_process(name)
    return Titles({s.name: s.title for s in process.states}, {e.trigger: e.title for e in process.events})


def diagram(store: Store, slug: str | None, fmt: str, process_name: str | None = None) -> str:
    """Mermaid text or SVG of a process, highlighting ``slug``'s state when given."""
    current = None
    if slug:
        snap = snapshot(store, slug)
        process, current = snap.process, snap.state
    else:
        process = load_process(process_name or DEFAULT_PROCESS)
    if fmt == "mermaid":
        return mermaid(process, current)
    import shutil
    import subprocess

    if not shutil.which("dot"):
        raise MouError(_("an SVG diagram needs Graphviz's dot program, which is not installed"), rule="graphviz")
    proc = subprocess.run(["dot", "-Tsvg"], input=dot(process, current), capture_output=True, text=True, check=False, timeout=60)
    if proc.returncode != 0:
        raise MouError(_("Graphviz's dot failed: {error}").format(error=proc.stderr.strip()), rule="graphviz.failed")
    return proc.stdout
