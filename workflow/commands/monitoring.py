"""Implementation monitoring: milestones in the history, KPIs for any date, what is due.

Milestones are history events ``log:<kind>`` with their figures in ``data``: same chain, same
verify. KPIs are computed from them and from the participant list, never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflow.commands.lifecycle import LOG_PREFIX, _entry, effective, signed_adenda, snapshot
from workflow.commands.participants import load_participants
from workflow.data import ledger
from workflow.data.model import Agreement
from workflow.data.periods import end_of_month as _end_of
from workflow.data.periods import month_of as _month
from workflow.errors import MouError, Refusal
from workflow.process.deadlines import Due
from workflow.process.guards import today
from workflow.records import history
from workflow.records.store import Store

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
    from workflow.commands.lifecycle import record, resolve_actor, role_for

    if kind not in KINDS:
        raise MouError(f"unknown milestone {kind!r}; expected one of {', '.join(KINDS)}")
    name = resolve_actor(actor)
    when = when or today()
    with store.writing(slug):
        snap = snapshot(store, slug)
        a = effective(snap)
        reasons: list[str] = []
        # the one actor rule: a role the person holds and the process lets record milestones
        role, refusal = role_for(a, slug, name, snap.process.milestone_roles, "a milestone")
        if refusal:
            reasons.append(refusal)
        if kind in MONEY_KINDS and not snap.process.state(snap.state).implementing:
            reasons.append(f"{kind} is logged during implementation, the agreement is in {snap.state}")
        data = {k: v for k, v in figures.items() if v is not None}
        data = _check(kind, {**data, "date": when.isoformat()}, a, snap.entries, snap.folder, reasons)
        if reasons:
            raise Refusal(kind, reasons)
        artifacts: list[dict[str, str]] = []
        if kind == "santunan":
            artifacts = _berita_acara(store, snap, data, when)
        elif kind == "correction" and data["kind"] == "santunan":  # the Berita Acara shows the corrected figures
            handed = ledger.book(snap.entries)[data["corrects"]].on
            artifacts = _berita_acara(store, snap, data["figures"], handed)
        entry = _entry(snap, name, role, LOG_PREFIX + kind, snap.state, note, None, artifacts, data)
        return record(snap, entry)


def _check(
    kind: str, data: dict[str, Any], a: Agreement, entries: list[dict[str, Any]], folder: Any, reasons: list[str]
) -> dict[str, Any]:
    """The entry's data as recorded; the ledger's reasons (workflow.data.ledger) go into ``reasons``."""
    if kind not in ledger.CHECKED:
        return data
    if "period" in data:
        _month(data["period"])  # a malformed month stops here, before any other check
    roster = ledger.roster_of(folder, entries)
    drafted = ledger.draft(kind, data, entries)
    reasons += ledger.check_entry(kind, drafted, a, roster, entries, today())
    return ledger.finalize(kind, drafted, roster)


def _berita_acara(store: Store, snap: Any, data: dict[str, Any], when: date) -> list[dict[str, str]]:
    """Render the Berita Acara Penyerahan Santunan JKM for this handover."""
    from workflow.data.catalogue import load_catalogue
    from workflow.documents.context import build_context
    from workflow.documents.render import next_version, render_bytes
    from workflow.records.store import write_new

    spec = load_catalogue().stage("santunan").documents[0]
    ctx = build_context(snap.agreement)
    ctx["santunan"] = {"heir": data["heir"], "amount": data["amount"], "participant": data.get("participant", "-"), "date": when}
    folder = store.documents_dir(snap.loaded.slug, "santunan")
    version = next_version(folder, spec.name)
    ctx["version"] = version
    path = folder / f"{spec.name}-v{version}.docx"
    write_new(path, render_bytes(spec, ctx))
    return [{"path": str(path.relative_to(snap.folder)), "sha256": history.sha256_file(path)}]


@dataclass(frozen=True)
class Kpis:
    """The figures Pemda and BPJS quote (DOMAIN.md §5), as of one date."""

    as_of: date
    quota: int
    enrolled: int
    active: int
    paid: int
    allocation: int
    monthly_per_worker: int
    claims: dict[str, tuple[int, int]]  # programme -> (cases, rupiah)
    santunan: int
    trend: list[tuple[str, int, int]] = field(default_factory=list)  # (YYYY-MM, enrolled, active)
    paid_by_year: dict[int, int] = field(default_factory=dict)  # budget year -> rupiah paid for its months

    @property
    def enrolled_pct(self) -> float:
        """Enrolled as a share of the quota."""
        return 100 * self.enrolled / self.quota if self.quota else 0.0

    @property
    def paid_pct(self) -> float:
        """Budget realised as a share of the allocation."""
        return 100 * self.paid / self.allocation if self.allocation else 0.0


def kpis(store: Store, slug: str, as_of: date | None = None) -> Kpis:
    """KPIs from the participant list and the milestones up to ``as_of``."""
    snap = snapshot(store, slug)
    return kpis_of(snap, as_of or today())


def kpis_of(snap: Any, as_of: date) -> Kpis:
    """KPIs of a loaded snapshot (``agreement``, ``entries``, ``folder``).

    Money comes from the ledger (``workflow.data.ledger.live``): the money entries dated up to ``as_of``,
    voided ones left out and corrected ones with their corrected figures, whenever the correction
    was made. Paid: payments for months begun by ``as_of``; active: workers of the latest such month.
    """
    a = snap.agreement.effective(signed_adenda(snap.entries))
    people = load_participants(snap.folder)
    logs = [i for i in ledger.live(snap.entries) if i.on <= as_of]
    payments = sorted((i.figures for i in logs if i.kind == "payment"), key=lambda d: _month(d["period"]))
    due_payments = [p for p in payments if _month(p["period"]) <= as_of]
    by_year: dict[int, int] = {}
    for p in due_payments:
        by_year[_month(p["period"]).year] = by_year.get(_month(p["period"]).year, 0) + p["amount"]
    claims: dict[str, tuple[int, int]] = {}
    for i in logs:
        if i.kind == "claim":
            cases, amount = claims.get(i.figures["programme"], (0, 0))
            claims[i.figures["programme"]] = (cases + i.figures["cases"], amount + i.figures["amount"])
    trend = []
    month = date(a.term.start.year, a.term.start.month, 1)
    while month <= as_of and month <= a.term.end:
        key = month.strftime("%Y-%m")
        enrolled = sum(1 for p in people if p.mulai <= _end_of(month))
        active = next((p["workers"] for p in reversed(due_payments) if _month(p["period"]) == month), 0)
        trend.append((key, enrolled, active))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return Kpis(
        as_of,
        a.coverage.workers,
        sum(1 for p in people if p.mulai <= as_of),
        due_payments[-1]["workers"] if due_payments else 0,
        sum(p["amount"] for p in due_payments),
        a.budget.total,  # the whole funding period's allocation, every budget year of it: paid is over all of them
        a.coverage.monthly_per_worker,
        claims,
        sum(i.figures["amount"] for i in logs if i.kind == "santunan"),
        trend,
        by_year,
    )


def due(store: Store, within: int = 90, as_of: date | None = None) -> list[Due]:
    """What is due within ``within`` days, and everything overdue, across every agreement.

    Each agreement's items come from ``workflow.process.deadlines`` (via ``lifecycle.due_of``), the rule
    `mou status`, `mou list` and the dashboard use too.
    """
    from workflow.commands.lifecycle import due_of

    as_of = as_of or today()
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
