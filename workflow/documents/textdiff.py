"""What changed between two versions of a document, as text: the lines a reader sees, a unified diff,
a side-by-side HTML page, and the checked redline .docx. Bytes in, text or bytes out: nothing is written.
"""

from __future__ import annotations

import difflib
import io
from pathlib import Path
from typing import Any

from workflow.errors import RedlineFailed


def document_lines(path: Path | bytes) -> list[str]:
    """The text a reader sees, one line per paragraph or table row: header, body in order.

    ``path`` is the .docx's bytes, or a file outside the agreements (a template, an export).
    """
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


def unified(stem: str, old: str, new: str, old_lines: list[str], new_lines: list[str]) -> list[str]:
    """The unified diff of versions ``old`` and ``new`` (``"1"``, ``"2"``) of document ``stem``, or one line saying they match."""
    lines = list(difflib.unified_diff(old_lines, new_lines, f"{stem}-v{old}", f"{stem}-v{new}", n=1, lineterm=""))
    return lines or [f"{stem}: v{old} and v{new} have the same text"]


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
