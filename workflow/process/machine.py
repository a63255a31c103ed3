"""The process as a ``transitions`` machine: build it, and replay a history through it.

The state is never stored: it is the replay of the recorded events from the initial state. Entries that
record work without moving the state (renders, archives, redlines, reports, milestones) are passed over.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workflow.data.entries import ARCHIVE_EVENT as ARCHIVE_EVENT
from workflow.data.entries import LOG_PREFIX as LOG_PREFIX
from workflow.data.entries import RECORD_ONLY as RECORD_ONLY
from workflow.data.entries import REDLINE_EVENT as REDLINE_EVENT
from workflow.data.entries import RENDER_EVENT as RENDER_EVENT
from workflow.data.entries import REPORT_EVENT as REPORT_EVENT
from workflow.data.entries import is_monitoring as is_monitoring
from workflow.errors import HistoryBroken
from workflow.i18n import _
from workflow.process.definition import Process


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
    """The current state: every recorded event fired in order from the initial state.

    Replay reads the process's own table (``Process.next_state``) rather than a ``transitions`` machine:
    it is the hot path of every read-only command (``status``, ``list``, ``verify`` over 100.000
    entries) and importing ``transitions`` alone costs more than the rest of a cold ``mou status``.
    Both answer from the same declarations; ``advance`` still confirms each new event on a
    ``transitions`` machine (``build_machine``) before it is recorded, and a test replays every
    event of every shipped process both ways.
    """
    state = process.initial
    for n, e in enumerate(entries, 1):
        if e["from"] != state:
            raise HistoryBroken(
                path, n, _("recorded from-state {recorded} but replay is in {state}").format(recorded=e["from"], state=state)
            )
        event = e["event"]
        if event not in RECORD_ONLY and not event.startswith(LOG_PREFIX):
            reached = process.next_state(state, event)
            if reached is None:
                raise HistoryBroken(
                    path,
                    n,
                    _("event {event} is not allowed in {state} by process {process}").format(
                        event=event, state=e["from"], process=process.name
                    ),
                )
            state = reached
        if e["to"] != state:
            raise HistoryBroken(
                path, n, _("recorded to-state {recorded} but replay reaches {state}").format(recorded=e["to"], state=state)
            )
    return state
