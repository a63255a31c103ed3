"""Static checks of Word templates: what ``mou check`` passes renders, what it refuses would fail.

The linter reads exactly what the renderer renders: the Jinja source of every part is the one the
renderer's own ``workflow.documents.compiled.compile_template`` compiles (body, headers, footers, footnotes,
patched by docxtpl's ``patch_xml``, entities inside tags decoded once: ``&amp;`` in the XML is
``&`` in a tag), and the core document properties docxtpl renders (title, subject, author,
comments, identifier, language).

What Word and LibreOffice write into a tag is read as docxtpl reads it, so a template edited and
saved in either passes as it renders: a tag split over several runs, with proofing marks
(``<w:proofErr/>``) or bookmarks between them; quotes LibreOffice stores as ``&apos;`` or
``&quot;`` (and any other entity); curly quotes Word's autocorrect types (``‘-’`` is ``'-'``, as
docxtpl straightens it).

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
- no curly quote inside a string the author wrote in straight quotes (``replace("’", "'")``):
  docxtpl straightens it, so the string would hold another character than the author typed
  (``\u2019`` writes a curly one): a deliberate refusal. Curly quotes around a string, and inside
  one written in curly quotes, are autocorrect's and mean straight ones.

Where a problem is in a tag, ``mou check`` names the tag as the author typed it and the paragraph it
is in (its number in the part, its table cell or footnote, its first words) on a second line
(``check_template(..., locate=True)``); a character offset into the XML is never shown.

Tags in parts neither engine renders (endnotes, comments) are not read: they print as typed.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from workflow.data.catalogue import DocumentSpec, load_catalogue, shown, templates_dir
from workflow.data.model import Agreement
from workflow.documents.compiled import UnsafeTemplate
from workflow.documents.context import schema_paths
from workflow.documents.environment import environment
from workflow.i18n import _, ngettext

if TYPE_CHECKING:
    from collections.abc import MutableMapping

    from jinja2 import Environment, TemplateSyntaxError, nodes
    from lxml import etree

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_CURLY = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
"""Word's autocorrected quotes and the straight quote docxtpl turns each into inside a tag."""
_STRAIGHT = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")
_LOOP = "@loop"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CORE = "docProps/core.xml"
_UNPARSED = re.compile(r"\{#.*?#\}|\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.S)
_TABLE_MARK = re.compile(
    r"<(?P<close>/?)w:(?P<element>tbl|tr|tc)(?=[ >/])[^>]*?(?P<empty>/?)>|(?P<tag>\{%[-+]?\s*(?P<loop>for|endfor)\b.*?%\})", re.S
)
_LEXER_AT = re.compile(r"^(unexpected char (.*)) at (\d+)$")
_DOCXTPL_PREFIX = re.compile(r"^(?:p|tr|tc|r) ")
"""docxtpl's ``{%p %}``, ``{%tr %}``, ``{%tc %}``, ``{%r %}``, ``{{r }}``, ``{{p }}``: the letter right after the delimiter."""
_STATEMENT = re.compile(r"\{%[-+]?\s*(\w+)")
_BLOCKS = {"for", "if", "macro", "call", "filter", "with", "autoescape", "block", "trans"}
_WORDS = 60
"""Characters of a paragraph's first words shown where a problem is."""


@dataclass(frozen=True)
class TemplateIssue:
    """One problem in one template."""

    template: str
    part: str
    field: str
    message: str
    where: str = ""
    """The tag as the author typed it and the paragraph it is in, when asked for (``check_template(..., locate=True)``)."""

    def __str__(self) -> str:
        where = f"{self.template} ({self.part})"
        line = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{line}\n    {self.where}" if self.where else line


class Part(NamedTuple):
    """One part the renderer fills: its name, what the author typed in it, the Jinja source the renderer compiles."""

    name: str
    typed: tuple[str, ...]
    """The text of each paragraph as Word shows it (runs joined, entities decoded), or the property's value."""
    source: str


class _Paragraph(NamedTuple):
    """One paragraph of a part as the author sees it: its text and where it stands (a table cell, a footnote)."""

    text: str
    cell: tuple[int, int, int] | None = None
    """(table, row, cell), each counted from 1, of the table cell the paragraph is in."""
    footnote: str | None = None
    """The id of the footnote the paragraph is in."""


def template_parts(path: Path) -> list[Part]:
    """Every part of the template the renderer fills, with the very source it compiles.

    The sources are what ``workflow.documents.compiled.compile_template`` hands to its Jinja environment,
    recorded by an environment that compiles none of them (it hands back an empty template): the
    linter cannot read other parts or other text than the renderer.
    """
    return [part for part, _paragraphs in _read_parts(path)]


def _read_parts(path: Path) -> list[tuple[Part, list[_Paragraph]]]:
    """``template_parts`` with the paragraphs of each part (a property is one paragraph with no place)."""
    from workflow.documents.compiled import compile_template

    sources: dict[int, str] = {}
    compiled = compile_template(path, _recorder(sources))
    members = dict(compiled.members)
    parts: list[tuple[Part, list[_Paragraph]]] = []
    for name, part in compiled.parts.items():
        paragraphs = _paragraphs(members[name])
        parts.append((Part(name, tuple(p.text for p in paragraphs), sources[id(part.template)]), paragraphs))
    for prop, template in compiled.props.items():
        value = sources[id(template)]  # the property's text, decoded by the XML parser, rendered unpatched
        parts.append((Part(f"{_CORE}, {prop}", (value,), value), [_Paragraph(value)]))
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


def _paragraphs(xml: bytes) -> list[_Paragraph]:
    """Every paragraph of a part in document order, its text as Word shows it (runs joined, markup dropped,
    entities decoded once; a text box's paragraphs are their own), and its table cell or footnote."""
    from lxml import etree

    root = etree.fromstring(xml)
    places: dict[
        etree._Element, tuple[int, int, int]
    ] = {}  # every cell's (table, row, cell) (holding the keys keeps lxml's proxies)
    for t, table in enumerate(root.iter(f"{_W}tbl"), start=1):
        rows = [row for row in table.iter(f"{_W}tr") if _nearest(row, "tbl") is table]
        for r, row in enumerate(rows, start=1):
            cells = [cell for cell in row.iter(f"{_W}tc") if _nearest(cell, "tr") is row]
            places.update((cell, (t, r, c)) for c, cell in enumerate(cells, start=1))
    found: list[_Paragraph] = []
    for p in root.iter(f"{_W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{_W}t") if _nearest(t, "p") is p)
        cell, note = _nearest(p, "tc"), _nearest(p, "footnote")
        if cell is not None:
            found.append(_Paragraph(text, cell=places.get(cell)))
        else:
            found.append(_Paragraph(text, footnote=str(note.get(f"{_W}id")) if note is not None else None))
    return found


def _nearest(element: etree._Element, name: str) -> etree._Element | None:
    """The closest enclosing ``w:name`` of ``element``."""
    return next(element.iterancestors(f"{_W}{name}"), None)


def used_paths(source: str) -> tuple[list[str], list[str]]:
    """(variable paths, unsafe attribute uses) in one Jinja source."""
    return _paths(environment().parse(source))


def _paths(tree: nodes.Template) -> tuple[list[str], list[str]]:
    """(variable paths, unsafe attribute uses) in one parsed template."""
    found, unsafe = _uses(tree)
    return [path for path, _line in found], [attr for attr, _line in unsafe]


def _uses(tree: nodes.Template) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(variable paths, unsafe attribute uses) in one parsed template, each with the source line it is on."""
    from jinja2 import nodes

    found: list[tuple[str, int]] = []
    unsafe: list[tuple[str, int]] = []

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
            unsafe.append((node.attr, node.lineno))
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_"):
            unsafe.append((str(node.arg.value), node.lineno))
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            path = path_of(node, scope)
            if path is not None:
                if not path.startswith(_LOOP) and not (isinstance(node, nodes.Name) and node.ctx != "load"):
                    found.append((path, node.lineno))
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


def check_template(path: Path, spec: DocumentSpec | None = None, *, locate: bool = False) -> list[TemplateIssue]:
    """Every problem of one template file; an empty list when it is sound.

    With ``locate`` each problem in a tag says where it is (``TemplateIssue.where``: the tag as the
    author typed it, its paragraph's number, table cell or footnote, and first words), as ``mou
    check`` prints it; a render's refusal lists the problems one line each.
    """
    from lxml import etree

    name = shown(path)
    try:
        parts = _read_parts(path)
    except UnsafeTemplate as err:
        return [TemplateIssue(name, _("file"), "", _("refused: {reason}").format(reason=err))]
    except (OSError, zipfile.BadZipFile, KeyError, UnicodeDecodeError, ValueError, etree.XMLSyntaxError) as err:
        return [TemplateIssue(name, _("file"), "", _("not a readable .docx ({error})").format(error=err))]
    env = environment()
    return [issue for part, paragraphs in parts for issue in _check_part(name, part, paragraphs, env, spec, locate)]


def _check_part(
    template: str, part: Part, paragraphs: list[_Paragraph], env: Environment, spec: DocumentSpec | None, locate: bool
) -> list[TemplateIssue]:
    """Every problem of one part, each located (``_Locator``) when ``locate``."""
    from jinja2 import TemplateSyntaxError

    at = _Locator(part, paragraphs, env) if locate else None

    def issue(message: str, field: str = "", where: str = "") -> TemplateIssue:
        return TemplateIssue(template, part.name, field, message, where)

    issues: list[TemplateIssue] = []
    if not part.name.startswith(_CORE):  # docxtpl straightens quotes in the parts it patches, not in properties
        for index, (tag, quote) in _curly_in_strings(paragraphs).items():
            where = at.describe([index]) if at else ""
            issues.append(
                issue(
                    _(
                        "curly quote {quote} inside a string in straight quotes in {tag}: docxtpl straightens it,"
                        " expected a straight quote, or \\u{code} for a curly one"
                    ).format(quote=quote, tag=_short(tag), code=f"{ord(quote):04x}"),
                    where=where,
                )
            )
    for message, offset in _loops_across_cells(part):
        issues.append(issue(message, where=at.source_tags([at.tag_at_offset(offset)]) if at else ""))
    try:
        tree = env.parse(part.source)
    except TemplateSyntaxError as err:
        message = _("template syntax error: {message}").format(message=_syntax_message(err, part))
        return [*issues, issue(message, where=at.syntax_error() if at else "")]
    paths, unsafe = _paths(tree)
    lines: dict[str, list[int]] = {}
    if at is not None and at.tree is not None:
        found, unsafe_at = _uses(at.tree)
        for name, lineno in [*found, *unsafe_at]:
            lines.setdefault(name, []).append(lineno)

    def where_used(name: str) -> str:
        return at.lines(lines.get(name, [])) if at else ""

    for attr in sorted(set(unsafe)):
        issues.append(issue(_("access to underscore attributes is not allowed in templates"), attr, where_used(attr)))
    valid = _valid()
    sections = set(Agreement.__dataclass_fields__)
    for p in sorted(set(paths)):
        if p not in valid:
            near = difflib.get_close_matches(p, valid, n=1)
            if near:
                message = _("not in the agreement model, did you mean {path}?").format(path=near[0])
            else:
                message = _("not in the agreement model")
            issues.append(issue(message, p, where_used(p)))
        elif spec is not None:
            top = p.split(".")[0].split("[")[0]
            if top in sections and top not in spec.needs:
                message = _("section {section} is not in the catalogue's needs for {document}").format(
                    section=top, document=spec.name
                )
                issues.append(issue(message, p, where_used(p)))
    for message, kind, name in _unknown_names(tree, part, env):
        issues.append(issue(message, where=at.uses_of(kind, name) if at else ""))
    return issues


class _Locator:
    """Where a problem of one part is, as the author sees it: the tag as typed and its paragraph.

    The tags of the compiled source are matched, in order, with the tags typed in the paragraphs
    (docxtpl's prefixes, whitespace control, straightened quotes and decoded entities aside; the
    tags docxtpl itself adds for ``{% hm %}``, ``{% vm %}``, ``{% colspan %}`` and ``{% cellbg %}``
    match none). The source is parsed once more with each tag starting a line of its own, so that
    Jinja's line numbers (of a node, of a syntax error) name one tag.
    """

    def __init__(self, part: Part, paragraphs: list[_Paragraph], env: Environment) -> None:
        from jinja2 import TemplateSyntaxError

        self.part, self.paragraphs = part, paragraphs
        self.property = part.name.startswith(_CORE)
        self.tags = list(_TAG.finditer(part.source))
        self.typed = [(m.group(), n) for n, p in enumerate(paragraphs) for m in _TAG.finditer(p.text)]
        source_keys = [_key(m.group()) for m in self.tags]
        typed_keys = [_key(tag) for tag, _paragraph in self.typed]
        blocks = difflib.SequenceMatcher(None, source_keys, typed_keys, autojunk=False).get_matching_blocks()
        self.typed_of = {a + k: b + k for a, b, size in blocks for k in range(size)}
        lined: list[str] = []
        self.starts: list[int] = []  # the line each tag starts on in the lined source
        line, last = 1, 0
        for m in self.tags:
            before = part.source[last : m.start()] + "\n"
            line += before.count("\n")
            self.starts.append(line)
            lined += [before, m.group()]
            line += m.group().count("\n")
            last = m.end()
        lined.append(part.source[last:])
        self.tree: nodes.Template | None = None
        self.error: TemplateSyntaxError | None = None
        try:
            self.tree = env.parse("".join(lined))
        except TemplateSyntaxError as err:
            self.error = err

    def tag_at_line(self, lineno: int) -> int | None:
        """The tag a line of the lined source is in."""
        index = bisect_right(self.starts, lineno) - 1
        return index if index >= 0 else None

    def tag_at_offset(self, offset: int) -> int | None:
        """The tag at a character offset of the compiled source."""
        index = bisect_right([m.start() for m in self.tags], offset) - 1
        return index if index >= 0 and offset < self.tags[index].end() else None

    def lines(self, linenos: Sequence[int]) -> str:
        """Where the tags on these lines of the lined source are."""
        return self.source_tags([self.tag_at_line(n) for n in linenos])

    def uses_of(self, kind: str, name: str) -> str:
        """Where filter or test ``name`` is used."""
        from jinja2 import nodes

        if self.tree is None:
            return ""
        node_type = nodes.Filter if kind == "filter" else nodes.Test
        return self.lines([n.lineno for n in self.tree.find_all(node_type) if n.name == name])

    def syntax_error(self) -> str:
        """Where Jinja's syntax error is: the tag its line names, or the innermost block left open at the end."""
        if self.error is None:
            return ""
        if self.error.message and self.error.message.startswith("Unexpected end of template"):
            return self.source_tags([self._unclosed()])
        return self.lines([self.error.lineno])

    def _unclosed(self) -> int | None:
        """The innermost block tag that no end tag closes."""
        text = _UNPARSED.sub(lambda m: " " * len(m.group()), self.part.source)  # comments and raw blocks hold no tags
        open_blocks: list[tuple[str, int]] = []
        for index, m in enumerate(self.tags):
            statement = _STATEMENT.match(m.group())
            if statement is None or text[m.start()] != "{":
                continue
            word = statement.group(1)
            if word in _BLOCKS or (word == "set" and "=" not in m.group()):
                open_blocks.append((word, index))
            elif word.startswith("end") and open_blocks and open_blocks[-1][0] == word[3:]:
                open_blocks.pop()
        return open_blocks[-1][1] if open_blocks else None

    def source_tags(self, indexes: Sequence[int | None]) -> str:
        """Where the tags of the compiled source at ``indexes`` are (None: unknown)."""
        places: list[tuple[str, int | None]] = []
        for index in indexes:
            if index is None:
                continue
            typed = self.typed_of.get(index)
            places.append(self.typed[typed] if typed is not None else (self.tags[index].group(), None))
        return self._describe(places)

    def describe(self, typed: Sequence[int]) -> str:
        """Where the typed tags at ``typed`` are."""
        return self._describe([self.typed[i] for i in typed])

    def _describe(self, places: list[tuple[str, int | None]]) -> str:
        """``at {{ tag }} in paragraph 3 (table 1, row 2, cell 1) “first words”, and 2 more places``."""
        unique = list(dict.fromkeys(places))
        if not unique:
            return ""
        tag, paragraph = unique[0]
        shown_tag = _short(tag, 80)
        if paragraph is None or self.property:
            text = _("at {tag}").format(tag=shown_tag)
        else:
            p = self.paragraphs[paragraph]
            words = _first_words(p.text)
            if p.footnote is not None:  # the author counts footnotes, not the separators' paragraphs
                text = _("at {tag} in footnote {footnote} \u201c{words}\u201d").format(
                    tag=shown_tag, footnote=p.footnote, words=words
                )
            elif p.cell is not None:
                table, row, cell = p.cell
                text = _("at {tag} in paragraph {paragraph} (table {table}, row {row}, cell {cell}) \u201c{words}\u201d").format(
                    tag=shown_tag, paragraph=paragraph + 1, table=table, row=row, cell=cell, words=words
                )
            else:
                text = _("at {tag} in paragraph {paragraph} \u201c{words}\u201d").format(
                    tag=shown_tag, paragraph=paragraph + 1, words=words
                )
        more = len(unique) - 1
        if more:
            text += ngettext(", and {n} more place", ", and {n} more places", more).format(n=more)
        return text


def _key(tag: str) -> str:
    """A tag as the compiled source and the typed text both have it: docxtpl's prefix, whitespace control,
    curly quotes and spacing aside."""
    inner = _DOCXTPL_PREFIX.sub(" ", tag[2:-2]).strip(" \t\n-+")
    return tag[:2] + " ".join(inner.translate(_STRAIGHT).split())


def _first_words(text: str) -> str:
    words = " ".join(text.split())
    if len(words) <= _WORDS:
        return words
    cut = words[:_WORDS].rsplit(" ", 1)[0] if " " in words[:_WORDS] else words[:_WORDS]
    return cut + " \u2026"


def _curly_in_strings(paragraphs: list[_Paragraph]) -> dict[int, tuple[str, str]]:
    """{typed tag index: (tag, quote)} for each tag holding a curly quote inside a string written in straight quotes.

    docxtpl straightens every curly quote of a tag. Autocorrect's, around a string or inside one
    written in curly quotes, mean the straight ones the author typed; one inside a string the author
    wrote in straight quotes was typed on purpose, and straightening it changes the string.
    """
    found: dict[int, tuple[str, str]] = {}
    index = 0
    for p in paragraphs:
        for m in _TAG.finditer(p.text):
            quote = _curly_in_straight_string(m.group()[2:-2]) if any(q in m.group() for q in _CURLY) else None
            if quote is not None:
                found[index] = (m.group(), quote)
            index += 1
    return found


def _curly_in_straight_string(code: str) -> str | None:
    """The first curly quote inside a string literal that opens with a straight quote, in a tag's code."""
    closing: str | None = None  # the straight quote that ends the string being read
    curly_string = False
    escaped = False
    for char in code:
        straight = _CURLY.get(char, char)
        if closing is None:
            if straight in "'\"":
                closing, curly_string = straight, char in _CURLY
        elif escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _CURLY and not curly_string:
            return char
        elif straight == closing:
            closing = None
    return None


def _unknown_names(tree: nodes.Template, part: Part, env: Environment) -> list[tuple[str, str, str]]:
    """(message, filter or test, name) for each filter and test the environment lacks (Jinja refuses them when
    compiling or running)."""
    from jinja2 import nodes
    from jinja2.filters import FILTERS
    from jinja2.tests import TESTS

    problems: list[tuple[str, str, str]] = []
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
            hint = _(", did you mean {name}?").format(name=near[0]) if near else ""
            tag = _tag_using(part, node.lineno, kind, node.name)
            where = _(" in {tag}").format(tag=tag) if tag is not None else ""
            if kind == "filter":
                text = _("unknown filter {name}{where}, expected one of {own} or a Jinja built-in filter{hint}")
            else:
                text = _("unknown test {name}{where}, expected one of {own} or a Jinja built-in test{hint}")
            message = text.format(name=node.name, where=where, own=own, hint=hint)
            problems.append((message, kind, node.name))
    return problems


def _tag_using(part: Part, lineno: int, kind: str, name: str) -> str | None:
    """The tag on source line ``lineno`` (else anywhere) that uses filter or test ``name``, shortened; None if none."""
    word = re.escape(name)
    use = re.compile(rf"(?:\|\s*|\{{%[-+]?\s*filter\s+){word}\b" if kind == "filter" else rf"\bis\s+(?:not\s+)?{word}\b")
    lines = part.source.split("\n")
    for text in (lines[lineno - 1] if 0 < lineno <= len(lines) else "", part.source):
        tag = next((m.group() for m in _TAG.finditer(text) if use.search(m.group())), None)
        if tag is not None:
            return _short(tag)
    return None


def _syntax_message(err: Exception, part: Part) -> str:
    """Jinja's message, with a lexer's character offset in the whole part replaced by the tag it is in."""
    message = getattr(err, "message", None) or str(err)
    at = _LEXER_AT.match(message)
    if at:
        offset = int(at.group(3))
        tag = next((m.group() for m in _TAG.finditer(part.source) if m.start() <= offset < m.end()), None)
        # i18n: Jinja's own message (at.group(1), "unexpected char ...") is not translated: Jinja writes it
        message = _("{message} in {tag}").format(message=at.group(1), tag=_short(tag)) if tag is not None else at.group(1)
        if at.group(2).strip("'\"") in _CURLY:  # only a property keeps them: docxtpl straightens the parts it patches
            message += _(", expected straight quotes ' or \" (document properties keep curly ones)")
    return message


def _loops_across_cells(part: Part) -> list[tuple[str, int]]:
    """(message, offset of its for tag) for each loop that does not end in the table cell, row or table where it starts.

    The patched source is what decides: ``{%p for %}`` has become ``{% for %}`` where its paragraph
    was, ``{%tr for %}`` where its row was, ``{%tc for %}`` where its cell was. A loop must leave
    every table, row and cell it opens: the same open elements where it starts and where it ends.
    """
    text = _UNPARSED.sub(lambda m: " " * len(m.group()), part.source)  # comments and raw blocks are no loops
    open_elements: list[tuple[str, int]] = []  # (tbl/tr/tc, which one), innermost last
    loops: list[tuple[str, int, tuple[tuple[str, int], ...]]] = []
    problems: list[tuple[str, int]] = []
    for number, m in enumerate(_TABLE_MARK.finditer(text)):
        if m.group("tag"):
            if m.group("loop") == "for":
                loops.append((m.group("tag"), m.start("tag"), tuple(open_elements)))
            elif loops:  # an endfor without its for is Jinja's syntax error, reported by the parser
                tag, offset, start = loops.pop()
                if start != tuple(open_elements):
                    problems.append((_across(_short(tag), start, tuple(open_elements)), offset))
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
        return _(
            "{tag} starts in one table row and ends in another, expected {for_tag} and {endfor_tag} each in a row of its own"
        ).format(tag=tag, for_tag="{%tr for ... %}", endfor_tag="{%tr endfor %}")
    if left == right == "tc":
        return _(
            "{tag} starts in one table cell and ends in another, expected {for_tag} and {endfor_tag} each in a cell of its own"
        ).format(tag=tag, for_tag="{%tc for ... %}", endfor_tag="{%tc endfor %}")
    return _(
        "{tag} does not end in the table cell, row or table where it starts,"
        " expected the loop inside one cell, or {for_tag} around whole rows"
    ).format(tag=tag, for_tag="{%tr for ... %}")


def check_templates() -> list[TemplateIssue]:
    """Check every template of the catalogue (each problem located), and every .docx in templates/ not in it."""
    catalogue = load_catalogue()
    issues: list[TemplateIssue] = []
    listed = set()
    for _stage, spec in catalogue.documents():
        listed.add(spec.template)
        issues += check_template(templates_dir() / spec.template, spec, locate=True)
    for path in sorted(templates_dir().glob("*.docx")):
        if path.name not in listed:
            issues.append(TemplateIssue(shown(path), _("catalogue"), "", _("template is not listed in templates/catalogue.yaml")))
    return issues


def _short(tag: str, width: int = 50) -> str:
    """A tag on one line, cut to ``width`` characters."""
    tag = " ".join(tag.split())
    return tag if len(tag) <= width else tag[: width - 3] + "..."
