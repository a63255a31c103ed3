"""Implementation monitoring: milestones in the history, KPIs for any date, what is due.

Milestones are history events ``log:<kind>`` with their figures in ``data``: same chain, same
verify. KPIs are computed from them and from the participant list, never stored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflow import formatting, history
from workflow.errors import MouError
from workflow.guards import today
from workflow.lifecycle import LOG_PREFIX, _entry, _role_of, effective, signed_adenda, snapshot
from workflow.model import CADENCE_MONTHS, Agreement
from workflow.participants import load_participants
from workflow.store import Store

KINDS = ("enrolment", "payment", "claim", "santunan", "meeting", "issue", "note")
MONEY_KINDS = {"enrolment", "payment", "claim", "santunan"}
IMPLEMENTING = {"implementation", "expiring", "amendment_drafting", "amendment_review"}
REVIEW_WAIT_DAYS = 14  # a review waiting longer than this is listed by `mou due`


class Refusal(MouError):
    """Raised when a milestone's figures fail their checks; lists every reason."""

    def __init__(self, kind: str, reasons: list[str]) -> None:
        super().__init__(f"cannot log {kind}: {'; '.join(reasons)}")


def _month(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError as err:
        raise MouError(f"{text!r} is not a month, expected YYYY-MM such as 2025-07") from err


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
    claim (programme, cases, amount), santunan (heir, amount, participant), meeting/issue/note (none).
    """
    from workflow.lifecycle import resolve_actor

    if kind not in KINDS:
        raise MouError(f"unknown milestone {kind!r}; expected one of {', '.join(KINDS)}")
    name = resolve_actor(actor)
    when = when or today()
    with store.writing(slug):
        snap = snapshot(store, slug)
        a = effective(snap)
        reasons: list[str] = []
        person = next((p for p in a.people if p.name == name), None)
        if person is None:
            _role_of(snap, name, snap.process.events[0])  # raises ActorUnknown with the list of people
        elif "tim_teknis" not in person.roles and "opd_teknis" not in person.roles:
            reasons.append(f"{name} holds {', '.join(person.roles)}, but milestones are logged by tim_teknis or opd_teknis")
        if kind in MONEY_KINDS and snap.state not in IMPLEMENTING:
            reasons.append(f"{kind} is logged during implementation, the agreement is in {snap.state}")
        data = {k: v for k, v in figures.items() if v is not None}
        reasons += _check(kind, data, a, snap.entries)
        if reasons:
            raise Refusal(kind, reasons)
        artifacts: list[dict[str, str]] = []
        if kind == "santunan":
            artifacts = _berita_acara(store, snap, data, when)
        entry = _entry(
            snap, name, "tim_teknis", LOG_PREFIX + kind, snap.state, note, None, artifacts, {**data, "date": when.isoformat()}
        )
        return history.append(snap.folder, snap.entries, entry)


def _check(kind: str, data: dict[str, Any], a: Agreement, entries: list[dict[str, Any]]) -> list[str]:
    reasons: list[str] = []
    need = {
        "enrolment": ["count"],
        "payment": ["period", "workers", "amount"],
        "claim": ["programme", "cases", "amount"],
        "santunan": ["heir", "amount"],
    }
    reasons += [f"--{k} is required" for k in need.get(kind, []) if k not in data]
    if reasons:
        return reasons
    if "amount" in data and data["amount"] <= 0:
        reasons.append(f"amount {data['amount']} must be positive")
    if kind == "payment":
        period = _month(data["period"])
        if not date(a.term.start.year, a.term.start.month, 1) <= period <= a.term.end:
            reasons.append(f"period {data['period']} is outside the term {a.term.start} to {a.term.end}")
        if data["workers"] > a.coverage.workers:
            reasons.append(f"{data['workers']} workers paid for, more than the quota of {a.coverage.workers}")
        paid = sum(
            e["data"].get("amount", 0)
            for e in entries
            if e["event"] == LOG_PREFIX + "payment" and e["data"]["period"][:4] == data["period"][:4]
        )
        ceiling = a.budget.allocation if period.year == a.funding.year else a.budget.annual
        if paid + data["amount"] > ceiling:
            total, limit = formatting.rupiah(paid + data["amount"], decimals=False), formatting.rupiah(ceiling, decimals=False)
            reasons.append(f"payments of {period.year} would reach {total}, above the ceiling of {limit}")
    if kind == "claim":
        codes = [p.code for p in a.coverage.programmes]
        if data["programme"] not in codes:
            reasons.append(f"programme {data['programme']} is not covered, expected one of {', '.join(codes)}")
        if data["cases"] <= 0:
            reasons.append(f"cases {data['cases']} must be at least 1")
    if kind == "enrolment" and not 0 < data["count"] <= a.coverage.workers:
        reasons.append(f"count {data['count']} must be from 1 to the quota of {a.coverage.workers}")
    return reasons


def _berita_acara(store: Store, snap: Any, data: dict[str, Any], when: date) -> list[dict[str, str]]:
    """Render the Berita Acara Penyerahan Santunan JKM for this handover."""
    from workflow.catalogue import load_catalogue
    from workflow.context import build_context
    from workflow.render import next_version, render_bytes
    from workflow.store import write_new

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
    """KPIs of a loaded snapshot."""
    a = snap.agreement.effective(signed_adenda(snap.entries))
    people = load_participants(snap.folder)
    logs = [
        e
        for e in snap.entries
        if e["event"].startswith(LOG_PREFIX) and date.fromisoformat(e["data"].get("date", e["ts"][:10])) <= as_of
    ]
    payments = sorted((e["data"] for e in logs if e["event"] == LOG_PREFIX + "payment"), key=lambda d: d["period"])
    due_payments = [p for p in payments if _month(p["period"]) <= as_of]
    claims: dict[str, tuple[int, int]] = {}
    for e in logs:
        if e["event"] == LOG_PREFIX + "claim":
            cases, amount = claims.get(e["data"]["programme"], (0, 0))
            claims[e["data"]["programme"]] = (cases + e["data"]["cases"], amount + e["data"]["amount"])
    trend = []
    month = date(a.term.start.year, a.term.start.month, 1)
    while month <= as_of and month <= a.term.end:
        key = month.strftime("%Y-%m")
        enrolled = sum(1 for p in people if p.mulai <= _end_of(month))
        active = next((p["workers"] for p in reversed(due_payments) if p["period"] == key), 0)
        trend.append((key, enrolled, active))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return Kpis(
        as_of,
        a.coverage.workers,
        sum(1 for p in people if p.mulai <= as_of),
        due_payments[-1]["workers"] if due_payments else 0,
        sum(p["amount"] for p in due_payments),
        a.budget.allocation,
        a.coverage.monthly_per_worker,
        claims,
        sum(e["data"]["amount"] for e in logs if e["event"] == LOG_PREFIX + "santunan"),
        trend,
    )


def _end_of(month: date) -> date:
    nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


@dataclass(frozen=True)
class Due:
    """One thing due, across agreements."""

    slug: str
    when: date
    what: str


TERM_REMINDERS = (90, 60, 30, 7, 0)  # days before the end of the term (SIKERJA's cron, DOMAIN.md §3)


def due(store: Store, within: int = 90, as_of: date | None = None) -> list[Due]:
    """Everything due within ``within`` days (and everything overdue), across every agreement."""
    as_of = as_of or today()
    out: list[Due] = []
    for slug in store.slugs():
        try:
            snap = snapshot(store, slug)
        except MouError:
            continue
        st = snap.process.state(snap.state)
        if st.final:
            continue
        a = effective(snap)
        left = (a.term.end - as_of).days
        step = next((d for d in TERM_REMINDERS if left <= d), None)
        if step is not None and left <= within:
            out.append(
                Due(
                    slug,
                    a.term.end,
                    f"term ends in {left} days ({step}-day reminder)" if left >= 0 else f"term ended {-left} days ago",
                )
            )
        if snap.state in IMPLEMENTING:
            from workflow.report import period_bounds

            reports = [period_bounds(e["data"]["period"])[1] for e in snap.entries if e["event"] == "report"]
            last = max(reports) if reports else date.fromordinal(a.term.start.toordinal() - 1)
            nxt = _end_of(_add(last, CADENCE_MONTHS[a.monitoring.cadence]))  # the next period's report is due at its end
            if (nxt - as_of).days <= within:
                out.append(Due(slug, nxt, "monitoring report" + (" overdue" if nxt < as_of else "")))
            paid = [e["data"]["period"] for e in snap.entries if e["event"] == LOG_PREFIX + "payment"]
            next_period = _add(_month(max(paid)), 1) if paid else date(a.term.start.year, a.term.start.month, 1)
            if _end_of(next_period) < as_of:  # a month's contribution is due by the end of that month
                out.append(Due(slug, _end_of(next_period), f"payment for {next_period:%Y-%m} overdue"))
        if snap.state.endswith("review"):
            entered = next((e for e in reversed(snap.entries) if e["to"] == snap.state and e["from"] != snap.state), None)
            since = date.fromisoformat(entered["ts"][:10]) if entered else as_of
            waiting = (as_of - since).days
            limit = int(os.environ.get("MOU_REVIEW_DAYS", REVIEW_WAIT_DAYS))
            if waiting > limit:
                out.append(Due(slug, since, f"review waiting {waiting} days (more than {limit})"))
    return sorted(out, key=lambda d: (d.when, d.slug))


def _add(d: date, months: int) -> date:
    m = d.month - 1 + months
    return date(d.year + m // 12, m % 12 + 1, 1)


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
        ev.add("summary", f"{item.slug}: {item.what}")
        ev.add("dtstart", item.when)
        ev.add("dtstamp", date(2000, 1, 1))
        cal.add_component(ev)
    return bytes(cal.to_ical())
