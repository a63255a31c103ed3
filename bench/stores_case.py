"""Benchmark cases of the stores (issue 17): racing writers on each backend, `mou list` over 10.000 agreements.

``stores_race``: 8 processes each log 250 milestones (``workflow.commands.monitoring.log`` in a loop, as
tests/test_reliability.py's writers do) on ONE agreement, on the folder store, SQLite and PostgreSQL:
how many of the 2.000 were applied, whether the chain is valid, appends per second.

``stores_list``: `mou list` (a subprocess, as a user runs it) over 10.000 agreements on the folder store
and on PostgreSQL: cold (an empty cache: nothing remembered, nothing parsed before), warm (the same
command again) and after one agreement changed, median of 3. The 10.000 are one agreement copied under
new slugs: the same agreement.yaml bytes, so a cold run parses the YAML once and takes it from the
parse cache 9.999 times; 10.000 different agreements would cost a cold run more.

PostgreSQL is a throwaway server started for the run from Debian's binaries by tests/pgcluster.py (the
test harness's own cluster; fsync off, so the figures are the server's work, not the disk's). Without
the server binaries the PostgreSQL rows are left out and the run says so.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SLUG = "buton-bpjstk-2025"
ACTOR = "Dinas Tenaga Kerja Kabupaten Buton"
WRITERS, EACH = 8, 250
AGREEMENTS = 10_000

WRITER = """
import sys
from workflow.commands.monitoring import log
from workflow.records.stores import open_store
with open_store(sys.argv[1]) as store:
    for i in range(int(sys.argv[3])):
        log(store, sys.argv[4], "note", actor=sys.argv[5], note=f"{sys.argv[2]}-{i}")
"""

Progress = Callable[[str], None]


@contextmanager
def postgres(progress: Progress) -> Iterator[Any]:
    """A throwaway PostgreSQL cluster for the run (tests/pgcluster.py), removed afterwards; None without one."""
    sys.path.insert(0, str(ROOT))
    try:
        from tests.pgcluster import Cluster, PostgresUnavailable
    except ImportError as err:  # an installed copy of the bench without the tests folder
        progress(f"PostgreSQL rows left out: tests/pgcluster.py cannot be imported ({err})")
        yield None
        return
    try:
        cluster = Cluster()
        cluster.start()
    except PostgresUnavailable as err:
        progress(f"PostgreSQL rows left out: {err}")
        yield None
        return
    try:
        yield cluster
    finally:
        cluster.destroy()


def _env(cache: Path) -> dict[str, str]:
    """The environment of the measured processes: this project, a cache of the run's own, no MOU_* of the shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOU_")}
    env.update(PYTHONPATH=str(ROOT), MOU_CACHE=str(cache), MOU_ACTOR=ACTOR)
    return env


def _copy_into(url: str, source: Path) -> None:
    from workflow.commands.stores import copy_agreements
    from workflow.records.store import FolderStore
    from workflow.records.stores import open_store

    with open_store(url) as store:
        copy_agreements(FolderStore(source), store)


# ---------------------------------------------------------------- stores_race


def race(url: str, cache: Path) -> tuple[float, int, bool]:
    """(seconds, appends applied, chain valid) of 8 writers x 250 appends on one agreement of ``url``."""
    from workflow import config
    from workflow.commands.verify import verify
    from workflow.records.stores import open_store

    with config.use(config.Settings.from_environment().but(cache=cache)), open_store(url) as store:
        before = len(store.history(SLUG))
    env = _env(cache)
    started = time.perf_counter()
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, url, f"w{w}", str(EACH), SLUG, ACTOR], cwd=ROOT, env=env)
        for w in range(WRITERS)
    ]
    codes = [p.wait() for p in procs]
    elapsed = time.perf_counter() - started
    with config.use(config.Settings.from_environment().but(cache=cache)), open_store(url) as store:
        checked = verify(store, SLUG)
        notes = {e["note"] for e in store.history(SLUG)[before:]}
    wanted = {f"w{w}-{i}" for w in range(WRITERS) for i in range(EACH)}
    valid = checked.problem is None and codes == [0] * WRITERS and checked.entries == before + len(notes & wanted)
    return elapsed, len(notes & wanted), valid


def stores_race(one: Path, work: Path, progress: Progress) -> list[dict[str, Any]]:
    """Rows (``Row`` keyword arguments) of the race on each backend; ``one``: a folder store holding ``SLUG``."""
    total = WRITERS * EACH
    out: list[dict[str, Any]] = []
    folder_time: list[float] | None = None
    with postgres(progress) as cluster:
        backends = [("folder", str(work / "race-folder")), ("sqlite", f"sqlite://{work / 'race.db'}")]
        if cluster is not None:
            backends.append(("postgresql", cluster.create_database("race")))
        for name, url in backends:
            if name == "folder":
                shutil.copytree(one, url)
            else:
                _copy_into(url, one)
            progress(f"stores race, {name}: {WRITERS} processes x {EACH} appends on one agreement")
            elapsed, applied, valid = race(url, work / f"race-cache-{name}")
            rate = applied / elapsed
            progress(
                f"  {applied}/{total} applied, chain {'valid' if valid else 'BROKEN'}, {elapsed:.1f} s, {rate:.0f} appends/s"
            )
            out.append(
                {
                    "case": f"stores race, {name}: {WRITERS} x {EACH} appends, one agreement "
                    f"({applied}/{total} applied, chain {'valid' if valid else 'BROKEN'}, {rate:.0f} appends/s)",
                    "ours": [elapsed],
                    "base": folder_time if name != "folder" else None,
                    "base_name": "folder store" if name != "folder" else "",
                    "target": f"{total}/{total} applied, chain valid",
                    "met": applied == total and valid,
                }
            )
            if name == "folder":
                folder_time = [elapsed]
    return out


# ---------------------------------------------------------------- stores_list


def many_folders(one: Path, root: Path, count: int) -> list[str]:
    """``count`` copies of the agreement ``one/SLUG`` under new slugs (``kab-00000-2025`` ...)."""
    root.mkdir(parents=True, exist_ok=True)
    slugs = [f"kab-{i:05d}-2025" for i in range(count)]
    for slug in slugs:
        shutil.copytree(one / SLUG, root / slug)
    return slugs


def many_rows(one: Path, url: str, slugs: list[str], batch: int = 500) -> None:
    """The agreement ``one/SLUG`` imported under every slug with ``import_agreement``, ``batch`` per process.

    A few processes import at once (each its own connection), one transaction per agreement.
    """
    from workflow.records.store import FolderStore

    source = FolderStore(one)
    files = {rel: source.read(SLUG, rel) for rel in source.files(SLUG)}
    history = source.history_bytes(SLUG)
    script = """
import pickle, sys
from workflow.records.stores import open_store
files, history, slugs = pickle.load(sys.stdin.buffer)
with open_store(sys.argv[1]) as store:
    for slug in slugs:
        store.import_agreement(slug, files, history)
"""
    import pickle

    env = {k: v for k, v in os.environ.items() if not k.startswith("MOU_")}
    env["PYTHONPATH"] = str(ROOT)
    workers = max(2, os.cpu_count() or 2)
    chunks = [slugs[i : i + batch] for i in range(0, len(slugs), batch)]
    while chunks:
        running = []
        for chunk in chunks[:workers]:
            proc = subprocess.Popen([sys.executable, "-c", script, url], cwd=ROOT, env=env, stdin=subprocess.PIPE)
            assert proc.stdin is not None
            proc.stdin.write(pickle.dumps((files, history, chunk)))
            proc.stdin.close()
            running.append(proc)
        if any(p.wait() != 0 for p in running):
            raise RuntimeError(f"importing agreements into {url} failed")
        chunks = chunks[workers:]


def list_times(url: str, cache: Path, expected: int, changed: str) -> dict[str, list[float]]:
    """Wall times of `mou --store URL list`, 3 each: cold (an emptied cache), warm (right after), and after
    one agreement changed (``changed`` got a milestone: its row is built again, the others remembered)."""
    env = _env(cache)
    mou = str(Path(sys.executable).parent / "mou")
    cmd = [mou, "--store", url, "list"]

    def run() -> float:
        started = time.perf_counter()
        result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=False)
        elapsed = time.perf_counter() - started
        lines = result.stdout.count(b"\n")
        if result.returncode != 0 or lines != expected:
            raise RuntimeError(f"mou list gave {lines} lines, exit {result.returncode}: {result.stderr[-500:]!r}")
        return elapsed

    times: dict[str, list[float]] = {"cold (empty cache)": [], "warm": [], "after one agreement changed": []}
    for n in range(3):
        shutil.rmtree(cache, ignore_errors=True)
        times["cold (empty cache)"].append(run())
        times["warm"].append(run())
        change = [mou, "--store", url, "log", changed, "note", "--note", f"bench {n}"]
        subprocess.run(change, cwd=ROOT, env=env, check=True, capture_output=True)
        times["after one agreement changed"].append(run())
    return times


def stores_list(one: Path, work: Path, progress: Progress) -> list[dict[str, Any]]:
    """Rows of `mou list` over 10.000 agreements, folder and PostgreSQL, cold and warm."""
    out: list[dict[str, Any]] = []
    root = work / "list-folder"
    started = time.perf_counter()
    slugs = many_folders(one, root, AGREEMENTS)
    progress(f"stores list: {AGREEMENTS} agreement folders made in {time.perf_counter() - started:.0f} s")
    targets = {"folder": 1.0, "postgresql": 0.3}
    stores = [("folder", str(root))]
    with postgres(progress) as cluster:
        if cluster is not None:
            url = cluster.create_database("list")
            started = time.perf_counter()
            many_rows(one, url, slugs)
            progress(f"stores list: {AGREEMENTS} agreements imported into PostgreSQL in {time.perf_counter() - started:.0f} s")
            stores.append(("postgresql", url))
        for name, url in stores:
            progress(f"stores list, {name}: mou list over {AGREEMENTS} agreements, cold and warm")
            measured = list_times(url, work / f"list-cache-{name}", AGREEMENTS, slugs[0])
            progress("  " + ", ".join(f"{kind} {statistics.median(t):.2f} s" for kind, t in measured.items()))
            for kind, times in measured.items():
                limit = targets[name]
                out.append(
                    {
                        "case": f"stores list, {name}: mou list, {AGREEMENTS} agreements, {kind}",
                        "ours": times,
                        "base": None,
                        "base_name": "",
                        "target": f"<= {limit:g} s",
                        "met": statistics.median(times) <= limit,
                    }
                )
    return out
