"""Moving an agreement through its process: advance, status, history, verify, list, diagram.

The state is the replay of ``history.jsonl`` through a ``transitions`` machine built from the
agreement's process definition. Guards are checked first, all of them; only when every guard passes
are documents rendered and the entry appended, under the agreement's lock, so a refused or failed
event changes nothing (ANCHORS.md pitfall 16).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from workflow import history
from workflow.agreements import Loaded, load
from workflow.errors import MouError
from workflow.guards import GUARDS, GuardContext, today
from workflow.model import CADENCE_MONTHS, Agreement
from workflow.process import EventDef, Process, load_process
from workflow.store import Store, write_new

RENDER_EVENT = "render"
ARCHIVE_EVENT = "archive"  # recorded by workflow.archive; like a render, it does not move the state
LOG_PREFIX = "log:"  # milestones recorded by workflow.monitoring (log:payment, log:claim, ...); no state change
REDLINE_EVENT = "redline"  # recorded by workflow.diff: a tracked-changes comparison of two drafts, sent for review
RECORD_ONLY = {RENDER_EVENT, ARCHIVE_EVENT, REDLINE_EVENT, "report"}
"""Entries that record work without moving the state (replay passes over them)."""


class TransitionNotAllowed(MouError):
    """Raised for an event that the process does not allow in the current state."""

    def __init__(self, slug: str, event: str, state: str, allowed: list[str], *, known: bool) -> None:
        self.slug, self.event, self.state = slug, event, state
        what = f"event '{event}' is not allowed in state {state}" if known else f"unknown event '{event}'"
        nxt = ", ".join(allowed) if allowed else "none (a final state)"
        super().__init__(f"{slug}: {what}; allowed now: {nxt}")


class Refused(MouError):
    """Raised when guards or roles refuse an event; lists every reason at once."""

    def __init__(self, event: EventDef, state: str, reasons: list[str]) -> None:
        self.event, self.state, self.reasons = event.trigger, state, reasons
        target = f"move to {event.dest}" if event.dest and event.dest != state else f"{event.trigger} in {state}"
        super().__init__(f"cannot {target}: {'; '.join(reasons)}")


class ActorUnknown(MouError):
    """Raised when nobody is named as the actor, or the name is not among the agreement's people."""


@dataclass
class Machine:
    """The agreement's ``transitions`` machine and the model whose ``state`` it moves."""

    process: Process
    model: Any

    @property
    def state(self) -> str:
        """Current state name."""
        return str(self.model.state)

    def fire(self, trigger: str) -> None:
        """Fire ``trigger``; raises ``transitions.MachineError`` when it is not allowed."""
        self.model.trigger(trigger)


def build_machine(process: Process, initial: str | None = None) -> Machine:
    """A ``transitions.Machine`` for ``process``: no auto transitions, invalid triggers raise."""
    from transitions import Machine as TMachine

    class Model:
        state: str

    model = Model()
    TMachine(
        model=model,
        states=[s.name for s in process.states],
        transitions=[{"trigger": e.trigger, "source": e.source, "dest": e.dest} for e in process.events],
        initial=initial or process.initial,
        auto_transitions=False,
        ignore_invalid_triggers=False,
    )
    return Machine(process, model)


def replay(process: Process, entries: list[dict[str, Any]], path: Path) -> str:
    """The current state: every recorded event fired in order from the initial state."""
    from transitions import MachineError

    machine = _replayer(process)
    machine.model.state = process.initial  # one machine per process, reset for each replay
    state = process.initial
    for n, e in enumerate(entries, 1):
        if e["from"] != state:
            raise history.HistoryBroken(path, n, f"recorded from-state {e['from']} but replay is in {state}")
        event = e["event"]
        if event not in RECORD_ONLY and not event.startswith(LOG_PREFIX):
            try:
                machine.fire(event)
            except (MachineError, AttributeError) as err:
                raise history.HistoryBroken(
                    path, n, f"event {event} is not allowed in {e['from']} by process {process.name}"
                ) from err
            state = machine.state
        if e["to"] != state:
            raise history.HistoryBroken(path, n, f"recorded to-state {e['to']} but replay reaches {state}")
    return state


_REPLAYERS: dict[int, tuple[Process, Machine]] = {}


def _replayer(process: Process) -> Machine:
    """The replay machine of ``process``, built once per process definition (building one costs ~1 ms)."""
    found = _REPLAYERS.get(id(process))
    if found is None or found[0] is not process:
        found = (process, build_machine(process))
        _REPLAYERS[id(process)] = found
    return found[1]


@dataclass
class Snapshot:
    """An agreement with its process, history and replayed state, read under one lock."""

    loaded: Loaded
    process: Process
    entries: list[dict[str, Any]]
    state: str
    data_sha256: str
    folder: Path

    @property
    def agreement(self) -> Agreement:
        """The validated data."""
        return self.loaded.agreement

    def context(self, store: Store, when: date) -> GuardContext:
        """What guards see: the terms in force, so date guards follow signed adenda."""
        return GuardContext(
            store,
            self.loaded.slug,
            self.agreement.effective(signed_adenda(self.entries)),
            self.data_sha256,
            self.entries,
            self.state,
            self.process.state(self.state).stage,
            when,
        )


def snapshot(store: Store, slug: str) -> Snapshot:
    """Load data, process and history, check the chain and replay it."""
    loaded = load(store, slug)
    process = load_process(loaded.agreement.process)
    folder = store.folder(slug)
    entries = history.check_chain(folder)
    state = replay(process, entries, folder / history.HISTORY_FILE)
    return Snapshot(loaded, process, entries, state, history.sha256_file(loaded.path), folder)


def acting_user(actor: str | None) -> str:
    """Who a record-only step (render, redline) is attributed to: ``--as``, ``MOU_ACTOR``, else the login name."""
    return actor or os.environ.get("MOU_ACTOR") or getpass.getuser()


def resolve_actor(actor: str | None) -> str:
    """``--as`` or ``MOU_ACTOR``; an event must say who fires it."""
    name = actor or os.environ.get("MOU_ACTOR")
    if not name:
        raise ActorUnknown("say who acts: --as NAME or MOU_ACTOR=NAME (a name from people: in agreement.yaml)")
    return name


def _role_of(snap: Snapshot, actor: str, event: EventDef) -> tuple[str | None, str | None]:
    """(role used, refusal reason)."""
    person = next((p for p in snap.agreement.people if p.name == actor), None)
    if person is None:
        names = ", ".join(p.name for p in snap.agreement.people)
        raise ActorUnknown(f"'{actor}' is not among the people of {snap.loaded.slug} ({names})")
    role = next((r for r in person.roles if r in event.roles), None)
    if role is None:
        return None, f"{actor} holds {', '.join(person.roles)}, but {event.trigger} needs {' or '.join(event.roles)}"
    return role, None


def blockers(snap: Snapshot, event: EventDef, store: Store, when: date) -> list[str]:
    """Reasons every failing guard of ``event`` gives now (empty when it may fire)."""
    ctx = snap.context(store, when)
    return [reason for name in event.guards if (reason := GUARDS[name](ctx))]


def _entry(
    snap: Snapshot,
    actor: str,
    role: str | None,
    event: str,
    to: str,
    note: str,
    stage: str | None,
    artifacts: list[dict[str, str]],
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    from datetime import UTC, datetime

    return {
        "data": data or {},
        "ts": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "actor": actor,
        "role": role,
        "event": event,
        "from": snap.state,
        "to": to,
        "note": note,
        "stage": stage,
        "data_sha256": snap.data_sha256,
        "artifacts": artifacts,
    }


def advance(
    store: Store, slug: str, trigger: str, actor: str | None = None, note: str = "", *, when: date | None = None
) -> dict[str, Any]:
    """Fire ``trigger`` as ``actor``: refuse with every reason, or render (if the event says so) and record."""
    name = resolve_actor(actor)
    with store.writing(slug):
        snap = snapshot(store, slug)
        event = snap.process.event(trigger)
        allowed = [e.trigger for e in snap.process.events_from(snap.state)]
        if event is None or snap.state not in event.source:
            raise TransitionNotAllowed(slug, trigger, snap.state, allowed, known=event is not None)
        if event.signature:
            raise MouError(f"{trigger} records a signature: use mou sign {slug} --file SIGNED.pdf --date YYYY-MM-DD")
        role, role_reason = _role_of(snap, name, event)
        reasons = ([role_reason] if role_reason else []) + blockers(snap, event, store, when or today())
        if reasons:
            raise Refused(event, snap.state, reasons)
        dest = event.dest or snap.state
        machine = build_machine(snap.process, snap.state)
        machine.fire(trigger)  # the process allows it: checked above, confirmed by the machine
        stage = snap.process.state(dest).stage if event.render else None
        artifacts = _render_stage(store, snap, stage) if stage else []
        if trigger.startswith("approve"):  # keep the approved data, so later changes can be named
            copy = snap.folder / "reviews" / f"agreement-approved-e{len(snap.entries) + 1}.yaml"
            write_new(copy, snap.loaded.path.read_bytes())
            artifacts.append({"path": str(copy.relative_to(snap.folder)), "sha256": history.sha256_file(copy)})
        return history.append(snap.folder, snap.entries, _entry(snap, name, role, trigger, machine.state, note, stage, artifacts))


def _render_stage(store: Store, snap: Snapshot, stage: str) -> list[dict[str, str]]:
    from workflow.render import render_stage

    written = render_stage(store, snap.loaded, stage, None)
    return [{"path": str(d.path.relative_to(snap.folder)), "sha256": history.sha256_file(d.path)} for d in written]


def record_render(store: Store, slug: str, stages: list[str] | None, out: Path | None, actor: str | None) -> list[Any]:
    """Render stages (default: the current state's) and record each in the history, under the lock.

    Documents written with ``out`` go outside the agreement's folder and are an export, not recorded.
    """
    from workflow.catalogue import load_catalogue
    from workflow.render import render_stage

    who = acting_user(actor)
    with store.writing(slug):
        snap = snapshot(store, slug)
        if not stages:
            current = snap.process.state(snap.state).stage
            if current is None:
                names = ", ".join(s.name for s in load_catalogue().stages)
                raise MouError(f"state {snap.state} produces no documents; choose one with --stage ({names})")
            stages = [current]
        catalogue = load_catalogue()
        for s in stages:
            catalogue.stage(s)  # unknown stage: refused before anything is written
        written: list[Any] = []
        for s in stages:
            docs = render_stage(store, snap.loaded, s, out)
            written += docs
            if out is None:
                artifacts = [{"path": str(d.path.relative_to(snap.folder)), "sha256": history.sha256_file(d.path)} for d in docs]
                entry = _entry(snap, who, None, RENDER_EVENT, snap.state, "", s, artifacts)
                snap.entries.append(history.append(snap.folder, snap.entries, entry))
        return written


@dataclass(frozen=True)
class EventStatus:
    """One event that may be fired in the current state, and what blocks it."""

    trigger: str
    title: str
    dest: str
    roles: list[str]
    blockers: list[str]


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
    due: list[tuple[str, date]]
    entries: int
    adenda: int = 0


def status(store: Store, slug: str, *, when: date | None = None) -> Status:
    """State, what may happen next and what blocks it, this stage's documents, due dates."""
    snap = snapshot(store, slug)
    when = when or today()
    st = snap.process.state(snap.state)
    events = [
        EventStatus(e.trigger, e.title, e.dest or snap.state, e.roles, blockers(snap, e, store, when))
        for e in snap.process.events_from(snap.state)
    ]
    return Status(
        slug,
        snap.process.name,
        snap.state,
        st.title,
        st.final,
        events,
        latest_documents(snap),
        due_dates(effective(snap), when),
        len(snap.entries),
        signed_adenda(snap.entries),
    )


def signed_adenda(entries: list[dict[str, Any]]) -> int:
    """How many adenda have been signed."""
    return sum(1 for e in entries if e["event"] == "sign_amendment")


def effective(snap: Snapshot) -> Agreement:
    """The terms in force: the signed text plus its signed adenda, in order."""
    return snap.agreement.effective(signed_adenda(snap.entries))


def latest_documents(snap: Snapshot) -> list[str]:
    """Latest recorded version of each document of the current stage."""
    stage = snap.process.state(snap.state).stage
    latest: dict[str, str] = {}
    for e in snap.entries:
        if e.get("stage") == stage:
            for a in e["artifacts"]:
                latest[a["path"].rsplit("-v", 1)[0]] = a["path"]
    return sorted(latest.values())


def due_dates(a: Agreement, when: date) -> list[tuple[str, date]]:
    """Upcoming dates: signing, next monitoring report, end of term."""
    out: list[tuple[str, date]] = []
    if a.signing.date is not None and a.signing.date >= when:
        out.append(("signing", a.signing.date))
    step = CADENCE_MONTHS[a.monitoring.cadence]
    report = a.term.start
    while report <= when and report <= a.term.end:
        report = _add_months(report, step)
    if report <= a.term.end:
        out.append(("monitoring report", report))
    out.append(("end of term", a.term.end))
    return sorted(out, key=lambda d: d[1])


def _add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    day = min(
        d.day,
        [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1],
    )
    return date(year, month, day)


def entries(store: Store, slug: str) -> list[dict[str, Any]]:
    """The checked history of one agreement."""
    return history.check_chain(store.folder(store.agreement_file(slug).parent.name))


@dataclass(frozen=True)
class Verified:
    """Result of verifying one agreement."""

    slug: str
    entries: int
    state: str
    problem: str | None = None
    documents: int = 0
    frozen: list[str] = field(default_factory=list)


def verify(store: Store, slug: str) -> Verified:
    """Check every hash, the chain, the head, the replay and every recorded document's bytes."""
    loaded = load(store, slug)
    folder = store.folder(slug)
    path = folder / history.HISTORY_FILE
    try:
        found = history.check_chain(folder)
        state = replay(load_process(loaded.agreement.process), found, path)
    except history.HistoryBroken as err:
        return Verified(slug, 0, "?", str(err))
    recorded: dict[str, str] = {}
    for n, e in enumerate(found, 1):
        for a in e["artifacts"]:
            if e["event"] == ARCHIVE_EVENT:
                continue  # checked with the bag below
            target = folder / a["path"]
            if not target.is_file():
                return Verified(slug, len(found), state, f"{path}:{n}: entry {n}: {a['path']} is missing")
            if history.sha256_file(target) != a["sha256"]:
                return Verified(
                    slug, len(found), state, f"{path}:{n}: entry {n}: {a['path']} does not match its recorded SHA-256"
                )
            recorded[a["path"]] = a["sha256"]
    unrecorded = sorted(
        str(p.relative_to(folder))
        for sub in ("documents", "signed", "reviews", "participants")
        if (folder / sub).is_dir()
        for p in (folder / sub).rglob("*")
        if p.is_file() and str(p.relative_to(folder)) not in recorded
    )
    if unrecorded:
        return Verified(slug, len(found), state, f"{folder}: {unrecorded[0]} is not recorded in the history")
    from workflow.archive import verify_archives
    from workflow.signing import frozen_changes

    archived = verify_archives(store, slug, found)
    if archived:
        return Verified(slug, len(found), state, archived[0], len(recorded), archived[1:])
    return Verified(slug, len(found), state, None, len(recorded), frozen_changes(store, slug, found))


@dataclass(frozen=True)
class Row:
    """One line of `mou list`."""

    slug: str
    state: str
    partner: str
    term_end: date | None
    next_deadline: tuple[str, date] | None
    problem: str | None = None


def list_agreements(store: Store, *, when: date | None = None) -> list[Row]:
    """Every agreement under the root: state, partner, end of term, next deadline."""
    from workflow.errors import InvalidData

    when = when or today()
    rows: list[Row] = []
    for slug in store.slugs():
        try:
            snap = snapshot(store, slug)
        except InvalidData as err:
            rows.append(Row(slug, "invalid", "", None, None, str(err.problems[0])))
            continue
        except MouError as err:
            rows.append(Row(slug, "broken", "", None, None, str(err)))
            continue
        a = snap.agreement
        dues = [d for d in due_dates(a, when) if d[1] >= when]
        rows.append(Row(slug, snap.state, a.parties.partner.short_name, a.term.end, dues[0] if dues else None))
    return rows


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


def diagram(store: Store, slug: str | None, fmt: str, process_name: str | None = None) -> str:
    """Mermaid text or SVG of a process, highlighting ``slug``'s state when given."""
    current = None
    if slug:
        snap = snapshot(store, slug)
        process, current = snap.process, snap.state
    else:
        process = load_process(process_name or "ksdpk")
    if fmt == "mermaid":
        return mermaid(process, current)
    import shutil
    import subprocess

    if not shutil.which("dot"):
        raise MouError("SVG needs Graphviz's dot: sudo apt-get install graphviz (or use --format mermaid)")
    proc = subprocess.run(["dot", "-Tsvg"], input=dot(process, current), capture_output=True, text=True, check=False, timeout=60)
    if proc.returncode != 0:
        raise MouError(f"dot failed: {proc.stderr.strip()}")
    return proc.stdout
