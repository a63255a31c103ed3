"""Process definitions: states, events, guards by name, roles and stage documents, read from YAML.

A definition is checked when loaded: one initial state, no exits from final states, no trap states,
every state reaches a final state, every guard, role and stage named exists.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from workflow import shipped
from workflow.data.catalogue import templates_dir
from workflow.data.schema import Reader, field
from workflow.data.yaml import load as load_yaml
from workflow.errors import MouError, UnknownProcess
from workflow.i18n import _


@dataclass(frozen=True)
class RoleDef:
    """A role people hold in the process."""

    name: str = field("role name used in events and in an agreement's people")
    title: str = field("what the role is, in Indonesian")


@dataclass(frozen=True)
class StateDef:
    """One state of the process."""

    name: str = field("state name")
    title: str = field("what the state means, in Indonesian")
    stage: str | None = field("catalogue stage whose documents are produced in this state", default=None)
    final: bool = field("the process ends here", default=False)
    implementing: bool = field("the agreement is being carried out: money is paid, reports are due", default=False)
    review: bool = field("a draft waits for a reviewer: `mou due` lists a review waiting too long", default=False)
    revoked: bool = field("the agreement was called off after signature: JDIH lists it as Dicabut", default=False)


KINDS = ("approval", "changes", "signature")
"""What an event means to the tool, declared per event (never read from its name):

- ``approval``: a reviewer approves a draft; the approved data is kept, and a signature needs one;
- ``changes``: a reviewer sends a draft back with requested changes;
- ``signature``: the document is signed: fired by `mou sign`, which records the signed files.
"""

FACTS = ("agreement", "pks", "amendment")
"""Where a signed document's own nomor pair and date are written in ``agreement.yaml``."""


@dataclass(frozen=True)
class SignedDocument:
    """A document the process signs: the name `mou sign --document` takes, and where its facts live."""

    name: str = field("short name, given to `mou sign --document` (kb, pks, adendum)")
    title: str = field("the document's name in Indonesian, as printed in notes and archives")
    facts: str = field("where its own nomor pair and date are: agreement (parties, signing), pks, or amendment")
    stage: str | None = field("catalogue stage whose template gives its final text", default=None)
    template: str | None = field("the catalogue document (template name) of its final text", default=None)
    amends: bool = field("signing it brings the latest adendum into force", default=False)


@dataclass(frozen=True)
class EventDef:
    """One event: from which states, to which state, who may fire it, what must hold."""

    trigger: str = field("event name given to `mou advance`")
    title: str = field("what happens, in Indonesian")
    source: list[str] = field("states the event may be fired from")
    roles: list[str] = field("roles allowed to fire it")
    dest: str | None = field("state it leads to; leave out to stay (a decision recorded in place)", default=None)
    guards: list[str] = field("named guards that must all pass", default_factory=list)
    render: bool = field("render the destination stage's documents as part of the event", default=False)
    signature: bool = field("a signature (the same as kind: signature)", default=False)
    kind: str | None = field("what the event means: approval, changes (requested by a reviewer) or signature", default=None)
    document: str | None = field("the signed document an approval, request for changes or signature is about", default=None)

    @property
    def is_signature(self) -> bool:
        """Whether the event records a signature."""
        return self.signature or self.kind == "signature"

    @property
    def is_approval(self) -> bool:
        """Whether the event approves a draft."""
        return self.kind == "approval"

    @property
    def is_review(self) -> bool:
        """Whether the event is a reviewer's decision on a draft (approval or request for changes)."""
        return self.kind in ("approval", "changes")


@dataclass(frozen=True)
class Process:
    """A whole process definition."""

    name: str = field("process name, as in an agreement's `process:`")
    title: str = field("what the process is, in Indonesian")
    initial: str = field("the state every agreement starts in")
    roles: list[RoleDef] = field("roles people may hold")
    states: list[StateDef] = field("every state")
    events: list[EventDef] = field("every event")
    milestone_roles: list[str] = field(
        "roles that record monitoring work: milestones (payments, claims, santunan), participant lists, reports",
        default_factory=list,
    )
    documents: list[SignedDocument] = field("the documents the process signs", default_factory=list)

    def signed_document(self, name: str) -> SignedDocument | None:
        """The signed document called ``name``, if declared."""
        return next((d for d in self.documents if d.name == name), None)

    def events_of(self, kind: str, document: str | None = None) -> list[EventDef]:
        """Events of one kind (about one document, when given), in declaration order."""
        return [
            e
            for e in self.events
            if (e.is_signature if kind == "signature" else e.kind == kind) and document in (None, e.document)
        ]

    def amending(self) -> frozenset[str]:
        """Events whose signature brings an adendum into force."""
        amends = {d.name for d in self.documents if d.amends}
        return frozenset(e.trigger for e in self.events if e.is_signature and e.document in amends)

    def signed_adenda(self, entries: Sequence[Mapping[str, Any]]) -> int:
        """How many adenda the recorded ``entries`` have signed."""
        amending = self.amending()
        return sum(1 for e in entries if e["event"] in amending)

    def problems(self) -> list[tuple[str, str]]:
        """The structural checks of python-statemachine, plus names that must exist."""
        from workflow.data.catalogue import load_catalogue
        from workflow.process.guards import GUARDS

        out: list[tuple[str, str]] = []
        names = [s.name for s in self.states]
        roles = {r.name for r in self.roles}
        stages = {s.name for s in load_catalogue().stages}
        for i, name in enumerate(names, 1):
            if names.index(name) != i - 1:
                out.append((f"states[{i}].name", _("{name} is declared twice, expected unique state names").format(name=name)))
        if self.initial not in names:
            out.append(
                (
                    "initial",
                    _("{state} is not a declared state, expected one of {known}").format(
                        state=self.initial, known=", ".join(names)
                    ),
                )
            )
        for i, st in enumerate(self.states, 1):
            if st.stage is not None and st.stage not in stages:
                out.append((f"states[{i}].stage", _("{stage} is not a stage of the template catalogue").format(stage=st.stage)))
        for i, st in enumerate(self.states, 1):
            if st.revoked and not st.final:
                out.append(
                    (
                        f"states[{i}].revoked",
                        _("{state} is not final, expected revoked only on a final state").format(state=st.name),
                    )
                )
        for i, role in enumerate(self.milestone_roles, 1):
            if role not in roles:
                out.append((f"milestone_roles[{i}]", _("{role} is not a declared role").format(role=role)))
        documents = [d.name for d in self.documents]
        for i, doc in enumerate(self.documents, 1):
            if documents.index(doc.name) != i - 1:
                out.append(
                    (f"documents[{i}].name", _("{name} is declared twice, expected unique document names").format(name=doc.name))
                )
            if doc.facts not in FACTS:
                out.append(
                    (f"documents[{i}].facts", _("{value} is not one of {known}").format(value=doc.facts, known=", ".join(FACTS)))
                )
            if doc.stage is not None and doc.stage not in stages:
                out.append(
                    (f"documents[{i}].stage", _("{stage} is not a stage of the template catalogue").format(stage=doc.stage))
                )
            if (doc.stage is None) != (doc.template is None):
                out.append((f"documents[{i}]", _("give both stage and template (where its final text comes from), or neither")))
        triggers: set[str] = set()
        for i, ev in enumerate(self.events, 1):
            where = f"events[{i}]"
            if ev.trigger in triggers:
                out.append(
                    (f"{where}.trigger", _("{name} is declared twice, expected unique event names").format(name=ev.trigger))
                )
            triggers.add(ev.trigger)
            for j, src in enumerate(ev.source, 1):
                if src not in names:
                    out.append((f"{where}.source[{j}]", _("{state} is not a declared state").format(state=src)))
                elif self.state(src).final:
                    out.append(
                        (f"{where}.source[{j}]", _("{state} is a final state, expected no events out of it").format(state=src))
                    )
            if ev.dest is not None and ev.dest not in names:
                out.append((f"{where}.dest", _("{state} is not a declared state").format(state=ev.dest)))
            for j, role in enumerate(ev.roles, 1):
                if role not in roles:
                    out.append((f"{where}.roles[{j}]", _("{role} is not a declared role").format(role=role)))
            for j, guard in enumerate(ev.guards, 1):
                if guard not in GUARDS:
                    out.append(
                        (
                            f"{where}.guards[{j}]",
                            _("{guard} is not a known guard, expected one of {known}").format(
                                guard=guard, known=", ".join(sorted(GUARDS))
                            ),
                        )
                    )
            if not ev.source or not ev.roles:
                out.append((where, _("needs at least one source state and one role")))
            if ev.kind is not None and ev.kind not in KINDS:
                out.append(
                    (
                        f"{where}.kind",
                        _("{kind} is not an event kind, expected one of {known}").format(kind=ev.kind, known=", ".join(KINDS)),
                    )
                )
            if ev.signature and ev.kind not in (None, "signature"):
                out.append((f"{where}.kind", _("signature: true contradicts kind: {kind}").format(kind=ev.kind)))
            if ev.document is not None and ev.document not in documents:
                known = ", ".join(documents) or _("none (declare documents:)")
                out.append(
                    (
                        f"{where}.document",
                        _("{document} is not a declared document, expected one of {known}").format(
                            document=ev.document, known=known
                        ),
                    )
                )
            elif ev.document is None and (ev.is_signature or ev.kind in ("approval", "changes")):
                out.append(
                    (
                        f"{where}.document",
                        _("a {kind} event must name the document it is about").format(kind=ev.kind or "signature"),
                    )
                )
        if out:
            return out
        finals = {s.name for s in self.states if s.final}
        if not finals:
            out.append(("states", _("no state is final, expected at least one with final: true")))
        for i, st in enumerate(self.states, 1):
            if not st.final and not any(st.name in ev.source and ev.dest not in (None, st.name) for ev in self.events):
                out.append((f"states[{i}]", _("{state} is a trap state: no event leads out of it").format(state=st.name)))
        reached = self._reachable_from(self.initial)
        for i, st in enumerate(self.states, 1):
            if st.name not in reached:
                out.append(
                    (f"states[{i}]", _("{state} cannot be reached from {initial}").format(state=st.name, initial=self.initial))
                )
            elif not st.final and not (self._reachable_from(st.name) & finals):
                out.append((f"states[{i}]", _("{state} cannot reach a final state").format(state=st.name)))
        return out

    def _reachable_from(self, start: str) -> set[str]:
        seen, todo = {start}, deque([start])
        while todo:
            here = todo.popleft()
            for ev in self.events:
                if here in ev.source and ev.dest and ev.dest not in seen:
                    seen.add(ev.dest)
                    todo.append(ev.dest)
        return seen

    def state(self, name: str) -> StateDef:
        """The state called ``name``."""
        for st in self.states:
            if st.name == name:
                return st
        raise MouError(_("process {process} has no state {state}").format(process=self.name, state=repr(name)))

    def event(self, trigger: str) -> EventDef | None:
        """The event called ``trigger``, if declared."""
        return next((ev for ev in self.events if ev.trigger == trigger), None)

    def next_state(self, state: str, trigger: str) -> str | None:
        """Where firing ``trigger`` in ``state`` leads (``state`` itself for a decision recorded in place);
        None when the process does not allow it there."""
        table = self.__dict__.get("_table")
        if table is None:  # built once per definition: replay looks up every recorded event
            table = {(src, ev.trigger): ev.dest or src for ev in self.events for src in ev.source}
            object.__setattr__(self, "_table", table)
        return table.get((state, trigger))

    def events_from(self, state: str) -> list[EventDef]:
        """Events that may be fired in ``state``, in declaration order."""
        return [ev for ev in self.events if state in ev.source]


def folders() -> list[Path]:
    """Where definitions are looked up: ``MOU_PROCESSES`` first (a Pemda's own), then the shipped ones."""
    from workflow import config

    extra = config.current().processes
    return [extra, shipped.processes()] if extra else [shipped.processes()]


def available() -> list[str]:
    """Names of every process definition file."""
    return sorted({p.stem for folder in folders() for p in folder.glob("*.yaml")})


def load_process(name: str) -> Process:
    """Read and check ``<name>.yaml`` from the process folders."""
    if re.fullmatch(r"[a-z][a-z0-9_-]*", name):
        for folder in folders():
            path = folder / f"{name}.yaml"
            if path.is_file():
                return _load(path, templates_dir())  # checked against the catalogue in use
    raise UnknownProcess(name, available(), folders())


@cache
def _load(path: Path, templates: Path) -> Process:
    return load_process_file(path)


def load_process_file(path: Path) -> Process:
    """Read and check one definition file; raise InvalidData naming file, line and problem."""
    return Reader(load_yaml(path)).read(Process)
