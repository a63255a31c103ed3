"""Bad agreement data gets one exact line per problem, exit code 1, and changes nothing on disk."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import SLUG, tree_hash


@dataclass(frozen=True)
class Case:
    """Replace ``old`` by ``new`` in the example file; expect ``message`` at the line holding ``at``."""

    id: str
    old: str
    new: str
    message: str
    at: str | None = None  # text whose line the message names; default: the first line of ``new``


CASES = [
    Case(
        "unclosed-quote",
        "venue: Ruang VVIP Kantor Bupati Buton",
        'venue: "Ruang VVIP Kantor Bupati Buton',
        "invalid YAML: unclosed quote: the text from this line runs on to line {end}",
    ),
    Case("tab-indent", "  workers: 1000", "\tworkers: 1000", "invalid YAML: found character that cannot start any token"),
    Case(
        "duplicate-key",
        "  workers: 1000",
        "  workers: 1000\n  workers: 2000",
        "coverage.workers: duplicate key, first given on line {prev}",
        at="  workers: 2000",
    ),
    Case(
        "alias",
        "  segment: pekerja rentan miskin\n  category: Bukan Penerima Upah (BPU)",
        "  segment: &s pekerja rentan miskin\n  category: *s",
        "coverage.category: YAML aliases (*name) are not allowed, write the value out",
        at="  category: *s",
    ),
    Case(
        "python-tag",
        "  workers: 1000",
        "  workers: !!python/object/apply:os.system [echo]",
        "coverage.workers: YAML tag tag:yaml.org,2002:python/object/apply:os.system is not allowed, expected a plain value",
    ),
    Case(
        "workers-text",
        "  workers: 1000",
        "  workers: seribu",
        "coverage.workers: 'seribu' is not a whole number, expected a whole number from 1 to 10.000.000 without separators",
    ),
    Case(
        "workers-negative",
        "  workers: 1000",
        "  workers: -5",
        "coverage.workers: -5 is out of range, expected a whole number from 1 to 10.000.000",
    ),
    Case(
        "workers-absurd",
        "  workers: 1000",
        "  workers: 99999999999",
        "coverage.workers: 99999999999 is out of range, expected a whole number from 1 to 10.000.000",
    ),
    Case(
        "workers-thousands-dot",
        "  workers: 1000",
        "  workers: 1.000",
        "coverage.workers: 1.0 is not a whole number, expected a whole number from 1 to 10.000.000 without separators",
    ),
    Case(
        "unknown-key",
        "  segment: pekerja rentan miskin",
        "  segment: pekerja rentan miskin\n  segmen: miskin",
        "coverage.segmen: unknown field, did you mean 'segment'? expected one of: workers, segment, category, "
        "data_source, data_source_name, income_base, programmes, jkm_benefit, jkm",
        at="  segmen: miskin",
    ),
    Case(
        "impossible-date",
        "  date: 2025-05-28",
        "  date: 2025-02-30",
        "fgd.date: 2025-02-30 is not a day of the calendar, expected a real date YYYY-MM-DD",
    ),
    Case(
        "date-in-words",
        "  date: 2025-05-28",
        "  date: 28 Mei 2025",
        "fgd.date: '28 Mei 2025' is not a date, expected YYYY-MM-DD such as 2025-05-28",
    ),
    Case(
        "end-before-start",
        "  end: 2027-06-30",
        "  end: 2025-06-30",
        "term.end: 2025-06-30 is not after the start 2025-07-01, expected a later date",
    ),
    Case(
        "term-over-5-years",
        "  end: 2027-06-30",
        "  end: 2030-07-01",
        "term.end: 2030-07-01 makes the term longer than 5 years, expected 2030-06-30 or earlier",
    ),
    Case(
        "title-alias",
        "  title: KESEPAKATAN BERSAMA",
        "  title: PERJANJIAN",
        "document.title: 'PERJANJIAN' is not allowed, expected one of KESEPAKATAN BERSAMA, NOTA KESEPAHAMAN, NOTA KESEPAKATAN",
    ),
    Case(
        "months-past-the-term",
        "  start_month: 7",
        "  start_month: 7\n  months: 25",
        "funding.months: 25 months from month 7 of 2025 run to 2027-07, past the end of the term on 2027-06-30, "
        "expected at most 24",
        at="  months: 25",
    ),
    Case(
        "nip-as-number",
        "      kind: NPK\n        number:",
        "      kind: NPK\n        number: 196908061996031003",
        "parties.partner.representative.id.number: 196908061996031003 is a number, expected text (put it in quotes)",
        at="        number: 196908061996031003",
    ),
    Case(
        "control-character",
        "  venue: Ruang VVIP Kantor Bupati Buton",
        '  venue: "Ruang\\x07VVIP"',
        "fgd.venue: contains the control character U+0007 at position 6, expected printable text",
    ),
    Case(
        "blank-text",
        "  venue: Ruang VVIP Kantor Bupati Buton",
        '  venue: "   "',
        "fgd.venue: is blank, expected text (leave the field empty only where it may be unknown)",
    ),
    Case(
        "required-left-empty",
        "  venue: Ruang VVIP Kantor Bupati Buton",
        "  venue:",
        "fgd.venue: is empty, expected text",
    ),
    Case(
        "list-expected",
        "  goals:\n    - memberikan perlindungan jaminan sosial ketenagakerjaan bagi pekerja rentan miskin di Kabupaten Buton\n"
        "    - meningkatkan cakupan kepesertaan jaminan sosial ketenagakerjaan di Kabupaten Buton\n"
        "    - mendukung percepatan penghapusan kemiskinan ekstrem di Kabupaten Buton",
        "  goals: melindungi pekerja rentan",
        "purpose.goals: 'melindungi pekerja rentan' is not a list, expected a list of text",
    ),
    Case(
        "programme-both-rates",
        "      percent: 1 ",
        "      percent: 1\n      flat: 10000 ",
        "coverage.programmes[1]: give exactly one of percent or flat, expected e.g. 'percent: 1' or 'flat: 6800'",
        at="    - code: JKK",
    ),
    Case(
        "timezone",
        "  timezone: WITA",
        "  timezone: WITU",
        "fgd.timezone: 'WITU' is not allowed, expected one of WIB, WITA, WIT",
    ),
    Case(
        "time-format",
        "  time:                               # not reported",
        "  time: 9 pagi",
        "fgd.time: '9 pagi' is not a time, expected HH.MM such as 09.00",
    ),
]


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _expected(case: Case, original: str, text: str, path: Path) -> str:
    line = _line(text, case.at or case.new.splitlines()[0])
    start = _line(text, case.new.splitlines()[0])  # where the edit begins
    prev = _line(original, case.old.splitlines()[0])  # where the replaced text stood
    message = case.message.format(line=start, prev=prev, end=_line(text, '"OPD lainnya"') if "{end}" in case.message else 0)
    return f"Error: {path}:{line}: {message}\n"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_agreement_gives_one_exact_line_and_writes_nothing(
    case: Case, yaml_file: Path, root: Path, run: Callable[..., Result]
) -> None:
    """Each bad edit is reported as file:line: field: message, exit 1, and the folder is unchanged."""
    original = yaml_file.read_text(encoding="utf-8")
    assert case.old in original, f"fixture drifted: {case.old!r} not in the example"
    text = original.replace(case.old, case.new, 1)
    yaml_file.write_text(text, encoding="utf-8")
    before = tree_hash(root)
    for args in (["check", SLUG], ["render", SLUG]):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert result.stdout.startswith("checked") or result.stdout == ""
        assert result.stderr == _expected(case, original, text, yaml_file)
    assert tree_hash(root) == before


def test_missing_field_names_the_parent_line(yaml_file: Path, run: Callable[..., Result]) -> None:
    """A required key that is absent is reported at its parent's line with what was expected."""
    text = yaml_file.read_text(encoding="utf-8").replace("  venue: Ruang VVIP Kantor Bupati Buton\n", "", 1)
    yaml_file.write_text(text, encoding="utf-8")
    result = run("check", SLUG)
    line = text[: text.index("fgd:")].count("\n") + 1
    assert result.exit_code == 1
    assert result.stderr == f"Error: {yaml_file}:{line}: fgd.venue: missing, expected text\n"


def test_every_problem_is_reported_at_once(yaml_file: Path, run: Callable[..., Result]) -> None:
    """Three independent mistakes give three lines, in file order."""
    text = yaml_file.read_text(encoding="utf-8")
    text = text.replace("  workers: 1000", "  workers: -1").replace("  date: 2025-05-28", "  date: 2025-13-01")
    text = text.replace("  cadence: quarterly", "  cadence: weekly")
    yaml_file.write_text(text, encoding="utf-8")
    result = run("check", SLUG)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ")[2] for line in lines] == ["fgd.date", "coverage.workers", "monitoring.cadence"]


def test_yaml_11_booleans_stay_text(yaml_file: Path) -> None:
    """`no`, `off`, `yes` and `on` are read as the words they are, never as booleans."""
    import workflow

    text = yaml_file.read_text(encoding="utf-8")
    text = text.replace("  venue: Ruang VVIP Kantor Bupati Buton", "  venue: no")
    text = text.replace("  segment: pekerja rentan miskin", "  segment: off")
    yaml_file.write_text(text, encoding="utf-8")
    agreement = workflow.load_file(yaml_file)
    assert agreement.fgd.venue == "no"
    assert agreement.coverage.segment == "off"


def test_billion_laughs_is_refused_quickly(yaml_file: Path, run: Callable[..., Result]) -> None:
    """Nested aliases are refused at the first alias instead of being expanded."""
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for i in range(ord("b"), ord("k")):
        prev = chr(i - 1)
        bomb += f"{chr(i)}: &{chr(i)} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    yaml_file.write_text(bomb, encoding="utf-8")
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0] == f"Error: {yaml_file}:2: b[1]: YAML aliases (*name) are not allowed, write the value out"
    )


def test_huge_file_is_refused(yaml_file: Path, run: Callable[..., Result]) -> None:
    """A multi-megabyte agreement file is refused before parsing."""
    yaml_file.write_text("# " + "x" * 3_000_000 + "\n", encoding="utf-8")
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {yaml_file}: file is 3,000,003 bytes, expected at most 2,000,000\n"


def test_empty_file_is_refused(yaml_file: Path, run: Callable[..., Result]) -> None:
    """An empty agreement file says what it should hold."""
    yaml_file.write_text("", encoding="utf-8")
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {yaml_file}: is empty, expected the fields of an agreement (see `mou schema`)\n"


def test_bom_and_windows_line_endings_are_accepted(yaml_file: Path, run: Callable[..., Result]) -> None:
    """A file saved by Notepad (BOM, CRLF) reads the same as the original."""
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    result = run("check", SLUG)
    assert result.exit_code == 0, result.stderr


def test_not_utf8_is_refused(yaml_file: Path, run: Callable[..., Result]) -> None:
    """A Latin-1 file gets a clear message with its line."""
    yaml_file.write_bytes("a: 1\nb: caf\xe9\n".encode("latin-1"))
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {yaml_file}:2: not valid UTF-8 text, expected a UTF-8 file\n"


@pytest.mark.parametrize("slug", ["../x", "/etc", "Buton", "a b", "x", "buton--x", "a/b", "..", "buton.yaml", "x" * 65])
def test_path_like_slugs_are_refused(slug: str, root: Path, run: Callable[..., Result]) -> None:
    """A slug that is not a plain lower-case name is refused before any file is touched."""
    before = tree_hash(root.parent)
    for args in (["render", slug], ["new", slug], ["check", slug]):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: invalid slug {slug!r}: use 3-64 lower-case letters")
    assert tree_hash(root.parent) == before


def _text_fields() -> list[tuple[str, int]]:
    """(field path, line) of every text value written in the example file."""
    from workflow.data.schema import strip_optional
    from workflow.data.yaml import load as load_yaml
    from workflow.documents.context import leaf_types

    doc = load_yaml(EXAMPLE_FILE)
    out: list[tuple[str, int]] = []

    def walk(value: object, path: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}" if path else k)
        elif isinstance(value, list):
            for i, v in enumerate(value, 1):
                walk(v, f"{path}[{i}]")
        elif isinstance(value, str) and path in doc.lines:
            out.append((path, doc.lines[path]))

    walk(doc.data, "")
    types = leaf_types()
    return [(f, n) for f, n in out if strip_optional(types.get(re.sub(r"\[\d+\]", "[]", f))) is str]


EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "agreements" / SLUG / "agreement.yaml"
TEXT_FIELDS = _text_fields()
_LINE = re.compile(r"^(\s*(?:- )?)(?:([A-Za-z_]\w*):(?:\s|$))?")


def _set_line(text: str, line: int, value: str) -> str:
    lines = text.split("\n")
    match = _LINE.match(lines[line - 1])
    assert match is not None
    lead, key = match.group(1), match.group(2)
    lines[line - 1] = f"{lead}{key}: {value}" if key else f"{lead}{value}"
    return "\n".join(lines)


@pytest.mark.parametrize(("field", "line"), TEXT_FIELDS, ids=[f for f, _ in TEXT_FIELDS])
def test_control_character_in_any_text_field_is_named(
    field: str, line: int, yaml_file: Path, root: Path, run: Callable[..., Result]
) -> None:
    """A character XML 1.0 forbids, in any text field, is refused naming that field and line; nothing is written."""
    yaml_file.write_text(_set_line(yaml_file.read_text(encoding="utf-8"), line, '"A\\x0bB"'), encoding="utf-8")
    before = tree_hash(root)
    result = run("render", SLUG)
    assert result.exit_code == 1
    message = "contains the control character U+000B at position 2, expected printable text"
    assert result.stderr == f"Error: {yaml_file}:{line}: {field}: {message}\n"
    assert tree_hash(root) == before


def test_xml_special_rtl_and_combining_text_in_every_field_renders_exactly(
    yaml_file: Path, root: Path, run: Callable[..., Result]
) -> None:
    """Every text field carrying & < > quotes, Arabic and a combining accent renders, and the .docx stays valid."""
    import zipfile

    from lxml import etree

    from tests.conftest import docx_text

    text = yaml_file.read_text(encoding="utf-8")
    marker = "A & B <C> 'D' \"E\" \u0645\u062d\u0645\u062f e\u0301"
    for field, line in TEXT_FIELDS:
        if (
            field.split(".")[-1] in {"title", "party_labels", "timezone", "cadence", "kind", "data_source", "process"}
            or "roles" in field
        ):
            continue  # enumerations and names of other things: not free text
        original = yaml_file.read_text(encoding="utf-8").split("\n")[line - 1]
        body = original.split(": ", 1)[1] if ": " in original else original.split("- ", 1)[1]
        value = body.split("  #")[0].strip()
        text = _set_line(text, line, json.dumps(value.strip("'\"") + " " + marker, ensure_ascii=False))
    yaml_file.write_text(text, encoding="utf-8")
    result = run("render", SLUG, "--stage", "fgd", "--stage", "draft_kb")
    assert result.exit_code == 0, result.stderr
    for path in (root / SLUG / "documents").rglob("*.docx"):
        with zipfile.ZipFile(path) as zf:
            etree.fromstring(zf.read("word/document.xml"))
        assert "A & B <C> 'D' \"E\" \u0645\u062d\u0645\u062f e\u0301" in docx_text(path)


def test_very_long_text_is_refused(yaml_file: Path, run: Callable[..., Result]) -> None:
    """A name of 5.000 characters is refused with the limit."""
    text = yaml_file.read_text(encoding="utf-8")
    line = text[: text.index("  venue:")].count("\n") + 1
    yaml_file.write_text(_set_line(text, line, "x" * 5000), encoding="utf-8")
    result = run("check", SLUG)
    assert result.stderr == f"Error: {yaml_file}:{line}: fgd.venue: is 5,000 characters long, expected at most 4,000\n"
