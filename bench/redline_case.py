"""Benchmark case: a redline between two drafts of the Kesepakatan Bersama with a 1.000-row lampiran.

The older draft is ``templates/rancangan-kb.docx`` rendered with the embedded Buton example plus an
appended six-column table of 1.000 synthetic participants; the newer one corrects a few paragraphs,
changes 20 rows, removes 10 and adds 10. What is timed is what `mou diff --docx` does beyond reading
the two files: the redline and its check (accept all gives the newer text, reject all the older).
"""

from __future__ import annotations

import io
import random
import statistics
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1000
_NAMES = ["La Ode", "Wa Ode", "Muhammad", "Siti", "Ahmad", "Nur", "Hasan", "Rahma", "Yusuf", "Fatma"]
_SURNAMES = ["Sabarudin", "Hamiru", "Asrun", "Halimah", "Jufri", "Rasyid", "Salmia", "Kadir", "Basri"]
_DESA = ["Kancinaa", "Holimombo", "Wakalambe", "Dongkala", "Kamaru", "Wasuemba", "Matanauwe", "Lawele"]
_KECAMATAN = ["Pasarwajo", "Wolowa", "Siotapina", "Lasalimu", "Kapontori", "Wabula"]
_PEKERJAAN = ["Nelayan", "Petani", "Buruh tani", "Pedagang kecil", "Tukang ojek", "Pekerja rumput laut"]


def _rendered_kb() -> bytes:
    """templates/rancangan-kb.docx rendered with the embedded example's data, as `mou render` does."""
    from workflow.commands.agreements import load_file
    from workflow.data.catalogue import load_catalogue
    from workflow.documents.context import build_context
    from workflow.documents.render import render_bytes

    spec = next(d for s in load_catalogue().stages for d in s.documents if d.name == "rancangan-kb")
    agreement = load_file(ROOT / "agreements" / "buton-bpjstk-2025" / "agreement.yaml")
    return bytes(render_bytes(spec, build_context(agreement, version=1)))


def _participants(n: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [
        [
            f"{i + 1}.",
            f"7401**********{i % 100:02d}",
            f"{rng.choice(_NAMES)} {rng.choice(_SURNAMES)}",
            rng.choice(_DESA),
            rng.choice(_KECAMATAN),
            rng.choice(_PEKERJAAN),
        ]
        for i in range(n)
    ]


def _with_lampiran(base: bytes, rows: list[list[str]], edits: dict[str, str]) -> bytes:
    """``base`` with paragraph texts replaced per ``edits`` and a lampiran table of ``rows`` appended."""
    from docx import Document

    doc = Document(io.BytesIO(base))
    for p in doc.paragraphs:
        for old, new in edits.items():
            if old in p.text and p.runs:
                text = p.text.replace(old, new)
                for run in p.runs[1:]:
                    run.text = ""
                p.runs[0].text = text
    doc.add_paragraph("LAMPIRAN II: DAFTAR CALON PESERTA PEKERJA RENTAN MISKIN")
    table = doc.add_table(rows=1, cols=6)
    for cell, head in zip(table.rows[0].cells, ("No.", "NIK", "Nama", "Desa", "Kecamatan", "Pekerjaan"), strict=True):
        cell.text = head
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def redline_pair(rows: int = ROWS) -> tuple[bytes, bytes]:
    """Two drafts: the rendered KB with a ``rows``-row lampiran, and a revision of it."""
    base = _rendered_kb()
    people = _participants(rows, 2025)
    older = _with_lampiran(base, people, {})
    revised = [list(r) for r in people]
    for k in range(20):  # corrected names and villages
        revised[k * 47 + 3][2] += " Bin Abdullah"
        revised[k * 47 + 5][3] = "Lapandewa"
    for k in sorted({k * 97 + 11 for k in range(10)}, reverse=True):  # workers who left
        del revised[k]
    for k, extra in enumerate(_participants(10, 7)):  # their replacements
        revised.insert(k * 90 + 40, extra)
    edits = {"Baubau": "Kota Baubau", "pekerja rentan miskin": "pekerja rentan"}
    return older, _with_lampiran(base, revised, edits)


def bench_redline(runs: int = 5) -> float:
    """Median seconds over ``runs`` of the checked redline between the two drafts (see the module docstring)."""
    from workflow.documents.textdiff import checked_redline

    older, newer = redline_pair()
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        checked_redline(older, newer, "Bagian Hukum Setda Kabupaten Buton", "2025-06-20T08:00:00Z")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(*_: Any) -> None:
    """Print the figure (``python -m bench.redline_case``)."""
    print(f"redline, KB with a {ROWS}-row lampiran: {bench_redline():.3f} s (median of 5)")


if __name__ == "__main__":
    main()
