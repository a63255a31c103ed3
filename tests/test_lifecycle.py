"""The lifecycle: every path of the process, refusals that change nothing, roles, process definitions."""

from __future__ import annotations

import getpass
import shutil
from collections import deque
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import SLUG, stand_in_pdfs, tree_hash
from workflow.commands.agreements import load_file
from workflow.commands.demo import HUKUM, OPD, TKKSD, fill_examples, stand_in_pdf
from workflow.commands.lifecycle import advance, record_render, status
from workflow.commands.signing import sign
from workflow.errors import InvalidData, Refused, TransitionNotAllowed
from workflow.process.definition import Process, load_process, load_process_file
from workflow.records.store import FolderStore, Store


@pytest.fixture(autouse=True)
def _fast_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The walks sign dozens of times: a stand-in replaces LibreOffice here (test_signing converts for real)."""
    stand_in_pdfs(monkeypatch)


ACTORS = {
    "opd_teknis": OPD,
    "tkksd": TKKSD,
    "bag_hukum": HUKUM,
    "bpkad": "Badan Keuangan dan Aset Daerah Kabupaten Buton",
    "bupati": "Alvin",
    "dprd": "DPRD Kabupaten Buton",
    "bpjs_kc": "Musriati",
    "tim_teknis": OPD,
}
PKS = """
pks:
  signer:
    name: Alvin
    position: Bupati Buton
  surat_kuasa:
  nomor_pemda: 000.8.3.3/002/PKS/2025
  nomor_partner: PKS/001/KC-BAUBAU/2025
  date: 2025-06-24

amendments:
  - title: Adendum Pertama
    reason: jangka waktu perlu diselaraskan dengan Tahun Anggaran 2028
    changes:
      - text: Pasal 6 ayat (1) diubah sehingga berbunyi sampai dengan tanggal 31 Desember 2027.
        sets: term.end
        value: '2027-12-31'
    nomor_pemda: 000.8.3.3/003/ADD/2025
    nomor_partner: ADD/001/KC-BAUBAU/2025
    date: 2025-10-09
"""


def ready_agreement(root: Path, *, dprd_required: bool = False) -> Store:
    """The example with every unknown fact filled, a PKS signer, and the DPRD test as asked."""
    path = root / SLUG / "agreement.yaml"
    fill_examples(path)
    text = path.read_text(encoding="utf-8") + PKS
    if dprd_required:
        text = text.replace("  budgeted: true ", "  budgeted: false ")
    path.write_text(text, encoding="utf-8")
    return FolderStore(root)


def day_for(store: Store, event: str) -> date:
    """A date on which the event's date guards pass for the example (term 2025-07-01 to 2027-06-30)."""
    term = load_file(store.agreement_file(SLUG)).term
    return {
        "start_implementation": term.start,
        "near_expiry": term.end - timedelta(days=30),
        "complete": term.end + timedelta(days=1),
        "extend": term.end - timedelta(days=10),
        "record_monitoring": term.start + timedelta(days=100),
        "amend": term.start + timedelta(days=100),
        "request_amendment_review": term.start + timedelta(days=100),
        "approve_amendment": term.start + timedelta(days=100),
        "sign_amendment": term.start + timedelta(days=100),  # 2025-10-09, the adendum's date in PKS above
        "sign_kb": date(2025, 6, 24),  # signing.date as fill_examples sets it
        "sign": date(2025, 6, 24),
        "sign_pks": date(2025, 6, 24),  # pks.date in PKS above
    }.get(event, date(2025, 6, 16))


def fire(
    store: Store,
    process: Process,
    event: str,
    *,
    actors: Mapping[str, str] = ACTORS,
    original: Callable[[str], str] = str,
) -> dict[str, object]:
    """Fire ``event`` as someone holding its first role, first doing what an office would do for it.

    Everything is found from the process's declarations (a signature's document, the approval of a
    review round), so the same walk runs on a process whose every name differs: ``actors`` maps its
    roles to people, ``original(event)`` names the ksdpk event it stands for (for ``day_for``).
    """
    ev = process.event(event)
    assert ev is not None
    when = day_for(store, original(event))
    for _ in range(3):
        try:
            if ev.is_signature:
                assert ev.document is not None
                scan = store.root.parent / f"{event}.pdf"
                scan.write_bytes(stand_in_pdf(["CONTOH", event]))
                # the signed date is the one the document states; each signature has its own scan
                return sign(store, SLUG, ev.document, [scan], None, actor=actors[ev.roles[0]], when=when)
            return advance(store, SLUG, event, actors[ev.roles[0]], when=when)
        except Refused as err:
            state = status(store, SLUG, when=when).state
            if any("not rendered" in r or "no draft rendered" in r for r in err.reasons):
                record_render(store, SLUG, None, None, actors[process.events_from(state)[0].roles[0]])
            elif any("DAFTAR PESERTA BELUM DILAMPIRKAN" in r for r in err.reasons):  # the PKS's Lampiran I
                from workflow.commands.participants import import_participants, synthetic

                listing = store.root.parent / "peserta.csv"
                listing.write_text(synthetic(1000, date(2025, 7, 1)), encoding="utf-8")
                import_participants(store, SLUG, listing, actors[process.milestone_roles[0]])
                record_render(store, SLUG, None, None, actors[process.events_from(state)[0].roles[0]])
                approve = next(e for e in process.events_from(state) if e.is_approval)
                advance(store, SLUG, approve.trigger, actors[approve.roles[0]], when=when)
            elif "review not approved" in err.reasons:
                approve = next(e for e in process.events_from(state) if e.is_approval)
                advance(store, SLUG, approve.trigger, actors[approve.roles[0]], when=when)
            else:
                raise
    raise AssertionError(f"{event} still refused")


def path_to(process: Process, target: str) -> list[str]:
    """Triggers of a shortest path from the initial state to ``target``."""
    todo: deque[tuple[str, list[str]]] = deque([(process.initial, [])])
    seen = {process.initial}
    while todo:
        here, trail = todo.popleft()
        if here == target:
            return trail
        for ev in process.events_from(here):
            if ev.dest and ev.dest not in seen:
                seen.add(ev.dest)
                todo.append((ev.dest, [*trail, ev.trigger]))
    raise AssertionError(f"{target} unreachable")


KSDPK = load_process("ksdpk")


@pytest.mark.parametrize(
    ("source", "trigger"),
    [(src, ev.trigger) for ev in KSDPK.events for src in ev.source],
    ids=[f"{src}:{ev.trigger}" for ev in KSDPK.events for src in ev.source],
)
def test_every_event_of_the_default_process_can_be_fired_from_every_source(source: str, trigger: str, root: Path) -> None:
    """Walking to each source state and firing each event lands in its declared destination, and verify passes."""
    dprd = trigger in {"request_dprd_approval", "dprd_approve", "dprd_refuse"} or source == "dprd_approval"
    store = ready_agreement(root, dprd_required=dprd)
    if trigger == "extend":
        (root / "buton-bpjstk-2027").mkdir()
        shutil.copy(root / SLUG / "agreement.yaml", root / "buton-bpjstk-2027" / "agreement.yaml")
        with (root / "buton-bpjstk-2027" / "agreement.yaml").open("a", encoding="utf-8") as fh:
            fh.write(f"extends: {SLUG}\n")
    for step in path_to(KSDPK, source):
        fire(store, KSDPK, step)
    assert status(store, SLUG, when=day_for(store, trigger)).state == source
    entry = fire(store, KSDPK, trigger)
    ev = KSDPK.event(trigger)
    assert ev is not None
    assert entry["to"] == (ev.dest or source)
    from workflow.commands.verify import verify

    assert verify(store, SLUG).problem is None


def test_every_final_state_is_reached_by_some_walk() -> None:
    """Each final state of both processes is reachable (the parametrized walk above covers its events)."""
    for name in ("ksdpk", "short"):
        process = load_process(name)
        for st in process.states:
            if st.final:
                assert path_to(process, st.name)


def test_refusal_lists_every_reason_and_changes_nothing(root: Path, run: Callable[..., Result]) -> None:
    """`ready_to_sign` with unknown nomor, NPK and date says all of it at once, exit 1, no file touched."""
    store = FolderStore(root)
    for step in path_to(KSDPK, "kb_legal_review"):
        fire(store, KSDPK, step)
    advance(store, SLUG, "approve_kb", HUKUM)
    before = tree_hash(root)
    result = run("advance", SLUG, "ready_to_sign", "--as", TKKSD)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot move to kb_ready_to_sign: nomor of PIHAK KESATU missing; nomor of PIHAK KEDUA missing; "
        "signatory of PIHAK KESATU incomplete: basis of appointment, address; "
        "signatory of PIHAK KEDUA incomplete: NPK, basis of appointment, address; signing date not set (signing.date)\n"
    )
    assert tree_hash(root) == before


def test_review_must_approve_the_current_data(root: Path) -> None:
    """Editing agreement.yaml after approval blocks signature readiness until reviewed again."""
    store = ready_agreement(root)
    for step in path_to(KSDPK, "kb_legal_review"):
        fire(store, KSDPK, step)
    with pytest.raises(Refused) as err:
        advance(store, SLUG, "ready_to_sign", TKKSD, when=date(2025, 6, 16))
    assert err.value.reasons == ["review not approved"]
    entry = advance(store, SLUG, "approve_kb", HUKUM, when=date(2025, 6, 16))
    path = root / SLUG / "agreement.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  workers: 1000", "  workers: 1200"), encoding="utf-8")
    with pytest.raises(Refused) as err:
        advance(store, SLUG, "ready_to_sign", TKKSD, when=date(2025, 6, 16))
    assert err.value.reasons == [
        f"agreement.yaml changed since the approval in entry {entry['seq']}: coverage.workers; render and review again"
    ]


def test_role_is_checked(root: Path, run: Callable[..., Result]) -> None:
    """The Bupati cannot fire an event reserved for the OPD; an unknown name is refused too."""
    record_render(FolderStore(root), SLUG, None, None, OPD)
    result = run("advance", SLUG, "hold_fgd", "--as", "Alvin")
    assert result.exit_code == 1
    assert result.stderr == "Error: cannot move to fgd_held: Alvin holds bupati, but hold_fgd needs opd_teknis or tkksd\n"
    result = run("advance", SLUG, "hold_fgd", "--as", "Pak Budi")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 'Pak Budi' is not among the people of buton-bpjstk-2025 (Dinas Tenaga Kerja")
    result = run("advance", SLUG, "hold_fgd")  # no --as, no MOU_ACTOR: the login name, which is not among the people
    assert result.stderr.startswith(f"Error: '{getpass.getuser()}' is not among the people of buton-bpjstk-2025 (")
    assert result.stderr.endswith(")\nHint: say who acts: --as NAME or MOU_ACTOR=NAME\n")
    ok = run("advance", SLUG, "hold_fgd", env={"MOU_ACTOR": OPD})
    assert ok.exit_code == 0, ok.stderr
    assert ok.stdout == f"{SLUG}: hold_fgd by {OPD} (opd_teknis): fgd_scheduled -> fgd_held [entry 2]\n"


def test_events_not_allowed_now_name_what_is(run: Callable[..., Result]) -> None:
    """An event from another state, or a made-up one, is refused naming the events allowed now."""
    result = run("advance", SLUG, "sign_kb", "--as", TKKSD)
    assert (
        result.stderr == f"Error: {SLUG}: event 'sign_kb' is not allowed in state fgd_scheduled; allowed now: hold_fgd, cancel\n"
    )
    result = run("advance", SLUG, "to_kb_signed", "--as", TKKSD)  # transitions' auto transitions stay off
    assert result.stderr == f"Error: {SLUG}: unknown event 'to_kb_signed'; allowed now: hold_fgd, cancel\n"


def test_final_states_allow_nothing(root: Path, run: Callable[..., Result]) -> None:
    """After cancel, every event is refused and status says so."""
    advance(FolderStore(root), SLUG, "cancel", TKKSD)
    result = run("advance", SLUG, "hold_fgd", "--as", OPD)
    assert (
        result.stderr == f"Error: {SLUG}: event 'hold_fgd' is not allowed in state cancelled; allowed now: none (a final state)\n"
    )
    assert "This is a final state: nothing more can happen." in run("status", SLUG).stdout


def test_short_process_is_chosen_per_agreement(root: Path) -> None:
    """`process: short` runs the other definition: FGD, draft, review, sign, implement, close."""
    path = root / SLUG / "agreement.yaml"
    text = path.read_text(encoding="utf-8").replace("process: ksdpk", "process: short")
    text = text.replace("roles: [tkksd]", "roles: [tkksd]").replace("roles: [bpkad]", "roles: [tkksd]")
    text = (
        text.replace("roles: [bupati]", "roles: [tkksd]")
        .replace("roles: [dprd]", "roles: [tkksd]")
        .replace("roles: [bpjs_kc]", "roles: [tkksd]")
    )
    path.write_text(text, encoding="utf-8")
    store = ready_agreement(root)
    short = load_process("short")
    for step in ["hold_fgd", "start_draft", "request_review", "approve", "sign", "start_implementation", "close"]:
        fire(store, short, step)
    assert status(store, SLUG).state == "closed"


TINY = """
name: tiny
title: Proses uji
initial: open
roles:
  - {name: tkksd, title: TKKSD}
states:
  - {name: open, title: Terbuka, stage: draft_kb}
  - {name: done, title: Selesai, final: true}
events:
  - {trigger: finish, title: Selesai, source: [open], dest: done, roles: [tkksd], guards: [draft_rendered]}
"""


def test_a_new_process_needs_no_code(tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A definition dropped into MOU_PROCESSES is chosen by name and runs with its guards."""
    folder = tmp_path / "processes"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(TINY, encoding="utf-8")
    monkeypatch.setenv("MOU_PROCESSES", str(folder))
    path = root / SLUG / "agreement.yaml"
    text = path.read_text(encoding="utf-8").replace("process: ksdpk", "process: tiny")
    for role in ("opd_teknis, tim_teknis", "bag_hukum", "bpkad", "bupati", "dprd", "bpjs_kc"):
        text = text.replace(f"roles: [{role}]", "roles: [tkksd]")
    path.write_text(text, encoding="utf-8")
    store = FolderStore(root)
    with pytest.raises(Refused, match="no draft rendered since entering open"):
        advance(store, SLUG, "finish", TKKSD)
    record_render(store, SLUG, None, None, TKKSD)
    assert advance(store, SLUG, "finish", TKKSD)["to"] == "done"


BROKEN = [
    ("initial: open", "initial: start", "initial: start is not a declared state, expected one of open, done"),
    ("guards: [draft_rendered]", "guards: [draft_renderd]", "events[1].guards[1]: draft_renderd is not a known guard"),
    ("roles: [tkksd], guards", "roles: [lurah], guards", "events[1].roles[1]: lurah is not a declared role"),
    ("stage: draft_kb", "stage: pks", "states[1].stage: pks is not a stage of the template catalogue"),
    ("source: [open]", "source: [done]", "events[1].source[1]: done is a final state, expected no events out of it"),
    (
        "  - {name: done, title: Selesai, final: true}",
        "  - {name: done, title: Selesai, final: true}\n  - {name: limbo, title: Limbo}",
        "states[3]: limbo is a trap state: no event leads out of it",
    ),
    (
        "  - {name: done, title: Selesai, final: true}",
        "  - {name: done, title: Selesai, final: true}\n  - {name: loop, title: Loop}\n  - {name: orphan, title: Yatim}",
        "states[3]: loop is a trap state: no event leads out of it",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "message"), BROKEN, ids=["initial", "guard", "role", "stage", "final-exit", "trap", "trap-2"]
)
def test_broken_definitions_are_refused_naming_file_and_problem(old: str, new: str, message: str, tmp_path: Path) -> None:
    """Loading checks the structure of a definition and names the file, line and field."""
    assert old in TINY
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY.replace(old, new), encoding="utf-8")
    with pytest.raises(InvalidData) as err:
        load_process_file(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_unreachable_and_dead_end_states_are_refused(tmp_path: Path) -> None:
    """A state nobody can reach, or one that cannot reach an end, is named."""
    text = TINY + (
        "  - {trigger: spin, title: Putar, source: [orphan], dest: orphan2, roles: [tkksd]}\n"
        "  - {trigger: spin2, title: Putar, source: [orphan2], dest: orphan, roles: [tkksd]}\n"
    )
    text = text.replace(
        "  - {name: done, title: Selesai, final: true}",
        "  - {name: done, title: Selesai, final: true}\n  - {name: orphan, title: Yatim}\n  - {name: orphan2, title: Yatim 2}",
    )
    path = tmp_path / "tiny.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidData) as err:
        load_process_file(path)
    assert "states[3]: orphan cannot be reached from open" in str(err.value)
    assert "states[4]: orphan2 cannot be reached from open" in str(err.value)


def test_agreement_naming_an_unknown_process_or_role_is_invalid(yaml_file: Path, run: Callable[..., Result]) -> None:
    """`process:` must name a definition and every person's roles must be roles of it."""
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(text.replace("    roles: [bpkad]", "    roles: [bendahara]"), encoding="utf-8")
    result = run("check", SLUG)
    line = text[: text.index("    roles: [bpkad]")].count("\n") + 1
    assert result.stderr == (
        f"Error: {yaml_file}:{line}: people[4].roles[1]: bendahara is not a role of process ksdpk, expected one of "
        "bag_hukum, bpjs_kc, bpkad, bupati, dprd, opd_teknis, tim_teknis, tkksd\n"
    )
    yaml_file.write_text(text.replace("process: ksdpk", "process: cepat"), encoding="utf-8")
    result = run("check", SLUG)
    assert result.stderr.startswith(f"Error: {yaml_file}:")
    assert ": process: unknown process 'cepat'; known processes: ksdpk, short" in result.stderr


def test_status_shows_next_events_blockers_documents_and_due_dates(root: Path, run: Callable[..., Result]) -> None:
    """`mou status` tells what may happen next and why not yet."""
    result = run("status", SLUG, env={"MOU_TODAY": "2025-06-01"})
    assert result.exit_code == 0
    assert result.stdout == (
        f"{SLUG}: fgd_scheduled (FGD dijadwalkan) - process ksdpk, 0 history entries\n"
        "Next:\n"
        f"  hold_fgd -> fgd_held [opd_teknis, tkksd] blocked: documents of stage fgd not rendered yet (mou render {SLUG})\n"
        "  cancel -> cancelled [tkksd, bupati] ready\n"
        f'    run: mou advance {SLUG} cancel --as "{TKKSD}"\n'
    )  # nothing is due yet: no signing date is set, and nothing about the term is due before signature


def test_status_gives_the_command_to_type_for_each_ready_event(root: Path, run: Callable[..., Result]) -> None:
    """Once the FGD documents are rendered, hold_fgd is ready and status names the command, with a person
    of the agreement holding one of its roles; typed as shown, the command fires the event."""
    import shlex

    assert run("render", SLUG, "--as", OPD, env={"MOU_TODAY": "2025-06-01"}).exit_code == 0
    result = run("status", SLUG, env={"MOU_TODAY": "2025-06-01"})
    lines = result.stdout.splitlines()
    assert lines[1:5] == [
        "Next:",
        "  hold_fgd -> fgd_held [opd_teknis, tkksd] ready",
        f'    run: mou advance {SLUG} hold_fgd --as "{OPD}"',
        "  cancel -> cancelled [tkksd, bupati] ready",
    ]
    assert "Monitoring" not in result.stdout  # not an implementing state
    command = shlex.split(lines[3].split("run: ", 1)[1])
    assert command[:2] == ["mou", "advance"]
    fired = run(*command[1:], env={"MOU_TODAY": "2025-06-01"})
    assert fired.exit_code == 0, fired.stderr
    assert fired.stdout.startswith(f"{SLUG}: hold_fgd by {OPD} (opd_teknis): fgd_scheduled -> fgd_held")


def test_status_json_adds_the_command_and_actor_of_each_event(root: Path, run: Callable[..., Result]) -> None:
    """--json keeps its fields and adds each event's command and actor, and the (empty) monitoring commands."""
    import json

    st = json.loads(run("status", SLUG, "--json", env={"MOU_TODAY": "2025-06-01"}).stdout)
    assert {"slug", "process", "state", "title", "final", "events", "documents", "due", "entries", "adenda"} <= set(st)
    assert st["monitoring"] == []
    hold, cancel = st["events"]
    assert set(hold) == {"trigger", "title", "dest", "roles", "blockers", "command", "actor"}
    assert (hold["command"], hold["actor"]) == (f'mou advance {SLUG} hold_fgd --as "{OPD}"', OPD)
    assert hold["blockers"]  # blocked: the command is still named, the blockers say why it is refused now
    assert (cancel["command"], cancel["actor"]) == (f'mou advance {SLUG} cancel --as "{TKKSD}"', TKKSD)


def test_status_says_when_nobody_holds_the_roles_of_a_ready_event(yaml_file: Path, run: Callable[..., Result]) -> None:
    """A ready event nobody in people: may fire: the command says --as NAME and status says who is missing."""
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(text.replace("roles: [tkksd]", "roles: [bpkad]").replace("roles: [bupati]", "roles: [bpkad]"), "utf-8")
    result = run("status", SLUG, env={"MOU_TODAY": "2025-06-01"})
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout.splitlines()[-1]
        == f"    run: mou advance {SLUG} cancel --as NAME (nobody in people: holds tkksd or bupati)"
    )


def test_status_names_mou_sign_for_a_signature_event(root: Path) -> None:
    """A signature is recorded by `mou sign` with the signed files, never by `mou advance`: its command says so."""
    from tests.conftest import walk_to_review
    from workflow.commands.demo import DEMO_DAY

    fill_examples(root / SLUG / "agreement.yaml")
    walk_to_review(root, approve=True, when=DEMO_DAY)
    st = status(FolderStore(root), SLUG, when=DEMO_DAY)
    sign_kb = next(e for e in st.events if e.trigger == "sign_kb")
    assert sign_kb.command == f'mou sign {SLUG} --document kb --file SIGNED.pdf --as "{TKKSD}"'


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("Dinas Tenaga Kerja Kabupaten Buton", '"Dinas Tenaga Kerja Kabupaten Buton"'),
        ('Wa Ode "Ina"', '"Wa Ode \\"Ina\\""'),
        ("Rp$100 `x` a\\b", '"Rp\\$100 \\`x\\` a\\\\b"'),
    ],
    ids=["plain", "quote", "shell-specials"],
)
def test_a_name_in_a_shown_command_is_one_shell_word(name: str, word: str) -> None:
    """The --as name is quoted so that a POSIX shell (sh) reads it back as the name itself."""
    import subprocess

    from workflow.commands.lifecycle import quoted

    assert quoted(name) == word
    echoed = subprocess.run(["sh", "-c", f"printf %s {quoted(name)}"], capture_output=True, text=True, check=True)
    assert echoed.stdout == name


def test_list_shows_every_agreement(root: Path, run: Callable[..., Result]) -> None:
    """`mou list` has a row per agreement, an invalid one included, and --json."""
    import json

    (root / "rusak-2026").mkdir()
    (root / "rusak-2026" / "agreement.yaml").write_text("document: [\n", encoding="utf-8")
    result = run("list", "--json", env={"MOU_TODAY": "2025-06-01"})
    rows = json.loads(result.stdout)
    assert [(r["slug"], r["state"]) for r in rows] == [(SLUG, "fgd_scheduled"), ("rusak-2026", "invalid")]
    assert rows[0]["partner"] == "BPJS Ketenagakerjaan Cabang Baubau"
    assert rows[0]["next_deadline"] is None  # unsigned, no signing date yet: nothing due
    assert rows[0]["term_end"] == "2027-06-30"


def test_new_extends_links_the_cycles(root: Path, run: Callable[..., Result]) -> None:
    """`mou new NEW --extends OLD` copies OLD and records the link that the extend guard looks for."""
    result = run("new", "buton-bpjstk-2027", "--extends", SLUG)
    assert result.exit_code == 0, result.stderr
    assert load_file(root / "buton-bpjstk-2027" / "agreement.yaml").extends == SLUG


def test_transition_not_allowed_is_a_domain_error() -> None:
    """TransitionNotAllowed is a MouError, so the CLI prints it and exits 1."""
    from workflow.errors import MouError

    assert issubclass(TransitionNotAllowed, MouError)
    assert issubclass(Refused, MouError)


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "sets: term.end",
            "sets: term.ends",
            "amendments[1].changes[1].sets",
            "term.ends is not a single-valued field of agreement.yaml, expected a path such as term.end",
        ),
        (
            "value: '2027-12-31'",
            "value: '2027-13-31'",
            "amendments[1].changes[1].value",
            "'2027-13-31' is not a valid date for term.end",
        ),
        (
            "        sets: term.end\n",
            "",
            "amendments[1].changes[1]",
            "give both sets and value, or neither (a wording-only change)",
        ),
    ],
    ids=["unknown-field", "bad-value", "value-without-field"],
)
def test_bad_adendum_changes_are_named(
    old: str, new: str, field: str, message: str, yaml_file: Path, run: Callable[..., Result]
) -> None:
    """An adendum change must name a real single-valued field and give a value of its type."""
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8") + PKS.replace(old, new), encoding="utf-8")
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert f": {field}: {message}\n" in result.stderr


def test_effective_terms_apply_signed_adenda_in_order(yaml_file: Path) -> None:
    """Agreement.effective(n) applies the field changes of the first n adenda, leaving the signed text as it is."""
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8") + PKS, encoding="utf-8")
    agreement = load_file(yaml_file)
    assert agreement.effective(0).term.end == date(2027, 6, 30)
    assert agreement.effective(1).term.end == date(2027, 12, 31)
    assert agreement.term.end == date(2027, 6, 30)
