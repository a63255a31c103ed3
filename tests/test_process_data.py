"""The process is data: what events mean is declared in the process YAML and checked when it loads, and
replay answers exactly as the ``transitions`` machine that confirms each new event."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow.errors import InvalidData
from workflow.process.definition import available, load_process, load_process_file
from workflow.process.machine import build_machine

SHIPPED = available()


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
