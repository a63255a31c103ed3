"""What changed between two versions of a generated document: paragraph diff, redline .docx, side-by-side HTML."""

from __future__ import annotations

import difflib
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workflow.errors import MouError, OutputExists, RedlineFailed
from workflow.records.store import Store

_VERSION = re.compile(r"^v?(\d+)$")


def document_lines(path: Path | bytes) -> list[str]:
    """The text a reader sees, one line per paragraph or table row: header, body in order."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(path) if isinstance(path, bytes) else str(path))
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


def _find(store: Store, slug: str, old: str, new: str, name: str | None) -> tuple[str, Path, Path]:
    """The document stem and the paths of its two versions; ``name`` picks the document when several have both."""
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
    return stem, found[stem][a], found[stem][b]


def _unified(stem: str, left: Path, right: Path, old_lines: list[str], new_lines: list[str]) -> list[str]:
    a, b = left.stem.rpartition("-v")[2], right.stem.rpartition("-v")[2]
    lines = list(difflib.unified_diff(old_lines, new_lines, f"{stem}-v{a}", f"{stem}-v{b}", n=1, lineterm=""))
    return lines or [f"{stem}: v{a} and v{b} have the same text"]


def diff_versions(store: Store, slug: str, old: str, new: str, name: str | None = None) -> list[str]:
    """Unified diff of two versions' paragraphs; ``name`` picks the document when several have both."""
    stem, left, right = _find(store, slug, old, new, name)
    return _unified(stem, left, right, document_lines(left), document_lines(right))


def checked_redline(old: bytes, new: bytes, author: str, date: str, what: str = "document") -> bytes:
    """The redline of two .docx versions; refused unless accepting every change gives the newer text, rejecting the older."""
    from workflow.documents.redline import redline, resolve, text_lines

    def text(docx: bytes) -> list[str]:
        # An empty paragraph next to a table inserted or deleted at the start or end of the document, or
        # between two tables, cannot be tracked in OOXML (Word keeps one there too); every other line must match.
        return [line for line in text_lines(docx) if line.strip()]

    red = redline(old, new, author=author, date=date)
    if text(resolve(red, accept=True)) != text(new):
        raise RedlineFailed(what, "the newer version")
    if text(resolve(red, accept=False)) != text(old):
        raise RedlineFailed(what, "the older version")
    return red


@dataclass(frozen=True)
class Written:
    """One file written by `mou diff`, with its SHA-256."""

    kind: str  # "docx" or "html"
    path: Path
    sha256: str


@dataclass(frozen=True)
class Comparison:
    """What `mou diff` shows and writes: the paragraph diff, the files written and the history entry."""

    lines: list[str]
    written: list[Written] = field(default_factory=list)
    entry: dict[str, Any] | None = None


_SUFFIXES = {"docx": (".docx",), "html": (".html", ".htm")}


def _check_output(store: Store, slug: str, kind: str, path: Path) -> Path:
    """The absolute output path, or raise: wrong suffix, an existing file, or inside another agreement."""
    if path.suffix.lower() not in _SUFFIXES[kind]:
        raise MouError(f"--{kind} {path}: the file name must end with {' or '.join(_SUFFIXES[kind])}")
    target = Path(os.path.abspath(path))
    if target.exists() or target.is_symlink():
        raise OutputExists(kind, path)
    root = Path(os.path.abspath(store.root))
    if target.is_relative_to(root):
        inside = target.relative_to(root).parts
        if len(inside) > 1 and inside[0] != slug and (root / inside[0]).is_dir():
            raise MouError(f"--{kind} {path}: inside the folder of agreement {inside[0]!r}; write it elsewhere")
    return target


def compare(
    store: Store,
    slug: str,
    old: str,
    new: str,
    name: str | None = None,
    *,
    docx: Path | None = None,
    html: Path | None = None,
    actor: str | None = None,
) -> Comparison:
    """The paragraph diff of two versions and, when asked, a redline .docx and a side-by-side HTML page.

    Files are written only after the redline is checked to give back the newer text with every change
    accepted and the older with every change rejected; they never replace a file, and are recorded in
    the history (a ``redline`` entry naming both versions, every file and its SHA-256) under the lock.
    """
    from datetime import UTC, datetime

    from workflow.commands.lifecycle import resolve_actor

    stem, left, right = _find(store, slug, old, new, name)
    old_lines, new_lines = document_lines(left), document_lines(right)
    lines = _unified(stem, left, right, old_lines, new_lines)
    if docx is None and html is None:
        return Comparison(lines)
    outputs = [(k, _check_output(store, slug, k, p)) for k, p in (("docx", docx), ("html", html)) if p is not None]
    if len(outputs) == 2 and outputs[0][1] == outputs[1][1]:
        raise MouError(f"--docx and --html name the same file {docx}; give each its own")
    who = resolve_actor(actor)
    when = datetime.now(UTC).replace(microsecond=0)
    va, vb = f"v{_version(old)}", f"v{_version(new)}"
    data: dict[str, bytes] = {}
    if docx is not None:
        stamp = when.isoformat().replace("+00:00", "Z")
        data["docx"] = checked_redline(left.read_bytes(), right.read_bytes(), who, stamp, f"{stem} {va} -> {vb}")
    if html is not None:
        data["html"] = side_by_side(old_lines, new_lines, f"{stem}-{va}", f"{stem}-{vb}", who, when).encode("utf-8")
    return _record(store, slug, Comparison(lines), outputs, data, who, stem, (va, vb), (left, right))


def _record(
    store: Store,
    slug: str,
    result: Comparison,
    outputs: list[tuple[str, Path]],
    data: dict[str, bytes],
    who: str,
    stem: str,
    versions: tuple[str, str],
    sources: tuple[Path, Path],
) -> Comparison:
    """Write the files and append the ``redline`` entry under the agreement's lock; on any failure remove what was written."""
    from workflow.commands.lifecycle import REDLINE_EVENT, _entry, snapshot
    from workflow.commands.lifecycle import record as keep
    from workflow.records import history
    from workflow.records.store import write_new

    with store.writing(slug):
        snap = snapshot(store, slug)
        folder = Path(os.path.abspath(snap.folder))
        written: list[Written] = []
        try:
            for kind, path in outputs:
                try:
                    write_new(path, data[kind])
                except FileExistsError as err:
                    raise OutputExists(kind, path) from err
                written.append(Written(kind, path, hashlib.sha256(data[kind]).hexdigest()))
            artifacts = [
                {"path": str(w.path.relative_to(folder)), "sha256": w.sha256} for w in written if w.path.is_relative_to(folder)
            ]
            record = {
                "document": stem,
                "old": versions[0],
                "new": versions[1],
                "old_sha256": history.sha256_file(sources[0]),
                "new_sha256": history.sha256_file(sources[1]),
                "outputs": [{"format": w.kind, "path": str(w.path), "sha256": w.sha256} for w in written],
            }
            note = f"{stem} {versions[0]} -> {versions[1]}"
            entry = keep(snap, _entry(snap, who, None, REDLINE_EVENT, snap.state, note, None, artifacts, record))
        except BaseException:
            for w in written:
                w.path.unlink(missing_ok=True)
            raise
    return Comparison(result.lines, written, entry)


def _words(a: str, b: str) -> tuple[str, str]:
    """Two lines as HTML, the words only in ``a`` struck in it and the words only in ``b`` marked in it."""
    from html import escape

    from workflow.documents.redline import tokens

    ta, tb = tokens(a), tokens(b)
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        x, y = escape("".join(ta[i1:i2])), escape("".join(tb[j1:j2]))
        if op == "equal":
            left.append(x)
            right.append(y)
            continue
        if x:
            left.append(f"<del>{x}</del>")
        if y:
            right.append(f"<ins>{y}</ins>")
    return "".join(left), "".join(right)


def side_by_side(old_lines: list[str], new_lines: list[str], old_name: str, new_name: str, who: str, when: Any) -> str:
    """A self-contained HTML page (no scripts, no network): older and newer text side by side, changes marked."""
    from html import escape

    from workflow.documents.redline import pair_similar, token_similarity, tokens

    rows: list[str] = []

    def row(cls: str, n: int | None, a: str, m: int | None, b: str) -> None:
        rows.append(f'<tr class="{cls}"><td class="n">{n or ""}</td><td>{a}</td><td class="n">{m or ""}</td><td>{b}</td></tr>')

    changes = 0
    sm = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                row("same", i1 + k + 1, escape(old_lines[i1 + k]), j1 + k + 1, escape(new_lines[j1 + k]))
            continue
        changes += 1
        olds, news = old_lines[i1:i2], new_lines[j1:j2]
        pairs = pair_similar([tokens(x) for x in olds], [tokens(y) for y in news], token_similarity)
        i = j = 0
        for pi, pj in [*pairs, (len(olds), len(news))]:
            for k in range(i, pi):
                row("del", i1 + k + 1, f"<del>{escape(olds[k])}</del>", None, "")
            for k in range(j, pj):
                row("ins", None, "", j1 + k + 1, f"<ins>{escape(news[k])}</ins>")
            if pi < len(olds):
                a, b = _words(olds[pi], news[pj])
                row("chg", i1 + pi + 1, a, j1 + pj + 1, b)
            i, j = pi + 1, pj + 1
    title = f"Perbandingan {old_name} dan {new_name}"
    summary = f"{changes} bagian berubah" if changes else "Teks kedua versi sama"
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>
body{{font-family:"Liberation Serif","Times New Roman",serif;margin:24px;color:#1a1a1a}}
h1{{font-size:1.25rem;margin:0 0 4px}} p.meta{{color:#555;margin:0 0 16px;font-size:.9rem}}
table{{border-collapse:collapse;width:100%;table-layout:fixed}} th{{text-align:left;border-bottom:2px solid #333;padding:6px}}
td{{vertical-align:top;padding:3px 6px;white-space:pre-wrap;word-wrap:break-word;border-bottom:1px solid #eee}}
td.n{{width:3em;color:#999;text-align:right;font-size:.8rem}} th.n{{width:3em}}
del{{background:#fdd;color:#900;text-decoration:line-through}} ins{{background:#dfd;color:#060;text-decoration:underline}}
tr.del td,tr.ins td,tr.chg td{{background:#fffbe6}} .legend del,.legend ins{{padding:0 4px}}
</style></head>
<body><h1>{escape(title)}</h1>
<p class="meta">{escape(summary)} &middot; dibuat oleh {escape(who)}, {escape(when.strftime("%Y-%m-%d %H:%M"))} UTC &middot;
<span class="legend"><del>dihapus</del> <ins>ditambahkan</ins></span></p>
<table><thead><tr><th class="n"></th><th>{escape(old_name)} (lama)</th>
<th class="n"></th><th>{escape(new_name)} (baru)</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""
