"""The Laporan Monitoring dan Evaluasi of one period: KPI table, charts, milestones, recommendations."""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.commands.monitoring import kpis_at
from workflow.commands.session import monitoring_role, session
from workflow.data import formatting
from workflow.data.kpis import Kpis, bulan, recommendations
from workflow.data.periods import period_bounds
from workflow.errors import MouError
from workflow.i18n import _
from workflow.process.machine import LOG_PREFIX, REPORT_EVENT
from workflow.records.store import Store

RECOMMENDATIONS = ("dilanjutkan", "diperluas", "dihentikan")
KIND_NAMES = {
    "participants": "Data peserta",
    "enrolment": "Pendaftaran",
    "payment": "Pembayaran iuran",
    "claim": "Klaim",
    "santunan": "Penyerahan santunan",
    "correction": "Koreksi",
    "void": "Pembatalan",
    "meeting": "Rapat",
    "issue": "Permasalahan",
    "note": "Catatan",
}


def kpi_rows(k: Kpis) -> list[dict[str, str]]:
    """The KPI table in Indonesian."""
    last_paid = next((month for month, _enrolled, active in reversed(k.trend) if active), None)
    rows = [
        {
            "name": "Peserta terdaftar",
            "value": f"{formatting.angka(k.enrolled)} orang",
            "target": f"{formatting.angka(k.quota)} orang",
            "note": f"{k.enrolled_pct:.1f}% dari kuota".replace(".", ","),
        },
        {
            "name": "Peserta aktif (iuran dibayar)",
            "value": f"{formatting.angka(k.active)} orang",
            "target": f"{formatting.angka(k.enrolled)} orang",
            "note": f"iuran {bulan(last_paid)}" if last_paid else "belum ada iuran dibayar",
        },
        {
            "name": "Realisasi iuran",
            "value": formatting.rupiah(k.paid),
            "target": formatting.rupiah(k.allocation),
            "note": f"{k.paid_pct:.1f}% dari alokasi APBD".replace(".", ","),
        },
    ]
    for programme, (cases, amount) in sorted(k.claims.items()):
        rows.append({"name": f"Klaim {programme}", "value": f"{cases} kasus", "target": "-", "note": formatting.rupiah(amount)})
    rows.append(
        {"name": "Santunan diserahkan", "value": formatting.rupiah(k.santunan), "target": "-", "note": "kepada ahli waris"}
    )
    return rows


def report(
    store: Store,
    slug: str,
    period: str,
    *,
    recommendation: str = "dilanjutkan",
    actor: str | None = None,
) -> tuple[Any, Kpis]:
    """Render the period's report as a new version, recorded in the history; return it and its KPIs."""
    from workflow.commands.render import Rendered, next_version
    from workflow.data.catalogue import load_catalogue
    from workflow.documents.charts import charts
    from workflow.documents.context import build_context
    from workflow.documents.render import render_bytes

    if recommendation not in RECOMMENDATIONS:
        raise MouError(
            _("recommendation {value} is not one of {recommendations}").format(
                value=repr(recommendation), recommendations=", ".join(RECOMMENDATIONS)
            ),
            field="recommendation",
            rule="recommendation",
            figures={"recommendations": RECOMMENDATIONS},
        )
    start, end, label = period_bounds(period)
    with session(store, slug, actor) as s:
        snap = s.snap
        role = monitoring_role(snap, s.actor, _("a monitoring report"))
        k = kpis_at(snap, end)
        logs = [e for e in snap.entries if e["event"].startswith(LOG_PREFIX)]
        in_period = [e for e in logs if start <= date.fromisoformat(e["data"].get("date", e["ts"][:10])) <= end]
        milestones = [
            {
                "date": date.fromisoformat(e["data"].get("date", e["ts"][:10])),
                "kind": KIND_NAMES.get(e["event"][len(LOG_PREFIX) :], e["event"]),
                "text": describe(e),
            }
            for e in sorted(in_period, key=lambda e: e["data"].get("date", e["ts"][:10]))
        ]
        issues = [e["note"] for e in in_period if e["event"] == LOG_PREFIX + "issue"] or [
            "Tidak ada permasalahan yang dicatat pada periode ini."
        ]
        stage = load_catalogue().stage("monitoring")
        spec = stage.documents[0]
        folder = f"documents/{stage.name}"
        version = next_version([rel.rsplit("/", 1)[-1] for rel in store.files(slug, folder)], f"{spec.name}-{period}")
        enrolment_png, budget_png = charts(k)

        def images(pictures: Any) -> dict[str, Any]:
            return {"enrolment": pictures.add(enrolment_png, 150), "budget": pictures.add(budget_png, 150)}

        ctx = build_context(snap.terms, version=version)
        ctx["report"] = {
            "period": label,
            "start": start,
            "end": end,
            "kpis": kpi_rows(k),
            "milestones": milestones,
            "issues": issues,
            "recommendations": recommendations(k),
            "recommendation": recommendation,
            "charts": {},
        }
        artifact = s.write(f"{folder}/{spec.name}-{period}-v{version}.docx", render_bytes(spec, ctx, images))
        figures = {"period": period, "enrolled": k.enrolled, "active": k.active, "paid": k.paid, "recommendation": recommendation}
        s.record(s.entry(REPORT_EVENT, role=role, note=label, stage=stage.name, artifacts=[artifact], data=figures))
    return Rendered(stage.name, spec.title, store.path(slug, artifact.path), version, artifact), k


def describe(e: dict[str, Any]) -> str:
    """One milestone entry in words, as the report and the dashboard list it."""
    d = e["data"]
    kind = e["event"][len(LOG_PREFIX) :]
    if kind == "payment":
        text = f"Iuran {bulan(d['period'])} untuk {formatting.angka(d['workers'])} peserta, {formatting.rupiah(d['amount'])}"
        return text + (f" ({d['reference']})" if d.get("reference") else "")
    if kind == "claim":
        return f"Klaim {d['programme']} {d['cases']} kasus, {formatting.rupiah(d['amount'])}"
    if kind == "santunan":
        return f"Santunan JKM kepada {d['heir']}, {formatting.rupiah_lengkap(d['amount'])}"
    if kind == "enrolment":
        return f"{formatting.angka(d['count'])} peserta didaftarkan"
    if kind == "correction" and isinstance(d.get("figures"), dict):  # the corrected figures, described as the entry
        fixed = describe({"event": LOG_PREFIX + str(d.get("kind")), "data": d["figures"], "note": ""})
        return f"Koreksi entri {d.get('corrects')} ({d.get('reason', '')}): {fixed}"
    if kind == "void":
        return f"Pembatalan entri {d.get('corrects')} ({d.get('reason', '')})"
    note: str = e["note"]
    return note or "-"
