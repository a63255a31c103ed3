"""Shapes of the values some renders add beside the agreement (for `mou check`'s path list)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from workflow.data.model import Official


@dataclass(frozen=True)
class KpiRow:
    """One line of the KPI table."""

    name: str
    value: str
    target: str
    note: str


@dataclass(frozen=True)
class MilestoneRow:
    """One milestone of the period."""

    date: date
    kind: str
    text: str


@dataclass(frozen=True)
class Charts:
    """The report's images (``workflow.documents.compiled.Picture`` values placed inline)."""

    enrolment: Any
    budget: Any


@dataclass(frozen=True)
class Report:
    """What the Laporan Monitoring dan Evaluasi shows."""

    period: str
    start: date
    end: date
    kpis: list[KpiRow]
    milestones: list[MilestoneRow]
    issues: list[str]
    recommendations: list[str]
    recommendation: str
    charts: Charts


@dataclass(frozen=True)
class BenefitRow:
    """One line of the benefit handed over: a part of the JKM benefit, or the scholarship."""

    name: str
    note: str | None
    amount: int


@dataclass(frozen=True)
class Santunan:
    """One JKM benefit handed to an heir, as its Berita Acara states it (``workflow.commands.monitoring``)."""

    nomor: str
    heir: str
    relationship: str
    participant: str
    nik: str
    kpj: str
    died: date
    date: date
    amount: int
    parts: list[BenefitRow]
    total: int
    scholarship: str
    reason: str
    basis: str
    segment: str
    witnesses: list[Official]
