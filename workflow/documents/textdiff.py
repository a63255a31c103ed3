"""What changed between two versions of a document, as text: the lines a reader sees, a unified diff,
a side-by-side HTML page, and the checked redline .docx. Bytes in, text or bytes out: nothing is written.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from workflow.errors import RedlineFailed
from workflow.i18n import _


class Cell(NamedTuple):
    """One cell of a table row as a reader sees it: its text and how many grid columns it spans."""

    text: str
    span: int = 1


class Line(str):
    """One line of a document's text, equal to (and usable as) its string.

    A table row's line is its cells joined with `` | `` (what a terminal diff shows); it also carries
    the cells themselves and which table of the document it belongs to, so a page can show it as a row.
    """

    cells: tuple[Cell, ...]
    table: int  # the table's index in the document, -1 for a paragraph or a header line

    def __new__(cls, text: str, cells: Sequence[Cell] = (), table: int = -1) -> Line:
        line = super().__new__(cls, text)
        line.cells, line.table = tuple(cells), table
        return line

    @property
    def is_row(self) -> bool:
        """True for a table row."""
        return self.table >= 0


def document_lines(path: Path | bytes) -> list[str]:
    """The text a reader sees, one line per paragraph or table row: header, body in order.

    ``path`` is the .docx's bytes, or a file outside the agreements (a template, an export). Each line
    is a ``Line``: a string like any other, which for a table row also carries its cells (``side_by_side``
    shows them as a table).
    """
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(path) if isinstance(path, bytes) else str(path))
    lines: list[str] = []
    for section in doc.sections:
        lines += [Line(f"[header] {p.text}") for p in section.header.paragraphs if p.text.strip()]
    tables = 0
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(Line(block.text.rstrip()))
        elif isinstance(block, Table):
            for row in block.rows:
                texts: list[str] = []
                cells: list[Cell] = []
                last: Any = None
                for cell in row.cells:
                    text = "\n".join(p.text for p in cell.paragraphs).strip()
                    if not texts or texts[-1] != text:  # merged cells repeat
                        texts.append(text)
                    if cells and cell._tc is last:  # one cell spanning several grid columns
                        cells[-1] = Cell(text, cells[-1].span + 1)
                    else:
                        cells.append(Cell(text))
                    last = cell._tc
                lines.append(Line(" | ".join(texts).rstrip(), cells, tables))
            tables += 1
    return lines


def unified(stem: str, old: str, new: str, old_lines: Sequence[str], new_lines: Sequence[str]) -> list[str]:
    """The unified diff of versions ``old`` and ``new`` (``"1"``, ``"2"``) of document ``stem``, or one line saying they match."""
    lines = list(difflib.unified_diff(old_lines, new_lines, f"{stem}-v{old}", f"{stem}-v{new}", n=1, lineterm=""))
    return lines or [_("{stem}: v{old} and v{new} have the same text").format(stem=stem, old=old, new=new)]


def checked_redline(old: bytes, new: bytes, author: str, date: str, what: str = "document") -> bytes:
    """The redline of two .docx versions; refused unless accepting every change gives the newer text, rejecting the older."""
    from workflow.documents.redline import redline, resolve, text_lines

    def text(docx: bytes) -> list[str]:
        # An empty paragraph next to a table inserted or deleted at the start or end of the document, or
        # between two tables, cannot be tracked in OOXML (Word keeps one there too); every other line must match.
        return [line for line in text_lines(docx) if line.strip()]

    red = redline(old, new, author=author, date=date)
    if text(resolve(red, accept=True)) != text(new):
        raise RedlineFailed(what, "the newer version")  # i18n: not translated (RedlineFailed in errors.py words it)
    if text(resolve(red, accept=False)) != text(old):
        raise RedlineFailed(what, "the older version")  # i18n: not translated (RedlineFailed in errors.py words it)
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


@dataclass(frozen=True)
class _Shown:
    """One line of the page: an unchanged, deleted, inserted or changed line, with its numbers on each side."""

    cls: str  # "same", "del", "ins" or "chg"
    n: int | None
    old: str | None
    m: int | None
    new: str | None


def _row(line: str | None) -> Line | None:
    """``line`` when it is a table row that knows its cells, else None."""
    return line if isinstance(line, Line) and line.is_row else None


def _shown(old_lines: Sequence[str], new_lines: Sequence[str]) -> tuple[list[_Shown], int]:
    """The lines of the page in order, and how many changed regions there are.

    In a changed region, similar lines are paired as one changed line; a paragraph is never paired with a table row.
    """
    from workflow.documents.redline import pair_similar, token_similarity, tokens

    def similarity(a: tuple[bool, list[str]], b: tuple[bool, list[str]]) -> float:
        return token_similarity(a[1], b[1]) if a[0] == b[0] else 0.0

    shown: list[_Shown] = []
    changes = 0
    sm = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            shown += [_Shown("same", i1 + k + 1, old_lines[i1 + k], j1 + k + 1, new_lines[j1 + k]) for k in range(i2 - i1)]
            continue
        changes += 1
        olds, news = old_lines[i1:i2], new_lines[j1:j2]
        keyed = [(_row(x) is not None, tokens(x)) for x in olds], [(_row(y) is not None, tokens(y)) for y in news]
        pairs = pair_similar(keyed[0], keyed[1], similarity)
        i = j = 0
        for pi, pj in [*pairs, (len(olds), len(news))]:
            shown += [_Shown("del", i1 + k + 1, olds[k], None, None) for k in range(i, pi)]
            shown += [_Shown("ins", None, None, j1 + k + 1, news[k]) for k in range(j, pj)]
            if pi < len(olds):
                shown.append(_Shown("chg", i1 + pi + 1, olds[pi], j1 + pj + 1, news[pj]))
            i, j = pi + 1, pj + 1
    return shown, changes


def _sections(shown: list[_Shown]) -> list[tuple[bool, list[_Shown]]]:
    """``shown`` cut into stretches of paragraphs and stretches of rows of one table (on each side): (rows?, lines)."""
    out: list[tuple[bool, list[_Shown]]] = []
    tables: list[int | None] = [None, None]  # the table of the current stretch, old and new side
    for s in shown:
        rows = _row(s.old), _row(s.new)
        is_rows = any(r is not None for r in rows)
        same_table = all(r is None or t is None or r.table == t for r, t in zip(rows, tables, strict=True))
        if not out or out[-1][0] != is_rows or (is_rows and not same_table):
            out.append((is_rows, []))
            tables = [None, None]
        out[-1][1].append(s)
        tables = [t if r is None else r.table for r, t in zip(rows, tables, strict=True)]
    return out


_HALF = 47.0  # per cent of the page's width for each side's text; its line numbers take 3 per cent
_COLUMNS = "<colgroup>" + f'<col style="width:3%"><col style="width:{_HALF:g}%">' * 2 + "</colgroup>"


def _paragraphs(section: list[_Shown]) -> list[str]:
    """The rows of the page for a stretch of paragraphs: older and newer text side by side, changed words marked."""
    from html import escape

    rows: list[str] = []
    for s in section:
        a = escape(s.old) if s.old is not None else ""
        b = escape(s.new) if s.new is not None else ""
        if s.cls == "del":
            a = f"<del>{a}</del>"
        elif s.cls == "ins":
            b = f"<ins>{b}</ins>"
        elif s.cls == "chg":
            a, b = _words(s.old or "", s.new or "")
        numbers = f'<td class="n">{s.n or ""}</td>', f'<td class="n">{s.m or ""}</td>'  # i18n: not translated (HTML markup)
        rows.append(f'<tr class="{s.cls}">{numbers[0]}<td>{a}</td>{numbers[1]}<td>{b}</td></tr>')
    return rows


_SIDE_CHARS = 64  # about how many characters of a table cell fit across one side of the page at 1200 pixels


def _widths(rows: list[Line], columns: int) -> list[float]:
    """Per-cent widths of a side's ``columns`` grid columns, together ``_HALF``.

    Each column first gets room for its longest word ("NOMOR", a NIK, "Kapontori") so no word is broken
    while the side has room for them all; what is left goes to the columns with longer text.
    """
    least = [3.0] * columns  # the longest word and a margin, in characters
    most = [3.0] * columns  # the longest line, up to 40 characters
    for row in rows:
        at = 0
        for cell in row.cells:
            if cell.span == 1 and at < columns:
                least[at] = max(least[at], max((len(w) for w in cell.text.split()), default=0) + 1.5)
                most[at] = max(most[at], min(40, max((len(line) for line in cell.text.split("\n")), default=0)))
            at += cell.span
    most = [max(m, w) for m, w in zip(most, least, strict=True)]
    spare = _SIDE_CHARS - sum(least)
    if spare <= 0 or sum(most) == sum(least):
        weight = least
    else:
        share = min(1.0, spare / (sum(most) - sum(least)))
        weight = [w + (m - w) * share for w, m in zip(least, most, strict=True)]
    total = sum(weight)
    return [_HALF * w / total for w in weight]


def _cell_pairs(old: Line, new: Line) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """The cells of a changed row as HTML on each side, with whether each is marked as changed.

    Cells are paired by position when both rows have as many; otherwise by their text.
    """
    from html import escape

    a, b = [c.text for c in old.cells], [c.text for c in new.cells]
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    ops = (
        [("equal" if x == y else "replace", k, k + 1, k, k + 1) for k, (x, y) in enumerate(zip(a, b, strict=True))]
        if len(a) == len(b)
        else difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    )
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            left += [(escape(x), False) for x in a[i1:i2]]
            right += [(escape(y), False) for y in b[j1:j2]]
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            x = a[i1 + k] if i1 + k < i2 else None
            y = b[j1 + k] if j1 + k < j2 else None
            if x is not None and y is not None:
                hx, hy = _words(x, y)
                left.append((hx, True))
                right.append((hy, True))
            elif x is not None:
                left.append((f"<del>{escape(x)}</del>" if x else "", True))
            elif y is not None:
                right.append((f"<ins>{escape(y)}</ins>" if y else "", True))
    return left, right


def _plain_cells(row: Line | None, tag: str | None) -> list[tuple[str, bool]]:
    """The cells of an unchanged, deleted (``tag`` "del") or inserted ("ins") row as HTML, none marked as changed."""
    from html import escape

    if row is None:
        return []
    return [(f"<{tag}>{escape(c.text)}</{tag}>" if tag and c.text else escape(c.text), False) for c in row.cells]


def _tds(row: Line | None, cells: list[tuple[str, bool]], columns: int) -> str:
    """A side of a table row as ``<td>`` elements filling ``columns`` grid columns; an empty cell when the side has no row."""
    if row is None or not cells:
        return f'<td class="gap" colspan="{columns}"></td>'
    out: list[str] = []
    used = 0
    spans = [c.span for c in row.cells] + [1] * max(0, len(cells) - len(row.cells))
    for k, (html, changed) in enumerate(cells):
        span = columns - used if k == len(cells) - 1 else min(spans[k], columns - used - (len(cells) - k - 1))
        span = max(span, 1)
        used += span
        attrs = (f' colspan="{span}"' if span > 1 else "") + (' class="chg"' if changed else "")
        out.append(f"<td{attrs}>{html}</td>")
    return "".join(out)


def _table(section: list[_Shown]) -> str:
    """A stretch of table rows as one HTML table: line number, older cells, line number, newer cells; changed cells marked."""
    olds = [r for s in section if (r := _row(s.old)) is not None]
    news = [r for s in section if (r := _row(s.new)) is not None]
    width = [max((sum(c.span for c in r.cells) for r in side), default=1) or 1 for side in (olds, news)]
    cols = ['<col style="width:3%">', *(f'<col style="width:{w:.2f}%">' for w in _widths(olds, width[0]))]
    cols += ['<col style="width:3%">', *(f'<col style="width:{w:.2f}%">' for w in _widths(news, width[1]))]
    rows: list[str] = []
    for s in section:
        old, new = _row(s.old), _row(s.new)
        if s.cls == "chg" and old is not None and new is not None:
            left, right = _cell_pairs(old, new)
        else:
            left = _plain_cells(old, "del" if s.cls == "del" else None)
            right = _plain_cells(new, "ins" if s.cls == "ins" else None)
        rows.append(
            f'<tr class="{s.cls}"><td class="n">{s.n or ""}</td>{_tds(old, left, width[0])}'
            f'<td class="n">{s.m or ""}</td>{_tds(new, right, width[1])}</tr>'
        )
    body = "\n".join(rows)
    return f'<table class="grid"><colgroup>{"".join(cols)}</colgroup>\n<tbody>\n{body}\n</tbody></table>'


def side_by_side(old_lines: Sequence[str], new_lines: Sequence[str], old_name: str, new_name: str, who: str, when: Any) -> str:
    """A self-contained HTML page (no scripts, no network): older and newer text side by side, changes marked.

    Paragraphs stand side by side, line by line, with their changed words marked; the rows of a table
    (lines of ``document_lines`` that know their cells) are shown as an HTML table, row by row, each
    side with its own cells and every changed cell marked.
    """
    from html import escape

    shown, changes = _shown(old_lines, new_lines)
    blocks: list[str] = []
    for is_rows, section in _sections(shown):
        if is_rows:
            blocks.append(_table(section))
        else:
            body = "\n".join(_paragraphs(section))
            blocks.append(f'<table class="text">{_COLUMNS}\n<tbody>\n{body}\n</tbody></table>')
    title = f"Perbandingan {old_name} dan {new_name}"
    summary = f"{changes} bagian berubah" if changes else "Teks kedua versi sama"
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>
body{{font-family:"Liberation Serif","Times New Roman",serif;margin:24px;color:#1a1a1a}}
h1{{font-size:1.25rem;margin:0 0 4px}} p.meta{{color:#555;margin:0 0 16px;font-size:.9rem}}
table{{border-collapse:collapse;width:100%;table-layout:fixed}} th{{text-align:left;border-bottom:2px solid #333;padding:6px}}
td{{vertical-align:top;padding:3px 6px;white-space:pre-wrap;overflow-wrap:anywhere;border-bottom:1px solid #eee}}
td.n{{color:#999;text-align:right;font-size:.8rem}}
table.grid{{margin:4px 0;font-size:.95rem}} table.grid td{{border:1px solid #bbb;overflow-wrap:break-word}}
table.grid td.n{{border:none}}
table.grid td.gap{{background:repeating-linear-gradient(45deg,#f6f6f6,#f6f6f6 4px,#fff 4px,#fff 8px)}}
del{{background:#fdd;color:#900;text-decoration:line-through}} ins{{background:#dfd;color:#060;text-decoration:underline}}
tr.del td,tr.ins td,tr.chg td{{background:#fffbe6}}
table.grid tr td.chg{{background:#ffe8a3;outline:2px solid #e0a800;outline-offset:-2px}}
.legend del,.legend ins,.legend span{{padding:0 4px}} .legend span{{background:#ffe8a3;outline:2px solid #e0a800}}
</style></head>
<body><h1>{escape(title)}</h1>
<p class="meta">{escape(summary)} &middot; dibuat oleh {escape(who)}, {escape(when.strftime("%Y-%m-%d %H:%M"))} UTC &middot;
<span class="legend"><del>dihapus</del> <ins>ditambahkan</ins> <span>sel tabel berubah</span></span></p>
<table class="head">{_COLUMNS}<thead><tr><th class="n"></th><th>{escape(old_name)} (lama)</th>
<th class="n"></th><th>{escape(new_name)} (baru)</th></tr></thead></table>
{chr(10).join(blocks)}
</body></html>
"""
