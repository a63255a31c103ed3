"""Convert .docx to PDF with LibreOffice headless, one isolated profile per call.

Documents with a very long table are converted in page-aligned chunks and merged (see ``to_pdf``).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workflow.errors import ConversionFailed
from workflow.i18n import N_, _

if TYPE_CHECKING:  # warm imports this module; this one only holds a started office
    from workflow.documents.warm import WarmOffice

INSTALL_HINT = N_("install it with: sudo apt-get install --no-install-recommends libreoffice-writer-nogui fonts-liberation2")
"""How to install LibreOffice (translated where shown: ``_(INSTALL_HINT)``)."""


def soffice() -> str:
    """Path of the LibreOffice binary, or raise with how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ConversionFailed(_("LibreOffice (soffice) is not installed; {hint}").format(hint=_(INSTALL_HINT)))


def pdfa_part(pdf: Path) -> str | None:
    """The PDF/A part and conformance the file declares in its XMP metadata ('2B'), or None."""
    data = pdf.read_bytes()
    part = re.search(rb"pdfaid:part(?:>|=\")(\d)", data)
    conformance = re.search(rb"pdfaid:conformance(?:>|=\")([A-Za-z])", data)
    if not part:
        return None
    return part.group(1).decode() + (conformance.group(1).decode().upper() if conformance else "")


_WARM: WarmOffice | None = None
"""The process-wide warm LibreOffice ``to_pdf`` converts through, once ``use_warm`` set one (the web application's)."""


def use_warm(office: WarmOffice | None) -> WarmOffice | None:
    """Let ``to_pdf`` convert through ``office`` (a ``workflow.documents.warm.WarmOffice``), or cold again with None.

    Returns the office used before. Without it (the CLI) every call starts its own LibreOffice, as always.
    Documents with a long table still go through the chunked path below, in cold processes: two at once,
    and a long conversion would hold the one warm LibreOffice for many seconds.
    """
    global _WARM
    before, _WARM = _WARM, office
    return before


def warm_office() -> WarmOffice | None:
    """The office ``use_warm`` set, or None."""
    return _WARM


def filter_settings(pdfa: bool, options: dict[str, object] | None = None) -> dict[str, dict[str, str]]:
    """The writer_pdf_Export FilterData, in the JSON form of ``--convert-to`` (the warm bridge takes the same)."""
    settings: dict[str, dict[str, str]] = {}
    if pdfa:  # the JSON form of LibreOffice >= 7.4; the older `SelectPdfVersion=2` is silently ignored
        settings["SelectPdfVersion"] = {"type": "long", "value": "2"}
    for name, value in (options or {}).items():
        kind = "boolean" if isinstance(value, bool) else "long" if isinstance(value, int) else "string"
        settings[name] = {"type": kind, "value": str(value).lower() if isinstance(value, bool) else str(value)}
    return settings


def check_pdfa(pdf: Path) -> None:
    """Raise unless ``pdf`` declares PDF/A-2b."""
    if pdfa_part(pdf) != "2B":
        raise ConversionFailed(
            _("{pdf} does not declare PDF/A-2b (got {part}); LibreOffice 7.4 or newer is needed").format(
                pdf=pdf, part=pdfa_part(pdf)
            )
        )


CHUNK_ROWS = 500
"""Rows of a long table per chunk (twice that when chunks go one after the other): LibreOffice's .docx import
is superlinear in table length, about linear below this. Measured on the bench lampiran, 10.000 rows in two
processes: 300 rows 23,0 s, 500 rows 19,6 s, 800 rows 20,0 s; 3.000 rows of varying height, one chunk after
the other: 300 rows 29,8 s, 500 rows 17,7 s (whole: 22 s)."""

CHUNK_ABOVE = 2000
"""Tables longer than this are converted in chunks; below it one conversion is as fast."""


def to_pdf(
    sources: list[Path],
    outdir: Path,
    *,
    timeout: float = 300,
    pdfa: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    chunk_above: int = CHUNK_ABOVE,
) -> list[Path]:
    """Convert ``sources`` to PDF (PDF/A-2b with ``pdfa``) in ``outdir``.

    Documents with a table of more than ``chunk_above`` rows are converted in page-aligned chunks of about
    ``chunk_rows`` rows and merged into the pages one conversion of the whole would give (LibreOffice takes
    273 s for 10.000 rows in one table); the rest go through one LibreOffice call together.
    """
    binary = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    long = [s for s in sources if _longest_table_hint(s) > max(chunk_above, 2 * chunk_rows)]
    short = [s for s in sources if s not in long]
    done: dict[Path, Path] = {}
    office = _WARM
    if short and office is not None:  # one at a time through the warm LibreOffice
        for source in short:
            done[source] = office.convert(source, outdir / (source.stem + ".pdf"), pdfa=pdfa, timeout=timeout)
    elif short:
        done.update(zip(short, _convert(binary, short, outdir, timeout=timeout, pdfa=pdfa), strict=True))
    if long:
        for source in long:
            done[source] = _convert_chunked(
                binary, source, outdir, timeout=timeout, pdfa=pdfa, chunk_rows=chunk_rows, chunk_above=chunk_above
            )
    return [done[s] for s in sources]


def _longest_table_hint(source: Path) -> int:
    """Upper bound of the longest table's rows (all ``w:tr`` in the body), read without parsing XML; 0 if unreadable."""
    import zipfile

    try:
        with zipfile.ZipFile(source) as docx, docx.open("word/document.xml") as member:
            xml = member.read()
    except (OSError, KeyError, zipfile.BadZipFile):
        return 0  # LibreOffice will say what is wrong with it
    return xml.count(b"<w:tr>") + xml.count(b"<w:tr ")


def _convert(
    binary: str, sources: list[Path], outdir: Path, *, timeout: float, pdfa: bool, options: dict[str, object] | None = None
) -> list[Path]:
    """One LibreOffice call converting ``sources`` into ``outdir``, with extra writer_pdf_Export ``options``."""
    import json

    outdir.mkdir(parents=True, exist_ok=True)
    settings = filter_settings(pdfa, options)
    target = "pdf:writer_pdf_Export:" + json.dumps(settings, separators=(",", ":")) if settings else "pdf"
    with tempfile.TemporaryDirectory(prefix="mou-soffice-") as profile:
        cmd = [
            binary,
            f"-env:UserInstallation=file://{profile}",  # parallel calls must not share a profile
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as err:
            raise ConversionFailed(_("LibreOffice did not finish within {seconds} s").format(seconds=f"{timeout:.0f}")) from err
    pdfs = [outdir / (s.stem + ".pdf") for s in sources]
    missing = [p.name for p in pdfs if not p.is_file()]
    if proc.returncode != 0 or missing:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        if missing:
            message = _("LibreOffice failed (exit {code}); missing {files}").format(
                code=proc.returncode, files=", ".join(missing)
            )
        else:
            message = _("LibreOffice failed (exit {code}); missing nothing").format(code=proc.returncode)
        raise ConversionFailed(message + (f": {detail[-1]}" if detail else ""))
    if pdfa:
        for pdf in pdfs:
            check_pdfa(pdf)
    return pdfs


def content_sha256(pdf: Path) -> str | None:
    """SHA-256 of the PDF's text as poppler's pdftotext lays it out, or None without poppler.

    LibreOffice never writes the same PDF bytes twice (creation date, document ID, random font-subset
    tags), so a PDF re-derived from an archived .docx is compared through this hash instead.
    """
    import hashlib

    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    proc = subprocess.run([tool, "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=120, check=False)
    return hashlib.sha256(proc.stdout).hexdigest() if proc.returncode == 0 else None


# --- Chunked conversion of documents with a long table -------------------------------------------
#
# LibreOffice's .docx import is superlinear in the length of one table (1.000 rows 3,6 s, 2.000 rows
# 8,7 s, 3.000 rows 20 s, 10.000 rows 273 s); no single property of the table (style, fixed layout,
# header row, cell or paragraph properties) changes that, and a table without any properties is as
# superlinear. Rows after a clean page top (a page that starts with a whole row: rows may split across
# pages) lay out the same whatever precedes that page, so the document is cut into chunks that each
# start at a clean top of the whole document's layout, numbered with w:pgNumType w:start. Chunk 0 is
# everything before the table plus its first rows; its pages show how often the layout repeats, which
# predicts the other chunks; they are converted in two LibreOffice processes at once, and each is checked
# against the chunk before it: bookmarks on the overlapping rows, exported as PDF destinations, must show
# that its first row starts a page there cleanly, with the number it was given. A chunk that fails the
# check is converted again from the right row.

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MARK = "mouRow"
"""Prefix of the bookmarks put on rows; exported as PDF named destinations, they give each row's page."""
_MARK_NAME = re.compile(_MARK + r"(\d+)(s|e\d+)")  # mouRow12s opens row 12, mouRow12e3 closes its cell 3


_FIRST_PARAGRAPH = re.compile(rb"(<w:p\b[^>]*?(?<!/)>(?:<w:pPr>.*?</w:pPr>|<w:pPr/>)?)", re.S)
_CELL_END = re.compile(rb"</w:p>(?=</w:tc>)")


class _Split:
    """A parsed .docx cut around its longest table, serialising chunks of it as new .docx files."""

    def __init__(self, source: Path) -> None:
        import copy
        import zipfile

        from lxml import etree

        self.source = source
        with zipfile.ZipFile(source) as docx:
            root = etree.fromstring(docx.read("word/document.xml"), etree.XMLParser(resolve_entities=False, huge_tree=True))
        body = root.find(_W + "body")
        if body is None:
            raise ConversionFailed(_("{file} has no document body").format(file=source.name))
        blocks = [b for b in body if b.tag != _W + "sectPr"]
        tables = [b for b in blocks if b.tag == _W + "tbl"]
        if not tables:  # the rows counted are in nested tables or content controls: nothing to cut
            blocks = tables = [etree.Element(_W + "tbl")]
        self.table = max(tables, key=lambda t: len(t.findall(_W + "tr")))
        self.index = blocks.index(self.table)
        rows = self.table.findall(_W + "tr")
        header = 0
        while header < len(rows) and rows[header].find(f"{_W}trPr/{_W}tblHeader") is not None:
            header += 1  # repeated on every page by LibreOffice, so repeated at the top of every chunk
        self.header = header
        self.rows = rows
        # lxml repeats every namespace in scope on a serialised subtree; the document element declares them
        declared = re.compile("|".join(re.escape(f' xmlns:{k}="{v}"') for k, v in root.nsmap.items() if k).encode() or b"(?!)")

        def xml(element: Any) -> bytes:
            text: bytes = etree.tostring(element)
            end = text.index(b">")
            return declared.sub(b"", text[:end]) + text[end:]

        self.xml = xml
        self.row_xml = [xml(r) for r in rows]
        self.before = [xml(b) for b in blocks[: self.index]]
        self.after = [xml(b) for b in blocks[self.index + 1 :]]
        sections = [s for b in blocks for s in b.iter(_W + "sectPr")]
        final = body.find(_W + "sectPr")
        if final is not None:
            sections.append(final)
        # the section holding the table ends with the first sectPr at or after it
        later = [s for b in blocks[self.index :] for s in b.iter(_W + "sectPr")]
        governing = later[0] if later else final
        if governing is None:  # no section properties at all: LibreOffice's defaults, nothing to renumber
            governing = final = etree.SubElement(body, _W + "sectPr")
        self.governing = governing
        self.section_after = bool(later)  # the governing sectPr sits in a paragraph after the table
        self.blocks_after = blocks[self.index + 1 :]
        self.index_after = next((i for i, b in enumerate(self.blocks_after) if governing in b.iter()), 0)
        first_start = sections[0].find(_W + "pgNumType") if sections else None
        self.first_page = int(first_start.get(_W + "start", "1")) if first_start is not None else 1
        # cut only what is cut safely: numbering that restarts in a later section is not predicted, rows
        # inside content controls would be copied into every chunk, a vertical merge must not be cut, and a
        # cell ending in a nested table or content control would hide where its row ends
        self.simple = (
            not any(
                s is not sections[0] and (n := s.find(_W + "pgNumType")) is not None and n.get(_W + "start") is not None
                for s in sections
            )
            and all(c.tag in (_W + "tblPr", _W + "tblGrid", _W + "tr") for c in self.table)
            and not any(b"vMerge" in r or b"<w:tbl" in r or b"<w:sdt" in r for r in self.row_xml)
        )
        # a chunk starts mid-section: its sectPr takes the header and footer references it would inherit
        self.inherited: list[bytes] = []
        own = {(r.tag, r.get(_W + "type")) for r in governing if r.tag in (_W + "headerReference", _W + "footerReference")}
        for section in reversed(sections[: sections.index(governing)]):
            for ref in section:
                key = (ref.tag, ref.get(_W + "type"))
                if ref.tag in (_W + "headerReference", _W + "footerReference") and key not in own:
                    own.add(key)
                    self.inherited.append(etree.tostring(ref))
        shell = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=root.nsmap)
        for child in root:
            if child is not body:
                shell.append(copy.deepcopy(child))
        etree.SubElement(etree.SubElement(shell, _W + "body"), "CUT")
        self.head, self.tail = etree.tostring(shell, xml_declaration=True, encoding="UTF-8", standalone=True).split(b"<CUT/>")
        table = etree.Element(self.table.tag, attrib=dict(self.table.attrib), nsmap=self.table.nsmap)
        for child in self.table:
            if child.tag != _W + "tr":
                table.append(copy.deepcopy(child))
        etree.SubElement(table, "CUT")
        self.table_head, self.table_tail = xml(table).split(b"<CUT/>")
        self.header_xml = b"".join(self.row_xml[:header])
        self.final = etree.tostring(final) if final is not None else None

    def _sect(self, page: int | None) -> bytes:
        """The governing sectPr, numbered from ``page`` and without a first-page header when mid-section."""
        import copy

        from lxml import etree

        sect = copy.deepcopy(self.governing)
        if page is not None:
            title = sect.find(_W + "titlePg")
            if title is not None:
                sect.remove(title)
            for ref in self.inherited:
                sect.insert(0, etree.fromstring(ref))
            num = sect.find(_W + "pgNumType")
            if num is None:
                num = etree.Element(_W + "pgNumType")
                # schema order: pgNumType follows pgSz, pgMar, paperSrc, pgBorders, lnNumType
                anchors = [sect.find(_W + t) for t in ("lnNumType", "pgBorders", "paperSrc", "pgMar", "pgSz")]
                anchor = next((a for a in anchors if a is not None), None)
                if anchor is None:
                    sect.append(num)
                else:
                    anchor.addnext(num)
            num.set(_W + "start", str(page))
        return bytes(etree.tostring(sect))

    def _renumbered_block(self, page: int | None) -> bytes:
        """The block after the table whose paragraph ends the table's section, with that section renumbered."""
        import copy

        from lxml import etree

        block = copy.deepcopy(self.blocks_after[self.index_after])
        old = next(block.iter(_W + "sectPr"))
        old.getparent().replace(old, etree.fromstring(self._sect(page)))
        return bytes(etree.tostring(block))

    def _row(self, i: int) -> bytes:
        """Row ``i`` with a bookmark opening its first paragraph and one closing each cell."""
        ids = iter(range(1_000_000 + 64 * i, 1_000_000 + 64 * (i + 1)))

        def mark(name: str) -> bytes:
            n = next(ids, 0)
            return f'<w:bookmarkStart w:id="{n}" w:name="{name}"/><w:bookmarkEnd w:id="{n}"/>'.encode()

        xml = _FIRST_PARAGRAPH.sub(lambda m: m.group(1) + mark(f"{_MARK}{i}s"), self.row_xml[i], count=1)
        cells = iter(range(64))
        return _CELL_END.sub(lambda m: mark(f"{_MARK}{i}e{next(cells, 0)}") + m.group(0), xml)

    def write(self, path: Path, start: int, stop: int, *, page: int | None, marked: range) -> Path:
        """Write rows ``start:stop`` (whole document before it when ``start`` is the first body row, after it
        when ``stop`` is the end) to ``path``; the first page is numbered ``page``; rows in ``marked`` get bookmarks."""
        import zipfile

        first = start <= self.header
        last = stop >= len(self.rows)
        parts = [self.head]
        if first:
            parts += self.before
        parts.append(self.table_head)
        if not first:
            parts.append(self.header_xml)
        parts += [self._row(i) if i in marked else self.row_xml[i] for i in range(start, stop)]
        parts.append(self.table_tail)
        if last:
            parts += self.after
        if not last:
            parts.append(self._sect(None if first else page))
        elif not self.section_after:
            parts.append(self._sect(None if first else page))  # the body's sectPr governs the table
        else:
            if not first:  # the governing sectPr closes a paragraph after the table: renumber that copy
                at = self.index_after
                parts[len(parts) - len(self.after) + at] = self._renumbered_block(page)
            parts.append(self.final or b"")
        parts.append(self.tail)
        with zipfile.ZipFile(self.source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for item in src.infolist():
                data = b"".join(parts) if item.filename == "word/document.xml" else src.read(item.filename)
                out.writestr(item.filename, data)
        return path


class _Marks:
    """Where the marked rows of one converted chunk fell: the page each row starts and ends on."""

    def __init__(self, pdf: Path, number: int) -> None:
        from pypdf import PdfReader

        reader = PdfReader(pdf, strict=True)  # LibreOffice writes sound xref tables: skip pypdf's slow repair scan
        self.reader = reader
        self.pdf = pdf
        self.number = number  # printed number of the chunk's first page
        self.count = len(reader.pages)
        self.starts: dict[int, int] = {}
        self.ends: dict[int, int] = {}
        for name, dest in reader.named_destinations.items():
            match = _MARK_NAME.fullmatch(name.lstrip("/"))  # pypdf gives the names as PDF name objects
            if match:
                row, page = int(match[1]), reader.get_destination_page_number(dest)
                if page is None:
                    continue  # a destination on no page: LibreOffice never writes one
                if match[2] == "s":
                    self.starts[row] = page
                else:
                    self.ends[row] = max(self.ends.get(row, page), page)

    def clean_tops(self) -> list[int]:
        """Rows that begin a page with nothing of the row before them on it (rows may split across pages)."""
        return sorted(r for r, p in self.starts.items() if r - 1 in self.ends and self.ends[r - 1] < p)


def _convert_chunked(
    binary: str, source: Path, outdir: Path, *, timeout: float, pdfa: bool, chunk_rows: int, chunk_above: int
) -> Path:
    """Convert ``source`` in page-aligned chunks of its longest table and merge them into ``outdir``."""
    from concurrent.futures import ThreadPoolExecutor

    split = _Split(source)
    if not split.simple or len(split.rows) <= max(chunk_above, 2 * chunk_rows):
        return _convert(binary, [source], outdir, timeout=timeout, pdfa=pdfa)[0]
    options: dict[str, object] = {"ExportBookmarksToPDFDestination": True}
    total = len(split.rows)
    with tempfile.TemporaryDirectory(prefix="mou-chunks-") as tmp:
        work = Path(tmp)

        def whole() -> Path:
            return _convert(binary, [source], outdir, timeout=timeout, pdfa=pdfa)[0]

        def convert(docs: list[Path]) -> list[Path]:
            return _convert(binary, docs, work, timeout=timeout, pdfa=pdfa, options=options)

        # chunk 0: what precedes the table and its first rows; measures where and how often pages start clean
        first_stop = min(total, split.header + chunk_rows)
        # bookmarks are costly (7 per row double LibreOffice's time), so only rows where pages are looked for get them
        marked = range(max(split.header, first_stop - max(chunk_rows // 2, 60)), first_stop)
        doc0 = split.write(work / "c0.docx", 0, first_stop, page=None, marked=marked)
        prev = _Marks(convert([doc0])[0], split.first_page)
        tops = prev.clean_tops()
        if first_stop >= total or not tops:
            return whole()
        # in a table of rows of one height the layout repeats: the gap between clean tops predicts all
        # chunks, converted at once; rows of varying height make every prediction wrong, so those tables
        # are converted one chunk after the other, each from the last clean top of the one before it
        gaps = {b - a for a, b in itertools.pairwise(tops)}
        regular = len(gaps) == 1
        period_rows = tops[-1] - tops[-2] if regular else 1
        period_pages = prev.starts[tops[-1]] - prev.starts[tops[-2]] if regular else 1
        repeat = max(1, chunk_rows // period_rows)
        overlap = period_rows + 2  # enough to find the next clean top past a mispredicted one

        def plan(start: int, number: int) -> list[tuple[int, int]]:
            """Predicted chunk starts from a known clean top: the layout repeats every period_rows rows."""
            step = repeat * period_rows
            return [(r, number + k * repeat * period_pages) for k, r in enumerate(range(start, total, step))]

        def run(chunks: list[tuple[int, int]]) -> list[_Marks]:
            """Convert ``chunks``, in two LibreOffice processes at once."""
            docs = []
            for k, (start, number) in enumerate(chunks):
                end = min(total, chunks[k + 1][0] + overlap) if k + 1 < len(chunks) else total
                docs.append(
                    split.write(
                        work / f"c{start}-{number}.docx",
                        start,
                        end,
                        page=number,
                        marked=range(max(start, end - overlap - 1), end) if end < total else range(0),
                    )
                )
            workers = max(1, min(2, os.cpu_count() or 1, len(docs)))
            groups = [docs[i::workers] for i in range(workers)]
            with ThreadPoolExecutor(workers) as pool:
                pdfs = dict(zip([d for g in groups for d in g], [p for ps in pool.map(convert, groups) for p in ps], strict=True))
            return [_Marks(pdfs[d], n) for d, (_s, n) in zip(docs, chunks, strict=True)]

        kept: list[tuple[_Marks, int, int]] = []
        tail = max(chunk_rows // 2, 60)  # rows marked where the next chunk's start is looked for
        prev_start, prev_end = 0, first_stop
        if regular:
            chunks = plan(tops[-1], prev.number + prev.starts[tops[-1]])
            results = run(chunks)
            for k, (start, number) in enumerate(chunks):
                # the chunk must start on a clean top of the (correct) chunk before it, with that page's number
                if start not in prev.clean_tops() or prev.number + prev.starts[start] != number:
                    break  # mispredicted: the period changed; go on one chunk at a time from prev
                kept.append((prev, 0, prev.starts[start]))
                prev, prev_start = results[k], start
                prev_end = min(total, chunks[k + 1][0] + overlap) if k + 1 < len(chunks) else total
        # one chunk after the other, each from the last clean top the one before it shows
        looked = not regular  # chunk 0 marked a full tail; a predicted chunk marked only its overlap
        while prev_end < total:
            found = [t for t in prev.clean_tops() if t > prev_start]
            if not found and not looked:
                # after a misprediction the last good chunk was marked only where its successor was
                # expected: convert it again from its own (clean) start with a full tail marked
                end = min(total, prev_start + 2 * chunk_rows)
                page = None if prev_start == 0 else prev.number
                doc = split.write(
                    work / f"r{prev_start}.docx", prev_start, end, page=page, marked=range(max(prev_start, end - tail), end)
                )
                prev, prev_end, looked = _Marks(convert([doc])[0], prev.number), end, True
                continue
            if not found:
                return whole()  # no page starts with a whole row in the rows looked at: rows taller than that
            looked = True
            start = found[-1]
            number = prev.number + prev.starts[start]
            kept.append((prev, 0, prev.starts[start]))
            end = min(total, start + 2 * chunk_rows)
            marked = range(max(start, end - tail), end) if end < total else range(0)
            doc = split.write(work / f"s{start}-{number}.docx", start, end, page=number, marked=marked)
            prev, prev_start, prev_end = _Marks(convert([doc])[0], number), start, end
        kept.append((prev, 0, prev.count))
        return _merge(kept, outdir / (source.stem + ".pdf"), pdfa=pdfa)


def _merge(parts: list[tuple[_Marks, int, int]], target: Path, *, pdfa: bool) -> Path:
    """Concatenate page ranges of converted chunks into ``target``, with the first chunk's catalogue and metadata.

    The chunks' structure trees are left out (pypdf cannot merge them): the result is an untagged PDF/A-2b,
    which the standard allows at conformance level B.
    """
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, NameObject, NullObject, NumberObject

    first = parts[0][0].reader
    writer = PdfWriter()
    for marks, a, b in parts:
        writer.append(marks.reader, pages=(a, b), import_outline=marks is parts[0][0], excluded_fields=["/B"])
    root = first.root_object
    for key in ("/Metadata", "/OutputIntents", "/Lang", "/ViewerPreferences", "/PageMode", "/PageLayout"):
        if key in root:
            writer._root_object[NameObject(key)] = root.raw_get(key).clone(writer)
    for key in ("/Names", "/Outlines"):
        if key in writer._root_object and key not in root:
            del writer._root_object[key]  # the row bookmarks' destinations, an empty outline: not in a whole conversion
    for page in writer.pages:
        if "/StructParents" in page:
            del page["/StructParents"]  # its structure tree is not carried over
    if "/OpenAction" in root:  # LibreOffice opens at the top of page 1
        first_page = writer.pages[0].indirect_reference
        zero = NumberObject(0)
        writer._root_object[NameObject("/OpenAction")] = ArrayObject(
            [first_page, NameObject("/XYZ"), NullObject(), NullObject(), zero]
        )
    writer.metadata = first.metadata
    writer.pdf_header = first.pdf_header
    writer.generate_file_identifiers()  # PDF/A requires the trailer's /ID
    tmp = target.with_suffix(".part")
    with tmp.open("wb") as out:
        writer.write(out)
    tmp.replace(target)
    if pdfa and pdfa_part(target) != "2B":
        raise ConversionFailed(_("{pdf} lost its PDF/A-2b declaration when the chunks were merged").format(pdf=target))
    return target
