"""The process as a ``transitions`` machine: build it, and replay a history through it.

The state is never stored: it is the replay of the recorded events from the initial state. Entries that
record work without moving the state (renders, archives, redlines, reports, milestones) are passed over.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workflow.errors import HistoryBroken
from workflow.process.definition import Process

RENDER_EVENT = "render"


ARCHIVE_EVENT = "archive"  # recorded by workflow.commands.archive; like a render, it does not move the state


LOG_PREFIX = "log:"  # milestones recorded by workflow.commands.monitoring (log:payment, log:claim, ...); no state change


REDLINE_EVENT = "redline"  # recorded by workflow.commands.diff: a tracked-changes comparison of two drafts, sent for review


REPORT_EVENT = "report"  # recorded by workflow.commands.report: a monitoring report for one period
RECORD_ONLY = {RENDER_EVENT, ARCHIVE_EVENT, REDLINE_EVENT, REPORT_EVENT}
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


def is_monitoring(event: str) -> bool:
    """Whether an entry is monitoring work (a milestone ``log:*`` or a report), recorded under a milestone role."""
    return event.startswith(LOG_PREFIX) or event == REPORT_EVENT
