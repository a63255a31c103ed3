"""Generated fixtures for the benchmarks: the real Kesepakatan Bersama template with a participant lampiran.

The template is the shipped ``templates/rancangan-kb.docx`` built by ``tools/build_templates.py``, plus
a page with a six-column table of participants looped with ``{%tr for %}``: the shape of a Pemda
lampiran of thousands of rows (PERFORMANCE.md's fixture). Participants are synthetic, seeded, with
masked NIK, as every listing of mou shows them.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"

KECAMATAN = ["Pasarwajo", "Wolowa", "Siotapina", "Lasalimu", "Lasalimu Selatan", "Kapontori", "Wabula"]
DESA = ["Kancinaa", "Holimombo", "Wakalambe", "Dongkala", "Kamaru", "Wasuemba", "Matanauwe", "Lawele"]
PEKERJAAN = ["Nelayan", "Petani", "Buruh tani", "Pedagang", "Tukang ojek", "Petambak"]
NAMES = ["La Ode", "Wa Ode", "Muhammad", "Siti", "Ahmad", "Nur", "Hasan", "Rahma", "Yusuf", "Fatma"]
SURNAMES = ["Sabarudin", "Hamiru", "Asrun", "Halimah", "Jufri", "Rasyid", "Salmia", "Kadir", "Basri"]
LONG_NAME = "Wa Ode Sitti Nurhalimah binti La Ode Abdul Rahman"
"""Wraps onto two lines: a lampiran whose rows are not all one line high."""


def lampiran_template() -> Path:
    """Write (once) and return the KB template with an appended participant lampiran."""
    path = CACHE / "rancangan-kb-lampiran.docx"
    builder = ROOT / "tools" / "build_templates.py"
    if path.is_file() and path.stat().st_mtime >= max(builder.stat().st_mtime, Path(__file__).stat().st_mtime):
        return path
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_templates as bt
    finally:
        sys.path.pop(0)
    doc = bt.rancangan_kb()
    bt.page_break(doc)
    bt.title(doc, "LAMPIRAN II", after=0)
    bt.title(doc, "DAFTAR CALON PESERTA PEKERJA RENTAN MISKIN", after=12)
    widths = [1.3, 3.0, 4.1, 2.3, 3.1, 2.7]  # 16,5 cm: the text width of an F4 page with 3 + 2 cm margins
    table = bt.grid(doc, 1, widths, borders=True)
    heads = ("No.", "NIK", "Nama", "Desa", "Kecamatan", "Pekerjaan")
    for cell, head in zip(table.rows[0].cells, heads, strict=True):
        bt.cell_text(cell, head, bold=True, align=bt.C, size=10)
    bt.row_loop(
        table,
        "for p in peserta",
        ["{{ loop.index }}.", "{{ p.nik }}", "{{ p.nama }}", "{{ p.desa }}", "{{ p.kecamatan }}", "{{ p.pekerjaan }}"],
        aligns=[bt.C, bt.L, bt.L, bt.L, bt.L, bt.L],
    )
    for cell in table.rows[-2].cells:  # the repeated row: 10 pt, one line per participant
        for run in cell.paragraphs[0].runs:
            run.font.size = bt.Pt(10)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    doc.save(str(tmp))
    tmp.replace(path)
    return path


def peserta(n: int, seed: int = 2025, *, irregular: bool = False) -> list[dict[str, str]]:
    """``n`` synthetic participants, NIK masked as listings show it (7401**********01).

    Every row fits one line; with ``irregular`` every 13th name is long enough to wrap.
    """
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        rows.append(
            {
                "nik": f"7401**********{i % 100:02d}",
                "nama": LONG_NAME if irregular and i % 13 == 5 else f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}",
                "desa": rng.choice(DESA),
                "kecamatan": rng.choice(KECAMATAN),
                "pekerjaan": rng.choice(PEKERJAAN),
            }
        )
    return rows


def mou_context(n: int, *, irregular: bool = False) -> dict[str, Any]:
    """The render context of the embedded Buton example plus ``n`` lampiran rows."""
    from workflow.commands.agreements import load_file
    from workflow.documents.context import build_context

    context = build_context(load_file(ROOT / "agreements" / "buton-bpjstk-2025" / "agreement.yaml"), version=1)
    context["peserta"] = peserta(n, irregular=irregular)
    return context
