"""The one write path: a ``Session`` holds an agreement's lock and snapshot while a command changes it.

Every command that writes opens one (``with session(store, slug, actor) as s:``): the lock is taken,
what a killed writer left is cleared, ``agreement.yaml`` is read once (its bytes and hash kept in the
snapshot), the history is checked and replayed, and the actor is resolved by the one rule. Files go
through ``s.write(rel, bytes)``, which returns the ``Artifact`` hashed from the bytes written; entries
through ``s.record(...)``. Nothing else writes under the agreements root.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from workflow import config
from workflow.commands.agreements import load
from workflow.data.agreements import Loaded
from workflow.data.model import Agreement
from workflow.errors import ActorUnknown, MouError
from workflow.i18n import _
from workflow.process.definition import EventDef, Process, load_process
from workflow.process.guards import GUARDS, GuardContext
from workflow.process.machine import replay
from workflow.records.store import Artifact, Store


@dataclass
class Snapshot:
    """An agreement with its process, history and replayed state, read under one lock."""

    loaded: Loaded
    process: Process
    entries: list[dict[str, Any]]
    state: str
    data_sha256: str
    store: Store

    @property
    def slug(self) -> str:
        """The agreement's slug."""
        return self.loaded.slug

    @property
    def agreement(self) -> Agreement:
        """The validated data."""
        return self.loaded.agreement

    @property
    def folder(self) -> Path:
        """Where the agreement lives on disk: for messages and for external programs only."""
        return self.store.path(self.loaded.slug)

    @property
    def history_path(self) -> Path:
        """The history file, as messages name it (``FILE:N: entry N: ...``)."""
        return self.store.history_path(self.loaded.slug)

    @property
    def signed_adenda(self) -> int:
        """How many adenda have been signed so far."""
        return self.process.signed_adenda(self.entries)

    @property
    def terms(self) -> Agreement:
        """The terms in force: the signed text plus its signed adenda, in order."""
        return self.agreement.effective(self.signed_adenda)

    def context(self, store: Store, when: date) -> GuardContext:
        """What guards see: the terms in force, so date guards follow signed adenda."""
        return GuardContext(
            self.loaded.slug,
            self.terms,
            self.data_sha256,
            self.entries,
            self.state,
            self.process.state(self.state).stage,
            when,
            frozenset(e.trigger for e in self.process.events_of("approval")),
            self.signed_adenda,
            lambda approval: changed_since(store, self.loaded.slug, approval, self.agreement),
            lambda: extended_by(store, self.loaded.slug),
        )


def snapshot(store: Store, slug: str) -> Snapshot:
    """Load data, process and history, check the chain and replay it."""
    loaded = load(store, slug)
    process = load_process(loaded.agreement.process)
    entries = store.history(slug)
    state = replay(process, entries, store.history_path(slug))
    return Snapshot(loaded, process, entries, state, loaded.sha256, store)


def resolve_actor(actor: str | None) -> str:
    """Who acts, one rule for every command: the name given, else the settings' actor, else the login name."""
    return config.current().who(actor)


def role_for(agreement: Agreement, slug: str, name: str, allowed: list[str], what: str) -> tuple[str | None, str | None]:
    """(role, refusal): the first role ``name`` holds (in ``agreement.people``) that ``allowed`` allows.

    The recorded role is always one the person holds and the step allows; a person who holds none of
    them gets the reason instead. A name that is not among the people raises ActorUnknown.
    """
    person = next((p for p in agreement.people if p.name == name), None)
    if person is None:
        names = ", ".join(p.name for p in agreement.people)
        raise ActorUnknown(
            _("'{name}' is not among the people of {slug} ({people})").format(name=name, slug=slug, people=names),
            field="people",
            rule="actor",
            figures={"actor": name, "people": [p.name for p in agreement.people]},
        )
    role = next((r for r in person.roles if r in allowed), None)
    if role is None:
        needs = _(" or ").join(allowed) if allowed else _("a role the process does not declare")
        return None, _("{name} holds {roles}, but {what} needs {needs}").format(
            name=name, roles=", ".join(person.roles), what=what, needs=needs
        )
    return role, None


def monitoring_role(snap: Snapshot, actor: str, what: str) -> str:
    """The role under which ``actor`` records monitoring work (milestones, participants, reports); raises if none."""
    role, reason = role_for(snap.agreement, snap.loaded.slug, actor, snap.process.milestone_roles, what)
    if role is None:
        raise MouError(
            _("cannot record {what}: {reason}").format(what=what, reason=reason),
            rule="role",
            figures={"actor": actor, "needs": snap.process.milestone_roles},
        )
    return role


def blockers(snap: Snapshot, event: EventDef, store: Store, when: date) -> list[str]:
    """Reasons every failing guard of ``event`` gives now (empty when it may fire)."""
    ctx = snap.context(store, when)
    return [reason for name in event.guards if (reason := GUARDS[name](ctx))]


DATA_DIR = "data"
"""Every version of agreement.yaml an entry was recorded against, kept by content: ``data/<sha256>.yaml``."""


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Entry:
    """One history entry before it is chained (``seq``, ``prev`` and ``hash`` are added on append)."""

    actor: str
    role: str | None
    event: str
    from_state: str
    to: str
    data_sha256: str
    note: str = ""
    stage: str | None = None
    artifacts: Sequence[Artifact] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    ts: str = field(default_factory=_now)
    account: str | None = field(default_factory=config.current_account)
    """The login the web authenticated (``Settings.account``); None on the command line."""

    def as_record(self) -> dict[str, Any]:
        """The fields as ``history.jsonl`` stores them; ``account`` only when the web authenticated someone,
        so an entry of the command line has exactly the fields every earlier history has."""
        record: dict[str, Any] = {
            "data": dict(self.data),
            "ts": self.ts,
            "actor": self.actor,
            "role": self.role,
            "event": self.event,
            "from": self.from_state,
            "to": self.to,
            "note": self.note,
            "stage": self.stage,
            "data_sha256": self.data_sha256,
            "artifacts": [a.recorded() for a in self.artifacts],
        }
        if self.account is not None:
            from workflow.records.history import ACCOUNT, account_refusal

            record[ACCOUNT] = {"login": self.account, "via": "web", "v": 1}
            refusal = account_refusal(record[ACCOUNT])
            if refusal is not None:  # an empty login: never record what `verify` would refuse
                raise MouError(refusal, rule="history.account")
        return record


def record(snap: Snapshot, entry: Entry) -> dict[str, Any]:
    """Append ``entry`` to the snapshot's history, keeping the data version it was recorded against.

    ``mou verify`` reads that version back to check the rules as of the entry (who held which role).
    The snapshot's entries grow by the appended entry, so one session may record several.
    """
    slug = snap.loaded.slug
    kept = f"{DATA_DIR}/{entry.data_sha256}.yaml"
    if entry.data_sha256 == snap.data_sha256 and not snap.store.exists(slug, kept):
        snap.store.write(slug, kept, snap.loaded.raw)
    appended = snap.store.append(slug, snap.entries, entry.as_record())
    snap.entries.append(appended)
    return appended


class Session:
    """One command's hold on one agreement: the lock, the snapshot read once, the actor, the write path."""

    def __init__(self, store: Store, snap: Snapshot, actor: str, settings: config.Settings) -> None:
        self.store, self.snap, self.actor, self.settings = store, snap, actor, settings

    @property
    def slug(self) -> str:
        """The agreement's slug."""
        return self.snap.loaded.slug

    def write(self, rel: str, data: bytes) -> Artifact:
        """Write a new file of the agreement (never replacing one); its Artifact is hashed from ``data``."""
        return self.store.write(self.slug, rel, data)

    def entry(
        self,
        event: str,
        *,
        role: str | None,
        to: str | None = None,
        note: str = "",
        stage: str | None = None,
        artifacts: Sequence[Artifact] = (),
        data: Mapping[str, Any] | None = None,
    ) -> Entry:
        """An entry by this session's actor, from the current state (to ``to``, else staying)."""
        state = self.snap.state
        return Entry(
            self.actor,
            role,
            event,
            state,
            to or state,
            self.snap.data_sha256,
            note,
            stage,
            tuple(artifacts),
            data or {},
            account=self.settings.account,
        )

    def record(self, entry: Entry) -> dict[str, Any]:
        """Append ``entry`` to the history (see ``record``); returns the chained entry."""
        return record(self.snap, entry)

    def role(self, allowed: list[str], what: str) -> tuple[str | None, str | None]:
        """(role, refusal) of this session's actor for a step that ``allowed`` roles may take."""
        return role_for(self.snap.agreement, self.slug, self.actor, allowed, what)


@contextmanager
def session(store: Store, slug: str, actor: str | None = None) -> Iterator[Session]:
    """Open the one write path: lock the agreement, clear what a killed writer left, read it once."""
    settings = config.current()
    name = settings.who(actor)
    with store.writing(slug):
        yield Session(store, snapshot(store, slug), name, settings)


def changed_since(store: Store, slug: str, approval: dict[str, Any], now: Agreement) -> str:
    """'agreement.yaml changed since the approval in entry N: field, field' from the approved copy."""
    from workflow.commands.agreements import load_file
    from workflow.documents.context import build_context, plain

    head = _("agreement.yaml changed since the approval in entry {seq}").format(seq=approval["seq"])
    copy = next((a["path"] for a in approval["artifacts"] if a["path"].startswith("reviews/")), None)
    if copy is None:
        return head
    try:
        then = load_file(store.path(slug, copy), store.read(slug, copy))
    except MouError:
        return head
    before, after = _leaves(plain(build_context(then)), ""), _leaves(plain(build_context(now)), "")
    changed = sorted(
        k
        for k in before.keys() | after.keys()
        if before.get(k) != after.get(k) and k.split(".")[0] not in {"budget", "version", "final"}
    )
    if not changed:
        return _("{head} (layout or comments only)").format(head=head)
    if len(changed) > 8:
        return _("{head}: {fields} and {count} more").format(head=head, fields=", ".join(changed[:8]), count=len(changed) - 8)
    return _("{head}: {fields}").format(head=head, fields=", ".join(changed))


def _leaves(value: Any, prefix: str) -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_leaves(v, f"{prefix}.{k}" if prefix else k))
        return out
    return {prefix: value}


def extended_by(store: Store, slug: str) -> list[str]:
    """The other agreements of the store whose ``extends:`` names ``slug`` (a new cycle of it)."""
    from workflow.commands.agreements import load

    found = []
    for other in store.slugs():
        if other == slug:
            continue
        try:
            if load(store, other).agreement.extends == slug:
                found.append(other)
        except MouError:  # a broken neighbour must not block this agreement
            continue
    return found


def reader(store: Store, slug: str) -> Callable[[str], bytes | None]:
    """``read(path)``: the bytes of a recorded file of the agreement, None when it is missing."""

    def read(rel: str) -> bytes | None:
        return store.read(slug, rel) if store.exists(slug, rel) else None

    return read
