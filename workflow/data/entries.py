"""The names of the history entries the tool itself records, beside the events a process declares.

They never move the state; replay passes over them (``workflow.process.machine``). Process events are
data (``workflow/process/processes/*.yaml``); these are the tool's own vocabulary, named once here.
"""

from __future__ import annotations

RENDER_EVENT = "render"  # documents of a stage rendered (workflow.commands.render)
ARCHIVE_EVENT = "archive"  # a signed version archived as a BagIt bag (workflow.commands.archive)
REDLINE_EVENT = "redline"  # a tracked-changes comparison of two drafts, sent for review (workflow.commands.diff)
REPORT_EVENT = "report"  # a monitoring report for one period (workflow.commands.report)
DATA_EVENT = "data"  # agreement.yaml replaced through `mou data put` (workflow.commands.stores)
FINALIZE_EVENT = "finalize"  # the final text of a document as PDF/A, for the TTE application (workflow.commands.finalize)
LOG_PREFIX = "log:"  # milestones (log:payment, log:claim, ...) recorded by workflow.commands.monitoring
IMPORT_EVENT = LOG_PREFIX + "participants"  # a participant list imported
REPLACE_EVENT = LOG_PREFIX + "replacement"  # a participant replaced
NIK_VIEW_EVENT = "nik_view"  # the participant list shown with full NIK (workflow.commands.participants.reveal_participants)

RECORD_ONLY = frozenset({RENDER_EVENT, ARCHIVE_EVENT, REDLINE_EVENT, REPORT_EVENT, DATA_EVENT, FINALIZE_EVENT, NIK_VIEW_EVENT})
"""Entries that record work without moving the state (besides every ``log:*`` milestone)."""


def is_monitoring(event: str) -> bool:
    """Whether an entry is monitoring work (a milestone ``log:*`` or a report), recorded under a milestone role."""
    return event.startswith(LOG_PREFIX) or event == REPORT_EVENT
