"""Build the Word templates in templates/ from code, so their layout is reviewable in git.

The .docx files are the templates users open and edit in Word; this script is how the shipped ones
were made. Run `make templates` after changing it, then look at the rendered pages
(`make preview`). Tags use docxtpl syntax: `{{ x }}`, `{%p ... %}` for paragraph loops and
`{%tr ... %}` for table-row loops.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

OUT = Path(__file__).resolve().parent.parent / "templates"
FONT = "Arial"
J, C, L, R = (
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
)
Container = DocxDocument | _Cell
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def new_document(*, paper: str = "F4") -> DocxDocument:
    """A blank document: F4 (215 x 330 mm) or A4, Arial 12 pt, margins of a Pemda naskah dinas."""
    doc = Document()
    section = doc.sections[0]
    if paper == "F4":
        section.page_width, section.page_height = Mm(215), Mm(330)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.header_distance, section.footer_distance = Cm(1), Cm(1)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(0), 1.15
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "id-ID")
    rpr.append(lang)
    core = doc.core_properties
    core.author, core.title, core.comments = "mou", "", "mou template (docxtpl tags)"
    return doc


def para(
    where: Container,
    text: str = "",
    *,
    align: object = J,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    left: float = 0,
    hang: float = 0,
    after: float = 6,
    before: float = 0,
    keep: bool = False,
    underline: bool = False,
    color: RGBColor | None = None,
) -> Paragraph:
    """Add one paragraph; ``left`` and ``hang`` in cm give a hanging indent with a tab at ``left``."""
    p = where.add_paragraph()
    pf = p.paragraph_format
    pf.alignment = align
    pf.space_after, pf.space_before = Pt(after), Pt(before)
    if left:
        pf.left_indent = Cm(left)
    if hang:
        pf.first_line_indent = Cm(-hang)
        pf.tab_stops.add_tab_stop(Cm(left))
    if keep:
        pf.keep_with_next = True
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
    return p


def runs(p: Paragraph, *parts: tuple[str, str]) -> Paragraph:
    """Append runs to ``p``: ('b', text) bold, ('', text) plain, ('u', text) bold underlined."""
    for style, text in parts:
        run = p.add_run(text)
        run.bold = "b" in style
        run.underline = "u" in style
        run.italic = "i" in style
    return p


def title(where: Container, text: str, *, after: float = 0, size: float = 12) -> Paragraph:
    """A centred bold line of a title block."""
    return para(where, text, align=C, bold=True, after=after, keep=True, size=size)


def pasal(doc: DocxDocument, number: int, heading: str) -> None:
    """'Pasal n' centred, its heading in capitals on the next line (DOMAIN.md §6)."""
    para(doc, f"Pasal {number}", align=C, bold=True, after=0, before=12, keep=True)
    para(doc, heading, align=C, bold=True, after=6, keep=True)


def ayat(doc: DocxDocument, n: int, text: str) -> Paragraph:
    """'(n) text' with a hanging indent."""
    return para(doc, f"({n})\t{text}", left=1.0, hang=1.0)


def loop(where: Container, head: str, body: str, *, left: float = 0, hang: float = 0, align: object = J) -> None:
    """A paragraph repeated for each item: {%p for %} / body / {%p endfor %}."""
    para(where, f"{{%p {head} %}}", after=0)
    para(where, body, left=left, hang=hang, align=align)
    para(where, "{%p endfor %}", after=0)


def lettered(where: Container, items: str, *, left: float = 1.0, end: str = ";") -> None:
    """'a. item;' for each item of the list at path ``items`` (the last item ends with a full stop)."""
    body = f"{{{{ '{LETTERS}'[loop.index0] }}}}.\t{{{{ item|akhiri('.' if loop.last else '{end}') }}}}"
    loop(where, f"for item in {items}", body, left=left, hang=0.75)


def numbered(where: Container, items: str, *, left: float = 1.0, end: str = "", text: str = "{{ item }}") -> None:
    """'1. item' for each item of the list at path ``items`` (``text`` shows one item); an item ending in an
    abbreviation ('dll.') gets no second full stop."""
    if end == ";" and text == "{{ item }}":
        body = "{{ loop.index }}.\t{{ item|akhiri('.' if loop.last else ';') }}"
    else:
        tail = "{{ '.' if loop.last else ';' }}" if end == ";" else end
        body = f"{{{{ loop.index }}}}.\t{text}{tail}"
    loop(where, f"for item in {items}", body, left=left, hang=0.75)


def grid(where: Container, rows: int, widths: list[float], *, borders: bool = False) -> Table:
    """A table with fixed column widths in cm; borderless unless ``borders``."""
    table = where.add_table(rows=rows, cols=len(widths))
    if borders:
        table.style = "Table Grid"
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    # LibreOffice lays out by the grid, Word by the cell widths: set both, and fix the layout.
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    return table


def cell_text(cell: _Cell, text: str, *, bold: bool = False, align: object = L, size: float | None = None) -> Paragraph:
    """Put ``text`` in the cell's first paragraph."""
    p = cell.paragraphs[0]
    p.paragraph_format.alignment = align
    p.paragraph_format.space_after = Pt(0)
    if text:
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
    return p


def kv(where: Container, rows: list[tuple[str, str]], widths: tuple[float, float, float] = (3.5, 0.5, 11.5)) -> Table:
    """'label : value' lines aligned in a borderless table."""
    table = grid(where, len(rows), list(widths))
    for row, (key, value) in zip(table.rows, rows, strict=True):
        cell_text(row.cells[0], key)
        cell_text(row.cells[1], ":")
        cell_text(row.cells[2], value, align=J)
    return table


def row_loop(table: Table, head: str, cells: list[str], *, aligns: list[object] | None = None, end: str = "endfor") -> None:
    """Three rows: {%tr for %}, the repeated row, {%tr endfor %} (or {%tr if %} ... {%tr endif %} with ``end``)."""
    start = table.add_row()  # add_row copies the grid widths into the new cells
    cell_text(start.cells[0], f"{{%tr {head} %}}")
    body = table.add_row()
    for i, text in enumerate(cells):
        cell_text(body.cells[i], text, align=(aligns[i] if aligns else L))
    closing = table.add_row()
    cell_text(closing.cells[0], f"{{%tr {end} %}}")


def page_number_footer(doc: DocxDocument, *, prefix: str = "") -> None:
    """Centred page number in the footer of every page."""
    footer = doc.sections[0].footer
    p = footer.paragraphs[0]
    p.paragraph_format.alignment = C
    if prefix:
        p.add_run(prefix)
    run = p.add_run()
    fld_begin = OxmlElement("w:fldChar")
    fld_begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    fld_sep = OxmlElement("w:fldChar")
    fld_sep.set(qn("w:fldCharType"), "separate")
    num = OxmlElement("w:t")
    num.text = "1"
    fld_end = OxmlElement("w:fldChar")
    fld_end.set(qn("w:fldCharType"), "end")
    for el in (fld_begin, instr, fld_sep, num, fld_end):
        run._r.append(el)
    for r in p.runs:
        r.font.size = Pt(10)


def draft_header(doc: DocxDocument, text: str) -> None:
    """A small grey right-aligned line in the header (draft number)."""
    header = doc.sections[0].header
    p = header.paragraphs[0]
    p.paragraph_format.alignment = R
    run = p.add_run(text)
    run.italic = True
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)


def bottom_border(p: Paragraph, *, size: int = 18) -> None:
    """A thick rule under a paragraph (the line under a letterhead)."""
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, val in (("w:val", "thickThinSmallGap"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), val)
    bdr.append(bottom)
    ppr.append(bdr)


def page_break(doc: DocxDocument) -> None:
    """Start a new page."""
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


@dataclass(frozen=True)
class Sig:
    """One signature block. Heading lines starting with '~' are plain, the others bold.

    ``who`` is the name line (``{{ official|nama }}``), ``id_line`` the pangkat and NIP/NPK lines under it
    (:func:`id_line`), ``stamp`` the meterai hint of the drafts (:func:`meterai`).
    """

    heading: list[str]
    who: str
    id_line: str | None = None
    stamp: str | None = None


def signatures(where: Container, left: Sig | None, right: Sig | None, *, gap: float = 2.4) -> Table:
    """Signature blocks side by side, in rows so that both names sit on the same line.

    Rows: headings, space to sign (with the meterai hint of a draft), name, pangkat and NIP/NPK. The
    rows never split across pages and stay with the paragraph before them. The meterai hint is a small
    grey framed "meterai Rp10.000" where the signatory affixes it; the text for signature (``final``)
    never shows it.
    """
    t = grid(where, 4, [8.0, 8.0])
    for col, sig in enumerate((left, right)):
        if sig is None:
            continue
        cells = [row.cells[col] for row in t.rows]
        for i, line in enumerate(sig.heading):
            p = cells[0].paragraphs[0] if i == 0 else cells[0].add_paragraph()
            plain = line.startswith("~")
            p.add_run(line.lstrip("~")).bold = not plain
        if sig.stamp:
            run = cells[1].paragraphs[0].add_run("{% if not final %}" + sig.stamp + "{% endif %}")
            run.font.size = Pt(8)
            run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
            frame = OxmlElement("w:bdr")  # a character border: drawn around the text only, so nothing when it is empty
            for key, val in (("w:val", "dashed"), ("w:sz", "4"), ("w:space", "4"), ("w:color", "808080")):
                frame.set(qn(key), val)
            run._r.get_or_add_rPr().append(frame)
        name = cells[2].paragraphs[0].add_run(sig.who)
        name.bold = name.underline = True
        if sig.id_line:
            cells[3].paragraphs[0].add_run(sig.id_line)
    for r, row in enumerate(t.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if r == 1:
            height = OxmlElement("w:trHeight")
            height.set(qn("w:val"), str(int(Cm(gap).twips)))
            height.set(qn("w:hRule"), "exact")
            tr_pr.append(height)
            for cell in row.cells:
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.alignment = C
                p.paragraph_format.space_after = Pt(0)
                if r < 3:
                    p.paragraph_format.keep_with_next = True
    return t


ID_LINE = "{{ OFFICIAL|nip_pangkat }}"


def id_line(official: str) -> str:
    """The lines under the name of the official at path ``official``: pangkat/golongan and 'NIP. 1969...'
    (or 'NPK. ...') where the data have them; nothing for a Kepala Daerah, Wakil or Sekda (Pasal 44)."""
    return ID_LINE.replace("OFFICIAL", official)


def name_line(official: str) -> str:
    """The name under a signature of the official at path ``official``: degrees as the person writes them,
    the bare name in capitals when ``document.names.upper`` says so."""
    return f"{{{{ {official}|nama }}}}"


def meterai(side: str) -> str:
    """The meterai hint of a signature block of ``side`` ('pemda' or 'partner'), shown only when that party's
    signatory affixes the meterai (``document.meterai_by``)."""
    return f"{{% if document.{side}_affixes_meterai %}}meterai {{{{ document.meterai|rupiah(decimals=False) }}}}{{% endif %}}"


# --------------------------------------------------------------------------------------------------
# Logos and letterheads (DOCUMENTS.md §1.3): in the body, so on the first page only


def logo_row(doc: DocxDocument) -> None:
    """Both parties' logos in one row, in party order: PIHAK KESATU left, PIHAK KEDUA right (never the Garuda).
    A render of a document whose catalogue needs list ``logos`` places the pictures (workflow/commands/render.py)."""
    t = grid(doc, 1, [5.0, 6.0, 5.0])
    cell_text(t.rows[0].cells[0], "{{ parties.pemda.logo_picture }}", align=L)
    cell_text(t.rows[0].cells[2], "{{ parties.partner.logo_picture }}", align=R)
    para(doc, "", after=6)


def kop(doc: DocxDocument, kind: str, *, who: str = "{{ parties.pemda.representative.position|upper }}", unit: str = "") -> None:
    """The letterhead at the top of the first page (DOCUMENTS.md §1.3).

    ``kind`` "jabatan": the Bupati's letters (and the Sekda's a.n. Bupati): ``who`` ("BUPATI BUTON") centred over
    a rule. DOCUMENTS.md puts the Garuda Pancasila in gold above it; the tool draws no Garuda and no logo daerah
    there: the space above the title is left for the Pemda's printed letterhead paper or its own template.
    ``kind`` "instansi": letters of the Sekda or a Kepala Dinas in their own name: the logo daerah on the left
    (``parties.pemda.logo_picture``, the catalogue needs ``logos``), to its right the Pemda's name, the unit
    (``unit``, a template expression) in larger bold type, the address and the contact line, then a rule.
    """
    if kind == "jabatan":
        bottom_border(title(doc, who, size=16, after=12))
        return
    if kind != "instansi":
        raise ValueError(f"kop kind {kind!r}, expected jabatan or instansi")
    t = grid(doc, 1, [2.8, 13.2])
    logo_cell, text_cell = t.rows[0].cells
    for cell in (logo_cell, text_cell):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    cell_text(logo_cell, "{{ parties.pemda.logo_picture }}", align=L)
    cell_text(text_cell, "{{ parties.pemda.name|upper }}", bold=True, align=C, size=14)
    text_cell.add_paragraph()
    cell_text_at(text_cell, 1, f"{{{{ {unit}|upper }}}}", bold=True, size=16)
    text_cell.add_paragraph()
    cell_text_at(text_cell, 2, "{{ parties.pemda.address }}", size=10)
    for line in ("{%p if parties.pemda.contacts %}", "{{ parties.pemda.contacts }}", "{%p endif %}"):
        text_cell.add_paragraph()
        cell_text_at(text_cell, len(text_cell.paragraphs) - 1, line, size=10)
    bottom_border(para(doc, "", after=12, size=4))


def cell_text_at(cell: _Cell, index: int, text: str, *, bold: bool = False, size: float | None = None) -> Paragraph:
    """Centred ``text`` in the cell's paragraph ``index`` (a kop's lines)."""
    p = cell.paragraphs[index]
    p.paragraph_format.alignment = C
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return p


# --------------------------------------------------------------------------------------------------
# Surat Undangan FGD


def undangan_fgd() -> DocxDocument:
    """Invitation letter to the FGD, on the letterhead of the inviting unit."""
    doc = new_document()
    page_number_footer(doc)
    # the Bupati's letter (signed by him or by the Sekda a.n. Bupati): kop jabatan; else the issuing unit's kop instansi
    para(doc, "{%p if fgd.invitation.kop_jabatan %}", after=0)
    kop(doc, "jabatan", who="{{ fgd.invitation.kop_jabatan|upper }}")
    para(doc, "{%p else %}", after=0)
    kop(doc, "instansi", unit="fgd.invitation.issuer")
    para(doc, "{%p endif %}", after=0)
    para(doc, "{{ signing.place }}, {{ fgd.invitation.date|tanggal }}", align=R, after=6)
    t = grid(doc, 4, [2.5, 0.5, 6.0, 7.0])
    rows = [
        ("Nomor", "{{ fgd.invitation.nomor }}"),
        ("Sifat", "Penting"),
        ("Lampiran", "1 (satu) lembar"),
        ("Hal", "Undangan Focus Group Discussion"),
    ]
    for row, (k, v) in zip(t.rows, rows, strict=True):
        cell_text(row.cells[0], k)
        cell_text(row.cells[1], ":")
        cell_text(row.cells[2], v, bold=(k == "Hal"))
    # the addressee beside Nomor to Hal, one line a row: in one cell it would push the rows apart
    for row, line in zip(t.rows, ("Kepada", "Yth. Bapak/Ibu (daftar terlampir)", "di –", "      Tempat"), strict=True):
        cell_text(row.cells[3], line)
    para(doc, "", after=6)
    para(
        doc,
        "Dalam rangka penyusunan {{ document.name }} antara {{ parties.pemda.name }} dan "
        "{{ parties.partner.name }} tentang {{ document.subject }}, dengan hormat kami "
        "mengundang Bapak/Ibu untuk menghadiri Focus Group Discussion (FGD) yang akan dilaksanakan pada:",
        left=1.25,
    )
    kv(
        doc,
        [
            ("hari, tanggal", "{{ fgd.date|hari_tanggal }}"),
            ("pukul", "{{ fgd.time }} {{ fgd.timezone }} s.d. selesai"),
            ("tempat", "{{ fgd.venue }}"),
            ("acara", "{{ fgd.topic }}"),
        ],
        widths=(3.25, 0.5, 11.25),
    )
    para(doc, "", after=0)
    para(doc, "dengan agenda:", left=1.25, after=0)
    numbered(doc, "fgd.agenda", left=2.0, end=";")
    para(
        doc,
        "Mengingat pentingnya acara tersebut, kami mengharapkan kehadiran Bapak/Ibu tepat pada waktunya. "
        "Atas perhatian dan kehadiran Bapak/Ibu, kami ucapkan terima kasih.",
        left=1.25,
        after=12,
    )
    heading = [
        "{% if fgd.invitation.on_behalf_of %}a.n. {{ fgd.invitation.on_behalf_of }}{% endif %}",
        "{{ fgd.invitation.signer.position|upper }},",
    ]
    signatures(doc, None, Sig(heading, name_line("fgd.invitation.signer"), id_line("fgd.invitation.signer")))
    page_break(doc)
    para(doc, "Lampiran surat {{ fgd.invitation.signer.position }}", align=L, after=0, size=10)
    kv(
        doc,
        [("Nomor", "{{ fgd.invitation.nomor }}"), ("Tanggal", "{{ fgd.invitation.date|tanggal }}")],
        widths=(2.5, 0.5, 13.0),
    )
    para(doc, "", after=6)
    title(doc, "DAFTAR UNDANGAN", after=12)
    t = grid(doc, 1, [1.2, 14.8], borders=True)
    cell_text(t.rows[0].cells[0], "No.", bold=True, align=C)
    cell_text(t.rows[0].cells[1], "Jabatan / Instansi", bold=True, align=C)
    row_loop(t, "for p in fgd.invitees", ["{{ loop.index }}.", "{{ p.position }}"], aligns=[C, L])
    return doc


# --------------------------------------------------------------------------------------------------
# Daftar Hadir FGD


def daftar_hadir_fgd() -> DocxDocument:
    """Attendance list: one row per invitee, plus blank rows for others who come."""
    doc = new_document()
    page_number_footer(doc)
    title(doc, "DAFTAR HADIR")
    title(doc, "FOCUS GROUP DISCUSSION", after=12)
    kv(
        doc,
        [
            ("Hari, tanggal", "{{ fgd.date|hari_tanggal }}"),
            ("Pukul", "{{ fgd.time }} {{ fgd.timezone }}"),
            ("Tempat", "{{ fgd.venue }}"),
            ("Acara", "{{ fgd.topic }}"),
        ],
    )
    para(doc, "", after=6)
    widths = [1.2, 4.5, 6.8, 3.5]
    t = grid(doc, 1, widths, borders=True)
    for cell, head in zip(t.rows[0].cells, ("No.", "Nama", "Jabatan / Instansi", "Tanda Tangan"), strict=True):
        cell_text(cell, head, bold=True, align=C)
    row_loop(
        t,
        "for p in fgd.invitees",
        ["{{ loop.index }}.", "{% if p.name %}{{ p|nama_lengkap }}{% endif %}", "{{ p.position }}", "{{ loop.index }}."],
        aligns=[C, L, L, L],
    )
    for extra in range(1, 4):
        row = t.add_row()
        cell_text(row.cells[0], f"{{{{ fgd.invitees|length + {extra} }}}}.", align=C)
        cell_text(row.cells[3], f"{{{{ fgd.invitees|length + {extra} }}}}.")
    for row in t.rows[1:]:
        tr_pr = row._tr.get_or_add_trPr()
        height = OxmlElement("w:trHeight")
        height.set(qn("w:val"), str(int(Cm(1.1).twips)))
        height.set(qn("w:hRule"), "atLeast")
        tr_pr.append(height)
    para(doc, "", after=12, keep=True)
    signatures(
        doc,
        None,
        Sig(
            ["~{{ signing.place }}, {{ fgd.date|tanggal }}", "{{ fgd.chair.position|upper }},"],
            name_line("fgd.chair"),
            id_line("fgd.chair"),
        ),
    )
    return doc


# --------------------------------------------------------------------------------------------------
# Notulen / Berita Acara FGD


def notulen_fgd() -> DocxDocument:
    """Minutes of the FGD with the opening date in words, discussion, outcomes and two signatures."""
    doc = new_document()
    page_number_footer(doc)
    title(doc, "NOTULEN DAN BERITA ACARA")
    title(doc, "FOCUS GROUP DISCUSSION")
    title(doc, "{{ fgd.topic|upper }}", after=18)
    para(
        doc,
        "Pada hari ini {{ fgd.date|tanggal_kata }}, pukul {{ fgd.time }} {{ fgd.timezone }}, bertempat di "
        "{{ fgd.venue }}, telah dilaksanakan Focus Group Discussion (FGD) tentang {{ fgd.topic }} "
        "yang dipimpin oleh {{ fgd.chair.position }}{% if fgd.chair.name is known %}, "
        "{{ fgd.chair|nama_lengkap|akhiri('.') }}{% else %}.{% endif %}",
    )
    para(doc, "I.\tPESERTA", bold=True, left=0.75, hang=0.75, before=6, keep=True)
    para(doc, "FGD dihadiri oleh:", left=0.75)
    attendee = "{% if item.name %}{{ item|nama_lengkap }}, {% endif %}{{ item.position }}"
    numbered(doc, "fgd.attendees", left=1.5, end=";", text=attendee)
    para(doc, "II.\tAGENDA", bold=True, left=0.75, hang=0.75, before=6, keep=True)
    numbered(doc, "fgd.agenda", left=1.5, end=";")
    para(doc, "III.\tPOKOK-POKOK PEMBAHASAN", bold=True, left=0.75, hang=0.75, before=6, keep=True)
    numbered(doc, "fgd.discussion", left=1.5)
    para(
        doc,
        "{{ existing_coverage.source }} menunjukkan bahwa sebanyak {{ existing_coverage.total|angka }} pekerja "
        "di lingkungan {{ parties.pemda.name }} pada {{ existing_coverage.opd|bilangan('OPD') }} telah terdaftar "
        "sebagai peserta BPJS Ketenagakerjaan, dengan rincian:",
        left=1.5,
    )
    t = grid(doc, 1, [1.2, 9.0, 4.0], borders=True)
    for cell, head in zip(t.rows[0].cells, ("No.", "Kelompok Pekerja", "Jumlah (orang)"), strict=True):
        cell_text(cell, head, bold=True, align=C)
    row_loop(
        t,
        "for g in existing_coverage.groups",
        ["{{ loop.index }}.", "{{ g.name }}", "{{ g.count|angka }}"],
        aligns=[C, L, R],
    )
    total = t.add_row()
    cell_text(total.cells[1], "Jumlah", bold=True)
    cell_text(total.cells[2], "{{ existing_coverage.total|angka }}", bold=True, align=R)
    para(doc, "", after=6)
    para(doc, "IV.\tKESIMPULAN DAN TINDAK LANJUT", bold=True, left=0.75, hang=0.75, before=6, keep=True)
    numbered(doc, "fgd.outcomes", left=1.5)
    para(
        doc,
        "Demikian notulen dan berita acara ini dibuat untuk dipergunakan sebagaimana mestinya.",
        before=6,
        after=18,
        keep=True,
    )
    signatures(
        doc,
        Sig(["~", "NOTULIS,"], name_line("fgd.minutes_taker"), id_line("fgd.minutes_taker")),
        Sig(["~{{ signing.place }}, {{ fgd.date|tanggal }}", "PIMPINAN FGD,"], name_line("fgd.chair"), id_line("fgd.chair")),
    )
    return doc


# --------------------------------------------------------------------------------------------------
# Rancangan Kesepakatan Bersama (DOMAIN.md §4.1)


def title_block(
    doc: DocxDocument, *, lead: tuple[str, ...] = (), nomor: str = "parties.{who}.nomor", logos: bool = False
) -> None:
    """Title (after the ``lead`` lines), both parties, subject and both nomor (``nomor`` names the paths); with
    ``logos`` first both parties' logos in party order (``logo_row``)."""
    if logos:
        logo_row(doc)
    for line in lead:
        title(doc, line)
    title(doc, "{{ document.title }}")
    title(doc, "ANTARA")
    title(doc, "{{ parties.pemda.name|upper }}")
    title(doc, "DENGAN")
    title(doc, "{{ parties.partner.name|upper }}")
    title(doc, "TENTANG")
    title(doc, "{{ document.subject|upper }}", after=12)
    t = grid(doc, 2, [2.5, 0.5, 11.0])
    for row, who in zip(t.rows, ("pemda", "partner"), strict=True):
        cell_text(row.cells[0], "NOMOR", bold=True)
        cell_text(row.cells[1], ":", bold=True)
        cell_text(row.cells[2], "{{ " + nomor.format(who=who) + " }}", bold=True)
    para(doc, "", after=12)


def komparisi(doc: DocxDocument, n: int, who: str, label: str, end: str) -> None:
    """One numbered party in the opening: name, position, basis, seat and label."""
    t = grid(doc, 1, [0.75, 4.75, 0.5, 10.0])
    cells = t.rows[0].cells
    cell_text(cells[0], f"{n}.")
    cell_text(cells[1], name_line(f"parties.{who}.representative"), bold=True)
    cell_text(cells[2], ":")
    p = cell_text(
        cells[3],
        f"{{{{ parties.{who}.representative.position }}}}, yang diangkat berdasarkan "
        f"{{{{ parties.{who}.appointment }}}}, dalam hal ini bertindak untuk dan atas nama "
        f"{{{{ parties.{who}.name }}}}, berkedudukan di {{{{ parties.{who}.address }}}}, "
        "selanjutnya disebut ",
        align=J,
    )
    runs(p, ("b", f"{{{{ {label} }}}}"), ("", end))
    p.paragraph_format.space_after = Pt(6)


def kb_signatures(doc: DocxDocument, *, stamp: bool) -> None:
    """PIHAK KEDUA on the left, PIHAK KESATU on the right (DOMAIN.md §4.1); with ``stamp``, the meterai hint
    of a draft on the side whose signatory affixes it (``document.meterai_by``, the partner by default)."""
    signatures(
        doc,
        Sig(
            ["{{ pihak_kedua }},", "{{ parties.partner.representative.position|upper }},"],
            name_line("parties.partner.representative"),
            id_line("parties.partner.representative"),
            meterai("partner") if stamp else None,
        ),
        Sig(
            ["{{ pihak_kesatu }},", "{{ parties.pemda.representative.position|upper }},"],
            name_line("parties.pemda.representative"),
            id_line("parties.pemda.representative"),
            meterai("pemda") if stamp else None,
        ),
        gap=2.8,
    )


def rancangan_kb() -> DocxDocument:
    """The draft Kesepakatan Bersama: title block, opening, komparisi, considerations, 11 Pasal, signatures, lampiran."""
    doc = new_document()
    page_number_footer(doc)
    draft_header(doc, "{% if not final %}Rancangan v{{ version }} – bukan naskah final{% endif %}")
    title_block(doc, logos=True)
    p = para(doc)
    runs(
        p,
        (
            "",
            "Pada hari ini {{ signing.date|tanggal_kata }}, bertempat di {{ signing.place }}, yang bertanda tangan di bawah ini:",
        ),
    )
    komparisi(doc, 1, "pemda", "pihak_kesatu", ";")
    komparisi(doc, 2, "partner", "pihak_kedua", ".")
    p = para(doc)
    runs(
        p,
        ("b", "{{ pihak_kesatu }}"),
        ("", " dan "),
        ("b", "{{ pihak_kedua }}"),
        ("", " secara bersama-sama disebut "),
        ("b", "PARA PIHAK"),
        ("", " dan secara sendiri-sendiri disebut "),
        ("b", "PIHAK"),
        ("", ", terlebih dahulu menerangkan hal-hal sebagai berikut:"),
    )
    loop(
        doc,
        "for item in considerations",
        f"{{{{ '{LETTERS}'[loop.index0] }}}}.\tbahwa {{{{ item|akhiri('.' if loop.last else ';') }}}}",
        left=0.75,
        hang=0.75,
    )
    para(
        doc,
        "Berdasarkan pertimbangan sebagaimana tersebut di atas, PARA PIHAK sepakat untuk membuat "
        "{{ document.name }} tentang {{ document.subject }}, dengan ketentuan sebagai berikut:",
    )

    pasal(doc, 1, "MAKSUD DAN TUJUAN")
    ayat(doc, 1, "Maksud {{ document.name }} ini adalah {{ purpose.intent }}.")
    ayat(doc, 2, "Tujuan {{ document.name }} ini adalah:")
    lettered(doc, "purpose.goals", left=1.75)

    pasal(doc, 2, "RUANG LINGKUP")
    para(doc, "Ruang lingkup {{ document.name }} ini meliputi:")
    lettered(doc, "scope", left=0.75)

    pasal(doc, 3, "PELAKSANAAN")
    ayat(
        doc,
        1,
        "{{ document.name }} ini dilaksanakan bagi {{ coverage.workers|bilangan('orang') }} "
        "{{ coverage.segment }} sebagai peserta {{ coverage.category }} program "
        "{{ coverage.programme_names }}.",
    )
    ayat(
        doc,
        2,
        "Calon peserta sebagaimana dimaksud pada ayat (1) ditetapkan berdasarkan data "
        "{{ coverage.data_source_name }} ({{ coverage.data_source }}) yang diverifikasi oleh {{ pihak_kesatu }}.",
    )
    ayat(
        doc,
        3,
        "Pelaksanaan {{ document.name }} ini ditindaklanjuti dengan Perjanjian Kerja Sama yang "
        "disusun dan ditandatangani oleh PARA PIHAK atau pejabat yang ditunjuk sesuai ketentuan "
        "peraturan perundang-undangan.",
    )

    pasal(doc, 4, "TUGAS DAN TANGGUNG JAWAB")
    ayat(doc, 1, "{{ pihak_kesatu }} bertugas dan bertanggung jawab:")
    for i, text in enumerate(
        [
            "menetapkan dan menyampaikan data calon peserta kepada {{ pihak_kedua }};",
            "mengalokasikan anggaran iuran dalam {{ funding.source }};",
            "membayar iuran peserta kepada {{ pihak_kedua }} sesuai ketentuan;",
            "membentuk tim teknis pelaksanaan {{ document.name }}; dan",
            "melakukan sosialisasi program kepada masyarakat.",
        ]
    ):
        para(doc, f"{LETTERS[i]}.\t{text}", left=1.75, hang=0.75)
    ayat(doc, 2, "{{ pihak_kedua }} bertugas dan bertanggung jawab:")
    for i, text in enumerate(
        [
            "mendaftarkan peserta dan menerbitkan kartu kepesertaan;",
            "memberikan manfaat program {{ coverage.programme_codes }} kepada peserta atau ahli warisnya "
            "sesuai ketentuan peraturan perundang-undangan;",
            "menyampaikan data kepesertaan, iuran dan klaim kepada {{ pihak_kesatu }} {{ monitoring.every }}; dan",
            "melaksanakan sosialisasi program bersama {{ pihak_kesatu }}.",
        ]
    ):
        para(doc, f"{LETTERS[i]}.\t{text}", left=1.75, hang=0.75)

    pasal(doc, 5, "PEMBIAYAAN")
    ayat(
        doc,
        1,
        "Iuran program {{ coverage.programme_codes }} bagi setiap peserta sebesar "
        "{{ coverage.monthly_per_worker|rupiah_lengkap }} per orang per bulan, dihitung dari dasar "
        "penghasilan {{ coverage.income_base|rupiah_lengkap }} per bulan, dengan rincian sebagaimana "
        "tercantum dalam Lampiran yang merupakan bagian tidak terpisahkan dari {{ document.name }} ini.",
    )
    ayat(
        doc,
        2,
        "Kebutuhan iuran bagi {{ coverage.workers|bilangan('orang') }} peserta selama "
        "{{ budget.annual_months|bilangan('bulan') }} sebesar {{ budget.annual|rupiah_lengkap }}.",
    )
    # a funding period that runs into later budget years: its total, then each budget year's months and allocation
    para(doc, "{%p if budget.multi_year %}", after=0)
    ayat(
        doc,
        3,
        "Iuran bulan {{ funding.period }} selama {{ budget.total_months|bilangan('bulan') }} sebesar "
        "{{ budget.total|rupiah_lengkap }} dibebankan pada {{ funding.source }} Tahun Anggaran berkenaan, "
        "dengan rincian sebagai berikut:",
    ).paragraph_format.keep_with_next = True
    loop(
        doc,
        "for y in budget.years",
        f"{{{{ '{LETTERS}'[loop.index0] }}}}.\tTahun Anggaran {{{{ y.year }}}}: {{{{ y.period }}}}, "
        "{{ y.months|bilangan('bulan') }}, {{ y.allocation|rupiah_lengkap }}{{ '.' if loop.last else ';' }}",
        left=1.75,
        hang=0.75,
        align=L,  # justified, the amount wrapping to the next line leaves wide gaps in the line before
    )
    para(doc, "{%p else %}", after=0)
    ayat(
        doc,
        3,
        "Untuk Tahun Anggaran {{ funding.year }}, iuran bulan {{ funding.period }} selama "
        "{{ budget.months|bilangan('bulan') }} sebesar {{ budget.allocation|rupiah_lengkap }} "
        "dibebankan pada {{ funding.source }} Tahun Anggaran {{ funding.year }}.",
    )
    para(doc, "{%p endif %}", after=0)
    ayat(
        doc,
        4,
        "Pembiayaan pada tahun anggaran berikutnya dianggarkan sesuai dengan kemampuan keuangan daerah "
        "dan ketentuan peraturan perundang-undangan.",
    )

    pasal(doc, 6, "JANGKA WAKTU")
    ayat(
        doc,
        1,
        "{{ document.name }} ini berlaku selama {{ term.duration }}, terhitung mulai tanggal "
        "{{ term.start|tanggal }} sampai dengan tanggal {{ term.end|tanggal }}.",
    )
    ayat(
        doc,
        2,
        "{{ document.name }} ini dapat diperpanjang atas kesepakatan PARA PIHAK sesuai ketentuan peraturan perundang-undangan.",
    )

    pasal(doc, 7, "MONITORING DAN EVALUASI")
    ayat(
        doc,
        1,
        "Untuk melaksanakan {{ document.name }} ini, {{ pihak_kesatu }} membentuk tim teknis yang "
        "diketuai oleh {{ technical_team.lead }} dengan anggota dari unsur PARA PIHAK.",
    )
    ayat(
        doc,
        2,
        "Tim teknis melaksanakan monitoring dan evaluasi {{ monitoring.every }} dan melaporkan "
        "hasilnya kepada {{ monitoring.report_to }}.",
    )

    pasal(doc, 8, "KEADAAN KAHAR")
    ayat(
        doc,
        1,
        "Keadaan kahar adalah keadaan di luar kemampuan PARA PIHAK yang secara langsung mengakibatkan "
        "tidak dapat dilaksanakannya {{ document.name }} ini, antara lain bencana alam, wabah penyakit, "
        "kebakaran, huru-hara dan perubahan kebijakan pemerintah.",
    )
    ayat(
        doc,
        2,
        "PIHAK yang mengalami keadaan kahar memberitahukan secara tertulis kepada PIHAK lainnya paling "
        "lambat 14 (empat belas) hari sejak terjadinya keadaan kahar.",
    )

    pasal(doc, 9, "PENYELESAIAN PERSELISIHAN")
    para(
        doc,
        "Apabila terjadi perselisihan dalam pelaksanaan {{ document.name }} ini, PARA PIHAK "
        "menyelesaikannya secara musyawarah untuk mufakat.",
    )

    pasal(doc, 10, "LAIN-LAIN")
    ayat(
        doc,
        1,
        "Hal-hal yang belum diatur atau perubahan atas {{ document.name }} ini diatur lebih lanjut "
        "dalam adendum yang disepakati PARA PIHAK.",
    )
    ayat(doc, 2, "Adendum dan Lampiran merupakan bagian yang tidak terpisahkan dari {{ document.name }} ini.")

    pasal(doc, 11, "PENUTUP")
    para(
        doc,
        "{{ document.name }} ini dibuat dan ditandatangani oleh PARA PIHAK pada hari dan tanggal tersebut "
        "di atas dalam rangkap {{ document.copies|bilangan }} asli, bermeterai cukup, dan masing-masing "
        "mempunyai kekuatan hukum yang sama.",
        after=18,
        keep=True,
    )
    kb_signatures(doc, stamp=True)

    page_break(doc)
    title_block(doc, lead=("LAMPIRAN",))
    title(doc, "RINCIAN IURAN DAN KEBUTUHAN ANGGARAN", after=12)
    para(doc, "A.\tIuran per peserta per bulan", bold=True, left=0.75, hang=0.75, keep=True)
    t = grid(doc, 1, [1.2, 6.3, 4.5, 4.0], borders=True)
    for cell, head in zip(t.rows[0].cells, ("No.", "Program", "Dasar Perhitungan", "Iuran per Bulan"), strict=True):
        cell_text(cell, head, bold=True, align=C)
    row_loop(
        t,
        "for r in coverage.rates",
        ["{{ loop.index }}.", "{{ r.name }} ({{ r.code }})", "{{ r.rule }}", "{{ r.monthly|rupiah }}"],
        aligns=[C, L, L, R],
    )
    total = t.add_row()
    cell_text(total.cells[1], "Jumlah per orang per bulan", bold=True)
    cell_text(total.cells[3], "{{ coverage.monthly_per_worker|rupiah }}", bold=True, align=R)
    para(doc, "Dasar penghasilan: {{ coverage.income_base|rupiah }} per bulan.", size=10, before=3, after=12)
    para(doc, "B.\tKebutuhan anggaran", bold=True, left=0.75, hang=0.75, keep=True)
    t = grid(doc, 3, [9.0, 7.0], borders=True)
    rows = [
        ("Jumlah peserta", "{{ coverage.workers|bilangan('orang') }}"),
        ("Iuran per orang per bulan", "{{ coverage.monthly_per_worker|rupiah }}"),
        ("Kebutuhan iuran {{ budget.annual_months|bilangan('bulan') }}", "{{ budget.annual|rupiah }}"),
    ]
    for row, (k, v) in zip(t.rows, rows, strict=True):
        cell_text(row.cells[0], k)
        cell_text(row.cells[1], v, align=R if "rupiah" in v else L)
    # funding within one budget year: its allocation is a row here; over several years, table C below
    row_loop(
        t,
        "if not budget.multi_year",
        ["Tahun Anggaran {{ funding.year }} ({{ funding.period }})", "{{ budget.allocation|rupiah }}"],
        aligns=[L, R],
        end="endif",
    )
    source = t.add_row()
    cell_text(source.cells[0], "Sumber dana")
    cell_text(source.cells[1], "{{ funding.source }}")
    para(doc, "{%p if budget.multi_year %}", after=0)
    para(doc, "", after=12)
    para(doc, "C.\tAlokasi per tahun anggaran", bold=True, left=0.75, hang=0.75, keep=True)
    t = grid(doc, 1, [2.4, 6.0, 2.4, 5.2], borders=True)  # Alokasi fits Rp10.080.000.000,00 in bold
    for cell, head in zip(t.rows[0].cells, ("Tahun Anggaran", "Bulan", "Jumlah Bulan", "Alokasi"), strict=True):
        cell_text(cell, head, bold=True, align=C)
    row_loop(
        t,
        "for y in budget.years",
        ["{{ y.year }}", "{{ y.period }}", "{{ y.months }}", "{{ y.allocation|rupiah }}"],
        aligns=[C, L, C, R],
    )
    total = t.add_row()
    for cell, text, align in zip(
        total.cells,
        ("Jumlah", "{{ funding.period }}", "{{ budget.total_months }}", "{{ budget.total|rupiah }}"),
        (C, L, C, R),
        strict=True,
    ):
        cell_text(cell, text, bold=True, align=align)
    for cell in (c for row in t.rows for c in row.cells):  # table C goes to the next page with the signatures
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    para(doc, "{%p endif %}", after=0)
    para(doc, "", after=18, keep=True)  # never the signatures alone on the lampiran's last page
    kb_signatures(doc, stamp=False)
    return doc


def adendum() -> DocxDocument:
    """An adendum to the signed Kesepakatan Bersama: title block, opening, recitals, changes, signatures."""
    doc = new_document()
    page_number_footer(doc)
    draft_header(doc, "{% if not final %}Rancangan adendum v{{ version }} – bukan naskah final{% endif %}")
    title_block(doc, lead=("{{ adendum.title|upper }}", "ATAS"), nomor="adendum.nomor_{who}", logos=True)
    para(
        doc,
        "Pada hari ini {{ adendum.date|tanggal_kata }}, bertempat di {{ signing.place }}, yang bertanda tangan di bawah ini:",
    )
    komparisi(doc, 1, "pemda", "pihak_kesatu", ";")
    komparisi(doc, 2, "partner", "pihak_kedua", ".")
    para(doc, "PARA PIHAK terlebih dahulu menerangkan hal-hal sebagai berikut:")
    para(
        doc,
        "a.\tbahwa PARA PIHAK telah menandatangani {{ document.name }} Nomor {{ parties.pemda.nomor }} dan Nomor "
        "{{ parties.partner.nomor }} tanggal {{ signing.date|tanggal }} tentang {{ document.subject }};",
        left=0.75,
        hang=0.75,
    )
    para(doc, "b.\tbahwa {{ adendum.reason }};", left=0.75, hang=0.75)
    para(
        doc,
        "Berdasarkan pertimbangan tersebut, PARA PIHAK sepakat mengubah {{ document.name }} dengan ketentuan sebagai berikut:",
    )
    pasal(doc, 1, "PERUBAHAN")
    loop(doc, "for c in adendum.changes", "{{ loop.index }}.\t{{ c.text }}", left=0.75, hang=0.75)
    pasal(doc, 2, "KETENTUAN LAIN")
    para(
        doc,
        "Ketentuan dalam {{ document.name }} yang tidak diubah dalam {{ adendum.title|title }} ini dinyatakan tetap berlaku.",
    )
    pasal(doc, 3, "PENUTUP")
    para(
        doc,
        "{{ adendum.title|title }} ini merupakan bagian yang tidak terpisahkan dari {{ document.name }}, berlaku sejak "
        "tanggal ditandatangani, dan dibuat dalam rangkap {{ document.copies|bilangan }} asli, bermeterai cukup, "
        "masing-masing mempunyai kekuatan hukum yang sama.",
        after=18,
        keep=True,
    )
    kb_signatures(doc, stamp=True)
    return doc


def laporan_monev() -> DocxDocument:
    """Laporan Monitoring dan Evaluasi of one period: KPIs, charts, milestones, issues, recommendation."""
    doc = new_document(paper="A4")
    page_number_footer(doc)
    title(doc, "LAPORAN MONITORING DAN EVALUASI")
    title(doc, "PELAKSANAAN {{ document.title }}")
    title(doc, "ANTARA {{ parties.pemda.name|upper }}")
    title(doc, "DAN {{ parties.partner.name|upper }}")
    title(doc, "{{ report.period|upper }}", after=12)
    facts = kv(
        doc,
        [
            ("Periode", "{{ report.start|tanggal }} s.d. {{ report.end|tanggal }}"),
            ("Nomor", "{{ parties.pemda.nomor }} / {{ parties.partner.nomor }}"),
            ("Jangka waktu", "{{ term.start|tanggal }} s.d. {{ term.end|tanggal }}"),
            ("Disusun oleh", "Tim Teknis, diketuai {{ technical_team.lead }}"),
        ],
    )
    for row in facts.rows:  # a nomor cannot break: justified, its line would gape
        row.cells[2].paragraphs[0].paragraph_format.alignment = L
    para(doc, "I.\tCAPAIAN KINERJA", bold=True, left=0.75, hang=0.75, before=12, keep=True)
    t = grid(doc, 1, [4.4, 3.9, 3.9, 3.8], borders=True)
    for cell, head in zip(t.rows[0].cells, ("Indikator", "Capaian", "Target", "Keterangan"), strict=True):
        cell_text(cell, head, bold=True, align=C)
    row_loop(t, "for k in report.kpis", ["{{ k.name }}", "{{ k.value }}", "{{ k.target }}", "{{ k.note }}"], aligns=[L, R, R, L])
    para(doc, "II.\tGRAFIK", bold=True, left=0.75, hang=0.75, before=12, keep=True)
    para(doc, "{{ report.charts.enrolment }}", align=C, after=6)
    para(doc, "{{ report.charts.budget }}", align=C, after=6)
    para(doc, "III.\tKEGIATAN PADA PERIODE INI", bold=True, left=0.75, hang=0.75, before=12, keep=True)
    t = grid(doc, 1, [3.6, 3.4, 9.0], borders=True)
    for cell, head in zip(t.rows[0].cells, ("Tanggal", "Kegiatan", "Uraian"), strict=True):
        cell_text(cell, head, bold=True, align=C)
    row_loop(t, "for m in report.milestones", ["{{ m.date|tanggal }}", "{{ m.kind }}", "{{ m.text }}"])
    para(doc, "IV.\tPERMASALAHAN DAN TINDAK LANJUT", bold=True, left=0.75, hang=0.75, before=12, keep=True)
    numbered(doc, "report.issues", left=1.5)
    para(doc, "V.\tREKOMENDASI", bold=True, left=0.75, hang=0.75, before=12, keep=True)
    para(doc, "Berdasarkan capaian kinerja pada periode ini, Tim Teknis merekomendasikan:", left=0.75, keep=True)
    numbered(doc, "report.recommendations", left=1.5)
    para(
        doc,
        "Berdasarkan hasil monitoring dan evaluasi, pelaksanaan kerja sama ini direkomendasikan untuk "
        "{{ report.recommendation }}.",
        left=0.75,
        after=18,
        keep=True,
    )
    signatures(
        doc,
        None,
        Sig(
            ["~{{ signing.place }}, {{ report.end|tanggal }}", "KETUA TIM TEKNIS,", "{{ technical_team.lead|upper }}"],
            name_line("technical_team.signer"),
            id_line("technical_team.signer"),
        ),
    )
    return doc


def ba_santunan() -> DocxDocument:
    """Berita Acara Penyerahan Santunan JKM (DOCUMENTS.md D14): its nomor, who hands over and who receives (with the
    relationship to the deceased), the deceased (masked NIK, KPJ), the parts of the benefit in figures and words,
    the scholarship, and the signatures with the witnesses."""
    doc = new_document(paper="A4")
    page_number_footer(doc)
    title(doc, "BERITA ACARA")
    title(doc, "PENYERAHAN SANTUNAN JAMINAN KEMATIAN (JKM)")
    para(doc, "Nomor: {{ santunan.nomor }}", align=C, after=18)
    para(
        doc,
        "Pada hari ini {{ santunan.date|tanggal_kata }}, bertempat di {{ signing.place }}, yang bertanda tangan di bawah ini:",
    )
    t = grid(doc, 4, [0.75, 5.75, 0.5, 9.0])
    rows = [
        ("1.", "Nama", "{{ parties.partner.representative|nama_lengkap }}"),
        ("", "{{ parties.partner.representative.id.kind if parties.partner.representative.id else 'NPK' }}", ""),
        ("", "Jabatan", "{{ parties.partner.representative.position }}"),
        ("", "", ""),
    ]
    for row, (n, key, value) in zip(t.rows, rows, strict=True):
        cell_text(row.cells[0], n)
        cell_text(row.cells[1], key)
        cell_text(row.cells[2], ":" if key else "")
        cell_text(row.cells[3], value)
    cell_text(
        t.rows[1].cells[3],
        "{% if parties.partner.representative.id %}{{ parties.partner.representative.id.number }}{% else %}-{% endif %}",
    )
    runs(t.rows[3].cells[1].paragraphs[0], ("", "selanjutnya disebut "), ("b", "PIHAK YANG MENYERAHKAN"), ("", ";"))
    t.rows[3].cells[1].merge(t.rows[3].cells[3])
    t = grid(doc, 3, [0.75, 5.75, 0.5, 9.0])
    rows = [
        ("2.", "Nama", "{{ santunan.heir|nama_lengkap }}"),
        ("", "Hubungan dengan peserta", "{{ santunan.relationship }}"),
        ("", "", ""),
    ]
    for row, (n, key, value) in zip(t.rows, rows, strict=True):
        cell_text(row.cells[0], n)
        cell_text(row.cells[1], key)
        cell_text(row.cells[2], ":" if key else "")
        cell_text(row.cells[3], value)
    runs(
        t.rows[2].cells[1].paragraphs[0],
        ("", "selanjutnya disebut "),
        ("b", "PIHAK YANG MENERIMA"),
        ("", ", sebagai ahli waris."),
    )
    t.rows[2].cells[1].merge(t.rows[2].cells[3])
    para(doc, "", after=6)
    p = para(doc)
    runs(
        p,
        ("b", "PIHAK YANG MENYERAHKAN"),
        ("", " telah menyerahkan kepada "),
        ("b", "PIHAK YANG MENERIMA"),
        (
            "",
            " santunan Jaminan Kematian atas meninggalnya peserta program jaminan sosial ketenagakerjaan berikut, "
            "bukan akibat kecelakaan kerja:",
        ),
    )
    deceased = kv(
        doc,
        [
            ("Nama peserta", "{{ santunan.participant }}"),
            ("NIK", "{{ santunan.nik }}"),
            ("Nomor KPJ", "{{ santunan.kpj }}"),
            ("Tanggal meninggal", "{{ santunan.died|tanggal }}"),
            ("Kepesertaan", "{{ santunan.segment }}"),
            (
                "Iuran dibayar oleh",
                "{{ parties.pemda.name }}, berdasarkan {{ document.name }} Nomor {{ parties.pemda.nomor }} "
                "dan Nomor {{ parties.partner.nomor }}",
            ),
        ],
        widths=(4.5, 0.5, 11.0),
    )
    for row in deceased.rows:  # numbers that cannot break would stretch a justified line
        row.cells[2].paragraphs[0].paragraph_format.alignment = L
    para(doc, "", after=6)
    para(doc, "dengan rincian manfaat sesuai {{ santunan.basis }}:", keep=True)
    t = grid(doc, 1, [1.2, 10.3, 4.5], borders=True)
    for cell, head in zip(t.rows[0].cells, ("No.", "Manfaat", "Jumlah"), strict=True):
        cell_text(cell, head, bold=True, align=C)
    row_loop(
        t,
        "for part in santunan.parts",
        ["{{ loop.index }}.", "{{ part.name }}{% if part.note %}, {{ part.note }}{% endif %}", "{{ part.amount|rupiah }}"],
        aligns=[C, L, R],
    )
    total = t.add_row()
    cell_text(total.cells[1], "Jumlah", bold=True)
    cell_text(total.cells[2], "{{ santunan.total|rupiah }}", bold=True, align=R)
    para(doc, "", after=6)
    para(doc, "Jumlah yang diserahkan sebesar {{ santunan.total|rupiah_lengkap }}.")
    para(doc, "{%p if santunan.scholarship %}", after=0)
    para(doc, "Beasiswa pendidikan anak: {{ santunan.scholarship|akhiri('.') }}")
    para(doc, "{%p endif %}", after=0)
    para(doc, "{%p if santunan.reason %}", after=0)
    para(doc, "Keterangan: {{ santunan.reason|akhiri('.') }}")
    para(doc, "{%p endif %}", after=0)
    p = para(doc, after=18, keep=True)
    runs(
        p,
        ("b", "PIHAK YANG MENERIMA"),
        (
            "",
            " menyatakan telah menerima santunan tersebut dalam jumlah lengkap. Demikian Berita Acara ini dibuat "
            "untuk dipergunakan sebagaimana mestinya.",
        ),
    )
    signatures(
        doc,
        Sig(["~", "PIHAK YANG MENERIMA,", "~Ahli Waris"], "{{ santunan.heir|nama }}"),
        Sig(
            [
                "~{{ signing.place }}, {{ santunan.date|tanggal }}",
                "PIHAK YANG MENYERAHKAN,",
                "~{{ parties.partner.representative.position }}",
            ],
            name_line("parties.partner.representative"),
            id_line("parties.partner.representative"),
        ),
    )
    para(doc, "", after=12, keep=True)
    title(doc, "SAKSI-SAKSI", after=6)
    t = grid(doc, 1, [1.2, 6.3, 5.0, 3.5], borders=True)
    for cell, head in zip(t.rows[0].cells, ("No.", "Nama", "Jabatan", "Tanda Tangan"), strict=True):
        cell_text(cell, head, bold=True, align=C)
    row_loop(
        t,
        "for w in santunan.witnesses",
        ["{{ loop.index }}.", "{{ w|nama }}", "{{ w.position }}", "{{ loop.index }}."],
        aligns=[C, L, L, L],
    )
    body = t.rows[2]  # the repeated row: the pangkat and NIP under the name, room to sign
    q = body.cells[1].add_paragraph("{{ w|nip_pangkat }}")
    q.paragraph_format.space_after = Pt(0)
    for run in q.runs:
        run.font.size = Pt(10)
    tr_pr = body._tr.get_or_add_trPr()
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(Cm(1.4).twips)))
    height.set(qn("w:hRule"), "atLeast")
    tr_pr.append(height)
    return doc


BUILDERS = {
    "undangan-fgd.docx": undangan_fgd,
    "daftar-hadir-fgd.docx": daftar_hadir_fgd,
    "notulen-fgd.docx": notulen_fgd,
    "rancangan-kb.docx": rancangan_kb,
    "adendum.docx": adendum,
    "laporan-monev.docx": laporan_monev,
    "ba-santunan-jkm.docx": ba_santunan,
}


EXTRA_MODULES = ("build_pks", "build_letters", "build_tkksd", "build_closing")
"""Builders of further documents, each a module beside this one with its own ``BUILDERS`` table."""


def all_builders() -> dict[str, Callable[[], DocxDocument]]:
    """Every template's builder: this module's and those of ``EXTRA_MODULES`` (imported here, after this
    module is complete, because they use its helpers)."""
    import importlib

    found: dict[str, Callable[[], DocxDocument]] = dict(BUILDERS)
    for name in EXTRA_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name == name:
                continue
            raise
        found.update(module.BUILDERS)
    return found


def main(argv: list[str]) -> int:
    """Write every template (or only those named, e.g. ``pks.docx``) into templates/."""
    OUT.mkdir(exist_ok=True)
    builders = all_builders()
    unknown = [n for n in argv if n not in builders]
    if unknown:
        print(f"unknown template {', '.join(unknown)}; known: {', '.join(sorted(builders))}", file=sys.stderr)
        return 2
    for name, build in builders.items():
        if argv and name not in argv:
            continue
        build().save(str(OUT / name))
        print(OUT / name)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main(sys.argv[1:]))
