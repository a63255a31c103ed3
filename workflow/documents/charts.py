"""The charts of the Laporan Monitoring dan Evaluasi: PNG bytes drawn with matplotlib (imported here only)."""

from __future__ import annotations

import io
from typing import Any

from workflow import config
from workflow.data import formatting
from workflow.data.kpis import Kpis


def charts(k: Kpis) -> tuple[bytes, bytes]:
    """PNG charts: enrolment and active workers against the quota by month; budget realised against the allocation."""
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
