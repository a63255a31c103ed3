"""What is due for one agreement: the one rule behind `mou status`, `mou due`, `mou list` and the dashboard.

A due item disappears when it is done: the signing date until the first signature is recorded, the
end of the term only once something is signed, the next monitoring report and the next month's
contribution while the agreement is carried out, and a review that waits too long. Overdue items
stay in the list, marked, until they are done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from workflow.data.model import CADENCE_MONTHS, Agreement
from workflow.data.periods import add_months, end_of_month, month_of, period_bounds
from workflow.i18n import _
from workflow.process.definition import Process

KINDS = ("signing", "term_end", "report", "payment", "review")
"""The sorts of due item (``Due.kind``)."""

ORDER = {"term_end": 0, "report": 1, "payment": 2, "review": 3, "signing": 4}
"""How items of one agreement due on the same day are listed, whatever the language of their words."""

REVIEW_WAIT_DAYS = 14
"""A review waiting longer than this many days is due (``MOU_REVIEW_DAYS`` changes it)."""


@dataclass(frozen=True)
class Due:
    """One thing due for one agreement."""

    slug: str
    when: date
    what: str
    """The item in words, in the language active when it was made ('end of term', 'akhir jangka waktu')."""
    overdue: bool = False
    kind: str = ""
    """What sort of item, in no language: signing, term_end, report, payment or review (one of :data:`KINDS`).
    With ``slug`` and ``when`` it names the item (the .ics UID), whatever ``what`` says in words."""

    @property
    def text(self) -> str:
        """'monitoring report (overdue)' or 'end of term', in the active language."""
        return _("{what} (overdue)").format(what=self.what) if self.overdue else self.what


def period_of(item: Due, cadence: str) -> str | None:
    """The period a payment or report item is for, as `mou log --period` / `mou report --period` take it.

    A payment is due by the end of its month (``2025-10``). A report is due at the end of the period it
    covers: a quarter (``2025-Q4``) when that ends on a quarter and the cadence is longer than a month,
    else the month ending then, whose report settles the item just the same.
    """
    if item.kind == "payment":
        return f"{item.when:%Y-%m}"
    if item.kind == "report":
        if CADENCE_MONTHS[cadence] > 1 and item.when.month % 3 == 0:
            return f"{item.when.year}-Q{item.when.month // 3}"
        return f"{item.when:%Y-%m}"
    return None


def is_signed(process: Process, entries: list[dict[str, Any]]) -> bool:
    """Whether any signature (an event the process marks ``signature: true``) has been recorded."""
    return any((ev := process.event(e["event"])) is not None and ev.is_signature for e in entries)


def deadlines(
    slug: str,
    process: Process,
    state: str,
    terms: Agreement,
    entries: list[dict[str, Any]],
    as_of: date,
    review_days: int = REVIEW_WAIT_DAYS,
    paid: list[str] | None = None,
) -> list[Due]:
    """Everything due for one agreement as of ``as_of``, overdue first, then by date.

    ``terms`` are the terms in force (the signed text plus its signed adenda); ``paid`` the months
    (YYYY-MM) whose contribution counts as paid in the ledger (voids and corrections applied).
    """
    st = process.state(state)
    if st.final:
        return []
    out: list[Due] = []
    signed = is_signed(process, entries)
    if not signed and terms.signing.date is not None:
        out.append(Due(slug, terms.signing.date, _("signing"), terms.signing.date < as_of, "signing"))
    if signed:
        out.append(Due(slug, terms.term.end, _("end of term"), terms.term.end < as_of, "term_end"))
    if st.implementing:
        reports = [period_bounds(e["data"]["period"])[1] for e in entries if e["event"] == "report"]
        last = max(reports) if reports else date.fromordinal(terms.term.start.toordinal() - 1)
        nxt = end_of_month(add_months(last, CADENCE_MONTHS[terms.monitoring.cadence]))  # due at the end of its period
        if nxt <= end_of_month(terms.term.end):
            out.append(Due(slug, nxt, _("monitoring report"), nxt < as_of, "report"))
        paid = paid if paid is not None else [e["data"]["period"] for e in entries if e["event"] == "log:payment"]
        first = max(date(terms.term.start.year, terms.term.start.month, 1), terms.funding.start)
        month = add_months(month_of(max(paid)), 1) if paid else first
        if month <= terms.funding.end:  # a month's contribution is due by the end of that month
            what = _("payment for {month}").format(month=f"{month:%Y-%m}")  # the period as `mou log --period` takes it
            out.append(Due(slug, end_of_month(month), what, end_of_month(month) < as_of, "payment"))
    if st.review:
        entered = next((e for e in reversed(entries) if e["to"] == state and e["from"] != state), None)
        since = date.fromisoformat(entered["ts"][:10]) if entered else as_of
        waiting = (as_of - since).days
        if waiting > review_days:
            what = _("review waiting {days} days (more than {limit})").format(days=waiting, limit=review_days)
            out.append(Due(slug, since, what, True, "review"))
    return sorted(out, key=lambda d: (not d.overdue, d.when, ORDER.get(d.kind, len(ORDER)), d.what))
