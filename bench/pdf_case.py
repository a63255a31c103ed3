"""Benchmark case: the PDF/A-2b of the KB with a long participant lampiran, our chunked path or one LibreOffice call."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.fixtures import CACHE, lampiran_template, mou_context

# The stock conversion of 10.000 rows took 86 s alone and over 300 s (to_pdf's default limit) while the
# machine was busy: a baseline must not end the run, so the bench allows it half an hour.
TIMEOUT = 1800.0


def rendered(rows: int, irregular: bool = False) -> Path:
    """The KB with ``rows`` lampiran rows rendered to .docx (cached in bench/.cache)."""
    path = CACHE / f"pdf-case-{rows}{'-irregular' if irregular else ''}.docx"
    template = lampiran_template()
    if path.is_file() and path.stat().st_mtime >= template.stat().st_mtime:
        return path
    from workflow.documents.compiled import compiled
    from workflow.documents.environment import environment

    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(compiled(template, environment()).render(mou_context(rows, irregular=irregular)))
    tmp.replace(path)
    return path


def bench_pdf(rows: int, stock: bool, irregular: bool = False) -> float:
    """Seconds for one PDF/A-2b conversion of the document with ``rows`` lampiran rows.

    ``stock`` converts it in one LibreOffice call (superlinear: 273 s at 10.000 rows); otherwise
    ``workflow.documents.pdf.to_pdf`` chooses, which converts tables of more than ``CHUNK_ABOVE`` rows in chunks.
    With ``irregular``, some names wrap so rows differ in height. Rendering is not timed.
    """
    from workflow.documents.pdf import to_pdf

    source = rendered(rows, irregular)
    with tempfile.TemporaryDirectory(prefix="mou-bench-pdf-") as out:
        start = time.perf_counter()
        if stock:
            to_pdf([source], Path(out), pdfa=True, chunk_above=10**9, timeout=TIMEOUT)
        else:
            to_pdf([source], Path(out), pdfa=True, timeout=TIMEOUT)
        return time.perf_counter() - start


def demo_kb(work: Path, mou: Path) -> Path:
    """The demo's Kesepakatan Bersama draft (rancangan-kb, its last version): ``mou demo`` run once into ``work``."""
    import subprocess

    out = work / "demo-warm-pdf"
    if not out.is_dir():
        subprocess.run([str(mou), "demo", "--out", str(out)], check=True, capture_output=True)
    return sorted((out / "agreements").glob("*/documents/draft_kb/rancangan-kb-v*.docx"))[-1]


if __name__ == "__main__":
    import sys

    for arg in sys.argv[1:] or ["1000", "3000"]:
        for is_stock in (False, True):
            print(f"{arg} rows, {'stock' if is_stock else 'mou'}: {bench_pdf(int(arg), is_stock):.2f} s", flush=True)
