"""The figures Pemda and BPJS quote (DOMAIN.md §5), computed for any date, never stored, and the
recommendations a Laporan Monev derives from them.

A pure function of the terms in force, the history entries and the participant list: the command
that reads them (``workflow.commands.monitoring.kpis``) hands them in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflow.data import formatting, ledger
from workflow.data.model import Agreement
from workflow.data.participants import Participant
from workflow.data.periods import add_months
from workflow.data.periods import end_of_month as _end_of
from workflow.data.periods import month_of as _month

DEACTIVATED_AFTER = 3
"""Months of unpaid iuran after which BPJS deactivates a BPU participant (DOCUMENTS.md §1.7)."""


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
    planned: int = 0  # rupiah due by as_of: the quota x the rate x the funded months ended by then
    due_months: list[str] = field(default_factory=list)  # YYYY-MM: the funded months ended by as_of
    unpaid: list[str] = field(default_factory=list)  # YYYY-MM: those of them with no payment
    santunan_cases: int = 0  # santunan handed over

    @property
    def enrolled_pct(self) -> float:
        """Enrolled as a share of the quota."""
        return 100 * self.enrolled / self.quota if self.quota else 0.0

    @property
    def paid_pct(self) -> float:
        """Budget realised as a share of the allocation."""
        return 100 * self.paid / self.allocation if self.allocation else 0.0

    @property
    def pending_jkm(self) -> int:
        """JKM claims not yet followed by the handover of their santunan."""
        return max(0, self.claims.get("JKM", (0, 0))[0] - self.santunan_cases)


def kpis_of(terms: Agreement, entries: Sequence[Mapping[str, Any]], people: Sequence[Participant], as_of: date) -> Kpis:
    """KPIs as of ``as_of`` from the terms in force, the history ``entries`` and the participant list ``people``.

    Money comes from the ledger (``workflow.data.ledger.live``): the money entries dated up to ``as_of``,
    voided ones left out and corrected ones with their corrected figures, whenever the correction
    was made. Paid: payments for months begun by ``as_of``; active: workers of the latest such month.
    Planned: the quota x the monthly rate for each funded month that has ended by ``as_of`` (its
    payment is due by the end of the month, as ``workflow.process.deadlines`` says); unpaid: those
    months with no payment.
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
        month = add_months(month, 1)
    funding = terms.funding
    due = [add_months(funding.start, n) for n in range(funding.month_count)]
    due = [m for m in due if _end_of(m) <= as_of and terms.term.start <= _end_of(m) and m <= terms.term.end]
    paid_months = {p["period"] for p in due_payments}
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
        planned=len(due) * terms.coverage.workers * terms.coverage.monthly_per_worker,
        due_months=[f"{m:%Y-%m}" for m in due],
        unpaid=[f"{m:%Y-%m}" for m in due if f"{m:%Y-%m}" not in paid_months],
        santunan_cases=sum(1 for i in logs if i.kind == "santunan"),
    )


# --- recommendations derived from the figures (Laporan Monev, section V) ----------------------------


def bulan(month: str) -> str:
    """'2025-07' -> 'Juli 2025'."""
    return formatting.bulan_tahun(_month(month))


def _months(months: Sequence[str]) -> str:
    """'Agustus 2025', 'Agustus 2025 dan September 2025', 'Juli 2025, Agustus 2025 dan September 2025'."""
    names = [bulan(m) for m in months]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " dan " + names[-1]


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%".replace(".", ",") if whole else "0%"


def coverage_below_quota(k: Kpis) -> str | None:
    """Fewer participants enrolled than the quota."""
    if k.enrolled >= k.quota:
        return None
    short = k.quota - k.enrolled
    return (
        f"Kepesertaan baru mencapai {formatting.angka(k.enrolled)} dari kuota {formatting.angka(k.quota)} orang "
        f"({_pct(k.enrolled, k.quota)}); Tim Teknis agar segera menetapkan dan mendaftarkan "
        f"{formatting.bilangan(short, 'orang')} calon peserta lagi dari data sasaran hingga kuota terpenuhi."
    )


def realisation_behind_plan(k: Kpis) -> str | None:
    """Less iuran paid than due for the funded months ended by the report's date."""
    if not k.due_months or k.paid >= k.planned:
        return None
    return (
        f"Realisasi iuran sebesar {formatting.rupiah(k.paid)} baru {_pct(k.paid, k.planned)} dari rencana "
        f"{formatting.rupiah(k.planned)} sampai dengan bulan {bulan(k.due_months[-1])}; "
        "pembayaran iuran agar disesuaikan dengan jumlah peserta dan jadwal dalam rencana."
    )


def unpaid_months(k: Kpis) -> str | None:
    """Funded months whose iuran is not paid; three in a row deactivate the participants (DOCUMENTS.md §1.7)."""
    if not k.unpaid:
        return None
    run, longest = 0, 0
    due = k.due_months
    for m in due:
        run = run + 1 if m in k.unpaid else 0
        longest = max(longest, run)
    text = f"Iuran bulan {_months(k.unpaid)} belum dibayar; iuran agar segera dibayarkan"
    if longest >= DEACTIVATED_AFTER:
        return (
            f"{text}. Iuran tidak dibayar {formatting.bilangan(longest, 'bulan')} berturut-turut sehingga kepesertaan "
            "dinonaktifkan; peserta agar didaftarkan ulang setelah tunggakan dibayar."
        )
    return f"{text} sebelum kepesertaan dinonaktifkan setelah {formatting.bilangan(DEACTIVATED_AFTER, 'bulan')} tidak dibayar."


def claims_pending(k: Kpis) -> str | None:
    """JKM claims whose santunan has not been handed to the heirs."""
    if not k.pending_jkm:
        return None
    return (
        f"Sebanyak {formatting.bilangan(k.pending_jkm, 'klaim')} Jaminan Kematian belum diikuti penyerahan santunan "
        "kepada ahli waris; penyerahan santunan agar segera dilaksanakan dan dituangkan dalam berita acara."
    )


RULES: tuple[Callable[[Kpis], str | None], ...] = (coverage_below_quota, realisation_behind_plan, unpaid_months, claims_pending)
"""The rules of section V of the Laporan Monev, in the order they are printed."""
ON_TRACK = (
    "Kepesertaan, pembayaran iuran dan penyerahan santunan pada periode ini telah sesuai dengan rencana; "
    "pelaksanaan agar dipertahankan dengan pemantauan rutin."
)


def recommendations(k: Kpis) -> list[str]:
    """One recommendation per rule the figures trip (:data:`RULES`), or one saying all is on track."""
    found = [text for rule in RULES if (text := rule(k)) is not None]
    return found or [ON_TRACK]
