"""`make bench`: our paths and their baselines measured side by side in one run, as a table of ratios.

    python -m bench                       # every case, table on stdout
    python -m bench --out docs/benchmarks.md
    python -m bench --only render,startup # some cases (render, batch, startup, list, verify,
                                          # append, participants, memory, pdf, redline,
                                          # stores_race, stores_list, warm_pdf)

Medians of several runs with their min-max; these machines are noisy, so only the ratios within one
run mean much. No test asserts a time: the targets are printed beside the figures.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.fixtures import ROOT, lampiran_template, mou_context

VENV_BIN = Path(sys.executable).parent
SLUG = "buton-bpjstk-2025"
EXAMPLE = ROOT / "agreements" / SLUG / "agreement.yaml"


@dataclass
class Row:
    case: str
    ours: list[float]
    base: list[float] | None
    base_name: str
    target: str
    met: bool | None
    unit: str = "s"

    def cells(self) -> list[str]:
        ours = _fmt(self.ours, self.unit)
        base = _fmt(self.base, self.unit) if self.base else "-"
        ratio = f"{statistics.median(self.ours) / statistics.median(self.base):.2f}x" if self.base else "-"
        met = {True: "yes", False: "NO", None: "-"}[self.met]
        return [self.case, ours, self.base_name, base, ratio, self.target, met]


def _fmt(values: list[float], unit: str) -> str:
    med = statistics.median(values)
    if unit == "count":
        return f"{med:.0f}"
    if unit == "MiB":
        return f"{med:.0f} MiB" if len(values) == 1 else f"{med:.0f} MiB ({min(values):.0f}-{max(values):.0f})"
    scale, suffix = (1000, "ms") if med < 1 else (1, "s")
    text = f"{med * scale:.1f} {suffix}" if scale == 1000 else f"{med:.2f} s"
    if len(values) > 1:
        text += f" ({min(values) * scale:.{1 if scale == 1000 else 2}f}-{max(values) * scale:.{1 if scale == 1000 else 2}f})"
    return text


def timed(fn: Callable[[], Any], repeat: int, setup: Callable[[], Any] | None = None) -> list[float]:
    """Wall times of ``repeat`` calls of ``fn`` (``setup`` before each, untimed); the GC collected between."""
    out = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        gc.collect()
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def interleaved(fns: list[Callable[[], Any]], repeat: int) -> list[list[float]]:
    """Time several functions in alternation, so a noisy moment hurts them alike."""
    out: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            gc.collect()
            start = time.perf_counter()
            fn()
            out[i].append(time.perf_counter() - start)
    return out


def progress(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- render


def stock_render(template: Path, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    from workflow.documents.environment import environment

    tpl = DocxTemplate(template)
    tpl.render(context, jinja_env=environment(), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def floor_render(template: Path, context: dict[str, Any]) -> bytes:
    """The physical floor: Jinja alone on the compiled parts, one lxml parse/serialise, the zip."""
    import zipfile

    from lxml import etree

    from workflow.documents.compiled import compiled
    from workflow.documents.environment import environment

    c = compiled(template, environment())
    rendered = {name: part.template.render(context) for name, part in c.parts.items()}
    doc = c.parts["word/document.xml"]
    whole = (doc.head + rendered["word/document.xml"] + doc.tail).encode("utf-8")
    rendered["word/document.xml"] = etree.tostring(etree.fromstring(whole), encoding="unicode")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, raw in c.members:
            zf.writestr(name, rendered[name].encode("utf-8") if name in rendered else raw)
    return out.getvalue()


def case_render(rows: list[Row], work: Path) -> None:
    from workflow.documents.compiled import compiled
    from workflow.documents.environment import environment

    template = lampiran_template()
    for n, repeat in ((0, 9), (100, 9), (1000, 7), (10000, 3)):
        progress(f"render, {n} rows")
        context = mou_context(n)
        ours = compiled(template, environment())
        ours.render(context)  # compiled once: a batch pays this once
        floor_render(template, context)
        t_ours, t_floor, t_stock = interleaved(
            [
                lambda c=ours, x=context: c.render(x),  # type: ignore[misc]
                lambda x=context: floor_render(template, x),  # type: ignore[misc]
                lambda x=context: stock_render(template, x),  # type: ignore[misc]
            ],
            repeat,
        )
        label = f"{n:,}".replace(",", ".")
        faster = statistics.median(t_ours) / statistics.median(t_stock)
        rows.append(Row(f"render MoU, {label} rows", t_ours, t_stock, "stock docxtpl", "<= 0.4x (2.5-3x faster)", faster <= 0.4))
        ratio = statistics.median(t_ours) / statistics.median(t_floor)
        target = "<= 1.5x floor" if n >= 1000 else "(floor, for reference)"
        rows.append(Row(f"render MoU, {label} rows", t_ours, t_floor, "floor", target, ratio <= 1.5 if n >= 1000 else None))


# ---------------------------------------------------------------- batch


def _agreements(folder: Path, count: int, *, history_of: Path | None = None) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    slugs = [f"kab-{i:04d}-2025" for i in range(count)]
    for slug in slugs:
        if history_of is not None:
            shutil.copytree(history_of, folder / slug)
        else:
            (folder / slug).mkdir()
            shutil.copy2(EXAMPLE, folder / slug / "agreement.yaml")
    return slugs


def case_batch(rows: list[Row], work: Path) -> None:
    from workflow.commands.agreements import load_file
    from workflow.commands.batch import render_all
    from workflow.data.catalogue import load_catalogue, templates_dir
    from workflow.documents import compiled, render
    from workflow.documents.context import build_context
    from workflow.records.store import FolderStore

    count, stages = 200, ["fgd", "draft_kb"]
    specs = [spec for stage in load_catalogue().stages if stage.name in stages for spec in stage.documents]
    docs = count * len(specs)
    fresh = work / "batch"

    def setup() -> None:
        shutil.rmtree(fresh, ignore_errors=True)
        _agreements(fresh, count)
        compiled._CACHE.clear()  # each batch compiles its templates itself
        render._CHECKED.clear()

    def stock() -> None:
        for slug in sorted(p.name for p in fresh.iterdir()):
            context = build_context(load_file(fresh / slug / "agreement.yaml"), version=1)
            for spec in specs:
                (fresh / slug / f"{spec.name}-v1.docx").write_bytes(stock_render(templates_dir() / spec.template, context))

    results = {}
    for name, fn in (
        ("stock", stock),
        ("ours1", lambda: render_all(FolderStore(fresh), sorted(p.name for p in fresh.iterdir()), stages, "bench", workers=1)),
        ("ours2", lambda: render_all(FolderStore(fresh), sorted(p.name for p in fresh.iterdir()), stages, "bench", workers=2)),
    ):
        progress(f"batch of {count} agreements, {name}")
        results[name] = timed(fn, 3, setup)
    per_doc = {k: [t / docs for t in v] for k, v in results.items()}
    speed1 = statistics.median(results["stock"]) / statistics.median(results["ours1"])
    speed2 = statistics.median(results["ours1"]) / statistics.median(results["ours2"])
    label = f"batch {count} agreements x {len(specs)} docs"
    rows.append(
        Row(
            f"{label}, 1 process (per doc)",
            per_doc["ours1"],
            per_doc["stock"],
            "stock docxtpl",
            "<= 0.5x (2x faster)",
            speed1 >= 2,
        )
    )
    rows.append(
        Row(
            f"{label}, 2 workers (per doc)",
            per_doc["ours2"],
            per_doc["ours1"],
            "ours, 1 process",
            "<= 0.56x (1.8x faster)",
            speed2 >= 1.8,
        )
    )


# ---------------------------------------------------------------- start-up, list, verify


def _cli(*args: str) -> list[str]:
    return [str(VENV_BIN / "mou"), *args]


def run_quiet(cmd: list[str]) -> None:
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def recomputed(cmd: list[str], touched: Path) -> None:
    """Run ``cmd`` after touching ``touched``: a new change time, so a remembered view is computed again."""
    os.utime(touched)
    run_quiet(cmd)


def demo_agreement(work: Path) -> Path:
    """One agreement folder with a short real history (FGD rendered and held)."""
    root = work / "one"
    if not (root / SLUG).is_dir():
        (root / SLUG).mkdir(parents=True)
        shutil.copy2(EXAMPLE, root / SLUG / "agreement.yaml")
        env = {**os.environ, "MOU_ACTOR": "Dinas Tenaga Kerja Kabupaten Buton"}
        subprocess.run(_cli("--root", str(root), "render", SLUG), env=env, check=True, capture_output=True)
        subprocess.run(_cli("--root", str(root), "advance", SLUG, "hold_fgd"), env=env, check=True, capture_output=True)
    return root


def case_startup(rows: list[Row], work: Path) -> None:
    root = demo_agreement(work)
    base_cmd = [sys.executable, "-c", "import docxtpl"]
    for name, cmd in (
        ("mou status", _cli("--root", str(root), "status", SLUG)),
        ("mou list", _cli("--root", str(root), "list")),
        ("mou --help", _cli("--help")),
    ):
        progress(f"cold start, {name}")
        ours, base = interleaved([lambda c=cmd: run_quiet(c), lambda: run_quiet(base_cmd)], 15)  # type: ignore[misc]
        ratio = statistics.median(ours) / statistics.median(base)
        rows.append(Row(f"cold start, {name}", ours, base, "python -c 'import docxtpl'", "<= 0.6x", ratio <= 0.6))
        if name != "mou --help":  # the view computed again, as after any change (the parse cache stays warm)
            progress(f"cold start, {name}, recomputed")
            touched = root / SLUG / "history.head"
            ours, base = interleaved([lambda c=cmd, t=touched: recomputed(c, t), lambda: run_quiet(base_cmd)], 15)  # type: ignore[misc]
            rows.append(Row(f"cold start, {name}, after a change", ours, base, "python -c 'import docxtpl'", "-", None))


def case_list(rows: list[Row], work: Path) -> None:
    one = demo_agreement(work)
    root = work / "thousand"
    if not root.is_dir():
        _agreements(root, 1000, history_of=one / SLUG)
    progress("mou list over 1.000 agreements")
    times = timed(lambda: run_quiet(_cli("--root", str(root), "list")), 5)
    rows.append(Row("mou list, 1.000 agreements", times, None, "", "<= 1 s", statistics.median(times) <= 1))


def long_history(work: Path, count: int) -> Path:
    """An agreement whose history holds ``count`` entries: the real FGD steps, then milestones."""
    from workflow.records import history

    one = demo_agreement(work)
    root = work / "long"
    folder = root / SLUG
    if (folder / history.HISTORY_FILE).is_file():
        return root
    shutil.copytree(one / SLUG, folder)
    entries = history.read(folder)
    last = entries[-1]
    lines = [history.canonical(e) for e in entries]
    prev = last["hash"]
    for seq in range(len(entries) + 1, count + 1):
        entry = {
            "data_sha256": last["data_sha256"],
            "from": last["to"],
            "to": last["to"],
            "seq": seq,
            "ts": last["ts"],  # never before the entries it follows: verify checks the order
            "actor": "Dinas Tenaga Kerja Kabupaten Buton",  # a person of the example holding tim_teknis
            "role": "tim_teknis",
            "event": "log:note",
            "note": f"Catatan pemantauan ke-{seq}",
            "stage": None,
            "data": {"date": "2025-07-01"},
            "artifacts": [],
            "prev": prev,
        }
        entry["hash"] = prev = history.entry_hash(entry)
        lines.append(history.canonical(entry))
    (folder / history.HISTORY_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    head = history.canonical({"seq": count, "hash": prev}) + "\n"
    (folder / history.HEAD_FILE).write_text(head, encoding="utf-8")
    return root


def case_verify(rows: list[Row], work: Path) -> None:
    progress("mou verify of a 100.000-entry history (building it)")
    root = long_history(work, 100_000)
    result = subprocess.run(_cli("--root", str(root), "verify", SLUG), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"bench: verify of the long history failed: {result.stdout}{result.stderr}")
    times = timed(lambda: run_quiet(_cli("--root", str(root), "verify", SLUG)), 5)
    rows.append(Row("mou verify, 100.000 history entries", times, None, "", "<= 1 s", statistics.median(times) <= 1))


def synthetic_history(folder: Path, count: int) -> list[dict[str, Any]]:
    """``folder/history.jsonl`` and ``history.head`` of ``count`` chained milestones, written at once; the entries."""
    from workflow.records import history

    folder.mkdir(parents=True, exist_ok=True)
    entries, lines, prev = [], [], history.GENESIS
    for seq in range(1, count + 1):
        entry = {
            "seq": seq,
            "ts": "2025-07-01T08:00:00Z",
            "actor": "Dinas Tenaga Kerja Kabupaten Buton",
            "role": "tim_teknis",
            "event": "log:note",
            "from": "implementation",
            "to": "implementation",
            "note": f"Catatan pemantauan ke-{seq}",
            "stage": None,
            "data": {"date": "2025-07-01"},
            "data_sha256": "0" * 64,
            "artifacts": [],
            "prev": prev,
        }
        entry["hash"] = prev = history.entry_hash(entry)
        entries.append(entry)
        lines.append(history.canonical(entry) + "\n")
    (folder / history.HISTORY_FILE).write_text("".join(lines), encoding="utf-8")
    (folder / history.HEAD_FILE).write_text(history.canonical({"seq": count, "hash": prev}) + "\n", encoding="utf-8")
    return entries


def rewrite_append(folder: Path, entries: list[dict[str, Any]], entry: dict[str, Any]) -> dict[str, Any]:
    """The append before issue 17: the whole file read and rewritten through a temporary file and a rename."""
    from workflow.records import history
    from workflow.records.files import write_atomic

    entry = {**entry, "seq": len(entries) + 1, "prev": entries[-1]["hash"] if entries else history.GENESIS}
    entry["hash"] = history.entry_hash(entry)
    path = folder / history.HISTORY_FILE
    write_atomic(path, path.read_bytes() + (history.canonical(entry) + "\n").encode("utf-8"))
    write_atomic(folder / history.HEAD_FILE, (history.canonical({"seq": entry["seq"], "hash": entry["hash"]}) + "\n").encode())
    return entry


def case_append(rows: list[Row], work: Path) -> None:
    """One history entry appended to a 100.000-entry history: in place (ours) and by a whole rewrite (before)."""
    from workflow.records import history

    count, repeat = 100_000, 50
    size = f"{count:,}".replace(",", ".")
    progress(f"history append to {size} entries (building it)")
    ours_dir, old_dir = work / "append" / "ours", work / "append" / "rewrite"
    ours = synthetic_history(ours_dir, count)
    shutil.copytree(ours_dir, old_dir)
    old = list(ours)  # append never changes an entry it is given
    new = {k: v for k, v in ours[-1].items() if k not in ("seq", "prev", "hash")}
    progress(f"history append, {repeat} appends each way")
    t_ours, t_old = interleaved(
        [
            lambda: ours.append(history.append(ours_dir, ours, {**new, "note": f"baru {len(ours)}"})),
            lambda: old.append(rewrite_append(old_dir, old, {**new, "note": f"baru {len(old)}"})),
        ],
        repeat,
    )
    if history.check_chain(ours_dir) != ours:
        raise SystemExit("bench: the history appended in place does not check")
    rows.append(
        Row(
            f"history append, {size} entries",
            t_ours,
            t_old,
            "whole-file rewrite (before)",
            "<= 5 ms",
            statistics.median(t_ours) <= 0.005,
        )
    )


# ---------------------------------------------------------------- participants, memory


def case_participants(rows: list[Row], work: Path) -> None:
    from workflow.commands.participants import COLUMNS, parse, synthetic

    start = date(2025, 7, 1)
    body = [line for region in ("740106", "740107") for line in synthetic(5000, start, region).splitlines()[1:]]
    text = ",".join(COLUMNS) + "\n" + "\n".join(body) + "\n"
    path = work / "peserta-10000.csv"
    path.write_text(text, encoding="utf-8")
    progress("10.000 participants loaded and validated")

    def load() -> None:
        people = parse(path, path.read_text(encoding="utf-8"), 10_000, start, date(2027, 6, 30))
        assert len(people) == 10_000

    times = timed(load, 7)
    rows.append(Row("participants, 10.000 rows load + validate", times, None, "", "<= 0.5 s", statistics.median(times) <= 0.5))


MEMORY_SCRIPT = """
import sys
from bench.fixtures import lampiran_template, mou_context
context = mou_context(10000)
if sys.argv[1] == "ours":
    from workflow.documents.compiled import compiled
    from workflow.documents.environment import environment
    compiled(lampiran_template(), environment()).render(context)
else:
    from bench.__main__ import stock_render
    stock_render(lampiran_template(), context)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the (forked) parent across exec
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(int(hwm.split()[1]) / 1024)
"""


def case_memory(rows: list[Row], work: Path) -> None:
    lampiran_template()
    progress("peak memory at 10.000 rows")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def peak(which: str) -> float:
        out = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, which], capture_output=True, text=True, env=env, check=True)
        return float(out.stdout.strip().splitlines()[-1])

    ours = [peak("ours") for _ in range(3)]
    stock = [peak("stock") for _ in range(3)]
    rows.append(
        Row("peak memory, render 10.000 rows", ours, stock, "stock docxtpl", "<= 150 MiB", statistics.median(ours) <= 150, "MiB")
    )


# ---------------------------------------------------------------- PDF, redline (optional cases)


def case_pdf(rows: list[Row], work: Path) -> None:
    from bench.pdf_case import bench_pdf

    if shutil.which("soffice") is None:
        progress("PDF case skipped: LibreOffice is not installed")
        return
    for n, irregular in ((1000, False), (3000, True), (10000, False)):
        what = f"{n:,}".replace(",", ".") + (" rows of varying height" if irregular else " rows")
        progress(f"PDF of the document with {what}, stock: one LibreOffice call on the whole .docx")
        stock = [bench_pdf(n, stock=True, irregular=irregular)]
        progress(f"PDF of the document with {what}, ours")
        ours = [bench_pdf(n, stock=False, irregular=irregular) for _ in range(1 if n == 10000 else 3)]
        ratio = statistics.median(ours) / statistics.median(stock)
        target = n == 10000 and not irregular
        rows.append(
            Row(
                f"PDF/A, {what}",
                ours,
                stock,
                "LibreOffice, whole .docx",
                "<= 0.1x (10x faster)" if target else "-",
                ratio <= 0.1 if target else None,
            )
        )


def case_warm_pdf(rows: list[Row], work: Path) -> None:
    """The demo's KB to PDF/A: through one warm LibreOffice (started and warmed up before timing, as the web
    application starts it once) against ``pdf.to_pdf`` starting LibreOffice per file, interleaved."""
    from bench.pdf_case import demo_kb
    from workflow.documents.pdf import to_pdf
    from workflow.documents.warm import WarmOffice

    if shutil.which("soffice") is None:
        progress("warm PDF case skipped: LibreOffice is not installed")
        return
    progress("warm PDF: mou demo for its Kesepakatan Bersama")
    source = demo_kb(work, VENV_BIN / "mou")
    progress("warm PDF: the KB to PDF/A 10 times, one warm LibreOffice vs a cold one per file")
    with WarmOffice() as office:
        out = work / "warm-pdf"
        warm, cold = interleaved(
            [
                lambda: office.convert(source, out / "warm" / "kb.pdf", pdfa=True),
                lambda: to_pdf([source], out / "cold", pdfa=True),
            ],
            10,
        )
        restarts = office.starts - 1
    if restarts:
        progress(f"warm PDF: LibreOffice was started again {restarts} time(s) during the run")
    rows.append(
        Row(
            "PDF/A of the demo's KB, warm LibreOffice",
            warm,
            cold,
            "cold soffice per file",
            "<= 0.4 s per KB PDF, warm",
            statistics.median(warm) <= 0.4,
        )
    )


def case_redline(rows: list[Row], work: Path) -> None:
    from bench.redline_case import bench_redline

    progress("redline of two 1.000-row drafts")
    seconds = bench_redline()
    rows.append(Row("redline, MoU with 1.000 rows", [seconds], None, "", "< 1 s", seconds < 1))


# ---------------------------------------------------------------- stores (issue 17): bench/stores_case.py


def case_stores_race(rows: list[Row], work: Path) -> None:
    from bench.stores_case import stores_race

    rows.extend(Row(**r) for r in stores_race(demo_agreement(work), work, progress))


def case_stores_list(rows: list[Row], work: Path) -> None:
    from bench.stores_case import stores_list

    rows.extend(Row(**r) for r in stores_list(demo_agreement(work), work, progress))


def case_web_load(rows: list[Row], work: Path) -> None:
    from bench.web_case import web_load

    root = work / "web"
    if not root.is_dir():
        slugs = _agreements(root, 1000, history_of=demo_agreement(work) / SLUG)
    else:
        slugs = sorted(p.name for p in root.iterdir() if (p / "agreement.yaml").is_file())
    rows.extend(Row(**r) for r in web_load(root, slugs, _cli(), progress))


CASES = (
    *("render", "batch", "startup", "list", "verify", "append", "participants", "memory", "pdf", "redline"),
    *("stores_race", "stores_list", "warm_pdf", "web_load"),
)


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default=",".join(CASES), help="comma-separated cases (default: all)")
    parser.add_argument("--out", type=Path, help="also write the table as Markdown to this file")
    args = parser.parse_args()
    only = [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = sorted(set(only) - set(CASES))
    if unknown:
        parser.error(f"unknown case {unknown[0]!r}; cases: {', '.join(CASES)}")
    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="mou-bench-") as tmp:
        work = Path(tmp)
        for case in only:
            globals()[f"case_{case}"](rows, work)  # every case: (the table's rows, a scratch folder)
    elapsed = time.perf_counter() - started
    table = markdown(rows)
    print(table)
    print(f"\n{len(rows)} measurements in {elapsed:.0f} s")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(document(table, elapsed, only), encoding="utf-8")
        print(f"written to {args.out}")
    return 0


def markdown(rows: list[Row]) -> str:
    head = ["case", "ours: median (min-max)", "compared with", "its median (min-max)", "ratio", "target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    import docxtpl
    import jinja2
    import lxml.etree

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    soffice = (
        subprocess.run(["soffice", "--version"], capture_output=True, text=True, check=False).stdout.strip()
        if shutil.which("soffice")
        else "not installed"
    )
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}); "
        f"CPython {platform.python_version()}, docxtpl {docxtpl.__version__}, Jinja2 {jinja2.__version__}, "
        f"lxml {'.'.join(map(str, lxml.etree.LXML_VERSION[:3]))}; {soffice}"
    )


def document(table: str, elapsed: float, cases: list[str]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""# Benchmarks

The latest table of `make bench` (`.venv/bin/python -m bench --out docs/benchmarks.md`), cases
{", ".join(cases)}, run {when} in {elapsed:.0f} s on: {machine()}.

Ratios are ours / the comparison: below 1 is faster (0.25x is four times faster). Medians of
repeated runs with their min-max; compare ratios, not seconds, across machines. What each case measures is in `bench/__main__.py`.

{table}
"""


if __name__ == "__main__":
    sys.exit(main())
