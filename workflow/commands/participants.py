"""The list of workers covered (from P3KE): import with validation, replacement, the list in force.

NIK is personal data (UU 27/2022 tentang Pelindungan Data Pribadi): the full list lives only in the
agreement's ``participants/`` folder; every listing and report masks NIK unless asked otherwise. The
rows, their checks and the CSV form are ``workflow.data.participants``'s; here they are read and
written through the store, each new version recorded in the history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from workflow.commands.session import Session, monitoring_role, session
from workflow.data.entries import NIK_VIEW_EVENT
from workflow.data.participants import (
    COLUMNS,
    IMPORT_EVENT,
    PARTICIPANTS_DIR,
    REASONS,
    REPLACE_EVENT,
    Participant,
    from_csv,
    mask,
    next_version,
    parse,
    row,
    synthetic,
    to_csv,
    versions,
)
from workflow.errors import MouError
from workflow.i18n import _
from workflow.records.store import Artifact, Store

__all__ = [
    "COLUMNS",
    "IMPORT_EVENT",
    "NIK_ROLES",
    "NIK_VIEW_EVENT",
    "REASONS",
    "REPLACE_EVENT",
    "Participant",
    "import_participants",
    "load_participants",
    "mask",
    "parse",
    "replace_participant",
    "reveal_participants",
    "synthetic",
]
"""The commands, and the names of ``workflow.data.participants`` their callers use with them."""


def import_participants(
    store: Store, slug: str, source: Path, actor: str | None = None, progress: Callable[[int], None] | None = None
) -> list[Participant]:
    """Validate ``source`` and make it the agreement's participant list, recorded in the history."""
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise MouError(
            _("{file}: cannot read as UTF-8 CSV ({error})").format(file=source, error=err), file=source, rule="csv"
        ) from err
    with session(store, slug, actor) as s:
        snap = s.snap
        role = monitoring_role(snap, s.actor, _("a participant list"))
        a = snap.agreement
        people = parse(source, text, a.coverage.workers, a.term.start, a.term.end, progress)
        artifact = _write_version(s, people)
        note = f"{len(people)} peserta dari {source.name}"  # i18n: not translated (stored in the history)
        s.record(s.entry(IMPORT_EVENT, role=role, note=note, artifacts=[artifact], data={"count": len(people)}))
    return people


def _write_version(s: Session, people: list[Participant]) -> Artifact:
    """Write the list as the next version, never replacing one; return its Artifact."""
    return s.write(next_version(s.store.files(s.slug, PARTICIPANTS_DIR)), to_csv(people).encode("utf-8"))


def load_participants(store: Store, slug: str) -> list[Participant]:
    """The list in force: the latest version (empty before any import)."""
    found = versions(store.files(slug, PARTICIPANTS_DIR))
    if not found:
        return []
    return from_csv(store.read(slug, found[-1][1]).decode("utf-8"))


NIK_ROLES = ("tim_teknis", "opd_teknis")
"""Who may see the list with full NIK: the technical team and the technical OPD, who need it to enrol and pay."""


def reveal_participants(store: Store, slug: str, actor: str | None = None) -> list[Participant]:
    """The list in force with full NIK, for someone holding a role of :data:`NIK_ROLES`; the view is
    recorded in the history (a ``nik_view`` entry: who, under which role, how many rows), so every
    disclosure of the personal data can be accounted for (UU 27/2022)."""
    with session(store, slug, actor) as s:
        role, reason = s.role(list(NIK_ROLES), _("the full NIK of the participants"))
        if role is None:
            raise MouError(
                _("cannot show the full NIK: {reason}").format(reason=reason),
                rule="role",
                figures={"actor": s.actor, "needs": NIK_ROLES},
            )
        people = load_participants(store, slug)
        # i18n: not translated (stored in the history)
        note = f"daftar peserta dengan NIK lengkap dilihat ({len(people)} peserta)"
        s.record(s.entry(NIK_VIEW_EVENT, role=role, note=note, data={"count": len(people)}))
    return people


def replace_participant(
    store: Store, slug: str, old_nik: str, new: dict[str, str], reason: str, actor: str | None = None, when: date | None = None
) -> Participant:
    """Put a new worker in the place of one who died or left; the swap is a history event (NIK masked)."""
    if reason not in REASONS:
        raise MouError(
            _("reason {value} is not one of {reasons}").format(value=repr(reason), reasons=", ".join(REASONS)),
            field="reason",
            rule="reason",
            figures={"reasons": REASONS},
        )
    with session(store, slug, actor) as s:
        when = when or s.settings.day()
        snap = s.snap
        role = monitoring_role(snap, s.actor, _("a participant replacement"))
        people = load_participants(store, slug)
        index = next((i for i, p in enumerate(people) if p.nik == old_nik), None)
        if index is None:
            raise MouError(
                _("{slug}: no participant with NIK {nik}").format(slug=slug, nik=mask(old_nik)), field="nik", rule="participant"
            )
        others = "\n".join(",".join(row(p)) for p in people if p.nik != old_nik)
        line = ",".join(new.get(c, "") for c in COLUMNS)
        a = snap.agreement
        text = ",".join(COLUMNS) + "\n" + (others + "\n" if others else "") + line + "\n"
        # i18n: not translated (the source a problem names, Indonesian in both languages as before)
        checked = parse(f"pengganti {mask(old_nik)}", text, a.coverage.workers, a.term.start, a.term.end)
        incoming = checked[-1]
        people[index] = incoming
        artifact = _write_version(s, people)
        data = {"out": mask(old_nik), "in": mask(incoming.nik), "reason": reason, "date": when.isoformat()}
        note = f"{mask(old_nik)} ({reason}) diganti {incoming.nama}"  # i18n: not translated (stored in the history)
        s.record(s.entry(REPLACE_EVENT, role=role, note=note, artifacts=[artifact], data=data))
    return incoming
