"""Moving an agreement through its process: advance, status, history, verify, list, diagram.

The state is the replay of ``history.jsonl`` through a ``transitions`` machine built from the
agreement's process definition. Guards are checked first, all of them; only when every guard passes
are documents rendered and the entry appended, under the agreement's lock, so a refused or failed
event changes nothing (ANCHORS.md pitfall 16).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from workflow.data.agreements import Loaded, load, load_file
from workflow.data.model import Agreement
from workflow.errors import ActorUnknown, HistoryBroken, MouError, Refused, TransitionNotAllowed
from workflow.process.deadlines import Due, deadlines
from workflow.process.definition import EventDef, Process, load_process
from workflow.process.guards import GUARDS, GuardContext, today
from workflow.records import history
from workflow.records.store import Store, write_new

RENDER_EVENT = "render"
ARCHIVE_EVENT = "archive"  # recorded by workflow.commands.archive; like a render, it does not move the state
LOG_PREFIX = "log:"  # milestones recorded by workflow.commands.monitoring (log:payment, log:claim, ...); no state change
REDLINE_EVENT = "redline"  # recorded by workflow.commands.diff: a tracked-changes comparison of two drafts, sent for review
RECORD_ONLY = {RENDER_EVENT, ARCHIVE_EVENT, REDLINE_EVENT, "report"}
"""Entries that record work without moving the state (replay passes over them)."""


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
            raise HistoryBroken(path, n, f"recorded from-state {e['from']} but replay is in {state}")
        event = e["event"]
        if event not in RECORD_ONLY and not event.startswith(LOG_PREFIX):
            try:
                machine.fire(event)
            except (MachineError, AttributeError) as err:
                raise HistoryBroken(path, n, f"event {event} is not allowed in {e['from']} by process {process.name}") from err
            state = machine.state
        if e["to"] != state:
            raise HistoryBroken(path, n, f"recorded to-state {e['to']} but replay reaches {state}")
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
    return Snapshot(loaded, process, entries, state, loaded.sha256, folder)


def resolve_actor(actor: str | None) -> str:
    """Who acts, one rule for every command: ``--as``, else ``MOU_ACTOR``, else the login name."""
    from workflow import config

    return config.current().who(actor)


def role_for(agreement: Agreement, slug: str, name: str, allowed: list[str], what: str) -> tuple[str | None, str | None]:
    """(role, refusal): the first role ``name`` holds (in ``agreement.people``) that ``allowed`` allows.

    The recorded role is always one the person holds and the step allows; a person who holds none of
    them gets the reason instead. A name that is not among the people raises ActorUnknown.
    """
    person = next((p for p in agreement.people if p.name == name), None)
    if person is None:
        names = ", ".join(p.name for p in agreement.people)
        raise ActorUnknown(f"'{name}' is not among the people of {slug} ({names}); say who acts: --as NAME or MOU_ACTOR=NAME")
    role = next((r for r in person.roles if r in allowed), None)
    if role is None:
        needs = " or ".join(allowed) if allowed else "a role the process does not declare"
        return None, f"{name} holds {', '.join(person.roles)}, but {what} needs {needs}"
    return role, None


def _role_of(snap: Snapshot, actor: str, event: EventDef) -> tuple[str | None, str | None]:
    """(role used, refusal reason) for firing ``event``, per the data in force."""
    return role_for(snap.agreement, snap.loaded.slug, actor, event.roles, event.trigger)


def monitoring_role(snap: Snapshot, actor: str, what: str) -> str:
    """The role under which ``actor`` records monitoring work (milestones, participants, reports); raises if none."""
    role, reason = role_for(snap.agreement, snap.loaded.slug, actor, snap.process.milestone_roles, what)
    if role is None:
        raise MouError(f"cannot record {what}: {reason}")
    return role


DATA_DIR = "data"
"""Every version of agreement.yaml an entry was recorded against, kept by content: ``data/<sha256>.yaml``."""


def record(snap: Snapshot, entry: dict[str, Any]) -> dict[str, Any]:
    """Append ``entry`` to the snapshot's history, keeping the data version it was recorded against.

    ``mou verify`` reads that version back to check the rules as of the entry (who held which role).
    """
    kept = snap.folder / DATA_DIR / f"{entry['data_sha256']}.yaml"
    if not kept.exists() and entry["data_sha256"] == snap.data_sha256:
        write_new(kept, snap.loaded.raw)
    return history.append(snap.folder, snap.entries, entry)


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
            raise Refused(event.trigger, event.dest, snap.state, reasons)
        dest = event.dest or snap.state
        machine = build_machine(snap.process, snap.state)
        machine.fire(trigger)  # the process allows it: checked above, confirmed by the machine
        stage = snap.process.state(dest).stage if event.render else None
        artifacts = _render_stage(store, snap, stage) if stage else []
        if trigger.startswith("approve"):  # keep the approved data, so later changes can be named
            copy = snap.folder / "reviews" / f"agreement-approved-e{len(snap.entries) + 1}.yaml"
            write_new(copy, snap.loaded.raw)
            artifacts.append({"path": str(copy.relative_to(snap.folder)), "sha256": history.sha256_file(copy)})
        return record(snap, _entry(snap, name, role, trigger, machine.state, note, stage, artifacts))


def _render_stage(store: Store, snap: Snapshot, stage: str) -> list[dict[str, str]]:
    from workflow.documents.render import render_stage

    written = render_stage(store, snap.loaded, stage, None)
    return [{"path": str(d.path.relative_to(snap.folder)), "sha256": history.sha256_file(d.path)} for d in written]


def record_render(store: Store, slug: str, stages: list[str] | None, out: Path | None, actor: str | None) -> list[Any]:
    """Render stages (default: the current state's) and record each in the history, under the lock.

    Documents written with ``out`` go outside the agreement's folder and are an export, not recorded.
    """
    from workflow.documents.catalogue import load_catalogue
    from workflow.documents.render import render_stage

    who = resolve_actor(actor)
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
                snap.entries.append(record(snap, entry))
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
    due: list[Due]
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
        due_of(snap, when),
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


def due_of(snap: Snapshot, when: date) -> list[Due]:
    """What is due for the agreement as of ``when``: the one rule (``workflow.process.deadlines``) every view uses."""
    from workflow import config

    limit = config.current().review_days
    paid: list[str] | None = None
    if snap.process.state(snap.state).implementing:  # only then are payments due (and the ledger worth loading)
        from workflow.data.ledger import live

        paid = [str(i.figures["period"]) for i in live(snap.entries) if i.kind == "payment" and "period" in i.figures]
    return deadlines(snap.loaded.slug, snap.process, snap.state, effective(snap), snap.entries, when, limit, paid)


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
    process = load_process(loaded.agreement.process)
    try:
        found = history.check_chain(folder)
        state = replay(process, found, path)
    except HistoryBroken as err:
        return Verified(slug, 0, "?", str(err))
    broken = rule_problems(loaded, process, found, folder)
    if broken:
        return Verified(slug, len(found), state, broken[0])
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
    from workflow.commands.archive import verify_archives
    from workflow.commands.signing import frozen_changes

    archived = verify_archives(store, slug, found)
    if archived:
        return Verified(slug, len(found), state, archived[0], len(recorded), archived[1:])
    return Verified(slug, len(found), state, None, len(recorded), frozen_changes(store, slug, found))


MONITORING_EVENTS = ("report",)
"""Record-only entries that are monitoring work, recorded under a milestone role (besides ``log:*``)."""


def rule_problems(loaded: Loaded, process: Process, entries: list[dict[str, Any]], folder: Path) -> list[str]:
    """Every rule a recorded history breaks, even when each hash is consistent, as ``FILE:N: entry N: rule: ...``.

    Entry by entry: time never goes backwards; the recorded role is one the event allows and one the
    actor held per the data the entry was recorded against (``data/<sha256>.yaml``, else the current
    file when it is that version); a signature carries its signed files; the ledger rules hold for
    every payment, claim, santunan and correction (``workflow.data.ledger``).
    """
    path = folder / history.HISTORY_FILE
    out: list[str] = []
    versions: dict[str, Agreement | None] = {loaded.sha256: loaded.agreement}

    def people_of(sha: str) -> Agreement | None:
        if sha not in versions:
            kept = folder / DATA_DIR / f"{sha}.yaml"
            try:
                versions[sha] = load_file(kept) if kept.is_file() and history.sha256_file(kept) == sha else None
            except MouError:
                versions[sha] = None
        return versions[sha]

    events = {ev.trigger: ev for ev in process.events}  # one lookup per entry: verify reads 100.000 entries in ~1 s
    holders: dict[str, dict[str, list[str]] | None] = {}

    def roles_then(sha: str) -> dict[str, list[str]] | None:
        if sha not in holders:
            then = people_of(sha)
            holders[sha] = {p.name: p.roles for p in then.people} if then is not None else None
        return holders[sha]

    previous = ""
    for n, e in enumerate(entries, 1):
        where = f"{path}:{n}: entry {n}"
        if e["ts"] < previous:
            out.append(f"{where}: time order: recorded at {e['ts']}, before entry {n - 1} at {previous}")
        previous = max(previous, e["ts"])
        event = events.get(e["event"])
        if event is not None:
            allowed, what = event.roles, e["event"]
        elif e["event"].startswith(LOG_PREFIX) or e["event"] in MONITORING_EVENTS:
            allowed, what = process.milestone_roles, e["event"]
        else:
            allowed, what = [], ""  # render, redline, archive: no role needed
        role = e.get("role")
        if what and role not in allowed:
            out.append(f"{where}: role: {e['event']} recorded under role {role}, but it needs {' or '.join(allowed)}")
        if role is not None:
            people = roles_then(e["data_sha256"])
            held = people.get(e["actor"]) if people is not None else None
            if people is not None and (held is None or role not in held):
                had = ", ".join(held) if held else "no role (not among the people)"
                out.append(f"{where}: role: {e['actor']} did not hold {role} when it was recorded (held {had})")
        if event is not None and event.signature:
            paths = [a["path"] for a in e["artifacts"]]
            if not any(p.endswith("/signature.json") for p in paths) or not any("/ttd-" in p for p in paths):
                out.append(f"{where}: signature: {e['event']} recorded without its signed file and signature.json")
    out += _ledger_problems(loaded, entries, folder, people_of)
    return out


def _ledger_problems(
    loaded: Loaded, entries: list[dict[str, Any]], folder: Path, version: Callable[[str], Agreement | None]
) -> list[str]:
    """The ledger rules (``workflow.data.ledger``) re-checked over every money entry, correction and void.

    Each entry is judged against the data it was recorded against (else the current data) with the
    adenda signed before it, and the participant list as known before it. The "not after today" rule
    is left to the day of recording: a what-if day (MOU_TODAY) cannot be judged afterwards.
    """
    if not any(e["event"].startswith(LOG_PREFIX) for e in entries):
        return []
    from workflow.data import ledger

    def terms_of(index: int, agreement: Agreement) -> Agreement:
        then = version(entries[index]["data_sha256"]) or agreement
        return then.effective(sum(1 for x in entries[:index] if x["event"] == "sign_amendment"))

    roster = ledger.roster_of(folder, entries)
    path = folder / history.HISTORY_FILE
    return [
        f"{path}:{seq}: entry {seq}: {reason}"
        for seq, reason in ledger.replay(entries, loaded.agreement, roster, date.max, terms_of)
    ]


@dataclass(frozen=True)
class Row:
    """One line of `mou list`."""

    slug: str
    state: str
    partner: str
    term_end: date | None
    next_deadline: Due | None
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
        terms = effective(snap)  # the end of term in force, after any signed adendum
        dues = due_of(snap, when)
        rows.append(Row(slug, snap.state, terms.parties.partner.short_name, terms.term.end, dues[0] if dues else None))
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
