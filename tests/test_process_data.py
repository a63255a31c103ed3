"""The process is data: what events mean is declared in the process YAML and checked when it loads, and
replay answers exactly as the ``transitions`` machine that confirms each new event."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import stand_in_pdfs
from workflow.errors import InvalidData
from workflow.process.definition import Process, available, load_process, load_process_file
from workflow.process.machine import build_machine
from workflow.records.store import Store

SHIPPED = available()


@pytest.fixture
def fast_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk signs three times: a stand-in replaces LibreOffice (test_signing converts for real)."""
    stand_in_pdfs(monkeypatch)


@pytest.mark.parametrize("name", SHIPPED)
def test_replay_table_agrees_with_the_transitions_machine(name: str) -> None:
    """For every state and every event of the process, both say the same: where it leads, or that it is refused."""
    from transitions import MachineError

    process = load_process(name)
    compared = 0
    for state in process.states:
        for event in process.events:
            machine = build_machine(process, state.name)
            try:
                machine.fire(event.trigger)
                by_machine: str | None = machine.state
            except MachineError:
                by_machine = None
            assert process.next_state(state.name, event.trigger) == by_machine, (state.name, event.trigger)
            compared += 1
    assert compared == len(process.states) * len(process.events)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_review_and_signature_names_its_document(name: str) -> None:
    """Shipped processes declare the kind of each approval, request for changes and signature."""
    process = load_process(name)
    signatures = process.events_of("signature")
    assert signatures, "a process signs something"
    assert {e.document for e in signatures} <= {d.name for d in process.documents}
    for doc in process.documents:
        assert process.events_of("approval", doc.name), f"{doc.name} is signed without an approval event"


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = (Path(__file__).resolve().parent.parent / "workflow/process/processes/short.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected", "at"),
    [
        ("kind: approval, document: kb", "kind: aproval, document: kb", "aproval is not an event kind", "kind: aproval"),
        ("kind: approval, document: kb", "kind: approval, document: pks", "pks is not a declared document", "document: pks"),
        ("kind: changes, document: kb", "kind: changes", "a changes event must name the document", "trigger: request_changes"),
        ("facts: agreement", "facts: contract", "contract is not one of agreement, pks, amendment", "facts: contract"),
        ("stage: draft_kb, template: rancangan-kb", "template: rancangan-kb", "give both stage and template", "name: kb"),
    ],
)
def test_a_wrong_declaration_is_refused_with_its_line(tmp_path: Path, old: str, new: str, expected: str, at: str) -> None:
    """A typo in a kind, an undeclared document or a half-declared one names the file, the line (``at``) and the rule."""
    path = _variant(tmp_path, old, new)
    with pytest.raises(InvalidData) as caught:
        load_process_file(path)
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if at in text)
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == (path, line)
    assert expected in problem.message


# --- a process whose every name differs walks end to end ---------------------------------------------------


def renamed_ksdpk(folder: Path) -> tuple[Process, dict[str, str], dict[str, str]]:
    """``ksdpk.yaml`` with every state, event, role and signed document renamed (same shape), saved in ``folder``.

    Returns the process and the renames of events and roles (old name -> new name). Guard names are
    functions of the tool and catalogue stages are template names: they stay.
    """
    import yaml

    source = Path(__file__).resolve().parent.parent / "workflow/process/processes/ksdpk.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    states = {s["name"]: f"tahap_{i}" for i, s in enumerate(data["states"], 1)}
    events = {e["trigger"]: f"langkah_{i}" for i, e in enumerate(data["events"], 1)}
    roles = {r["name"]: f"peran_{i}" for i, r in enumerate(data["roles"], 1)}
    documents = {d["name"]: f"naskah_{i}" for i, d in enumerate(data["documents"], 1)}
    data["name"] = "berganti"
    data["initial"] = states[data["initial"]]
    for r in data["roles"]:
        r["name"] = roles[r["name"]]
    data["milestone_roles"] = [roles[r] for r in data["milestone_roles"]]
    for d in data["documents"]:
        d["name"] = documents[d["name"]]
    for s in data["states"]:
        s["name"] = states[s["name"]]
    for e in data["events"]:
        e["trigger"] = events[e["trigger"]]
        e["source"] = [states[s] for s in e["source"]]
        e["roles"] = [roles[r] for r in e["roles"]]
        if "dest" in e:
            e["dest"] = states[e["dest"]]
        if "document" in e:
            e["document"] = documents[e["document"]]
    assert not set(states) & set(states.values()) and not set(events) & set(events.values())
    path = folder / "berganti.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_process_file(path), events, roles


@pytest.mark.usefixtures("fast_pdf")
def test_a_process_with_every_name_changed_walks_end_to_end(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Draft, review, sign (KB and PKS), implement, log a payment, report, amend and sign the adendum, close:
    on a copy of ksdpk whose every state, event, role and document has another name. No code knows a name."""
    from tests.conftest import SLUG
    from tests.test_lifecycle import ACTORS, fire, path_to, ready_agreement
    from workflow.commands.lifecycle import advance, status
    from workflow.commands.monitoring import log
    from workflow.commands.participants import import_participants, synthetic
    from workflow.commands.report import report
    from workflow.commands.verify import verify

    folder = tmp_path / "processes"
    folder.mkdir()
    process, events, roles = renamed_ksdpk(folder)
    monkeypatch.setenv("MOU_PROCESSES", str(folder))
    store = ready_agreement(root)
    path = root / SLUG / "agreement.yaml"
    text = path.read_text(encoding="utf-8").replace("\nprocess: ksdpk ", "\nprocess: berganti ")
    for old, new in roles.items():
        text = re.sub(rf"(roles: \[[^\]]*)\b{old}\b", rf"\g<1>{new}", text)
    path.write_text(text, encoding="utf-8")
    actors = {roles[old]: person for old, person in ACTORS.items()}
    back = {new: old for old, new in events.items()}
    state_of = {ksdpk.name: renamed.name for ksdpk, renamed in zip(load_process("ksdpk").states, process.states, strict=True)}

    def walk(to: str) -> None:
        here = status(store, SLUG).state
        for step in path_to(process, to) if here == process.initial else _path(process, here, to):
            fire(store, process, step, actors=actors, original=lambda e: back[e])

    walk(state_of["implementation"])  # FGD, draft, legal review, KB signed, PKS reviewed and signed
    opd = actors[roles["tim_teknis"]]
    listing = tmp_path / "peserta.csv"
    listing.write_text(synthetic(1000, date(2025, 7, 1)), encoding="utf-8")
    import_participants(store, SLUG, listing, opd)
    log(
        store,
        SLUG,
        "payment",
        actor=opd,
        when=date(2025, 7, 15),
        period="2025-07",
        workers=1000,
        amount=16_800_000,
        reference="SP2D-1",
    )
    rendered, _ = report(store, SLUG, "2025-Q3", actor=opd)
    assert rendered.artifact is not None
    walk(state_of["amendment_review"])  # amend: the adendum drafted and sent for review
    fire(store, process, events["sign_amendment"], actors=actors, original=lambda e: back[e])
    for event, day in (("near_expiry", date(2027, 12, 1)), ("complete", date(2028, 1, 1))):  # the term the adendum set
        ev = process.event(events[event])
        assert ev is not None
        advance(store, SLUG, ev.trigger, actors[ev.roles[0]], when=day)
    final = status(store, SLUG)
    assert (final.state, final.final, final.adenda) == (state_of["completed"], True, 1)
    entries = [e["event"] for e in workflow_entries(store)]
    assert {events["sign_kb"], events["sign_pks"], events["sign_amendment"], "log:payment", "report"} <= set(entries)
    assert not {"sign_kb", "approve_kb", "implementation"} & set(entries)
    assert verify(store, SLUG).problem is None


def _path(process: Process, start: str, target: str) -> list[str]:
    """Triggers of a shortest path from ``start`` to ``target``."""
    from collections import deque

    todo: deque[tuple[str, list[str]]] = deque([(start, [])])
    seen = {start}
    while todo:
        here, trail = todo.popleft()
        if here == target:
            return trail
        for ev in process.events_from(here):
            if ev.dest and ev.dest not in seen:
                seen.add(ev.dest)
                todo.append((ev.dest, [*trail, ev.trigger]))
    raise AssertionError(f"{target} unreachable from {start}")


def workflow_entries(store: Store) -> list[dict[str, Any]]:
    from tests.conftest import SLUG

    return store.history(SLUG)
