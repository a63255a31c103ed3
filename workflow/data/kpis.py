"""The figures Pemda and BPJS quote (DOMAIN.md §5), computed for any date, never stored.

A pure function of the terms in force, the history entries and the participant list: the command
that reads them (``workflow.commands.monitoring.kpis``) hands them in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflow.data import ledger
from workflow.data.model import Agreement
from workflow.data.participants import Participant
from workflow.data.periods import end_of_month as _end_of
from workflow.data.periods import month_of as _month


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


def kpis_of(terms: Agreement, entries: Sequence[Mapping[str, Any]], people: Sequence[Participant], as_of: date) -> Kpis:
    """KPIs as of ``as_of`` from the terms in force, the history ``entries`` and the participant list ``people``.

    Money comes from the ledger (``workflow.data.ledger.live``): the money entries dated up to ``as_of``,
    voided ones left out and corrected ones with their corrected figures, whenever the correction
    was made. Paid: payments for months begun by ``as_of``; active: workers of the latest such month.
    """
    logs = [i for i in ledger.live(entries) if i.on <= as_of]
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
    month = date(terms.term.start.year, terms.term.start.month, 1)
    while month <= as_of and month <= terms.term.end:
        key = month.strftime("%Y-%m")
        enrolled = sum(1 for p in people if p.mulai <= _end_of(month))
        active = next((p["workers"] for p in reversed(due_payments) if _month(p["period"]) == month), 0)
        trend.append((key, enrolled, active))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return Kpis(
        as_of,
        terms.coverage.workers,
        sum(1 for p in people if p.mulai <= as_of),
        due_payments[-1]["workers"] if due_payments else 0,
        sum(p["amount"] for p in due_payments),
        terms.budget.total,  # the whole funding period's allocation, every budget year of it: paid is over all of them
        terms.coverage.monthly_per_worker,
        claims,
        sum(i.figures["amount"] for i in logs if i.kind == "santunan"),
        trend,
        by_year,
    )
