"""A strict, safe YAML reader that keeps line numbers (PyYAML's libyaml parser with YAML 1.2
core resolution, imported only when a file is not in the cache).

Only the YAML 1.2 core scalars are resolved (``true``/``false``, decimal numbers, ``null``), so
``no``, ``off``, ``yes``, ``on``, ``09:00`` and ``0777`` stay text; dates stay text and are parsed by
the schema. Duplicate keys, anchors and aliases (the "billion laughs" expansion), tags (``!!str`` too),
characters YAML does not allow and oversized files are refused with the file and line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workflow import i18n
from workflow.errors import InvalidData, Problem
from workflow.i18n import _

if TYPE_CHECKING:
    import yaml
    from yaml.nodes import Node

MAX_BYTES = 2_000_000
"""Agreement files are a few kilobytes; anything this large is a mistake or an attack."""


@dataclass
class Document:
    """Parsed YAML as plain Python values, with the line of every value by field path."""

    path: Path
    data: Any
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, fieldpath: str) -> int | None:
        """The line of ``fieldpath``, or of its nearest ancestor that exists."""
        while True:
            if fieldpath in self.lines:
                return self.lines[fieldpath]
            if not fieldpath:
                return None
            fieldpath = _parent(fieldpath)


def _parent(fieldpath: str) -> str:
    cut = max(fieldpath.rfind("."), fieldpath.rfind("["))
    return fieldpath[:cut] if cut > 0 else ""


def join(parent: str, key: str | int) -> str:
    """Field path of ``key`` under ``parent``: ``a.b`` for keys, ``a[2]`` for list items (1-based)."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def read_bytes(path: Path) -> bytes:
    """The bytes of a text file, refusing huge or unreadable files."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            message = _("file is {size} bytes, expected at most {limit}")
            raise InvalidData([Problem(path, None, "", message.format(size=i18n.number(size), limit=i18n.number(MAX_BYTES)))])
        return path.read_bytes()
    except OSError as err:
        # the reason is the operating system's own text
        raise InvalidData([Problem(path, None, "", _("cannot read file: {reason}").format(reason=err.strerror))]) from err


def decode(path: Path, raw: bytes) -> str:
    """UTF-8 text (a BOM is dropped), or InvalidData naming the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InvalidData([Problem(path, line, "", _("not valid UTF-8 text, expected a UTF-8 file"))]) from err


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (a BOM is dropped), refusing huge or undecodable files."""
    return decode(path, read_bytes(path))


def load(path: Path, text: str | None = None) -> Document:
    """Parse one YAML document from ``path`` (or ``text``) into plain values with line numbers.

    The parse is a pure function of the bytes, so it is kept in the per-user cache
    (``workflow.data.cache``): a file read before is not parsed again, and PyYAML is not even imported.
    """
    from workflow.data.cache import cached

    raw = read_bytes(path) if text is None else text.encode("utf-8")

    def parse_now() -> Document:
        return parse(path, decode(path, raw) if text is None else text)

    doc = cached("yaml", raw, parse_now)
    doc.path = path  # the same bytes may live in several files
    return doc


def iter_paths(doc: Document) -> Iterator[str]:
    """Every field path in the document (for tests and tooling)."""
    return iter(doc.lines)


# The parser: PyYAML, imported only when a file is not in the cache.


@cache
def _loader_class() -> Any:
    """The loader class, built on first use: PyYAML is imported only when a file is parsed."""
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    try:  # libyaml's parser is about 3x faster; the resolver and constructor stay in Python.
        from yaml._yaml import CParser as _Parser
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml.composer import Composer
        from yaml.parser import Parser
        from yaml.reader import Reader
        from yaml.scanner import Scanner

        class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]  # same interface
            def __init__(self, stream: str) -> None:
                Reader.__init__(self, stream)
                Scanner.__init__(self)
                Parser.__init__(self)
                Composer.__init__(self)

    class _Resolver(Resolver):
        """YAML 1.2 core schema resolution: no 1.1 booleans, no sexagesimal or octal ints."""

    _Resolver.yaml_implicit_resolvers = {}
    _Resolver.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    _Resolver.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
    _Resolver.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
        list("-+0123456789."),
    )
    _Resolver.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])

    class _Loader(_Parser, SafeConstructor, _Resolver):
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            SafeConstructor.__init__(self)
            _Resolver.__init__(self)
            self.text = stream  # composed nodes keep no anchors or written tags: they are read back from here
            self.shared: set[int] = set()  # nodes an alias refers to

    return _Loader


_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


def parse(path: Path, text: str) -> Document:
    """Parse one YAML document (the text of ``path``) into plain values with line numbers."""
    import yaml
    import yaml.reader

    loader = _loader_class()(text)
    # the last line an editor shows (the empty one after a final newline): libyaml puts an error at the end
    # of a file without a final newline one line further
    last = text.count("\n") + 1
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = min(mark.line + 1, last) if mark else None
        # PyYAML's own description of the problem stays in English: the library has no translations
        what = (err.problem or err.context or _("invalid YAML")).strip()
        if err.context and err.context_mark and err.problem and err.context_mark.line + 1 != line:
            what = _("{problem} ({context} started on line {line})").format(
                problem=what, context=err.context.strip(), line=err.context_mark.line + 1
            )
        quote = _unclosed_quote(text, err.context_mark.line if err.context_mark else 0, line_of_error(err))
        if quote:
            what = _("unclosed quote: the text from this line runs on to line {line}").format(line=min(line_of_error(err), last))
            line = quote
        raise InvalidData([Problem(path, line, "", _("invalid YAML: {problem}").format(problem=what))]) from err
    except yaml.reader.ReaderError as err:  # a character YAML does not allow anywhere, even in a comment
        raise InvalidData([_bad_character(path, text, err)]) from err
    except yaml.YAMLError as err:
        raise InvalidData([Problem(path, None, "", _("invalid YAML: {problem}").format(problem=err))]) from err
    finally:
        loader.dispose()
    doc = Document(path, None)
    problems: list[Problem] = []
    if root is not None:
        if "&" in text:
            loader.shared = _shared(root)
        doc.data = _build(root, "", doc, problems, set(), loader)
    if problems:
        raise InvalidData(problems)
    return doc


def _bad_character(path: Path, text: str, err: yaml.reader.ReaderError) -> Problem:
    """One problem at the line of a character YAML refuses (libyaml gives its offset in UTF-8 bytes)."""
    char = chr(err.character) if isinstance(err.character, int) else ""
    at = text.find(char) if char else -1
    if at < 0:  # not found again: the offset is the best there is
        at = min(max(err.position, 0), len(text))
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)
    code = f" U+{ord(char):04X}" if char else ""
    if unicodedata.category(char or " ") == "Cc":
        message = _("invalid YAML: contains the control character{code} at column {column}, expected printable text")
    else:
        message = _("invalid YAML: contains the character{code} at column {column}, expected printable text")
    return Problem(path, line, "", message.format(code=code, column=column))


def _shared(root: Node) -> set[int]:
    """Ids of the nodes reached more than once (an anchor some alias refers to), without expanding them."""
    from yaml.nodes import MappingNode, SequenceNode

    seen: set[int] = set()
    shared: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            shared.add(id(node))
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return shared


def _properties(text: str, at: int) -> tuple[str | None, str | None]:
    """The anchor (``&name``) and tag (``!!str``, ``!x``) written before the node that starts at ``at``."""
    anchor = tag = None
    while at < len(text) and text[at] in "&!":
        end = at
        while end < len(text) and not text[end].isspace():
            end += 1
        if text[at] == "&":
            anchor = text[at:end]
        else:
            tag = text[at:end]
        at = end
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
    return anchor, tag


def line_of_error(err: yaml.MarkedYAMLError) -> int:
    """1-based line where the parser gave up."""
    mark = err.problem_mark or err.context_mark
    return mark.line + 1 if mark else 0


def _unclosed_quote(text: str, first: int, last: int) -> int | None:
    """The line (1-based) that opens a quote never closed before ``last``, if any.

    PyYAML reports an unclosed quote where the run-on string finally breaks the structure, often
    many lines later; the line that opened it is what the user has to fix.
    """
    lines = text.splitlines()
    for i in range(first, min(last, len(lines))):
        value = lines[i].split(": ", 1)[1] if ": " in lines[i] else lines[i].lstrip(" -")
        value = value.strip()
        for q in "\"'":
            if value.startswith(q) and (len(value) == 1 or not value.rstrip().endswith(q)):
                return i + 1 if i + 1 < last else None
    return None


def _build(
    node: Node,
    fpath: str,
    doc: Document,
    problems: list[Problem],
    seen: set[int],
    loader: Any,
    line: int | None = None,
) -> Any:
    """Plain values from ``node``; ``line`` is where the value is named (its key's line)."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    line = line or node.start_mark.line + 1
    doc.lines[fpath] = line
    if id(node) in seen:  # the composer shares anchored nodes: a second visit is an alias
        problems.append(Problem(doc.path, line, fpath, _("YAML aliases (*name) are not allowed, write the value out")))
        return None
    seen.add(id(node))
    at = node.start_mark.index
    # a block mapping starts where its first key does: what is written there belongs to the key
    first_key = isinstance(node, MappingNode) and bool(node.value) and node.value[0][0].start_mark.index == at
    anchor, tag = (None, None) if first_key else _properties(loader.text, at)
    if anchor and id(node) not in loader.shared:  # an anchor some alias uses is reported at the alias
        message = _("YAML anchor {anchor} is not allowed, expected a plain value").format(anchor=anchor)
        problems.append(Problem(doc.path, line, fpath, message))
    if node.tag not in _PLAIN_TAGS:
        message = _("YAML tag {tag} is not allowed, expected a plain value").format(tag=node.tag)
        problems.append(Problem(doc.path, line, fpath, message))
        return None
    if tag:  # !!str, !!int, ! ...: resolved to a plain type, but written tags are refused all the same
        message = _("YAML tag {tag} is not allowed, expected a plain value").format(tag=tag)
        problems.append(Problem(doc.path, line, fpath, message))
        return None
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                problems.append(Problem(doc.path, key_node.start_mark.line + 1, fpath, _("keys must be plain names")))
                continue
            key_anchor, key_tag = _properties(loader.text, key_node.start_mark.index)
            if key_anchor or key_tag:
                if key_anchor:
                    message = _("YAML anchor {anchor} is not allowed, expected a plain name").format(anchor=key_anchor)
                else:
                    message = _("YAML tag {tag} is not allowed, expected a plain name").format(tag=key_tag)
                problems.append(Problem(doc.path, key_node.start_mark.line + 1, join(fpath, key_node.value), message))
                continue
            key = key_node.value
            child = join(fpath, key)
            if key in out:
                problems.append(
                    Problem(
                        doc.path,
                        key_node.start_mark.line + 1,
                        child,
                        _("duplicate key, first given on line {line}").format(line=doc.lines[child]),
                    )
                )
                continue
            out[key] = _build(value_node, child, doc, problems, seen, loader, key_node.start_mark.line + 1)
        return out
    if isinstance(node, SequenceNode):
        # an alias item carries its anchor's position, so it is reported at the list's line
        return [
            _build(item, join(fpath, i), doc, problems, seen, loader, line if id(item) in seen else None)
            for i, item in enumerate(node.value, start=1)
        ]
    assert isinstance(node, ScalarNode)
    if node.tag == "tag:yaml.org,2002:int":
        return int(node.value, 10)  # decimal only: PyYAML's constructor would read 0777 as octal
    return loader.construct_object(node)
