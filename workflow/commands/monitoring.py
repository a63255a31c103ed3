"""Implementation monitoring: milestones in the history, KPIs for any date, what is due.

Milestones are history events ``log:<kind>`` with their figures in ``data``: same chain, same
verify. KPIs are computed from them and from the participant list, never stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from workflow import config
from workflow.commands.lifecycle import due_of
from workflow.commands.participants import load_participants
from workflow.commands.session import Session, Snapshot, reader, role_for, session, snapshot
from workflow.data import ledger
from workflow.data.kpis import Kpis, kpis_of
from workflow.data.model import Agreement
from workflow.data.periods import month_of as _month
from workflow.errors import MouError, Refusal
from workflow.process.deadlines import Due
from workflow.process.machine import LOG_PREFIX
from workflow.records.store import Artifact, Store

KINDS = ("enrolment", "payment", "claim", "santunan", "correction", "void", "meeting", "issue", "note")
MONEY_KINDS = {"enrolment", "payment", "claim", "santunan", "correction", "void"}  # checked by workflow.data.ledger


def log(
    store: Store,
    slug: str,
    kind: str,
    *,
    actor: str | None = None,
    note: str = "",
    when: date | None = None,
    **figures: Any,
) -> dict[str, Any]:
    """Record a milestone after checking its figures; returns the history entry.

    Figures by kind: enrolment (count), payment (period YYYY-MM, workers, amount, reference),
    claim (programme, cases, amount, nik), santunan (heir, amount, nik, reason when the amount is not
    the JKM benefit), correction (corrects, reason and the figures that change), void (corrects,
    reason), meeting/issue/note (none). Money entries follow the rules of ``workflow.data.ledger``; a
    claim's or santunan's NIK is recorded masked, with the participant's name and list row.
    """
    if kind not in KINDS:
        raise MouError(
            f"unknown milestone {kind!r}; expected one of {', '.join(KINDS)}",
            field="kind",
            rule="milestone",
            figures={"kinds": KINDS},
        )
    with session(store, slug, actor) as s:
        snap = s.snap
        today = s.settings.day()
        when = when or today
        terms = snap.terms
        reasons: list[str] = []
        # the one actor rule: a role the person holds and the process lets record milestones
        role, refusal = role_for(terms, slug, s.actor, snap.process.milestone_roles, "a milestone")
        if refusal:
            reasons.append(refusal)
        if kind in MONEY_KINDS and not snap.process.state(snap.state).implementing:
            reasons.append(f"{kind} is logged during implementation, the agreement is in {snap.state}")
        data = {k: v for k, v in figures.items() if v is not None}
        data = _check(kind, {**data, "date": when.isoformat()}, terms, snap.entries, reader(store, slug), today, reasons)
        if reasons:
            raise Refusal(kind, reasons)
        artifacts: list[Artifact] = []
        if kind == "santunan":
            artifacts = [_berita_acara(s, data, when)]
        elif kind == "correction" and data["kind"] == "santunan":  # the Berita Acara shows the corrected figures
            handed = ledger.book(snap.entries)[data["corrects"]].on
            artifacts = [_berita_acara(s, data["figures"], handed)]
        return s.record(s.entry(LOG_PREFIX + kind, role=role, note=note, artifacts=artifacts, data=data))


def _check(
    kind: str,
    data: dict[str, Any],
    terms: Agreement,
    entries: Sequence[Mapping[str, Any]],
    read: Callable[[str], bytes | None],
    today: date,
    reasons: list[str],
) -> dict[str, Any]:
    """The entry's data as recorded; the ledger's reasons (workflow.data.ledger) go into ``reasons``."""
    if kind not in ledger.CHECKED:
        return data
    if "period" in data:
        _month(data["period"])  # a malformed month stops here, before any other check
    roster = ledger.roster_of(read, entries)
    drafted = ledger.draft(kind, data, entries)
    reasons += ledger.check_entry(kind, drafted, terms, roster, entries, today)
    return ledger.finalize(kind, drafted, roster)


def _berita_acara(s: Session, data: dict[str, Any], when: date) -> Artifact:
    """Render the Berita Acara Penyerahan Santunan JKM for this handover, as the next version."""
    from workflow.commands.render import next_version
    from workflow.data.catalogue import load_catalogue
    from workflow.documents.context import build_context
    from workflow.documents.render import render_bytes

    stage = load_catalogue().stage("santunan")
    spec = stage.documents[0]
    ctx = build_context(s.snap.agreement)
    ctx["santunan"] = {"heir": data["heir"], "amount": data["amount"], "participant": data.get("participant", "-"), "date": when}
    folder = f"documents/{stage.name}"
    version = next_version([rel.rsplit("/", 1)[-1] for rel in s.store.files(s.slug, folder)], spec.name)
    ctx["version"] = version
    return s.write(f"{folder}/{spec.name}-v{version}.docx", render_bytes(spec, ctx))


def kpis(store: Store, slug: str, as_of: date | None = None) -> Kpis:
    """KPIs from the participant list and the milestones up to ``as_of`` (default today)."""
    return kpis_at(snapshot(store, slug), as_of or config.current().day())


def kpis_at(snap: Snapshot, as_of: date) -> Kpis:
    """KPIs of a snapshot read (``workflow.data.kpis.kpis_of``): its terms in force, its history and
    the participant list in force, read through its store."""
    return kpis_of(snap.terms, snap.entries, load_participants(snap.store, snap.slug), as_of)


def due(store: Store, within: int = 90, as_of: date | None = None) -> list[Due]:
    """What is due within ``within`` days, and everything overdue, across every agreement.

    Each agreement's items come from ``workflow.process.deadlines`` (via ``lifecycle.due_of``), the rule
    `mou status`, `mou list` and the dashboard use too.
    """
    as_of = as_of or config.current().day()
    out: list[Due] = []
    for slug in store.slugs():
        try:
            snap = snapshot(store, slug)
        except MouError:
            continue
        out += [d for d in due_of(snap, as_of) if d.overdue or (d.when - as_of).days <= within]
    return sorted(out, key=lambda d: (d.when, d.slug))


def ics(items: list[Due]) -> bytes:
    """An iCalendar file with one all-day event per item (icalendar library)."""
    import hashlib

    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//mou//tenggat kerja sama daerah//ID")
    cal.add("version", "2.0")
    for item in items:
        ev = Event()
        digest = hashlib.sha256(item.what.encode()).hexdigest()[:12]
        ev.add("uid", f"{item.slug}-{item.when.isoformat()}-{digest}@mou")
        ev.add("summary", f"{item.slug}: {item.text}")
        ev.add("dtstart", item.when)
        ev.add("dtstamp", date(2000, 1, 1))
        cal.add_component(ev)
    return bytes(cal.to_ical())
