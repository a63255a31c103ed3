"""A strict, safe YAML reader that keeps line numbers (the parser itself is in ``workflow.yamlparse``).

Only the YAML 1.2 core scalars are resolved (``true``/``false``, decimal numbers, ``null``), so
``no``, ``off``, ``yes``, ``on``, ``09:00`` and ``0777`` stay text; dates stay text and are parsed by
the schema. Duplicate keys, anchors and aliases (the "billion laughs" expansion), tags (``!!str`` too),
characters YAML does not allow and oversized files are refused with the file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workflow.errors import InvalidData, Problem

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
            raise InvalidData([Problem(path, None, "", f"file is {size:,} bytes, expected at most {MAX_BYTES:,}")])
        return path.read_bytes()
    except OSError as err:
        raise InvalidData([Problem(path, None, "", f"cannot read file: {err.strerror}")]) from err


def decode(path: Path, raw: bytes) -> str:
    """UTF-8 text (a BOM is dropped), or InvalidData naming the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InvalidData([Problem(path, line, "", "not valid UTF-8 text, expected a UTF-8 file")]) from err


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (a BOM is dropped), refusing huge or undecodable files."""
    return decode(path, read_bytes(path))


def load(path: Path, text: str | None = None) -> Document:
    """Parse one YAML document from ``path`` (or ``text``) into plain values with line numbers.

    The parse is a pure function of the bytes, so it is kept in the per-user cache
    (``workflow.cache``): a file read before is not parsed again, and PyYAML is not even imported.
    """
    from workflow.cache import cached

    raw = read_bytes(path) if text is None else text.encode("utf-8")

    def parse() -> Document:
        from workflow.yamlparse import parse

        return parse(path, decode(path, raw) if text is None else text)

    doc = cached("yaml", raw, parse)
    doc.path = path  # the same bytes may live in several files
    return doc


def iter_paths(doc: Document) -> Iterator[str]:
    """Every field path in the document (for tests and tooling)."""
    return iter(doc.lines)
