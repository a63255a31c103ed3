"""The Laporan Monitoring dan Evaluasi of one period: KPI table, charts, milestones, recommendation."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from workflow.commands.lifecycle import LOG_PREFIX, _entry, monitoring_role, record, resolve_actor, snapshot
from workflow.commands.monitoring import Kpis, kpis_of
from workflow.data import formatting
from workflow.data.periods import period_bounds
from workflow.errors import MouError
from workflow.records import history
from workflow.records.store import Store, write_new

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


def charts(k: Kpis) -> tuple[bytes, bytes]:
    """PNG charts: enrolment and active workers against the quota by month; budget realised against the allocation."""
    from workflow import config

    config.prepare_matplotlib()
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    months = [m for m, _, _ in k.trend] or [k.as_of.strftime("%Y-%m")]
    labels = [f"{formatting.nama_bulan(int(m[5:]))[:3]} {m[2:4]}" for m in months]
    enrolled = [e for _, e, _ in k.trend] or [k.enrolled]
    active = [a for _, _, a in k.trend] or [k.active]
    fig, ax = plt.subplots(figsize=(6.4, 3.0), dpi=150)
    ax.bar(labels, enrolled, color="#9ecae1", label="Terdaftar")
    ax.plot(labels, active, color="#08519c", marker="o", label="Aktif (iuran dibayar)")
    ax.axhline(k.quota, color="#cb181d", linestyle="--", label=f"Kuota {formatting.angka(k.quota)}")
    ax.set_title("Kepesertaan terhadap kuota", fontsize=10)
    ax.set_ylabel("orang")
    ax.set_ylim(0, max([k.quota, *enrolled, *active]) * 1.12)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False)
    ax.tick_params(labelsize=7)
    fig.tight_layout()
    first = _png(fig)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6.4, 1.8), dpi=150)
    ax.barh(["Alokasi APBD", "Realisasi"], [k.allocation / 1e6, k.paid / 1e6], color=["#bdbdbd", "#31a354"])
    for y, v in enumerate([k.allocation, k.paid]):
        ax.text(v / 1e6, y, f" {formatting.rupiah(v, decimals=False)}", va="center", fontsize=7)
    ax.set_xlim(0, max(k.allocation, k.paid, 1) / 1e6 * 1.35)
    ax.set_title("Realisasi anggaran iuran (juta rupiah)", fontsize=10)
    ax.tick_params(labelsize=7)
    fig.tight_layout()
    second = _png(fig)
    plt.close(fig)
    return first, second


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})  # no version stamp: same data, same bytes
    return buf.getvalue()


def kpi_rows(k: Kpis) -> list[dict[str, str]]:
    """The KPI table in Indonesian."""
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
            "note": "bulan terakhir yang dibayar",
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
    from workflow.data.catalogue import load_catalogue
    from workflow.documents.context import build_context
    from workflow.documents.render import Rendered, next_version, render_bytes

    if recommendation not in RECOMMENDATIONS:
        raise MouError(f"recommendation {recommendation!r} is not one of {', '.join(RECOMMENDATIONS)}")
    start, end, label = period_bounds(period)
    who = resolve_actor(actor)
    with store.writing(slug):
        snap = snapshot(store, slug)
        role = monitoring_role(snap, who, "a monitoring report")
        k = kpis_of(snap, end)
        logs = [e for e in snap.entries if e["event"].startswith(LOG_PREFIX)]
        in_period = [e for e in logs if start <= date.fromisoformat(e["data"].get("date", e["ts"][:10])) <= end]
        milestones = [
            {
                "date": date.fromisoformat(e["data"].get("date", e["ts"][:10])),
                "kind": KIND_NAMES.get(e["event"][len(LOG_PREFIX) :], e["event"]),
                "text": _describe(e),
            }
            for e in sorted(in_period, key=lambda e: e["data"].get("date", e["ts"][:10]))
        ]
        issues = [e["note"] for e in in_period if e["event"] == LOG_PREFIX + "issue"] or [
            "Tidak ada permasalahan yang dicatat pada periode ini."
        ]
        spec = load_catalogue().stage("monitoring").documents[0]
        folder = store.documents_dir(slug, "monitoring")
        version = next_version(folder, f"{spec.name}-{period}")
        enrolment_png, budget_png = charts(k)

        def images(pictures: Any) -> dict[str, Any]:
            return {"enrolment": pictures.add(enrolment_png, 150), "budget": pictures.add(budget_png, 150)}

        ctx = build_context(
            snap.agreement.effective(sum(1 for e in snap.entries if e["event"] == "sign_amendment")), version=version
        )
        ctx["report"] = {
            "period": label,
            "start": start,
            "end": end,
            "kpis": kpi_rows(k),
            "milestones": milestones,
            "issues": issues,
            "recommendation": recommendation,
            "charts": {},
        }
        data = render_bytes(spec, ctx, images)
        path = folder / f"{spec.name}-{period}-v{version}.docx"
        write_new(path, data)
        artifact = {"path": str(path.relative_to(snap.folder)), "sha256": history.sha256_file(path)}
        figures = {"period": period, "enrolled": k.enrolled, "active": k.active, "paid": k.paid, "recommendation": recommendation}
        record(snap, _entry(snap, who, role, "report", snap.state, label, "monitoring", [artifact], figures))
    return Rendered("monitoring", spec.title, path, version), k


def _describe(e: dict[str, Any]) -> str:
    d = e["data"]
    kind = e["event"][len(LOG_PREFIX) :]
    if kind == "payment":
        text = f"Iuran {d['period']} untuk {formatting.angka(d['workers'])} peserta, {formatting.rupiah(d['amount'])}"
        return text + (f" ({d['reference']})" if d.get("reference") else "")
    if kind == "claim":
        return f"Klaim {d['programme']} {d['cases']} kasus, {formatting.rupiah(d['amount'])}"
    if kind == "santunan":
        return f"Santunan JKM kepada {d['heir']}, {formatting.rupiah_lengkap(d['amount'])}"
    if kind == "enrolment":
        return f"{formatting.angka(d['count'])} peserta didaftarkan"
    if kind == "correction" and isinstance(d.get("figures"), dict):  # the corrected figures, described as the entry
        fixed = _describe({"event": LOG_PREFIX + str(d.get("kind")), "data": d["figures"], "note": ""})
        return f"Koreksi entri {d.get('corrects')} ({d.get('reason', '')}): {fixed}"
    if kind == "void":
        return f"Pembatalan entri {d.get('corrects')} ({d.get('reason', '')})"
    note: str = e["note"]
    return note or "-"
