"""What changed between two versions of a generated document, paragraph by paragraph."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from workflow.errors import MouError
from workflow.store import Store

_VERSION = re.compile(r"^v?(\d+)$")


def document_lines(path: Path) -> list[str]:
    """The text a reader sees, one line per paragraph or table row: header, body in order."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    lines: list[str] = []
    for section in doc.sections:
        lines += [f"[header] {p.text}" for p in section.header.paragraphs if p.text.strip()]
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text.rstrip())
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = "\n".join(p.text for p in cell.paragraphs).strip()
                    if not cells or cells[-1] != text:  # merged cells repeat
                        cells.append(text)
                lines.append(" | ".join(cells).rstrip())
    return lines


def _version(text: str) -> int:
    match = _VERSION.match(text)
    if not match:
        raise MouError(f"{text!r} is not a version, expected v1, v2, ...")
    return int(match.group(1))


def diff_versions(store: Store, slug: str, old: str, new: str, name: str | None = None) -> list[str]:
    """Unified diff of two versions' paragraphs; ``name`` picks the document when several have both."""
    a, b = _version(old), _version(new)
    docs = store.agreement_file(slug).parent / "documents"
    found: dict[str, dict[int, Path]] = {}
    for path in docs.rglob("*-v*.docx") if docs.is_dir() else []:
        stem, _, ver = path.stem.rpartition("-v")
        if ver.isdigit():
            found.setdefault(stem, {})[int(ver)] = path
    both = sorted(stem for stem, versions in found.items() if a in versions and b in versions)
    if name is not None:
        if name not in both:
            raise MouError(
                f"{slug}: no document {name!r} with both v{a} and v{b}; documents with both: {', '.join(both) or 'none'}"
            )
        both = [name]
    if len(both) != 1:
        if not both:
            raise MouError(f"{slug}: no document has both v{a} and v{b} (mou history {slug} lists the versions)")
        raise MouError(f"{slug}: several documents have v{a} and v{b}, choose one with --document: {', '.join(both)}")
    stem = both[0]
    left, right = found[stem][a], found[stem][b]
    lines = list(
        difflib.unified_diff(document_lines(left), document_lines(right), f"{stem}-v{a}", f"{stem}-v{b}", n=1, lineterm="")
    )
    return lines or [f"{stem}: v{a} and v{b} have the same text"]
