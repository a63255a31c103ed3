"""The command-line contract of every command: exit 0 success, 1 domain error, 2 usage error.

The commands are found by walking the click groups under `cli.main`, so a command added later is held
to the contract without touching this file: its --help exits 0 and shows an example of it, a flag it
does not know is a usage error (exit 2, `Usage:` line), and an agreement that does not exist is one
`Error:` line naming it and the agreements that do, exit 1, with nothing written.

The contract holds in both languages: the tests marked with the ``lang`` fixture run in English and in
Indonesian (`Penggunaan:`, `Contoh:`, `Kesalahan:`), the words they look for taken from ``WORDS``.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import cli
from tests.conftest import SLUG, tree_hash
from workflow.commands.demo import OPD

UNKNOWN = "nosuch-2099"
FRESH = "baru-bpjstk-2099"  # a slug for a command that creates the agreement
CREATES = {("new",)}  # commands whose SLUG names an agreement to create, not one that exists

# Realistic values for parameters by name; any other parameter gets a value of its type (see _value).
BY_NAME = {
    "event": "hold_fgd",
    "old": "v1",
    "new": "v2",
    "period": "2025-Q3",
    "old_nik": "7401064202710001",
    "nik": "7401061503900002",
    "nama": "La Ode Contoh",
    "desa": "Wakalambe",
    "kecamatan": "Kapontori",
    "pekerjaan": "Nelayan",
    "mulai": "2025-09-01",
}


CmdPath = tuple[str, ...]

# What a reader sees in each language, where the contract names it.
WORDS = {
    "en": {
        "example": "Example:",
        "usage": "Usage: ",
        "error": "Error: ",
        "known": "known agreements",
        "no_option": ("No such option: --no-such-flag", "No such option '--no-such-flag'"),
    },
    "id": {
        "example": "Contoh:",
        "usage": "Penggunaan: ",
        "error": "Kesalahan: ",
        "known": "kerja sama yang ada",
        "no_option": ("Tidak ada opsi: --no-such-flag", "Tidak ada opsi '--no-such-flag'"),
    },
}


@pytest.fixture(params=["en", "id"])
def lang(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The contract in English (the catalogs' source) and in Indonesian (the default of a user with no setting)."""
    monkeypatch.setenv("MOU_LANG", request.param)
    return str(request.param)


def _walk(command: click.Command, path: CmdPath = ()) -> Iterator[tuple[CmdPath, click.Command]]:
    """``command`` and, for a group, every command under it (depth first, names sorted)."""
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name="mou")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            yield from _walk(sub, (*path, name))


def _slug_argument(command: click.Command) -> click.Argument | None:
    return next((p for p in command.params if isinstance(p, click.Argument) and p.name == "slug"), None)


COMMANDS = list(_walk(cli.main))
PATHS = [path for path, _ in COMMANDS]
WITH_SLUG = [(path, cmd) for path, cmd in COMMANDS if _slug_argument(cmd) is not None and path not in CREATES]
SLUG_OPTIONS = [
    (path, cmd, opt)
    for path, cmd in COMMANDS
    for opt in cmd.params
    if isinstance(opt, click.Option) and opt.metavar == "SLUG"  # e.g. new --from SLUG, new --extends SLUG
]


def _name(path: CmdPath) -> str:
    return " ".join(("mou", *path))


def _value(param: click.Parameter, inputs: Path) -> str:
    """A value the parameter accepts: from BY_NAME, else one of its type."""
    if param.name in BY_NAME:
        return BY_NAME[param.name]
    kind = param.type
    if isinstance(kind, click.Choice):
        return str(kind.choices[0])
    if isinstance(kind, click.DateTime):
        return date(2025, 9, 1).strftime(kind.formats[0])
    if isinstance(kind, click.IntRange):
        return str(max(kind.min or 1, 1))
    if isinstance(kind, click.types.IntParamType | click.types.FloatParamType):
        return "1"
    if isinstance(kind, click.Path):
        target = inputs / f"{param.name}"
        if kind.exists:  # an input: make it (outside the root), a folder if files are not allowed
            if kind.file_okay:
                target.write_text("nik,nama,desa,kecamatan,pekerjaan,mulai\n", encoding="utf-8")
            else:
                target.mkdir(exist_ok=True)
        return str(target)
    return "x"


def _argv(path: CmdPath, command: click.Command, slug: str, inputs: Path) -> list[str]:
    """``path`` + every argument (the SLUG one set to ``slug``) + every required option, with valid values."""
    args = [*path]
    for param in command.params:
        if isinstance(param, click.Argument):
            args += [slug if param.name == "slug" else _value(param, inputs)] * max(param.nargs, 1)
        elif isinstance(param, click.Option) and param.required:
            args.append(param.opts[0])
            if not param.is_flag:
                args.append(_value(param, inputs))
    return args


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """Where input files for the commands are made: outside the root, so the root's hash stays put."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    return folder


@pytest.fixture
def invoke(root: Path) -> Callable[..., Result]:
    """`mou --root ROOT ARGS...` acted by someone of the example (none with ``actor=False``), so only what a
    test breaks is wrong."""

    def run(*args: str, actor: bool = True) -> Result:
        env = {"MOU_ACTOR": OPD if actor else None}  # None unsets it for the run
        return CliRunner().invoke(cli.main, ["--root", str(root), *args], env=env, prog_name="mou", catch_exceptions=False)

    return run


def _one_unknown_line(result: Result, root: Path, lang: str = "en") -> str:
    """The single stderr line of an unknown agreement; asserts exit 1 and that it names both slugs."""
    words = WORDS[lang]
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(words["error"])
    assert f"'{UNKNOWN}'" in line
    assert SLUG in line.split(words["known"], 1)[1]
    assert str(root) in line
    assert words["usage"] not in result.stderr
    return line


def test_the_walk_finds_commands_of_nested_groups() -> None:
    """The discovery recurses: the sub-commands of `participants` are there, and every SLUG command."""
    assert {(), ("render",), ("participants",), ("participants", "import"), ("participants", "list")} <= set(PATHS)
    assert ("participants", "replace") in PATHS
    expected = {
        "status",
        "render",
        "advance",
        "sign",
        "archive",
        "export",
        "history",
        "verify",
        "diff",
        "diagram",
        "participants import",
        "participants replace",
        "participants list",
        "log",
        "report",
        "check",
    }
    assert expected <= {" ".join(path) for path, _ in WITH_SLUG}
    assert {(("new",), "--from"), (("new",), "--extends")} <= {(path, opt.opts[0]) for path, _, opt in SLUG_OPTIONS}


@pytest.mark.parametrize("path", PATHS, ids=_name)
def test_help_exits_0_with_an_example_of_the_command(path: CmdPath, lang: str) -> None:
    """Every command and group: --help exits 0 and its Example: block shows the command itself."""
    result = CliRunner().invoke(cli.main, [*path, "--help"], prog_name="mou")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(WORDS[lang]["usage"])
    assert WORDS[lang]["example"] in result.stdout
    example = result.stdout.split(WORDS[lang]["example"], 1)[1]
    assert f"{_name(path)} " in example


@pytest.mark.parametrize("path", PATHS, ids=_name)
def test_unknown_flag_is_a_usage_error(path: CmdPath, root: Path, invoke: Callable[..., Result], lang: str) -> None:
    """A flag the command does not know: exit 2, click's Usage: line on stderr, nothing written."""
    before = tree_hash(root)
    result = invoke(*path, "--no-such-flag")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"{WORDS[lang]['usage']}{_name(path)} ")
    assert any(text in result.stderr for text in WORDS[lang]["no_option"]), result.stderr
    assert f"\n{WORDS[lang]['error']}" in result.stderr
    assert tree_hash(root) == before


@pytest.mark.parametrize(("path", "command"), WITH_SLUG, ids=[_name(p) for p, _ in WITH_SLUG])
def test_unknown_agreement_is_one_line_naming_the_known_ones(
    path: CmdPath, command: click.Command, root: Path, inputs: Path, invoke: Callable[..., Result], lang: str
) -> None:
    """An unknown SLUG with otherwise valid arguments: exit 1, one line naming it and the known slugs, nothing written."""
    before = tree_hash(root)
    result = invoke(*_argv(path, command, UNKNOWN, inputs))
    _one_unknown_line(result, root, lang)
    assert tree_hash(root) == before


@pytest.mark.parametrize(("path", "command", "option"), SLUG_OPTIONS, ids=[f"{_name(p)} {o.opts[0]}" for p, _, o in SLUG_OPTIONS])
def test_unknown_agreement_in_a_slug_option_is_one_line(
    path: CmdPath,
    command: click.Command,
    option: click.Option,
    root: Path,
    inputs: Path,
    invoke: Callable[..., Result],
    lang: str,
) -> None:
    """An option naming an agreement (`new --from SLUG`) that does not exist: the same one line, nothing written."""
    before = tree_hash(root)
    slug = FRESH if path in CREATES else SLUG
    result = invoke(*_argv(path, command, slug, inputs), option.opts[0], UNKNOWN)
    _one_unknown_line(result, root, lang)
    assert tree_hash(root) == before


def test_unknown_agreement_comes_before_a_missing_actor(root: Path, invoke: Callable[..., Result]) -> None:
    """Without --as or MOU_ACTOR the unknown agreement is still what is reported: it is checked first."""
    assert invoke("advance", SLUG, "hold_fgd", actor=False).stderr.startswith(f"Error: '{getpass.getuser()}' is not among")
    result = invoke("advance", UNKNOWN, "hold_fgd", actor=False)
    assert result.exit_code == 1
    assert result.stderr == f"Error: no agreement '{UNKNOWN}' in {root}; known agreements: {SLUG}\n"


def test_participants_list_of_an_unknown_agreement_is_an_error(root: Path, invoke: Callable[..., Result]) -> None:
    """`mou participants list nosuch` used to print nothing and exit 0; it names the slug and the known ones."""
    result = invoke("participants", "list", "nosuch")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: no agreement 'nosuch' in {root}; known agreements: {SLUG}\n"


def test_folder_without_agreement_yaml_is_named(root: Path, invoke: Callable[..., Result]) -> None:
    """A folder whose agreement.yaml is missing or misnamed: the line says which folder lacks it."""
    (root / UNKNOWN).mkdir()
    (root / UNKNOWN / "agreement.yml").write_text("", encoding="utf-8")
    before = tree_hash(root)
    result = invoke("status", UNKNOWN)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no agreement '{UNKNOWN}' in {root} ({root / UNKNOWN} has no agreement.yaml); known agreements: {SLUG}\n"
    )
    assert tree_hash(root) == before


def test_unknown_agreement_in_an_empty_root_says_none_yet(tmp_path: Path) -> None:
    """With no agreement at all the line says so instead of listing nothing."""
    empty = tmp_path / "empty"
    result = CliRunner().invoke(cli.main, ["--root", str(empty), "status", UNKNOWN], prog_name="mou")
    assert result.exit_code == 1
    assert result.stderr == f"Error: no agreement '{UNKNOWN}' in {empty}; known agreements: none yet\n"
    assert not empty.exists()


def test_unknown_agreement_among_many_names_the_closest(root: Path, invoke: Callable[..., Result]) -> None:
    """Past ten agreements the one line gives the count and the five closest slugs, not all of them."""
    known = {f"buton-bpjstk-{n}" for n in range(2015, 2027)}
    for slug in known - {SLUG}:
        (root / slug).mkdir()
        (root / slug / "agreement.yaml").write_text("", encoding="utf-8")
    result = invoke("status", "buton-bpjstk-2052")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    head, tail = lines[0].split("; ", 1)
    assert head == f"Error: no agreement 'buton-bpjstk-2052' in {root}"
    prefix, suffix = "12 known agreements, among them ", " (mou list shows them all)"
    assert tail.startswith(prefix)
    assert tail.endswith(suffix)
    named = tail.removeprefix(prefix).removesuffix(suffix).split(", ")
    assert len(named) == 5
    assert SLUG in named
    assert set(named) <= known


def test_stage_without_a_value_is_a_usage_error(root: Path, invoke: Callable[..., Result]) -> None:
    """`mou render x --stage`: exit 2 with the Usage: line (click's parser alone would print none)."""
    before = tree_hash(root)
    result = invoke("render", "x", "--stage")
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: mou render [OPTIONS] [SLUG]\n")
    assert result.stderr.endswith("Error: Option '--stage' requires an argument.\n")
    assert tree_hash(root) == before


def test_option_value_errors_show_usage_at_every_level(invoke: Callable[..., Result]) -> None:
    """`mou --root` (no folder) and `mou participants list --show-nik=1 X`: exit 2 with the Usage: line."""
    result = CliRunner().invoke(cli.main, ["--root"], prog_name="mou")
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: mou [OPTIONS] COMMAND [ARGS]...\n")
    assert result.stderr.endswith("Error: Option '--root' requires an argument.\n")
    result = invoke("participants", "list", "--show-nik=1", SLUG)
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: mou participants list [OPTIONS] SLUG\n")
    assert result.stderr.endswith("Error: Option '--show-nik' does not take a value.\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "--all", SLUG], "--all renders every agreement in place: give no SLUG and no --out"),
        (["render", "--all", "--out", "elsewhere"], "--all renders every agreement in place: give no SLUG and no --out"),
        (["render"], "say which agreement to render (mou render SLUG), or --all for every one"),
    ],
    ids=["all-and-slug", "all-and-out", "no-slug"],
)
def test_render_argument_combinations_are_usage_errors(
    args: list[str], message: str, root: Path, invoke: Callable[..., Result]
) -> None:
    """--all with a SLUG or --out, or neither SLUG nor --all: exit 2, Usage: line, the reason, nothing written."""
    before = tree_hash(root)
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Usage: mou render [OPTIONS] [SLUG]\n")
    assert result.stderr.endswith(f"Error: {message}\n")
    assert tree_hash(root) == before


def test_a_refused_step_is_exit_1_without_usage_in_both_languages(root: Path, invoke: Callable[..., Result], lang: str) -> None:
    """A refused step in either language: exit 1, its Error: line, no Usage: line, nothing written."""
    before = tree_hash(root)
    refused = invoke("advance", SLUG, "approve_kb")
    assert refused.exit_code == 1
    assert refused.stderr.startswith(WORDS[lang]["error"])
    assert "'approve_kb'" in refused.stderr
    assert WORDS[lang]["usage"] not in refused.stderr
    assert tree_hash(root) == before


def test_domain_errors_stay_exit_1_without_usage(root: Path, invoke: Callable[..., Result]) -> None:
    """Bad data or a refused step is not a usage error: exit 1, Error: lines, no Usage: line."""
    before = tree_hash(root)
    result = invoke("render", SLUG, "--stage", "signed")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: unknown stage 'signed'; known stages: "
        "fgd, preparation, tkksd, rejection, offer, draft_kb, dprd, draft_pks, tim_teknis, rekonsiliasi, amendment, "
        "monitoring, santunan, closing\n"
    )
    refused = invoke("advance", SLUG, "approve_kb")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: ")
    assert "Usage:" not in refused.stderr
    assert tree_hash(root) == before
