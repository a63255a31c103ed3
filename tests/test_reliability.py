"""Reliability, measured: kills mid-write, racing writers, and random tampering (slow; CI runs them)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, PROJECT, SLUG, walk_to_review
from workflow.commands.demo import DEMO_DAY, OPD, TKKSD, fill_examples, stand_in_pdf
from workflow.commands.verify import verify
from workflow.records.store import FolderStore

pytestmark = pytest.mark.slow
ENV = {**os.environ, "PYTHONPATH": str(PROJECT), "MOU_ACTOR": OPD}


@pytest.fixture
def demo_root(demo_out: Path) -> Path:
    """The session's demo run (see conftest)."""
    return demo_out


def _copy(demo_root: Path, tmp_path: Path) -> Path:
    target = tmp_path / "agreements"
    shutil.copytree(demo_root / "agreements", target)
    return target


def _mou(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "--root", str(root), *args],
        cwd=PROJECT,
        env=env or ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(("mou-bag-", "mou-sign-"))]


def test_two_hundred_kills_never_break_an_agreement(demo_root: Path, tmp_path: Path) -> None:
    """Real `mou` processes (render, advance, sign, archive, log, participants import) killed at random moments.

    After each kill the command is run again to completion; then verify passes and no temporary file remains.
    """
    rng = random.Random(20251124)
    root = _copy(demo_root, tmp_path)
    listing = demo_root / "CONTOH-peserta-p3ke.csv"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(stand_in_pdf(["CONTOH"]))
    # a second agreement kept ready to sign, restored after each successful signature
    ready = tmp_path / "ready" / "agreements"
    (ready / SLUG).mkdir(parents=True)
    shutil.copy(EXAMPLE / "agreement.yaml", ready / SLUG / "agreement.yaml")
    fill_examples(ready / SLUG / "agreement.yaml")
    walk_to_review(ready, approve=True, when=DEMO_DAY)
    pristine = tmp_path / "pristine"
    shutil.copytree(ready, pristine)
    sign_env = {**ENV, "MOU_TODAY": "2025-06-24", "MOU_ACTOR": TKKSD}
    commands: list[tuple[str, Path, list[str], dict[str, str]]] = [
        ("render", root, ["render", SLUG, "--stage", "fgd"], ENV),
        ("advance", root, ["advance", SLUG, "record_monitoring", "--note", "rapat bulanan"], ENV),
        ("log", root, ["log", SLUG, "meeting", "--note", "rapat tim teknis"], ENV),
        ("import", root, ["participants", "import", SLUG, str(listing), "--quiet"], ENV),
        ("archive", root, ["archive", SLUG], ENV),
        ("sign", ready, ["sign", SLUG, "--file", str(scan), "--date", "2025-06-24"], sign_env),
    ]
    kills = {name: 0 for name, *_ in commands}
    duration = {name: 0.5 for name, *_ in commands}  # learned from each rerun, so kills land mid-command
    finished_first = rounds = 0
    while sum(kills.values()) < 200:
        assert rounds < 800, f"only {sum(kills.values())} kills in {rounds} rounds"
        name, where, args, env = commands[rounds % len(commands)]
        rounds += 1
        proc = _mou(where, *args, env=env)
        time.sleep(rng.uniform(0.2, 1.0) * duration[name])
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills[name] += 1
        else:
            finished_first += 1
        proc.wait()
        if name == "sign" and verify(FolderStore(ready), SLUG).state == "kb_signed":
            shutil.rmtree(ready)
            shutil.copytree(pristine, ready)
        started = time.monotonic()
        rerun = _mou(where, *args, env=env)
        assert rerun.wait(timeout=120) == 0 or name == "archive", (rounds, name)
        duration[name] = time.monotonic() - started
        checked = verify(FolderStore(where), SLUG)
        assert checked.problem is None, (rounds, name, checked.problem)
        assert _leftovers(where / SLUG) == [], (rounds, name)
        if name == "sign" and checked.state == "kb_signed":
            shutil.rmtree(ready)
            shutil.copytree(pristine, ready)
    print(f"\nkills by command: {kills}; rounds {rounds}; runs that finished before their kill: {finished_first}")
    assert min(kills.values()) >= 10  # every command was killed mid-way many times


WRITER = """
import sys
from pathlib import Path
from workflow.commands.monitoring import log
from workflow.records.store import FolderStore, Store
store = FolderStore(Path(sys.argv[1]))
for i in range(int(sys.argv[3])):
    log(store, "buton-bpjstk-2025", "note", actor="Dinas Tenaga Kerja Kabupaten Buton", note=f"{sys.argv[2]}-{i}")
"""


def test_eight_writers_log_two_thousand_milestones(demo_root: Path, tmp_path: Path) -> None:
    """8 processes each log 250 milestones at once: all 2.000 are recorded, in one valid chain."""
    root = _copy(demo_root, tmp_path)
    before = verify(FolderStore(root), SLUG).entries
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(root), f"w{w}", "250"], cwd=PROJECT, env=ENV) for w in range(8)]
    assert [p.wait(timeout=900) for p in procs] == [0] * 8
    checked = verify(FolderStore(root), SLUG)
    assert checked.problem is None
    assert checked.entries == before + 2000
    from workflow.commands.lifecycle import entries

    notes = {e["note"] for e in entries(FolderStore(root), SLUG) if e["event"] == "log:note"}
    assert notes == {f"w{w}-{i}" for w in range(8) for i in range(250)}


def test_four_racing_advances_apply_once(demo_root: Path, tmp_path: Path) -> None:
    """4 processes fire the same one-way event: exactly one applies, three are refused cleanly."""
    root = _copy(demo_root, tmp_path)
    env = {**ENV, "MOU_TODAY": "2027-05-01"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cli", "--root", str(root), "advance", SLUG, "near_expiry"],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [(p.returncode, out[1]) for p in procs for out in [p.communicate(timeout=120)]]
    assert sorted(code for code, _ in results) == [0, 1, 1, 1]
    for code, err in results:
        if code:
            allowed = "record_monitoring, amend, complete, extend"
            assert err == f"Error: {SLUG}: event 'near_expiry' is not allowed in state expiring; allowed now: {allowed}\n"
    assert verify(FolderStore(root), SLUG).problem is None


HOLDER = """
import sys, time
from pathlib import Path
from workflow.records.store import FolderStore, Store
with FolderStore(Path(sys.argv[1])).lock(sys.argv[2]):
    print("locked", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def test_two_agreements_do_not_wait_on_each_other(demo_root: Path, tmp_path: Path) -> None:
    """While one agreement's lock is held for 8 s, another agreement is written at once."""
    root = _copy(demo_root, tmp_path)
    shutil.copytree(root / SLUG, root / "buteng-bpjstk-2026")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root), SLUG, "8"], cwd=PROJECT, env=ENV, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    other = _mou(root, "log", "buteng-bpjstk-2026", "note", "--note", "tidak menunggu")
    assert other.wait(timeout=60) == 0
    waited = time.monotonic() - started
    holder.communicate(timeout=60)
    assert waited < 7, f"the other agreement waited {waited:.1f} s"


def test_a_thousand_random_byte_changes_are_all_detected(demo_root: Path, tmp_path: Path) -> None:
    """1.000 seeded single-byte changes across the history, the archive and the signed files: every one caught and placed."""
    root = _copy(demo_root, tmp_path)
    folder = root / SLUG
    targets = [folder / "history.jsonl", *sorted((folder / "archive").rglob("*.*")), *sorted((folder / "signed").rglob("*.*"))]
    targets = [t for t in targets if t.is_file()]
    rng = random.Random(1000)
    detected = 0
    for _ in range(1000):
        target = rng.choice(targets)
        original = target.read_bytes()
        data = bytearray(original)
        pos = rng.randrange(len(data))
        data[pos] = (data[pos] + rng.randrange(1, 256)) % 256
        target.write_bytes(bytes(data))
        try:
            checked = verify(FolderStore(root), SLUG)
            problems = [p for p in [checked.problem, *checked.frozen] if p]
            assert problems, (target, pos)
            named = target.name in problems[0] or "entry " in problems[0] or target.parent.name in problems[0]
            assert named, (target, pos, problems[0])
            detected += 1
        finally:
            target.write_bytes(original)
    print(f"\ntamperings detected: {detected} of 1000 across {len(targets)} files")
    assert detected == 1000
    assert verify(FolderStore(root), SLUG).problem is None
