"""The YAML parser behind ``workflow.yamlsafe``: PyYAML's libyaml parser with YAML 1.2 core resolution.

Imported only when a file is not in the cache, so commands that read known files never import PyYAML.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from workflow.errors import InvalidData, Problem
from workflow.yamlsafe import Document, join

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


def parse(path: Path, text: str) -> Document:
    """Parse one YAML document (the text of ``path``) into plain values with line numbers."""
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
