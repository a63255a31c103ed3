"""Bahasa Indonesia for every reader: the catalogs, the choice of language, and no message left out.

The catalogs are checked as a translator's tool would (every message translated, the same
placeholders, nothing fuzzy, the compiled .mo in step with the .po and the .po with the code); the
command line is checked as a user sees it with and without a language setting; and the code is
scanned for a message written straight to a user without passing through the catalog.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from click.testing import CliRunner

import cli
from tests.conftest import SLUG
from workflow import i18n

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "workflow" / "locale"
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def _catalog(lang: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / "mou.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def _entries(catalog: Catalog) -> list[tuple[str, tuple[str, ...], tuple[str, ...], set[str]]]:
    """(msgid, ids, strings, flags) of every message but the header."""
    out = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        out.append((ids[0], tuple(ids), tuple(s or "" for s in strings), set(message.flags)))
    return out


def _tools_i18n() -> object:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import i18n as tool  # tools/i18n.py

        return tool
    finally:
        sys.path.remove(str(ROOT / "tools"))


# --- the catalogs -------------------------------------------------------------------------------------


def test_every_message_is_translated_into_indonesian() -> None:
    """No empty msgstr in id: an untranslated message would show English to an Indonesian reader."""
    untranslated = [msgid for msgid, _ids, strings, _f in _entries(_catalog("id")) if not all(strings)]
    assert untranslated == [], f"{len(untranslated)} untranslated, first: {untranslated[:5]}"


def test_no_fuzzy_entries() -> None:
    fuzzy = [msgid for msgid, _ids, _s, flags in _entries(_catalog("id")) if "fuzzy" in flags]
    assert fuzzy == []


def test_translations_keep_every_placeholder() -> None:
    """``{slug}`` in the English must be ``{slug}`` in the Indonesian: no placeholder lost, renamed or added."""
    wrong = []
    for msgid, ids, strings, _f in _entries(_catalog("id")):
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if text and sorted(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((msgid, text))
    assert wrong == []


def test_help_translations_keep_their_layout_markers() -> None:
    """click's ``\\b`` (keep the lines of the next paragraph as written) survives translation, as many times."""
    wrong = [
        msgid for msgid, _ids, strings, _f in _entries(_catalog("id")) if any(s.count("\b") != msgid.count("\b") for s in strings)
    ]
    assert wrong == []


def test_the_catalogs_hold_exactly_the_messages_of_the_code() -> None:
    """The catalogs are in step with the code: a message added or changed without `make i18n` fails here."""
    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in _tools_i18n().extract() if m.id}  # type: ignore[attr-defined]
    for lang in ("id", "en"):
        held = {msgid for msgid, *_rest in _entries(_catalog(lang))}
        assert sorted(extracted - held) == [], f"not in the {lang} catalog: run make i18n"
        assert sorted(held - extracted) == [], f"no longer in the code, still in the {lang} catalog: run make i18n"


def test_the_compiled_catalog_matches_its_source() -> None:
    """The .mo shipped in the wheel says what the .po says (``make i18n`` compiles after every change)."""
    with (LOCALE / "id" / "LC_MESSAGES" / "mou.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [
        msgid for msgid, ids, strings, _f in _entries(_catalog("id")) if len(ids) == 1 and compiled.gettext(msgid) != strings[0]
    ]
    assert stale == [], "run make i18n"


# --- the language chosen -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "id"),  # no setting at all, as on Windows: the users' language
        ({"LANG": "C.UTF-8"}, "id"),
        ({"LC_ALL": "POSIX"}, "id"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "id_ID.UTF-8"}, "id"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),  # a language the tool does not speak: the source language
        ({"LANGUAGE": "fr:id", "LANG": "en_US.UTF-8"}, "id"),  # the first spoken one of the list
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "id_ID.UTF-8"}, "en"),  # LC_ALL before LANG
        ({"MOU_LANG": "en", "LANG": "id_ID.UTF-8"}, "en"),  # MOU_LANG first
        ({"MOU_LANG": "id", "LC_ALL": "en_US.UTF-8"}, "id"),
        ({"MOU_LANG": "in"}, "id"),  # the old code of Indonesian (Java's locale still uses it)
        ({"MOU_LANG": "klingon", "LANG": "en_US"}, "en"),  # not spoken: the next rule decides
    ],
)
def test_language_choice(environ: dict[str, str], expected: str) -> None:
    assert i18n.choose_language(environ) == expected


def test_the_library_reads_the_language_from_its_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Used as a library, without a command to activate a language, the environment decides (via the settings)."""
    monkeypatch.setenv("MOU_LANG", "id")
    assert i18n.language() == "id"
    monkeypatch.setenv("MOU_LANG", "en")
    assert i18n.language() == "en"
    with i18n.use_language("id"):
        assert i18n.language() == "id"


def test_a_missing_message_falls_back_to_english() -> None:
    with i18n.use_language("id"):
        assert i18n._("a sentence no catalog holds") == "a sentence no catalog holds"
        assert i18n._("Usage:") == "Penggunaan:"
    with i18n.use_language("en"):
        assert i18n._("Usage:") == "Usage:"


def test_figures_in_the_readers_language() -> None:
    from datetime import date

    with i18n.use_language("id"):
        assert (i18n.day(date(2025, 5, 28)), i18n.money(672_000), i18n.number(1000)) == ("28 Mei 2025", "Rp672.000", "1.000")
    with i18n.use_language("en"):
        assert (i18n.day(date(2025, 5, 28)), i18n.money(672_000), i18n.number(1000)) == ("2025-05-28", "Rp672.000", "1,000")


# --- the command line, as a user sees it --------------------------------------------------------------


def _bare_environment(**extra: str) -> dict[str, str]:
    """The process environment without any language setting (as on Windows), plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in ("MOU_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    return {**env, **extra}


def test_help_with_no_language_setting_is_indonesian() -> None:
    """`mou --help` in a fresh shell with no language variable: Indonesian, click's own words included."""
    mou = Path(sys.executable).with_name("mou")
    out = subprocess.run([str(mou), "--help"], capture_output=True, text=True, env=_bare_environment(), check=True).stdout
    assert out.startswith("Penggunaan: mou [OPTIONS] COMMAND [ARGS]...")
    assert "Tampilkan pesan ini lalu keluar." in out
    assert "Contoh:" in out
    english = subprocess.run(
        [str(mou), "--help"], capture_output=True, text=True, env=_bare_environment(MOU_LANG="en"), check=True
    )
    assert english.stdout.startswith("Usage: mou [OPTIONS] COMMAND [ARGS]...")
    assert "Show this message and exit." in english.stdout


def _invoke(root: Path, *args: str, lang: str = "id") -> object:
    return CliRunner().invoke(cli.main, ["--root", str(root), *args], env={"MOU_LANG": lang}, prog_name="mou")


def test_unknown_agreement_is_one_indonesian_line(root: Path) -> None:
    result = _invoke(root, "status", "nosuch-2099")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    lines = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1
    assert lines[0].startswith("Kesalahan: ")
    assert "'nosuch-2099'" in lines[0] and SLUG in lines[0]
    assert "known agreements" not in lines[0] and "no agreement" not in lines[0]


def test_impossible_date_is_one_indonesian_line_with_its_line_number(root: Path) -> None:
    path = root / SLUG / "agreement.yaml"
    text = path.read_text(encoding="utf-8")
    line_no, line = next((n, line) for n, line in enumerate(text.splitlines(), 1) if re.match(r"\s+date: 20\d\d-\d\d-\d\d", line))
    bad = re.sub(r"20\d\d-\d\d-\d\d", "2025-02-30", line)
    path.write_text(text.replace(line + "\n", bad + "\n", 1), encoding="utf-8")
    result = _invoke(root, "check", SLUG)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    errors = [line for line in result.stderr.splitlines() if line.startswith("Kesalahan: ")]  # type: ignore[attr-defined]
    assert errors, result.stderr  # type: ignore[attr-defined]
    assert any(f"agreement.yaml:{line_no}:" in e and "2025-02-30" in e for e in errors), errors
    assert not any(re.search(r"\b(is not|expected|the)\b", e) for e in errors), errors


def test_option_errors_are_indonesian(root: Path) -> None:
    result = _invoke(root, "render", "x", "--stage")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stderr.startswith("Penggunaan: mou render [OPTIONS] [SLUG]\n")  # type: ignore[attr-defined]
    assert "Kesalahan: " in result.stderr and "--stage" in result.stderr  # type: ignore[attr-defined]
    assert "requires an argument" not in result.stderr  # type: ignore[attr-defined]


# --- nothing a person reads bypasses the catalog -------------------------------------------------------

# Calls whose string arguments a person reads: click's output and errors, and the library's errors.
_SHOWN = {
    "echo",
    "secho",
    "UsageError",
    "BadParameter",
    "ClickException",
    "BadOptionUsage",
    "Problem",
    "progressbar",
    "prompt",
    "confirm",
}
_WORDS = re.compile(r"[A-Za-z]{2,}[ ,;:'-]+[A-Za-z]{2,}")
_EXEMPT = "i18n: not translated"


def _error_classes() -> set[str]:
    import workflow.errors as errors

    names = {"MouError", "ValueError"}
    for obj in vars(errors).values():
        if isinstance(obj, type) and issubclass(obj, errors.MouError):
            names.add(obj.__name__)
    return names


def _literal_words(node: ast.AST) -> str | None:
    """The text of a string literal or f-string made of words, else None (a call such as ``_(...)`` is fine)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if _WORDS.search(node.value) else None
    if isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        return text if _WORDS.search(text) else None
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) or _literal_words(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_words(node.body) or _literal_words(node.orelse)
    return None


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def bare_messages(path: Path) -> list[str]:
    """``file:line: text`` of every string a person reads that is not looked up in the catalog.

    Looked at: the arguments of click's output and error calls and of the library's error classes
    (raised or built), and the message of a ``(field, message)`` problem pair. A line may say why it is
    left alone with a comment ``# i18n: not translated (why)``.
    """
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    errors = _error_classes()
    found = []

    def flag(node: ast.AST, text: str) -> None:
        first, last = node.lineno, getattr(node, "end_lineno", node.lineno) or node.lineno  # type: ignore[attr-defined]
        if not any(_EXEMPT in lines[n - 1] for n in range(first, last + 1)):
            found.append(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{first}: {text!r}")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and (_name(node.func) in _SHOWN or _name(node.func) in errors):
            for arg in [*node.args, *(k.value for k in node.keywords if k.arg in (None, "message", "label", "text", "hint"))]:
                text = _literal_words(arg)
                if text:
                    flag(arg, text)
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            field, message = node.elts
            names_field = (
                isinstance(field, ast.Constant) and isinstance(field.value, str) and " " not in field.value
            ) or isinstance(field, ast.JoinedStr)
            text = _literal_words(message)
            if names_field and text and " " in text.strip():
                flag(message, text)
    return sorted(found, key=lambda line: int(line.split(":")[1]))


def test_no_message_bypasses_the_catalog() -> None:
    files = [ROOT / "cli.py", *sorted((ROOT / "workflow").rglob("*.py"))]
    found = [line for file in files for line in bare_messages(file)]
    assert found == [], "\n".join(found)


def test_the_scanner_finds_a_bare_message(tmp_path: Path) -> None:
    """The scan above can fail: the forms it must catch, and the forms it must let through."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import click\n"
        "from workflow.errors import MouError\n"
        "from workflow.i18n import _\n"
        "def f(slug, n):\n"
        "    click.echo(f'Created {slug} in the store')\n"
        "    click.echo(_('Created {slug}').format(slug=slug))\n"
        "    click.echo(f'  {slug}')\n"
        "    out = [('term.end', f'{n} is not after the start')]\n"
        "    out.append(('term.end', _('{n} is fine').format(n=n)))\n"
        "    raise MouError('no such agreement here')\n",
        encoding="utf-8",
    )
    found = bare_messages(sample)
    assert [line.split(":")[1] for line in found] == ["5", "8", "10"]


# --- what an Indonesian reader sees: no English sentence left ----------------------------------------

_ENGLISH = re.compile(r"\b(the|is|are|not|and|of|with|expected|must|cannot|should|agreement|entries|nothing|allowed|unknown)\b")


def _prose(line: str) -> str:
    """``line`` without what stays as typed in any language: paths, `code`, tokens, flags, quoted values."""
    line = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"", " ", line)
    words = (w.strip("().,:;") for w in line.split())
    return " ".join(w for w in words if not re.search(r"[/_.=:<>\[\]-]|^[A-Z]{2,}", w))


@pytest.mark.parametrize(
    "args",
    [
        ["status", SLUG],
        ["list"],
        ["due", "--within", "400"],
        ["participants", "import", SLUG, "nosuch.csv"],
        ["verify", SLUG],
        ["check", SLUG],
        ["advance", SLUG, "approve_kb"],
        ["advance", SLUG, "hold_fgd"],
        ["advance", SLUG, "no_such_event"],
        ["render", SLUG, "--stage", "signed"],
        ["log", SLUG, "payment", "--period", "2025-07", "--workers", "1000", "--amount", "5", "--reference", "X"],
        ["data", "put", SLUG, "nosuch.yaml"],
        ["diff", SLUG, "v1", "v9"],
        ["sign", SLUG, "--document", "kb", "--file", "nosuch.pdf", "--date", "2025-02-30"],
        ["report", SLUG, "--period", "2025-Q9"],
        ["new", "Bad Slug"],
        ["schema"],
    ],
    ids=" ".join,
)
def test_an_indonesian_reader_sees_no_english_sentence(args: list[str], root: Path) -> None:
    """Every line a command prints in Indonesian (output and errors), once paths, tokens and quoted values
    are set aside, holds none of the common English words: a message that skipped the catalog shows here."""
    env = {"MOU_LANG": "id", "MOU_ACTOR": "Dinas Tenaga Kerja Kabupaten Buton"}
    result = CliRunner().invoke(cli.main, ["--root", str(root), *args], env=env, prog_name="mou")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    text = result.stdout + result.stderr
    assert text.strip()
    english = [line for line in text.splitlines() if _ENGLISH.search(_prose(line))]
    assert english == []


def test_the_english_detector_sees_english(root: Path) -> None:
    """The check above can fail: the same refusal read in English is caught by it."""
    env = {"MOU_LANG": "en", "MOU_ACTOR": "Dinas Tenaga Kerja Kabupaten Buton"}
    result = CliRunner().invoke(cli.main, ["--root", str(root), "advance", SLUG, "approve_kb"], env=env, prog_name="mou")
    assert _ENGLISH.search(_prose(result.stderr)), result.stderr


def test_the_calendar_speaks_indonesian_and_stays_valid(demo_out: Path, tmp_path: Path) -> None:
    """`mou due --ics` of the demo in Indonesian: the reminders read Indonesian, dates as `31 Oktober 2025`,
    and the calendar passes the RFC 5545 conformance check and parses (icalendar) with the same UIDs as the
    English one: a UID never depends on the reader."""
    import shutil

    import icalendar

    from tests.test_ics import conformance_problems

    root = tmp_path / "agreements"
    shutil.copytree(demo_out / "agreements", root)
    calendars = {}
    for lang in ("id", "en"):
        out = tmp_path / f"{lang}.ics"
        args = ["--root", str(root), "due", "--within", "4000", "--ics", str(out)]
        result = CliRunner().invoke(cli.main, args, env={"MOU_LANG": lang, "MOU_TODAY": "2025-10-01"})
        assert result.exit_code == 0, result.output
        assert conformance_problems(out.read_bytes()) == []
        calendars[lang] = icalendar.Calendar.from_ical(out.read_bytes())
    events = {lang: list(cal.walk("VEVENT")) for lang, cal in calendars.items()}
    assert events["id"]
    assert [str(e["UID"]) for e in events["id"]] == [str(e["UID"]) for e in events["en"]]
    description = str(events["id"][0]["DESCRIPTION"])
    assert "jatuh tempo" in description and "rincian: mou status" in description, description
    months = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
    assert re.search(rf"\d{{1,2}} ({months}) 20\d\d", description), description
    alarms = [str(a["DESCRIPTION"]) for a in events["id"][0].walk("VALARM")]
    assert [a.split(":")[0] for a in alarms] == ["30 hari lagi", "7 hari lagi"]
