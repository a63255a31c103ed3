"""The history is tamper-evident, survives races and kills, and its replay is the state."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.conftest import EXAMPLE, PROJECT, SLUG, tree_hash, walk_to_review
from workflow.commands.demo import HUKUM, OPD, TKKSD
from workflow.commands.lifecycle import advance, record_render, status
from workflow.commands.verify import verify
from workflow.errors import MouError
from workflow.process.definition import load_process
from workflow.records import history
from workflow.records.store import FolderStore


@pytest.fixture
def walked(root: Path) -> Path:
    """The example walked to legal review with two drafts; returns its history file."""
    store = FolderStore(root)
    walk_to_review(root, approve=False, note="catatan ñ & <ok>")
    record_render(store, SLUG, None, None, TKKSD)
    advance(store, SLUG, "request_kb_review", TKKSD)
    advance(store, SLUG, "approve_kb", HUKUM)
    return root / SLUG / history.HISTORY_FILE


def _verify_fails(run: Callable[..., Result]) -> str:
    result = run("verify", SLUG)
    assert result.exit_code == 1, result.stdout
    return result.stderr


def test_verify_passes_on_an_honest_history(walked: Path, run: Callable[..., Result]) -> None:
    """An untouched history verifies: 11 entries, the replayed state, every document matching."""
    result = run("verify", SLUG)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{SLUG}: ok - 11 entries, state kb_legal_review, 8 documents match\n"


def test_flipping_any_byte_is_caught(walked: Path, run: Callable[..., Result]) -> None:
    """Changing any single byte of the history (every 3rd position, all lines covered) fails verify naming an entry."""
    original = walked.read_bytes()
    for pos in range(0, len(original), 3):
        flipped = bytearray(original)
        flipped[pos] ^= 0x01
        walked.write_bytes(bytes(flipped))
        message = _verify_fails(run)
        line = original[:pos].count(b"\n") + 1
        assert f"{walked}:" in message
        assert ": entry " in message, (pos, message)
        assert line - 1 <= int(message.split(f"{walked}:")[1].split(":")[0]) <= line + 1, (pos, message)
    walked.write_bytes(original)
    assert run("verify", SLUG).exit_code == 0


@pytest.mark.parametrize("n", range(11))
def test_deleting_any_line_is_caught(n: int, walked: Path, run: Callable[..., Result]) -> None:
    """Removing entry n (the last one included, through history.head) fails verify."""
    lines = walked.read_bytes().splitlines(keepends=True)
    walked.write_bytes(b"".join(lines[:n] + lines[n + 1 :]))
    message = _verify_fails(run)
    assert f"entry {min(n + 1, 10)}:" in message


@pytest.mark.parametrize("n", range(10))
def test_swapping_two_lines_is_caught(n: int, walked: Path, run: Callable[..., Result]) -> None:
    """Exchanging entries n and n+1 fails verify naming entry n."""
    lines = walked.read_bytes().splitlines(keepends=True)
    lines[n], lines[n + 1] = lines[n + 1], lines[n]
    walked.write_bytes(b"".join(lines))
    assert f"entry {n + 1}:" in _verify_fails(run)


def test_a_rewritten_chain_with_fresh_hashes_is_caught_by_the_replay(walked: Path, run: Callable[..., Result]) -> None:
    """Someone who recomputes every hash after editing an event is still caught: the replay disagrees."""
    entries = [json.loads(line) for line in walked.read_text(encoding="utf-8").splitlines()]
    entries[4]["event"] = "tkksd_reject"  # was tkksd_feasible: tkksd_review -> offer
    prev = history.GENESIS
    for e in entries:
        e["prev"] = prev
        e["hash"] = history.entry_hash(e)
        prev = e["hash"]
    walked.write_text("".join(history.canonical(e) + "\n" for e in entries), encoding="utf-8")
    (walked.parent / history.HEAD_FILE).write_text(history.canonical({"seq": 11, "hash": prev}) + "\n", encoding="utf-8")
    assert "entry 5: recorded to-state offer but replay reaches rejected" in _verify_fails(run)


def test_a_changed_document_is_caught(walked: Path, run: Callable[..., Result]) -> None:
    """A recorded draft edited after the fact no longer matches its SHA-256."""
    draft = walked.parent / "documents" / "draft_kb" / "rancangan-kb-v1.docx"
    draft.write_bytes(draft.read_bytes() + b"x")
    assert "documents/draft_kb/rancangan-kb-v1.docx does not match its recorded SHA-256" in _verify_fails(run)


def test_history_lists_who_did_what(walked: Path, run: Callable[..., Result]) -> None:
    """`mou history` names actor, role, event, states and notes; --json gives the entries."""
    result = run("history", SLUG)
    assert result.exit_code == 0
    assert f"request_kb_changes     kb_legal_review -> kb_drafting       {HUKUM} (bag_hukum)" in result.stdout
    assert "      note: catatan ñ & <ok>" in result.stdout
    data = json.loads(run("history", SLUG, "--json").stdout)
    assert [e["seq"] for e in data] == list(range(1, 12))
    assert data[-1]["event"] == "approve_kb"


def test_diff_shows_what_changed_between_drafts(walked: Path, yaml_file: Path, run: Callable[..., Result]) -> None:
    """`mou diff SLUG v1 v2` prints the changed paragraphs of the draft."""
    result = run("diff", SLUG, "v1", "v2")
    assert result.stdout.splitlines()[:5] == [
        "--- rancangan-kb-v1",
        "+++ rancangan-kb-v2",
        "@@ -1,2 +1,2 @@",
        "-[header] Rancangan v1 – bukan naskah final",
        "+[header] Rancangan v2 – bukan naskah final",
    ]
    assert (
        run("diff", SLUG, "v1", "v9").stderr
        == f"Error: {SLUG}: no document has both v1 and v9\nHint: mou history {SLUG} lists the versions\n"
    )
    assert run("diff", SLUG, "1", "x").stderr == "Error: 'x' is not a version, expected v1, v2, ...\n"


def test_mermaid_diagram_lists_every_transition(root: Path, run: Callable[..., Result]) -> None:
    """The Mermaid text declares every state and every event edge, and highlights the current state."""
    text = run("diagram", SLUG).stdout
    process = load_process("ksdpk")
    lines = text.splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert lines[1] == "    [*] --> fgd_scheduled"
    for ev in process.events:
        for src in ev.source:
            assert f"    {src} --> {ev.dest or src} : {ev.trigger}" in lines
    assert lines[-1] == "    class fgd_scheduled current"
    import re

    for line in lines[1:]:  # every line is one of the few statement forms Mermaid's stateDiagram-v2 accepts
        assert re.fullmatch(
            r"    (\[\*\]|\w+) --> (\w+|\[\*\])( : \w+)?|    \w+ : \w+<br/>[^:]+|    classDef current .+|    class \w+ current",
            line,
        ), line


HAVE_DOT = bool(shutil.which("dot"))
if not HAVE_DOT and os.environ.get("MOU_REQUIRE_TOOLS"):
    raise RuntimeError("MOU_REQUIRE_TOOLS is set but Graphviz (dot) is missing")


@pytest.mark.skipif(not HAVE_DOT, reason="Graphviz not installed")
def test_svg_diagram_opens(root: Path, run: Callable[..., Result]) -> None:
    """With Graphviz, --format svg is an SVG document with the current state filled."""
    from lxml import etree

    svg = run("diagram", SLUG, "--format", "svg").stdout
    tree = etree.fromstring(svg.encode())
    assert tree.tag.endswith("svg")
    assert "#f9d71c" in svg


def test_concurrent_advances_apply_exactly_once(root: Path) -> None:
    """Two processes firing the same event at once: one succeeds, the other is refused; the chain holds."""
    store = FolderStore(root)
    record_render(store, SLUG, None, None, OPD)
    cmd = [sys.executable, "-m", "cli", "--root", str(root), "advance", SLUG, "hold_fgd", "--as", OPD]
    procs = [subprocess.Popen(cmd, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(*p.communicate(timeout=60), p.returncode) for p in procs]
    assert sorted(r[2] for r in results) == [0, 1]
    refused = next(r for r in results if r[2] == 1)
    assert "event 'hold_fgd' is not allowed in state fgd_held" in refused[1]
    checked = verify(store, SLUG)
    assert (checked.problem, checked.entries, checked.state) == (None, 2, "fgd_held")


KILLER = """
import sys
from pathlib import Path
from workflow.commands.lifecycle import advance, record_render
from workflow.records.store import FolderStore, Store
store = FolderStore(Path(sys.argv[1]))
while True:
    for event in ("approve_kb", "request_kb_changes", "request_kb_review"):
        try:
            if event == "request_kb_review":
                record_render(store, "buton-bpjstk-2025", None, None, "x")
            advance(store, "buton-bpjstk-2025", event, sys.argv[2] if event != "request_kb_review" else sys.argv[3])
        except Exception:
            pass
"""


@pytest.mark.slow
def test_processes_killed_mid_write_never_break_the_history(walked: Path) -> None:
    """Writers killed with SIGKILL at random moments leave a history that verifies, never a half line."""
    import random

    root = walked.parent.parent
    rng = random.Random(7)
    for _ in range(12):
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", KILLER, str(root), HUKUM, TKKSD],
                cwd=PROJECT,
                env={**os.environ, "PYTHONPATH": str(PROJECT)},
            )
            for _ in range(2)
        ]
        time.sleep(rng.uniform(0.3, 1.2))
        for p in procs:
            p.send_signal(signal.SIGKILL)
            p.wait()
        checked = verify(FolderStore(root), SLUG)
        assert checked.problem is None or "is not recorded in the history" in checked.problem, checked.problem
        assert walked.read_bytes().endswith(b"\n")
    assert verify(FolderStore(root), SLUG).entries > 11


class LifecycleMachine(RuleBasedStateMachine):
    """Random events by random people: only declared states, refusals change nothing, replay is the state."""

    process = load_process("ksdpk")

    @initialize()
    def setup(self) -> None:
        import shutil
        import tempfile

        self.tmp = Path(tempfile.mkdtemp(prefix="mou-hyp-"))
        (self.tmp / SLUG).mkdir()
        shutil.copy(EXAMPLE / "agreement.yaml", self.tmp / SLUG / "agreement.yaml")
        self.store = FolderStore(self.tmp)
        self.state = self.process.initial

    @rule(
        event=st.sampled_from([e.trigger for e in load_process("ksdpk").events] + ["to_kb_signed", "render"]),
        actor=st.sampled_from([OPD, TKKSD, HUKUM, "Alvin", "DPRD Kabupaten Buton"]),
    )
    def fire(self, event: str, actor: str) -> None:
        before = tree_hash(self.tmp)
        try:
            if event == "render":
                record_render(self.store, SLUG, None, None, actor)
            else:
                entry = advance(self.store, SLUG, event, actor)
                self.state = entry["to"]
        except MouError:
            assert tree_hash(self.tmp) == before  # a refusal changes nothing

    @invariant()
    def replay_is_the_state(self) -> None:
        if hasattr(self, "store"):
            assert self.state in {s.name for s in self.process.states}
            assert status(self.store, SLUG).state == self.state
            assert verify(self.store, SLUG).problem is None

    def teardown(self) -> None:
        import shutil

        if hasattr(self, "tmp"):
            shutil.rmtree(self.tmp)


TestLifecycleMachine = LifecycleMachine.TestCase
TestLifecycleMachine.settings = settings(
    max_examples=25, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def test_a_crash_between_history_and_head_is_tolerated_once(walked: Path, run: Callable[..., Result]) -> None:
    """A head one entry behind (killed between the two renames) verifies; two behind does not."""
    entries = [json.loads(line) for line in walked.read_text(encoding="utf-8").splitlines()]
    head = walked.parent / history.HEAD_FILE
    head.write_text(history.canonical({"seq": 10, "hash": entries[9]["hash"]}) + "\n", encoding="utf-8")
    assert run("verify", SLUG).exit_code == 0
    head.write_text(history.canonical({"seq": 9, "hash": entries[8]["hash"]}) + "\n", encoding="utf-8")
    assert "history ends at entry 11 but history.head names entry 9" in _verify_fails(run)
