"""Keep the message catalogs in step with the code (``make i18n``).

    python tools/i18n.py            extract workflow/locale/mou.pot, update the id and en catalogs, compile them
    python tools/i18n.py merge F..  fill the Indonesian catalog from JSON files {msgid: msgstr}, then compile
    python tools/i18n.py missing [--json F] PATH..
                                    list the messages of PATH (cli.py includes its help texts) that the
                                    Indonesian catalog (and F) does not translate, and F's keys no code uses

Extraction reads three sources: ``_()``/``N_()``/``ngettext()`` calls in ``workflow/`` and ``cli.py``
(Babel's Python extractor, as ``pybabel extract`` does), every help text of the click command tree
(docstrings and ``help=``, found by walking it), and click's own strings from its installed sources.
``pybabel update`` (no fuzzy matching, obsolete entries dropped) and ``pybabel compile`` do the rest.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LOCALE = ROOT / "workflow" / "locale"
POT = LOCALE / "mou.pot"
BIN = Path(sys.executable).parent
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
# workflow/data/model.py describes each field with field("...") (workflow.data.schema.field): the
# description is what `mou schema`, docs/schema.md and the skeleton's comments show.
FIELD_KEYWORDS = {**KEYWORDS, "field": None}


def _code_messages(paths: Iterable[Path]) -> Iterable[tuple[str, str | tuple[str, str], str]]:
    """(file, message, comment) of every marked string in ``paths`` (files or folders)."""
    for path in paths:
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            if "locale" in file.parts:
                continue
            keywords = FIELD_KEYWORDS if file.name == "model.py" else KEYWORDS
            for _lineno, message, _comments, _context in extract_from_file("python", str(file), keywords=keywords):
                yield str(file.relative_to(ROOT)), message, ""


def _template_messages() -> Iterable[tuple[str, str | tuple[str, str], str]]:
    """``_("...")`` in the web application's Jinja templates (Jinja's own Babel extractor)."""
    for file in sorted((ROOT / "workflow" / "web" / "templates").glob("*.html")):
        with file.open("rb") as fh:
            for _lineno, _func, message, _comments in babel_extract(fh, ["_", "gettext", "ngettext"], [], {}):
                if message:
                    yield str(file.relative_to(ROOT)), message if isinstance(message, str) else tuple(message)[:2], ""


def _help_messages() -> Iterable[tuple[str, str, str]]:
    import cli

    for owner, attribute, text in cli.help_texts(cli.main):
        yield "cli.py", text, f"help of {getattr(owner, 'name', '?')} ({attribute})"


def _derived_messages() -> Iterable[tuple[str, str, str]]:
    """The first line of each derived value's docstring: `mou schema` lists them (workflow/data/reference.py)."""
    import dataclasses
    import typing

    from workflow.data.model import Agreement
    from workflow.data.schema import strip_optional

    seen: set[type] = set()

    def walk(cls: type) -> Iterable[tuple[str, str, str]]:
        if cls in seen:
            return
        seen.add(cls)
        for name in dir(cls):
            attr = getattr(cls, name)
            if not name.startswith("_") and isinstance(attr, property) and (attr.__doc__ or "").strip():
                yield "workflow/data/model.py", attr.__doc__.strip().splitlines()[0], f"derived value {cls.__name__}.{name}"
        for tp in typing.get_type_hints(cls).values():
            base = strip_optional(tp)
            if typing.get_origin(base) is list:
                base = typing.get_args(base)[0]
            if dataclasses.is_dataclass(base):
                yield from walk(typing.cast(type, base))

    yield from walk(Agreement)


def _click_messages() -> Iterable[tuple[str, str | tuple[str, str], str]]:
    import click

    folder = Path(click.__file__).parent
    for filename, _lineno, message, _comments, _context in extract_from_dir(str(folder), keywords=KEYWORDS):
        yield f"click/{filename}", message, "click"


def extract() -> Catalog:
    catalog = Catalog(project="mou", msgid_bugs_address="", charset="utf-8", fuzzy=False)
    sources = [
        _code_messages([ROOT / "workflow", ROOT / "cli.py"]),
        _template_messages(),
        _help_messages(),
        _derived_messages(),
        _click_messages(),
    ]
    for source in sources:
        for file, message, comment in source:
            if not message or (isinstance(message, tuple) and not message[0]):
                continue
            catalog.add(message, locations=[(file, None)], auto_comments=[comment] if comment else [])
    return catalog


def _run(*args: str) -> None:
    subprocess.run([str(BIN / "pybabel"), *args], check=True, cwd=ROOT)


def update() -> None:
    LOCALE.mkdir(parents=True, exist_ok=True)
    catalog = extract()
    with POT.open("wb") as fh:
        write_po(fh, catalog, width=120, omit_header=False, include_lineno=False, sort_output=True)
    for lang in ("id", "en"):
        po = LOCALE / lang / "LC_MESSAGES" / "mou.po"
        if po.exists():
            _run(
                "-q",
                "update",
                "-i",
                str(POT),
                "-d",
                str(LOCALE),
                "-D",
                "mou",
                "-l",
                lang,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
                "-w",
                "120",
            )
        else:
            _run("-q", "init", "-i", str(POT), "-d", str(LOCALE), "-D", "mou", "-l", lang, "-w", "120")
    compile_catalogs()


def compile_catalogs() -> None:
    _run("-q", "compile", "-d", str(LOCALE), "-D", "mou", "--statistics")


def _id_catalog() -> Catalog:
    with (LOCALE / "id" / "LC_MESSAGES" / "mou.po").open("rb") as fh:
        return read_po(fh, locale="id")


def _save_id(catalog: Catalog) -> None:
    catalog.fuzzy = False  # a catalog marked fuzzy is not compiled
    catalog.project, catalog.version = "mou", ""
    catalog.last_translator = "mou <https://github.com/>"
    catalog.language_team = "Bahasa Indonesia"
    with (LOCALE / "id" / "LC_MESSAGES" / "mou.po").open("wb") as fh:
        write_po(fh, catalog, width=120, include_lineno=False, sort_output=True)


def merge(files: list[str]) -> None:
    catalog = _id_catalog()
    unused: list[str] = []
    filled = 0
    for file in files:
        for msgid, msgstr in json.loads(Path(file).read_text(encoding="utf-8")).items():
            key = tuple(msgid.split("\x00")) if "\x00" in msgid else msgid
            entry = catalog.get(key)
            if entry is None:
                unused.append(f"{file}: {msgid!r}")
                continue
            if isinstance(entry.id, tuple):  # Indonesian has one plural form
                one = msgstr[0] if isinstance(msgstr, list) else msgstr
                entry.string = tuple([one] * catalog.num_plurals)
            else:
                entry.string = msgstr
            entry.flags.discard("fuzzy")
            filled += 1
    _save_id(catalog)
    compile_catalogs()
    print(f"{filled} translations merged")
    for line in unused:
        print(f"not in the catalog (run make i18n first, or the code changed): {line}")


def missing(args: list[str]) -> int:
    part: dict[str, str] = {}
    if args[:1] == ["--json"]:
        part = json.loads(Path(args[1]).read_text(encoding="utf-8"))
        args = args[2:]
    paths = [ROOT / a for a in args]
    wanted: dict[str, str] = {}
    for file, message, _c in _code_messages(paths):
        key = message[0] if isinstance(message, tuple) else message
        wanted[key] = file
    if any(p.name == "templates" or p.suffix == ".html" for p in paths):
        for file, message, _c in _template_messages():
            key = message[0] if isinstance(message, tuple) else message
            wanted[key] = file
    if any(p.name == "cli.py" for p in paths):
        for file, message, _c in _help_messages():
            wanted[message] = file
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in _id_catalog() if m.id and m.string and any(m.string)}
    lacking = [(f, m) for m, f in wanted.items() if m not in translated and m not in part]
    for file, message in lacking:
        print(f"untranslated ({file}): {message!r}")
    unused = [k for k in part if k not in wanted]
    for key in unused:
        print(f"in the JSON but not in these files' code: {key!r}")
    print(f"{len(wanted)} messages, {len(lacking)} untranslated, {len(unused)} unused JSON keys")
    return 1 if lacking or unused else 0


if __name__ == "__main__":
    command = sys.argv[1:2]
    if not command:
        update()
    elif command == ["merge"]:
        merge(sys.argv[2:])
    elif command == ["missing"]:
        sys.exit(missing(sys.argv[2:]))
    else:
        sys.exit(__doc__)
