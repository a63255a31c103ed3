"""One self-contained HTML page for leadership: every agreement, its state, term, coverage and budget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

from workflow import config
from workflow.commands.lifecycle import due_of
from workflow.commands.monitoring import kpis_at
from workflow.commands.report import KIND_NAMES, describe
from workflow.commands.session import snapshot
from workflow.data import formatting
from workflow.errors import MouError
from workflow.process.machine import LOG_PREFIX
from workflow.records.store import Store, write_atomic


@dataclass(frozen=True)
class Card:
    """What the page shows of one agreement."""

    slug: str
    title: str
    partner: str
    state: str
    state_title: str
    step: int
    steps: int
    term: str
    deadline: str
    enrolled: int
    quota: int
    paid: int
    allocation: int
    recent: list[tuple[str, str, str]]
    problem: str | None = None
    overdue: tuple[str, ...] = ()


def cards(store: Store, when: date | None = None) -> list[Card]:
    """One card per agreement under the root (a broken one says why)."""
    when = when or config.current().day()
    out: list[Card] = []
    for slug in store.slugs():
        try:
            snap = snapshot(store, slug)
        except MouError as err:
            out.append(Card(slug, "", "", "?", "", 0, 1, "", "", 0, 0, 0, 0, [], str(err).splitlines()[0]))
            continue
        a = snap.terms
        names = [s.name for s in snap.process.states if not s.final]
        step = names.index(snap.state) + 1 if snap.state in names else len(names)
        k = kpis_at(snap, when)
        dues = due_of(snap, when)  # the same rule as mou status, mou due and mou list
        upcoming = [d for d in dues if not d.overdue]
        deadline = f"{formatting.tanggal(upcoming[0].when)} ({_due_name(upcoming[0].what)})" if upcoming else "-"
        overdue = tuple(f"{formatting.tanggal(d.when)} ({_due_name(d.what)})" for d in dues if d.overdue)
        logs = [e for e in snap.entries if e["event"].startswith(LOG_PREFIX)][-5:]
        recent = [
            (e["data"].get("date", e["ts"][:10]), KIND_NAMES.get(e["event"][len(LOG_PREFIX) :], e["event"]), describe(e))
            for e in reversed(logs)
        ]
        out.append(
            Card(
                slug,
                f"{a.document.name} tentang {a.document.subject}",
                a.parties.partner.short_name,
                snap.state,
                snap.process.state(snap.state).title,
                step,
                len(names),
                f"{formatting.tanggal(a.term.start)} s.d. {formatting.tanggal(a.term.end)}",
                deadline,
                k.enrolled,
                k.quota,
                k.paid,
                k.allocation,
                recent,
                overdue=overdue,
            )
        )
    return out


def _due_name(what: str) -> str:
    names = {"signing": "penandatanganan", "monitoring report": "laporan monev", "end of term": "akhir jangka waktu"}
    if what.startswith("payment for "):
        return f"iuran bulan {what.removeprefix('payment for ')}"
    if what.startswith("review waiting "):
        return f"telaah menunggu {what.removeprefix('review waiting ').split(' ')[0]} hari"
    return names.get(what, what)


def _rp(amount: int) -> str:
    return formatting.rupiah(amount, decimals=False)


def _bar(value: int, total: int, label: str, color: str) -> str:
    pct = 0 if total <= 0 else min(100, round(100 * value / total))
    return (
        f'<div class="bar-label">{escape(label)} <span>{pct}%</span></div>'
        f'<div class="bar" role="progressbar" aria-valuenow="{pct}" aria-valuemin="0" aria-valuemax="100">'
        f'<div style="width:{pct}%;background:{color}"></div></div>'
    )


def html(items: list[Card], when: date) -> str:
    """The page: inline CSS, no scripts, no network."""
    body = []
    for c in items:
        if c.problem:
            body.append(f'<article class="card broken"><h2>{escape(c.slug)}</h2><p>{escape(c.problem)}</p></article>')
            continue
        recent = (
            "".join(f"<li><b>{escape(d)}</b> {escape(k)}: {escape(t)}</li>" for d, k, t in c.recent)
            or "<li>Belum ada kegiatan.</li>"
        )
        body.append(
            f'<article class="card" id="{escape(c.slug)}"><h2>{escape(c.partner)}</h2>'
            f'<p class="sub">{escape(c.title)}</p>'
            f'<p class="state"><span class="pill">{escape(c.state_title)}</span> tahap {c.step} dari {c.steps}</p>'
            + _bar(c.step, c.steps, "Proses", "#6a51a3")
            + f"<dl><dt>Jangka waktu</dt><dd>{escape(c.term)}</dd><dt>Tenggat berikut</dt><dd>{escape(c.deadline)}</dd>"
            + "".join(f'<dt class="late">Terlambat</dt><dd class="late">{escape(o)}</dd>' for o in c.overdue)
            + "</dl>"
            + _bar(
                c.enrolled, c.quota, f"Kepesertaan {formatting.angka(c.enrolled)} / {formatting.angka(c.quota)} orang", "#3182bd"
            )
            + _bar(
                c.paid,
                c.allocation,
                f"Anggaran {formatting.rupiah(c.paid, decimals=False)} / {formatting.rupiah(c.allocation, decimals=False)}",
                "#31a354",
            )
            + f"<h3>Kegiatan terakhir</h3><ul>{recent}</ul><p class='slug'>{escape(c.slug)}</p></article>"
        )
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dasbor Kerja Sama Daerah</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:0;background:#f4f5f7;color:#222}}
header{{background:#1f3b57;color:#fff;padding:16px 20px}}
header h1{{margin:0;font-size:1.3rem}} header p{{margin:4px 0 0;opacity:.85}}
main{{display:flex;flex-wrap:wrap;gap:16px;padding:16px}}
.card{{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.15);padding:16px;flex:1 1 320px;max-width:560px}}
.card h2{{margin:0 0 4px;font-size:1.1rem}} .sub{{margin:0 0 8px;color:#555;font-size:.9rem}}
.pill{{background:#efedf5;color:#54278f;border-radius:12px;padding:2px 10px;font-weight:600}}
.bar-label{{font-size:.85rem;margin-top:10px;display:flex;justify-content:space-between}}
.bar{{height:12px;background:#e5e5e5;border-radius:6px;overflow:hidden}} .bar div{{height:100%}}
dl{{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;font-size:.9rem}} dt{{color:#666}} dd{{margin:0}}
h3{{font-size:.95rem;margin:14px 0 4px}} ul{{padding-left:18px;margin:0;font-size:.85rem}} .slug{{color:#999;font-size:.75rem}}
.broken{{border-left:4px solid #cb181d}} .late{{color:#cb181d;font-weight:600}}
</style></head>
<body><header><h1>Dasbor Kerja Sama Daerah</h1>
<p>Keadaan per {escape(formatting.hari_tanggal(when))} &middot; {len(items)} kerja sama</p></header>
<main>{"".join(body)}</main></body></html>
"""


def write_dashboard(store: Store, out: Path, when: date | None = None) -> Path:
    """Write the page to ``out``."""
    when = when or config.current().day()
    write_atomic(out, html(cards(store, when), when).encode("utf-8"))
    return out
