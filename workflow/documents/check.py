"""Static checks of Word templates: what ``mou check`` passes renders, what it refuses would fail.

The linter reads exactly what the renderer renders: the Jinja source of every part is the one the
renderer's own ``workflow.documents.compiled.compile_template`` compiles (body, headers, footers, footnotes,
patched by docxtpl's ``patch_xml``, entities inside tags decoded once: ``&amp;`` in the XML is
``&`` in a tag), and the core document properties docxtpl renders (title, subject, author,
comments, identifier, language). Messages show tags as the author typed them.

Rules, each checked on that text:

- every variable path exists in the agreement model: the syntax tree is walked and loop variables
  followed (``{% for p in fgd.invitees %}{{ p.name }}`` uses ``fgd.invitees[].name``), and the
  path's section is in the catalogue's ``needs`` (StrictUndefined would fail at render);
- every filter and test exists in the renderer's Jinja environment (Jinja refuses an unknown one
  when it compiles the template, or when the ``{% if %}`` branch using it runs);
- the template parses (Jinja's own parser, the environment of the renderer);
- no underscore attribute (the sandbox refuses it at render);
- a loop starts and ends in the same table cell, row or table: ``{%p for %}`` and a bare
  ``{% for %}`` inside one cell are fine, as are ``{%tr for %}`` and ``{%tc for %}``; a loop that
  starts in one cell and ends in another is refused. Where it ends outside the table the rendered
  XML is broken (mou refuses it); where it ends in another row or cell of the same table both
  engines render it, but not as the table the author drew (a stray empty row, a row with more
  cells than the others): a deliberate refusal;
- no curly quotes inside a tag in what the author typed: docxtpl straightens them, so the tag runs
  with other text than the author sees (a ``replace`` of a curly apostrophe would replace a
  straight one): a deliberate refusal.

Tags in parts neither engine renders (endnotes, comments) are not read: they print as typed.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from workflow.data.catalogue import DocumentSpec, load_catalogue, shown, templates_dir
from workflow.data.model import Agreement
from workflow.documents.compiled import UnsafeTemplate
from workflow.documents.context import schema_paths
from workflow.documents.environment import environment

if TYPE_CHECKING:
    from collections.abc import MutableMapping

    from jinja2 import Environment, nodes

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_CURLY = "\u2018\u2019\u201c\u201d"
_LOOP = "@loop"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CORE = "docProps/core.xml"
_UNPARSED = re.compile(r"\{#.*?#\}|\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.S)
_TABLE_MARK = re.compile(
    r"<(?P<close>/?)w:(?P<element>tbl|tr|tc)(?=[ >/])[^>]*?(?P<empty>/?)>|(?P<tag>\{%[-+]?\s*(?P<loop>for|endfor)\b.*?%\})", re.S
)
_LEXER_AT = re.compile(r"^(unexpected char .*) at (\d+)$")


@dataclass(frozen=True)
class TemplateIssue:
    """One problem in one template."""

    template: str
    part: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.template} ({self.part})"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class Part(NamedTuple):
    """One part the renderer fills: its name, what the author typed in it, the Jinja source the renderer compiles."""

    name: str
    typed: tuple[str, ...]
    """The text of each paragraph as Word shows it (runs joined, entities decoded), or the property's value."""
    source: str


def template_parts(path: Path) -> list[Part]:
    """Every part of the template the renderer fills, with the very source it compiles.

    The sources are what ``workflow.documents.compiled.compile_template`` hands to its Jinja environment,
    recorded by an environment that compiles none of them (it hands back an empty template): the
    linter cannot read other parts or other text than the renderer.
    """
    from workflow.documents.compiled import compile_template

    sources: dict[int, str] = {}
    compiled = compile_template(path, _recorder(sources))
    members = dict(compiled.members)
    parts = [Part(name, _typed(members[name]), sources[id(part.template)]) for name, part in compiled.parts.items()]
    for prop, template in compiled.props.items():
        value = sources[id(template)]  # the property's text, decoded by the XML parser, rendered unpatched
        parts.append(Part(f"{_CORE}, {prop}", (value,), value))
    return parts


def _recorder(sources: dict[int, str]) -> Environment:
    """A Jinja environment whose ``from_string`` records the source and returns an empty template."""
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

    class Recorder(SandboxedEnvironment):
        def from_string(
            self,
            source: str | nodes.Template,
            globals: MutableMapping[str, Any] | None = None,
            template_class: type[Template] | None = None,
        ) -> Template:
            template = super().from_string("")
            sources[id(template)] = source if isinstance(source, str) else ""
            return template

    return Recorder()


def _typed(xml: bytes) -> tuple[str, ...]:
    """The text of each paragraph as Word shows it: runs joined, markup dropped, entities decoded once."""
    from lxml import etree

    root = etree.fromstring(xml)
    return tuple("".join(t.text or "" for t in p.iter(f"{_W}t")) for p in root.iter(f"{_W}p"))


def used_paths(source: str) -> tuple[list[str], list[str]]:
    """(variable paths, unsafe attribute uses) in one Jinja source."""
    return _paths(environment().parse(source))


def _paths(tree: nodes.Template) -> tuple[list[str], list[str]]:
    """(variable paths, unsafe attribute uses) in one parsed template."""
    from jinja2 import nodes

    found: list[str] = []
    unsafe: list[str] = []

    def path_of(node: Any, scope: dict[str, str]) -> str | None:
        if isinstance(node, nodes.Name):
            return scope.get(node.name, node.name)
        if isinstance(node, nodes.Getattr):
            base = path_of(node.node, scope)
            return None if base is None else f"{base}.{node.attr}"
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            base = path_of(node.node, scope)
            if base is None:
                return None
            key = node.arg.value
            return f"{base}[]" if isinstance(key, int) else f"{base}.{key}"
        return None

    def visit(node: Any, scope: dict[str, str]) -> None:
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            unsafe.append(node.attr)
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_"):
            unsafe.append(str(node.arg.value))
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            path = path_of(node, scope)
            if path is not None:
                if not path.startswith(_LOOP) and not (isinstance(node, nodes.Name) and node.ctx != "load"):
                    found.append(path)
                return
        if isinstance(node, nodes.For):
            visit(node.iter, scope)
            inner = dict(scope, loop=_LOOP)
            base = path_of(node.iter, scope)
            targets = [node.target] if isinstance(node.target, nodes.Name) else node.target.find_all(nodes.Name)
            for target in targets:
                inner[target.name] = f"{base}[]" if base else _LOOP
            for child in (*node.body, *([node.test] if node.test else [])):
                visit(child, inner)
            for child in node.else_:
                visit(child, scope)
            return
        if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
            visit(node.node, scope)
            base = path_of(node.node, scope)
            scope[node.target.name] = base if base else _LOOP
            return
        for child in node.iter_child_nodes():
            visit(child, scope)

    visit(tree, {})
    return found, unsafe


@cache
def _valid() -> frozenset[str]:
    return frozenset(schema_paths())


def check_template(path: Path, spec: DocumentSpec | None = None) -> list[TemplateIssue]:
    """Every problem of one template file; an empty list when it is sound."""
    from lxml import etree

    name = shown(path)
    try:
        parts = template_parts(path)
    except UnsafeTemplate as err:
        return [TemplateIssue(name, "file", "", f"refused: {err}")]
    except (OSError, zipfile.BadZipFile, KeyError, UnicodeDecodeError, ValueError, etree.XMLSyntaxError) as err:
        return [TemplateIssue(name, "file", "", f"not a readable .docx ({err})")]
    env = environment()
    return [issue for part in parts for issue in _check_part(name, part, env, spec)]


def _check_part(template: str, part: Part, env: Environment, spec: DocumentSpec | None) -> list[TemplateIssue]:
    from jinja2 import TemplateSyntaxError

    def issue(message: str, field: str = "") -> TemplateIssue:
        return TemplateIssue(template, part.name, field, message)

    # docxtpl straightens curly quotes itself, so look at what the author typed
    curly = dict.fromkeys(t for text in part.typed for t in _TAG.findall(text) if any(q in t for q in _CURLY))
    issues = [issue(f"curly quotes inside {_short(tag)}, expected straight quotes ' or \"") for tag in curly]
    issues += [issue(message) for message in _loops_across_cells(part)]
    try:
        tree = env.parse(part.source)
    except TemplateSyntaxError as err:
        return [*issues, issue(f"template syntax error: {_syntax_message(err, part)}")]
    paths, unsafe = _paths(tree)
    issues += [issue("access to underscore attributes is not allowed in templates", attr) for attr in sorted(set(unsafe))]
    valid = _valid()
    sections = set(Agreement.__dataclass_fields__)
    for p in sorted(set(paths)):
        if p not in valid:
            near = difflib.get_close_matches(p, valid, n=1)
            hint = f", did you mean {near[0]}?" if near else ""
            issues.append(issue(f"not in the agreement model{hint}", p))
        elif spec is not None:
            top = p.split(".")[0].split("[")[0]
            if top in sections and top not in spec.needs:
                issues.append(issue(f"section {top} is not in the catalogue's needs for {spec.name}", p))
    issues += [issue(message) for message in _unknown_names(tree, part, env)]
    return issues


def _unknown_names(tree: nodes.Template, part: Part, env: Environment) -> list[str]:
    """A message for each filter and test the environment lacks (Jinja refuses them when compiling or running)."""
    from jinja2 import nodes
    from jinja2.filters import FILTERS
    from jinja2.tests import TESTS

    problems: list[str] = []
    kinds: list[tuple[str, type[nodes.Filter | nodes.Test], dict[str, Any], dict[str, Any]]] = [
        ("filter", nodes.Filter, env.filters, FILTERS),
        ("test", nodes.Test, env.tests, TESTS),
    ]
    for kind, node_type, known, builtin in kinds:
        seen: set[str] = set()
        for node in tree.find_all(node_type):
            if node.name in known or node.name in seen:
                continue
            seen.add(node.name)
            own = ", ".join(sorted(n for n in known if n not in builtin))
            near = difflib.get_close_matches(node.name, sorted(known), n=1)
            hint = f", did you mean {near[0]}?" if near else ""
            where = _tag_using(part, node.lineno, kind, node.name)
            problems.append(f"unknown {kind} {node.name}{where}, expected one of {own} or a Jinja built-in {kind}{hint}")
    return problems


def _tag_using(part: Part, lineno: int, kind: str, name: str) -> str:
    """`` in {{ ... }}``: the tag on source line ``lineno`` (else anywhere) that uses filter or test ``name``."""
    word = re.escape(name)
    use = re.compile(rf"(?:\|\s*|\{{%[-+]?\s*filter\s+){word}\b" if kind == "filter" else rf"\bis\s+(?:not\s+)?{word}\b")
    lines = part.source.split("\n")
    for text in (lines[lineno - 1] if 0 < lineno <= len(lines) else "", part.source):
        tag = next((m.group() for m in _TAG.finditer(text) if use.search(m.group())), None)
        if tag is not None:
            return f" in {_short(tag)}"
    return ""


def _syntax_message(err: Exception, part: Part) -> str:
    """Jinja's message, with a lexer's character offset in the whole part replaced by the tag it is in."""
    message = getattr(err, "message", None) or str(err)
    at = _LEXER_AT.match(message)
    if at:
        offset = int(at.group(2))
        tag = next((m.group() for m in _TAG.finditer(part.source) if m.start() <= offset < m.end()), None)
        if tag is not None:
            return f"{at.group(1)} in {_short(tag)}"
    return message


def _loops_across_cells(part: Part) -> list[str]:
    """A message for each loop that does not end in the table cell, row or table where it starts.

    The patched source is what decides: ``{%p for %}`` has become ``{% for %}`` where its paragraph
    was, ``{%tr for %}`` where its row was, ``{%tc for %}`` where its cell was. A loop must leave
    every table, row and cell it opens: the same open elements where it starts and where it ends.
    """
    text = _UNPARSED.sub(lambda m: " " * len(m.group()), part.source)  # comments and raw blocks are no loops
    open_elements: list[tuple[str, int]] = []  # (tbl/tr/tc, which one), innermost last
    loops: list[tuple[str, tuple[tuple[str, int], ...]]] = []
    problems: list[str] = []
    for number, m in enumerate(_TABLE_MARK.finditer(text)):
        if m.group("tag"):
            if m.group("loop") == "for":
                loops.append((m.group("tag"), tuple(open_elements)))
            elif loops:  # an endfor without its for is Jinja's syntax error, reported by the parser
                tag, start = loops.pop()
                if start != tuple(open_elements):
                    problems.append(_across(_short(tag), start, tuple(open_elements)))
        elif m.group("close"):
            while open_elements and open_elements.pop()[0] != m.group("element"):
                pass
        elif not m.group("empty"):
            open_elements.append((m.group("element"), number))
    return problems


def _across(tag: str, start: tuple[tuple[str, int], ...], end: tuple[tuple[str, int], ...]) -> str:
    shared = 0
    while shared < min(len(start), len(end)) and start[shared] == end[shared]:
        shared += 1
    left = start[shared][0] if shared < len(start) else ""
    right = end[shared][0] if shared < len(end) else ""
    if left == right == "tr":
        where, expected = "table row", "{%tr for ... %} and {%tr endfor %} each in a row of its own"
    elif left == right == "tc":
        where, expected = "table cell", "{%tc for ... %} and {%tc endfor %} each in a cell of its own"
    else:
        return (
            f"{tag} does not end in the table cell, row or table where it starts,"
            " expected the loop inside one cell, or {%tr for ... %} around whole rows"
        )
    return f"{tag} starts in one {where} and ends in another, expected {expected}"


def check_templates() -> list[TemplateIssue]:
    """Check every template of the catalogue, and every .docx in templates/ not in it."""
    catalogue = load_catalogue()
    issues: list[TemplateIssue] = []
    listed = set()
    for _, spec in catalogue.documents():
        listed.add(spec.template)
        issues += check_template(templates_dir() / spec.template, spec)
    for path in sorted(templates_dir().glob("*.docx")):
        if path.name not in listed:
            issues.append(TemplateIssue(shown(path), "catalogue", "", "template is not listed in templates/catalogue.yaml"))
    return issues


def _short(tag: str) -> str:
    tag = " ".join(tag.split())
    return tag if len(tag) <= 50 else tag[:47] + "..."
