"""Redlines: the newer of two .docx versions with every change since the older as a Word tracked change.

Pure Python over the WordprocessingML (lxml): words inserted or deleted inside a paragraph become
``w:ins`` / ``w:del`` runs, whole paragraphs and table rows are marked inserted or deleted, each
revision carries author and date. ``resolve`` accepts or rejects every change, as Word would.
"""

from __future__ import annotations

import copy
import difflib
import importlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, R, T, TAB, TBL, TR, TC = _w("p"), _w("r"), _w("t"), _w("tab"), _w("tbl"), _w("tr"), _w("tc")
PPR, RPR, TRPR, TCPR, SECTPR = _w("pPr"), _w("rPr"), _w("trPr"), _w("tcPr"), _w("sectPr")
INS, DEL, DELTEXT, INSTR, DELINSTR = _w("ins"), _w("del"), _w("delText"), _w("instrText"), _w("delInstrText")
TBLGRID, GRIDCOL, GRIDSPAN, TBLPREX = _w("tblGrid"), _w("gridCol"), _w("gridSpan"), _w("tblPrEx")
PROOF_ERR = _w("proofErr")
_RUN_CONTAINERS = {_w("hyperlink"), _w("smartTag"), _w("sdtContent"), _w("customXml"), _w("fldSimple"), _w("sdt")}
_STORY = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
_SP = "[ \u00a0]"  # a space inside a phrase: never a tab or a line break
_MONTHS = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
_DAYS = "Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu"
_NUMBER = (  # the words of terbilang (workflow/data/formatting.py)
    "nol|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|belas|puluh|seratus|ratus|seribu|ribu"
    "|juta|miliar|milyar|triliun"
)
_SPELLED = f"{_NUMBER}|koma|rupiah|sen|persen|{_MONTHS}"  # and of rupiah_terbilang and tanggal_angka_kata
_NUMBER_WORDS = rf"(?:{_NUMBER})\b(?:[ \u00a0-]+(?:{_NUMBER})\b)*"  # "dua puluh empat"
_UNITS = (  # what a count counts, as bilangan(n, satuan) writes it; lower case, so "Nomor 2 Tahun 2021" stays apart
    f"orang|jiwa|peserta|pekerja|hari(?:{_SP}(?:kerja|kalender))?|minggu|bulan|tahun|jam|menit|kali|lembar|halaman"
    "|eksemplar|rangkap|buah|unit|paket|kegiatan|desa|kelurahan|kecamatan|OPD|persen"
)
_WORDS = rf"(?:{_SP}?\((?i:(?:{_SPELLED})(?:[ \u00a0-]+(?:{_SPELLED}))*)\))"  # " (dua ratus ribu rupiah)"
_SEGMENT = r"[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*"
_TOKEN = re.compile(
    # a date, its weekday and words optional: "24 Juni 2025", "Rabu, 28 Mei 2025 (dua puluh delapan Mei ...)", "Juli 2025"
    rf"(?:(?:{_DAYS}),?{_SP})?(?:\d{{1,2}}{_SP})?(?i:{_MONTHS}){_SP}\d{{4}}\b{_WORDS}?"
    # a date in words, as tanggal_kata writes it: "Selasa tanggal dua puluh empat bulan Juni tahun dua ribu dua puluh lima"
    rf"|(?:(?:{_DAYS}){_SP})?tanggal{_SP}{_NUMBER_WORDS}{_SP}bulan{_SP}(?:{_MONTHS}){_SP}tahun{_SP}{_NUMBER_WORDS}"
    # a nomor: segments joined by "/", one digit at least: "000.8.3.3/001/KB/2025", "KB/001/KC-BAUBAU/2025"
    rf"|(?=[\w./\-]*\d){_SEGMENT}(?:/{_SEGMENT})+"
    # an amount or count with its words and unit: "Rp201.600.000,00 (dua ratus satu juta enam ratus ribu rupiah)",
    # "1.000 (seribu) orang", "12 (dua belas) bulan", "1%", "Rp10.000"
    rf"|(?:Rp\.?{_SP}?)?\d+(?:[.,]\d+)*(?:,-)?%?{_WORDS}?(?:{_SP}(?:{_UNITS})\b)?"
    r"|\w+|\s+|[^\w\s]"
)
SIMILAR = 0.5
"""Two paragraphs (or rows) at least this similar are shown as one changed paragraph, else as deleted + inserted."""
_WINDOW = 8


def _etree() -> Any:
    # lxml ships no type information; imported lazily so reading commands stay light
    return importlib.import_module("lxml.etree")


def tokens(text: str) -> list[str]:
    """The units of a word-level diff: words, runs of white space, single punctuation marks, and whole phrases.

    A phrase a reader takes in at once is one token, so a change replaces it whole: an amount or count
    with its words in brackets and its unit ("Rp201.600.000,00 (dua ratus satu juta enam ratus ribu rupiah)",
    "1.000 (seribu) orang"), a date in figures or words ("24 Juni 2025", "Selasa tanggal dua puluh
    empat bulan Juni tahun dua ribu dua puluh lima") and a nomor ("000.8.3.3/001/KB/2025").
    ``"".join(tokens(text)) == text`` always.
    """
    return _TOKEN.findall(text)


def pair_similar(
    olds: Sequence[Any], news: Sequence[Any], similarity: Callable[[Any, Any], float], window: int = _WINDOW
) -> list[tuple[int, int]]:
    """Monotonic pairs (i, j) of items similar enough to be shown as one changed item.

    Each old item looks for its best partner among the next ``window`` unpaired new items, so a
    region of thousands of changed table rows stays linear.
    """
    pairs: list[tuple[int, int]] = []
    start = 0
    for i, old in enumerate(olds):
        best, best_j = SIMILAR, -1
        for j in range(start, min(len(news), start + window)):
            score = similarity(old, news[j])
            if score >= best and (score > best or best_j < 0):
                best, best_j = score, j
        if best_j >= 0:
            pairs.append((i, best_j))
            start = best_j + 1
    return pairs


def token_similarity(a: list[str], b: list[str]) -> float:
    """SequenceMatcher ratio of two token lists, 1.0 when both are empty."""
    if not a and not b:
        return 1.0
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() < SIMILAR or sm.quick_ratio() < SIMILAR:
        return 0.0
    return sm.ratio()


@dataclass
class _Revisions:
    """Makes ``w:ins`` / ``w:del`` elements with unique ids, one author and one date."""

    author: str
    date: str
    next_id: int

    def mark(self, parent: Any, kind: str, index: int | None = None) -> Any:
        """A new revision element of ``kind`` ("ins" or "del") under ``parent`` (at ``index``)."""
        el = parent.makeelement(_w(kind), {_w("id"): str(self.next_id), _w("author"): self.author, _w("date"): self.date})
        self.next_id += 1
        if index is None:
            parent.append(el)
        else:
            parent.insert(index, el)
        return el


@dataclass
class _Block:
    """One child of a body or cell: a paragraph, a table or anything else (kept as it comes)."""

    el: Any
    kind: str  # "p", "tbl" or "x"
    key: Any
    _toks: list[str] | None = field(default=None, repr=False)

    @property
    def toks(self) -> list[str]:
        if self._toks is None:
            self._toks = tokens(self.key[1]) if self.kind == "p" else []
        return self._toks


def _text(el: Any) -> str:
    """The text of a paragraph or row as a reader sees it (tabs and breaks as characters)."""
    parts: list[str] = []
    for node in el.iter(T, TAB, _w("br"), _w("cr"), DELTEXT):
        if node.tag in (T, DELTEXT):
            parts.append(node.text or "")
        else:
            parts.append("\t" if node.tag == TAB else "\n")
    return "".join(parts)


def _row_key(tr: Any) -> tuple[str, ...]:
    return tuple("\n".join(_text(p) for p in tc.iter(P)) for tc in tr.findall(TC))


def _block(el: Any) -> _Block:
    if el.tag == P:
        return _Block(el, "p", ("p", _text(el)))
    if el.tag == TBL:
        return _Block(el, "tbl", ("tbl", tuple(_row_key(tr) for tr in el.findall(TR))))
    return _Block(el, "x", ("x", _etree().tostring(el)))


# ---- marking whole elements --------------------------------------------------------------------


def _mark_runs(el: Any, kind: str, rev: _Revisions) -> None:
    """Wrap every run inside ``el`` (a paragraph or a container of paragraphs) in one revision per group."""
    for p in [el] if el.tag == P else list(el.iter(P)):
        _wrap_runs(p, kind, rev)


def _wrap_runs(parent: Any, kind: str, rev: _Revisions) -> None:
    group: Any = None
    for child in list(parent):
        if child.tag == R:
            if group is None:
                group = rev.mark(parent, kind, parent.index(child))
            group.append(child)  # moves the run into the revision
            if kind == "del":
                _to_deleted(child)
        else:
            group = None
            if child.tag in _RUN_CONTAINERS:
                _wrap_runs(child, kind, rev)


def _to_deleted(run: Any) -> None:
    for node in run.iter(T, INSTR):
        node.tag = DELTEXT if node.tag == T else DELINSTR


def _mark_paragraph(p: Any, kind: str, rev: _Revisions) -> None:
    """Mark the paragraph mark itself inserted or deleted (``w:pPr/w:rPr/w:ins|w:del``)."""
    ppr = p.find(PPR)
    if ppr is None:
        ppr = p.makeelement(PPR, {})
        p.insert(0, ppr)
    rpr = ppr.find(RPR)
    if rpr is None:
        rpr = ppr.makeelement(RPR, {})
        after = [c for c in ppr if c.tag in (SECTPR, _w("pPrChange"))]
        if after:
            after[0].addprevious(rpr)
        else:
            ppr.append(rpr)
    rev.mark(rpr, kind, 0)  # ins/del come first in a paragraph mark's properties


def _mark_row(tr: Any, kind: str, rev: _Revisions) -> None:
    """Mark a whole table row inserted or deleted (``w:trPr/w:ins|w:del``) with every run in it."""
    trpr = tr.find(TRPR)
    if trpr is None:
        trpr = tr.makeelement(TRPR, {})
        prex = tr.find(TBLPREX)
        tr.insert(0 if prex is None else tr.index(prex) + 1, trpr)
    change = trpr.find(_w("trPrChange"))
    rev.mark(trpr, kind, None if change is None else trpr.index(change))
    _mark_runs(tr, kind, rev)


def _mark_table(tbl: Any, kind: str, rev: _Revisions) -> None:
    for tr in tbl.findall(TR):
        _mark_row(tr, kind, rev)


# ---- word-level diff of one paragraph ----------------------------------------------------------


@dataclass
class _Piece:
    """Part of a token in one run: a piece of text, or a non-text run item (tab, break, field code)."""

    text: str
    rpr: Any
    item: Any = None  # None for text


@dataclass
class _Atom:
    """One token of a paragraph, the unit of its word diff, in the pieces of the runs it lies in."""

    key: str
    pieces: list[_Piece]


def _atoms(p: Any) -> list[_Atom] | None:
    """The paragraph as tokens with their run properties; None when it holds more than plain runs.

    Text is tokenised across run boundaries, so a phrase split over runs (an amount in bold, a date
    cut by a proofing mark) is still one token; a tab, break or field code always stands alone.
    """
    etree = _etree()
    atoms: list[_Atom] = []
    texts: list[tuple[str, Any]] = []  # the text since the last non-text item: (text, rPr) of each run

    def flush() -> None:
        k = at = 0  # the run (in texts) and the offset in it where the next token starts
        for tok in tokens("".join(text for text, _ in texts)):
            pieces: list[_Piece] = []
            need = len(tok)
            while need:
                text, rpr = texts[k]
                take = min(need, len(text) - at)
                pieces.append(_Piece(text[at : at + take], rpr))
                need, at = need - take, at + take
                if at == len(text):
                    k, at = k + 1, 0
            atoms.append(_Atom(tok, pieces))
        texts.clear()

    for child in p:
        if child.tag in (PPR, PROOF_ERR):
            continue
        if child.tag != R:
            return None
        rpr = child.find(RPR)
        for item in child:
            if item.tag == RPR:
                continue
            if item.tag == T:
                if item.text:
                    texts.append((item.text, rpr))
                continue
            flush()
            key = "\t" if item.tag == TAB else "\x00" + etree.tostring(item, encoding="unicode")
            atoms.append(_Atom(key, [_Piece("", rpr, item)]))
    flush()
    return atoms


def _emit(p: Any, atoms: Sequence[_Atom], kind: str | None, rev: _Revisions, rpr_key: Callable[[Any], bytes]) -> None:
    """Append ``atoms`` to ``p`` as runs (one per stretch of equal formatting), inside a revision if ``kind``."""
    if not atoms:
        return
    parent = rev.mark(p, kind) if kind else p
    run: Any = None
    run_rpr: bytes | None = None
    text: Any = None
    for piece in (piece for atom in atoms for piece in atom.pieces):
        key = rpr_key(piece.rpr)
        if run is None or key != run_rpr:
            run = parent.makeelement(R, {})
            parent.append(run)
            run_rpr, text = key, None
            if piece.rpr is not None:
                run.append(copy.deepcopy(piece.rpr))
        if piece.item is None:
            if text is None:
                text = run.makeelement(DELTEXT if kind == "del" else T, {})
                run.append(text)
                text.text = ""
            text.text += piece.text
            if text.text != text.text.strip():
                text.set(XML_SPACE, "preserve")
        else:
            item = copy.deepcopy(piece.item)
            if kind == "del" and item.tag == INSTR:
                item.tag = DELINSTR
            run.append(item)
            text = None


def _changed_paragraph(old: Any, new: Any, rev: _Revisions) -> Any:
    """The new paragraph with the words changed since the old one as revisions (new formatting, old for deletions)."""
    a, b = _atoms(old), _atoms(new)
    etree = _etree()
    cache: dict[int, bytes] = {}

    def rpr_key(rpr: Any) -> bytes:
        if rpr is None:
            return b""
        if id(rpr) not in cache:
            cache[id(rpr)] = etree.tostring(rpr)
        return cache[id(rpr)]

    if a is None or b is None:  # fields, links, bookmarks: the old content deleted, the new inserted, in one paragraph
        gone, came = new.makeelement(P, {}), new.makeelement(P, {})
        for holder, source in ((gone, old), (came, new)):
            for child in [c for c in source if c.tag != PPR]:
                holder.append(child)
        _wrap_runs(gone, "del", rev)
        _wrap_runs(came, "ins", rev)
        for child in [*gone, *came]:
            new.append(child)
        return new
    for child in [c for c in new if c.tag != PPR]:
        new.remove(child)
    sm = difflib.SequenceMatcher(None, [x.key for x in a], [x.key for x in b], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            _emit(new, b[j1:j2], None, rev, rpr_key)
            continue
        _emit(new, a[i1:i2], "del", rev, rpr_key)
        _emit(new, b[j1:j2], "ins", rev, rpr_key)
    return new


# ---- bodies, cells, tables ---------------------------------------------------------------------


@dataclass
class _Out:
    """One block of the result and the revision of its paragraph mark."""

    el: Any
    kind: str
    mark: str | None = None


def _container(old: Any, new: Any, rev: _Revisions) -> None:
    """Rewrite ``new`` (a body, cell, header or footer) in place as the redline from ``old``."""
    head = (TCPR,)
    tail = (SECTPR,)
    olds = [_block(c) for c in old if c.tag not in head + tail]
    news = [_block(c) for c in new if c.tag not in head + tail]
    out: list[_Out] = []
    sm = difflib.SequenceMatcher(None, [b.key for b in olds], [b.key for b in news], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            out += [_Out(b.el, b.kind) for b in news[j1:j2]]
            continue
        at_end = j2 == len(news) or news[j2].kind != "p"
        _region(olds[i1:i2], news[j1:j2], out, at_end, rev)
    _settle(out)
    for o in out:
        if o.kind == "p" and o.mark:
            _mark_paragraph(o.el, o.mark, rev)
    _place(new, [o.el for o in out], head)


def _place(parent: Any, elements: list[Any], head: tuple[str, ...]) -> None:
    """Put ``elements`` in this order after ``parent``'s leading ``head`` children, moving only what is out of place.

    Unchanged blocks already sit in order; moving a large table costs a walk over all its nodes.
    """
    prev: Any = None
    for el in elements:
        if prev is None:
            first = next((c for c in parent if c.tag not in head), None)
            if first is None:
                parent.append(el)
            elif first is not el:
                first.addprevious(el)
        elif prev.getnext() is not el:
            prev.addnext(el)
        prev = el


def _similar_blocks(a: _Block, b: _Block) -> float:
    if a.kind != b.kind or a.kind == "x":
        return 0.0
    if a.kind == "tbl":
        return 1.0 if _grid(a.el) == _grid(b.el) else 0.0
    return token_similarity(a.toks, b.toks)


def _grid(tbl: Any) -> int:
    grid = tbl.find(TBLGRID)
    return 0 if grid is None else len(grid.findall(GRIDCOL))


def _region(olds: list[_Block], news: list[_Block], out: list[_Out], at_end: bool, rev: _Revisions) -> None:
    """Append the redline of a changed stretch of blocks to ``out``; at the end of a container (``at_end``)
    its last old and new paragraphs are shown as one changed paragraph (see ``_settle``)."""
    pairs = pair_similar(olds, news, _similar_blocks)
    if at_end and olds and news and olds[-1].kind == news[-1].kind == "p":
        last_i, last_j = len(olds) - 1, len(news) - 1
        if not pairs or (pairs[-1][0] != last_i and pairs[-1][1] != last_j):
            pairs.append((last_i, last_j))  # the container's last paragraph stays one changed paragraph
    i = j = 0
    for pi, pj in [*pairs, (len(olds), len(news))]:
        for b in olds[i:pi]:
            out.append(_deleted(b, rev))
        for b in news[j:pj]:
            out.append(_inserted(b, rev))
        if pi < len(olds):
            out += _changed(olds[pi], news[pj], rev)
        i, j = pi + 1, pj + 1
    out[:] = [o for o in out if o.el is not None]


def _settle(out: list[_Out]) -> None:
    """Move mark revisions off the last paragraph before a table or the end of the container.

    A deleted (or, on rejection, inserted) paragraph mark joins its paragraph to the next one, which
    cannot be a table or nothing. So the last paragraph of such a stretch keeps its mark: a deleted
    and an inserted paragraph there become one paragraph holding both, and otherwise the paragraph
    before takes the revision, as Word does when the last paragraph of a document is deleted.
    """
    i = 0
    while i < len(out):
        if out[i].kind != "p":
            i += 1
            continue
        j = i
        while j + 1 < len(out) and out[j + 1].kind == "p":
            j += 1
        mark = out[j].mark
        if mark:
            s = j
            while s > i and out[s - 1].mark:
                s -= 1
            other = [k for k in range(s, j) if out[k].mark != mark]
            if other:
                gone, last = out[other[-1]].el, out[j].el
                at = 1 if last.find(PPR) is not None else 0
                for child in reversed([c for c in gone if c.tag != PPR]):
                    last.insert(at, child)
                out[j].mark = None
                del out[other[-1]]
                j -= 1
            elif s > i:
                out[s - 1].mark, out[j].mark = mark, None
        i = j + 1


def _deleted(b: _Block, rev: _Revisions) -> _Out:
    if b.kind == "p":
        _mark_runs(b.el, "del", rev)
        return _Out(b.el, "p", "del")
    if b.kind == "tbl":
        _mark_table(b.el, "del", rev)
        return _Out(b.el, "tbl")
    return _Out(None, "x")  # something that cannot carry a revision: it is simply gone


def _inserted(b: _Block, rev: _Revisions) -> _Out:
    if b.kind == "p":
        _mark_runs(b.el, "ins", rev)
        return _Out(b.el, "p", "ins")
    if b.kind == "tbl":
        _mark_table(b.el, "ins", rev)
    return _Out(b.el, b.kind)


def _changed(old: _Block, new: _Block, rev: _Revisions) -> list[_Out]:
    if old.kind == "p":
        return [_Out(_changed_paragraph(old.el, new.el, rev), "p")]
    _changed_table(old.el, new.el, rev, list(old.key[1]), list(new.key[1]))
    return [_Out(new.el, "tbl")]


def _spans(tr: Any) -> list[str]:
    return [span.get(_w("val"), "1") if (span := tc.find(f"{TCPR}/{GRIDSPAN}")) is not None else "1" for tc in tr.findall(TC)]


def _changed_table(old: Any, new: Any, rev: _Revisions, okeys: list[tuple[str, ...]], nkeys: list[tuple[str, ...]]) -> None:
    """Rewrite the new table's rows in place: rows matched by their text (the keys), changed rows diffed cell by cell."""
    olds, news = old.findall(TR), new.findall(TR)
    rows: list[Any] = []
    sm = difflib.SequenceMatcher(None, okeys, nkeys, autojunk=False)
    otoks: dict[int, list[str]] = {}
    ntoks: dict[int, list[str]] = {}

    def similarity(i: int, j: int) -> float:
        if len(olds[i].findall(TC)) != len(news[j].findall(TC)) or _spans(olds[i]) != _spans(news[j]):
            return 0.0
        same_cells = sum(x == y for x, y in zip(okeys[i], nkeys[j], strict=False)) / max(len(okeys[i]), 1)
        if same_cells >= SIMILAR:  # a lampiran row with one cell corrected is that row, changed
            return same_cells
        a = otoks.setdefault(i, tokens("\t".join(okeys[i])))
        b = ntoks.setdefault(j, tokens("\t".join(nkeys[j])))
        return token_similarity(a, b)

    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            rows += news[j1:j2]
            continue
        pairs = pair_similar(range(i1, i2), range(j1, j2), similarity)
        i, j = i1, j1
        for pi, pj in [*[(i1 + x, j1 + y) for x, y in pairs], (i2, j2)]:
            for tr in olds[i:pi]:
                _mark_row(tr, "del", rev)
                rows.append(tr)
            for tr in news[j:pj]:
                _mark_row(tr, "ins", rev)
                rows.append(tr)
            if pi < i2:
                for otc, ntc in zip(olds[pi].findall(TC), news[pj].findall(TC), strict=True):
                    _container(otc, ntc, rev)
                rows.append(news[pj])
            i, j = pi + 1, pj + 1
    _place(new, rows, tuple({c.tag for c in new if c.tag != TR}))


# ---- packages ----------------------------------------------------------------------------------


def _stories(names: Iterable[str]) -> list[str]:
    return [n for n in names if _STORY.match(n)]


def _max_id(roots: Iterable[Any]) -> int:
    attr = _w("id")
    found = [int(v) for root in roots for el in root.iter() if (v := el.get(attr)) is not None and v.lstrip("-").isdigit()]
    return max(found, default=0)


def _repack(src: zipfile.ZipFile, replaced: dict[str, bytes]) -> bytes:
    """The package with ``replaced`` parts, in the original member order, as mou writes every .docx."""
    from workflow.documents.compiled import package

    return package((name, replaced.get(name) or src.read(name)) for name in src.namelist())


def _serialise(root: Any) -> bytes:
    data: bytes = _etree().tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def redline(old: bytes, new: bytes, *, author: str, date: str) -> bytes:
    """The ``new`` .docx with every change since ``old`` as a tracked change by ``author`` at ``date``.

    Args:
        old: the earlier version's .docx bytes.
        new: the later version's .docx bytes; its formatting, headers and settings are kept.
        author: who the revisions are attributed to (the acting user).
        date: ISO 8601 UTC time without fractions, e.g. ``2025-06-20T08:00:00Z``.
    """
    etree = _etree()
    parser = etree.XMLParser(resolve_entities=False, huge_tree=True)
    with zipfile.ZipFile(io.BytesIO(old)) as zold, zipfile.ZipFile(io.BytesIO(new)) as znew:
        common = [n for n in _stories(znew.namelist()) if n in set(zold.namelist())]
        trees = {n: (etree.fromstring(zold.read(n), parser), etree.fromstring(znew.read(n), parser)) for n in common}
        rev = _Revisions(author, date, _max_id(t for pair in trees.values() for t in pair) + 1)
        replaced: dict[str, bytes] = {}
        for name, (old_root, new_root) in trees.items():
            if name == "word/document.xml":
                old_body, new_body = old_root.find(_w("body")), new_root.find(_w("body"))
                if old_body is None or new_body is None:
                    continue
                _container(old_body, new_body, rev)
            else:
                _container(old_root, new_root, rev)
            replaced[name] = _serialise(new_root)
        return _repack(znew, replaced)


def text_lines(docx: bytes) -> list[str]:
    """The text of every story (headers, footers, body): one line per paragraph, one per table row.

    A cheap stand-in for ``workflow.documents.textdiff.document_lines`` (same lines for the body, no python-docx),
    used to check a redline against both versions in well under a second for a 1.000-row lampiran.
    """
    etree = _etree()
    parser = etree.XMLParser(resolve_entities=False, huge_tree=True)
    lines: list[str] = []

    def walk(container: Any, prefix: str) -> None:
        for child in container:
            if child.tag == P:
                lines.append(prefix + _text(child).rstrip())
            elif child.tag == TBL:
                for tr in child.findall(TR):
                    cells: list[str] = []
                    for tc in tr.findall(TC):
                        text = "\n".join(_text(p) for p in tc.findall(P)).strip()
                        if not cells or cells[-1] != text:  # merged cells repeat
                            cells.append(text)
                    lines.append(prefix + " | ".join(cells).rstrip())

    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        names = _stories(z.namelist())
        for name in sorted(names, key=lambda n: (n == "word/document.xml", n)):
            root = etree.fromstring(z.read(name), parser)
            body = root.find(_w("body")) if name == "word/document.xml" else root
            walk(body if body is not None else root, "" if name == "word/document.xml" else f"[{name[5:-4]}] ")
    return lines


# ---- accepting or rejecting every change -------------------------------------------------------


def resolve(docx: bytes, *, accept: bool) -> bytes:
    """The document with every tracked change accepted (``accept``) or rejected, as Word would do it."""
    etree = _etree()
    parser = etree.XMLParser(resolve_entities=False, huge_tree=True)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        replaced = {}
        for name in _stories(z.namelist()):
            root = etree.fromstring(z.read(name), parser)
            _resolve(root, accept)
            replaced[name] = _serialise(root)
        return _repack(z, replaced)


def _resolve(root: Any, accept: bool) -> None:
    keep, drop = (INS, DEL) if accept else (DEL, INS)
    for tr in list(root.iter(TR)):
        trpr = tr.find(TRPR)
        if trpr is None:
            continue
        if trpr.find(drop) is not None:
            tr.getparent().remove(tr)
            continue
        for m in trpr.findall(keep):
            trpr.remove(m)
    for tbl in list(root.iter(TBL)):
        if tbl.find(TR) is None:
            tbl.getparent().remove(tbl)
    for p in list(root.iter(P)):
        rpr = p.find(f"{PPR}/{RPR}")
        if rpr is None:
            continue
        for m in rpr.findall(keep):
            rpr.remove(m)
        if rpr.find(drop) is not None:
            for m in rpr.findall(drop):
                rpr.remove(m)
            nxt = p.getnext()
            if nxt is not None and nxt.tag == P:  # the mark goes: this paragraph's content joins the next one
                at = 1 if nxt.find(PPR) is not None else 0
                for child in reversed([c for c in p if c.tag != PPR]):
                    nxt.insert(at, child)
                p.getparent().remove(p)
    for el in list(root.iter(INS, DEL)):
        parent = el.getparent()
        if parent is None or parent.tag in (RPR, TRPR):
            continue
        if el.tag == drop:
            parent.remove(el)
            continue
        at = parent.index(el)
        for child in reversed(list(el)):
            parent.insert(at, child)
        parent.remove(el)
    if not accept:
        for node in root.iter(DELTEXT, DELINSTR):
            node.tag = T if node.tag == DELTEXT else INSTR
