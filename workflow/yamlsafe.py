"""A strict, safe YAML reader that keeps line numbers.

Only the YAML 1.2 core scalars are resolved (``true``/``false``, decimal numbers, ``null``), so
``no``, ``off``, ``yes``, ``on``, ``09:00`` and ``0777`` stay text; dates stay text and are parsed by
the schema. Duplicate keys, aliases (the "billion laughs" expansion), tags and oversized files are
refused with the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from workflow.errors import InvalidData, Problem

MAX_BYTES = 2_000_000
"""Agreement files are a few kilobytes; anything this large is a mistake or an attack."""

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


_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


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


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (a BOM is dropped), refusing huge or undecodable files."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InvalidData([Problem(path, None, "", f"file is {size:,} bytes, expected at most {MAX_BYTES:,}")])
        raw = path.read_bytes()
    except OSError as err:
        raise InvalidData([Problem(path, None, "", f"cannot read file: {err.strerror}")]) from err
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InvalidData([Problem(path, line, "", "not valid UTF-8 text, expected a UTF-8 file")]) from err


def load(path: Path, text: str | None = None) -> Document:
    """Parse one YAML document from ``path`` (or ``text``) into plain values with line numbers."""
    if text is None:
        text = read_text(path)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        what = (err.problem or err.context or "invalid YAML").strip()
        if err.context and err.context_mark and err.problem and err.context_mark.line + 1 != line:
            what += f" ({err.context.strip()} started on line {err.context_mark.line + 1})"
        quote = _unclosed_quote(text, err.context_mark.line if err.context_mark else 0, line or 0)
        if quote:
            line, what = quote, f"unclosed quote: the text from this line runs on to line {line_of_error(err)}"
        raise InvalidData([Problem(path, line, "", f"invalid YAML: {what}")]) from err
    except yaml.YAMLError as err:
        raise InvalidData([Problem(path, None, "", f"invalid YAML: {err}")]) from err
    finally:
        loader.dispose()
    doc = Document(path, None)
    problems: list[Problem] = []
    if root is not None:
        doc.data = _build(root, "", doc, problems, set(), loader)
    if problems:
        raise InvalidData(problems)
    return doc


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
    loader: _Loader,
    line: int | None = None,
) -> Any:
    """Plain values from ``node``; ``line`` is where the value is named (its key's line)."""
    line = line or node.start_mark.line + 1
    doc.lines[fpath] = line
    if id(node) in seen:  # the composer shares anchored nodes: a second visit is an alias
        problems.append(Problem(doc.path, line, fpath, "YAML aliases (*name) are not allowed, write the value out"))
        return None
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        problems.append(Problem(doc.path, line, fpath, f"YAML tag {node.tag} is not allowed, expected a plain value"))
        return None
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                problems.append(Problem(doc.path, key_node.start_mark.line + 1, fpath, "keys must be plain names"))
                continue
            key = key_node.value
            child = join(fpath, key)
            if key in out:
                problems.append(
                    Problem(
                        doc.path,
                        key_node.start_mark.line + 1,
                        child,
                        f"duplicate key, first given on line {doc.lines[child]}",
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


def iter_paths(doc: Document) -> Iterator[str]:
    """Every field path in the document (for tests and tooling)."""
    return iter(doc.lines)
