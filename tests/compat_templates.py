"""The compatibility suite's templates, built at test time with python-docx and raw XML (no binary fixtures).

Each ``Case`` builds one template into a folder, makes its context with a ``tpl`` (a stock
``DocxTemplate`` or mou's render ``Session``: the docxtpl objects are made with it, exactly as docxtpl
users make them) and optionally prepares replacements on that ``tpl``. ``tests/test_compat.py``
renders every case with stock docxtpl and with mou and compares the packages part by part.

A case with ``refused`` set is a feature mou refuses by name: the message must contain that text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
URL = "https://www.bpjsketenagakerjaan.go.id/?kanal=baubau&tahun=2025"
WIDE = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun"]
"""The columns a column loop adds (short: a narrow column would wrap a longer word in the PDF)."""


@dataclass(frozen=True)
class Case:
    """One template of the suite, the context it is rendered with, and what the rendered document must show."""

    name: str
    build: Callable[[Path, Path], None]
    """``build(template, assets)``: write the template; ``assets`` holds the pictures (see ``assets``)."""
    context: Callable[[Any, Path], dict[str, Any]]
    prepare: Callable[[Any, Path], None] | None = None
    autoescape: bool = True
    """False: compared with docxtpl's defaults (no autoescape, plain Jinja), the case being about escaping."""
    refused: str | None = None
    texts: tuple[str, ...] = field(default_factory=tuple)
    """Text the PDF of mou's output must show."""
    round_trip: bool = True
    """False where LibreOffice drops what the case is about (an embedded file that no element shows)."""


# ---------------------------------------------------------------- helpers


def assets(folder: Path) -> Path:
    """Write the pictures the cases use into ``folder`` (PNG, JPEG, GIF of distinct sizes and colours)."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (240, 80), (0, 90, 160)).save(folder / "logo.png", dpi=(150, 150))
    Image.new("RGB", (120, 120), (200, 30, 30)).save(folder / "cap.jpg", quality=90)
    Image.new("P", (60, 30), 3).save(folder / "tanda.gif")
    Image.new("RGB", (100, 50), (250, 250, 0)).save(folder / "dummy.png")
    Image.new("RGB", (100, 50), (0, 200, 0)).save(folder / "kop.png")
    Image.new("RGB", (100, 50), (120, 0, 120)).save(folder / "pengganti.png")
    Image.new("RGB", (100, 50), (0, 0, 0)).save(folder / "pengganti-kop.png")
    (folder / "lampiran.xlsx").write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip: an embedded workbook
    (folder / "lampiran-baru.xlsx").write_bytes(b"PK\x05\x06" + b"\x00" * 17 + b"\x01")
    return folder


def _document() -> Any:
    from docx import Document

    return Document()


def _table(doc: Any, rows: list[list[str]], style: str = "Table Grid") -> Any:
    """A table of ``rows`` (each cell one run of text), with visible borders."""
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = style
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            if text:
                cell.paragraphs[0].add_run(text)
    return table


def _runs(paragraph: Any, *texts: str) -> Any:
    """A paragraph typed in several runs (as Word splits a tag after an edit)."""
    for text in texts:
        paragraph.add_run(text)
    return paragraph


def _rewrite(path: Path, edits: dict[str, Callable[[str], str] | str | bytes]) -> None:
    """Edit members of a saved .docx: a function of the old text, the new text, or new bytes; new names are added."""
    with zipfile.ZipFile(path) as zf:
        members = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    for name, edit in edits.items():
        if isinstance(edit, bytes):
            members[name] = edit
        else:
            members[name] = (edit(members.get(name, b"").decode("utf-8")) if callable(edit) else edit).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _add_relationship(rels: str, rid: str, reltype: str, target: str) -> str:
    at = rels.rindex("</Relationships>")
    return rels[:at] + f'<Relationship Id="{rid}" Type="{reltype}" Target="{target}"/>' + rels[at:]


def _add_override(types: str, part: str, content_type: str) -> str:
    at = types.rindex("</Types>")
    return types[:at] + f'<Override PartName="{part}" ContentType="{content_type}"/>' + types[at:]


def _footnotes(path: Path, notes: list[str]) -> None:
    """Give the saved template a footnotes part with ``notes`` (raw run XML of each) and reference them in the body,
    where the body has ``[[FNn]]`` markers."""
    separators = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
        "</w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>"
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    )
    body = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        f"{runs}</w:p></w:footnote>"
        for n, runs in enumerate(notes, start=1)
    )
    xml = (  # as Word writes it: declaration, CRLF, every namespace on the root
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<w:footnotes xmlns:w="{W}" xmlns:r="{RELS}">{separators}{body}</w:footnotes>'
    )

    def references(document: str) -> str:
        for n in range(1, len(notes) + 1):
            document = document.replace(
                f"<w:t>[[FN{n}]]</w:t>", f'<w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{n}"/>'
            )
        return document

    _rewrite(
        path,
        {
            "word/footnotes.xml": xml,
            "word/document.xml": references,
            "word/_rels/document.xml.rels": lambda rels: _add_relationship(rels, "rIdFn1", f"{RELS}/footnotes", "footnotes.xml"),
            "[Content_Types].xml": lambda types: _add_override(types, "/word/footnotes.xml", FOOTNOTES_TYPE),
        },
    )


def _header_footer(doc: Any, header: list[str], footer: list[str]) -> tuple[Any, Any]:
    """The first section's header and footer, each one paragraph typed in the given runs."""
    section = doc.sections[0]
    _runs(section.header.paragraphs[0], *header)
    _runs(section.footer.paragraphs[0], *footer)
    return section.header, section.footer


# ---------------------------------------------------------------- the templates


def column_loop(path: Path, _assets: Path) -> None:
    """Column loops that add columns to a table and that remove them (``{%tc for %}``)."""
    doc = _document()
    doc.add_paragraph("Rekap per bulan {{ year }}")
    _table(
        doc,
        [
            ["Indikator", "{%tc for c in wide %}", "{{ c }}", "{%tc endfor %}"],
            ["Peserta", "{%tc for c in wide %}", "{{ loop.index * 100 }}", "{%tc endfor %}"],
        ],
    )
    doc.add_paragraph("Satu kolom saja")
    _table(
        doc,
        [
            ["Indikator", "{%tc for c in narrow %}", "{{ c }}", "{%tc endfor %}", "Catatan", "Paraf"],
            ["Klaim", "{%tc for c in narrow %}", "{{ loop.index }}", "{%tc endfor %}", "-", "-"],
        ],
    )
    doc.save(str(path))


def horizontal_merge(path: Path, _assets: Path) -> None:
    """docxtpl's horizontal merge (``{% hm %}``) over a column loop, beside a vertical merge (``{% vm %}``)."""
    doc = _document()
    _table(
        doc,
        [
            ["Wilayah", "{%tc for x in quarters %}", "{% hm %}Realisasi {{ year }}", "{%tc endfor %}", "Ket."],
            ["", "{%tc for x in quarters %}", "TW {{ x }}", "{%tc endfor %}", ""],
            ["{%tr for d in districts %}", "", "", "", ""],
            ["{% vm %}Buton", "{%tc for x in quarters %}", "{{ d }}-{{ x }}", "{%tc endfor %}", "A"],
            ["{%tr endfor %}", "", "", "", ""],
        ],
    )
    doc.save(str(path))


def vertical_merge(path: Path, _assets: Path) -> None:
    """docxtpl's vertical merge (``{% vm %}``) in a row loop: the grid stays."""
    doc = _document()
    _table(
        doc,
        [
            ["Kategori", "Uraian", "Jumlah", "Harga"],
            ["{%tr for i in items %}", "", "", ""],
            ["{% vm %}{{ category }}", "{{ i.desc }}", "{{ i.qty }}", "{{ i.price }}"],
            ["{%tr endfor %}", "", "", ""],
            ["Total", "", "", "{{ total }}"],
        ],
    )
    doc.add_paragraph("Gunakan {_% vm %_} untuk menggabungkan sel secara vertikal.")
    doc.save(str(path))


def colspan(path: Path, _assets: Path) -> None:
    """docxtpl's dynamic table: ``{% colspan %}`` over the columns a ``{%tc for %}`` adds."""
    doc = _document()
    table = _table(
        doc,
        [
            ["Warna", "{% colspan labels|count %}Jenis barang", "", ""],
            ["", "{%tc for col in labels %}", "{{ col }}", "{%tc endfor %}"],
            ["{%tr for item in contents %}", "", "", ""],
            ["{{ item.label }}", "{%tc for col in item.cols %}", "{{ col }}", "{%tc endfor %}"],
            ["{%tr endfor %}", "", "", ""],
        ],
    )
    table.cell(0, 1).merge(table.cell(0, 3))
    doc.add_paragraph("Lebar tetap:")
    fixed = _table(doc, [["A", "{% colspan span %}B", ""], ["1", "2", "3"]])
    fixed.cell(0, 1).merge(fixed.cell(0, 2))
    doc.save(str(path))


def cellbg(path: Path, _assets: Path) -> None:
    """Cell backgrounds (``{% cellbg %}``) and RichText cells in a row loop."""
    doc = _document()
    doc.add_paragraph("Log peringatan:")
    _table(
        doc,
        [
            ["Tanggal", "Jenis", "Uraian"],
            ["{%tr for a in alerts %}", "", ""],
            ["{{ a.date }}", "{% cellbg a.bg %}{{ a.type }}", "{{r a.desc }}"],
            ["{%tr endfor %}", "", ""],
        ],
    )
    doc.save(str(path))


def nested_rows(path: Path, _assets: Path) -> None:
    """Row loops nested in row loops (``{%tr for %}`` inside ``{%tr for %}``), the table's only fixed row a header."""
    doc = _document()
    _table(
        doc,
        [
            ["No.", "Nama", "Desa"],
            ["{%tr for g in groups %}", "", ""],
            ["Kecamatan {{ g.name }}", "", ""],
            ["{%tr for p in g.people %}", "", ""],
            ["{{ loop.index }}.", "{{ p.name }}", "{{ p.desa }}"],
            ["{%tr endfor %}", "", ""],
            ["{%tr endfor %}", "", ""],
        ],
    )
    doc.add_paragraph("Tabel yang seluruh barisnya berulang:")
    _table(doc, [["{%tr for p in flat %}", ""], ["{{ p.name }}", "{{ p.desa }}"], ["{%tr endfor %}", ""]])
    doc.save(str(path))


def paragraph_run_tags(path: Path, _assets: Path) -> None:
    """``{%p %}``, ``{%r %}``, ``{%tr %}`` and ``{%tc %}`` tags, whitespace control, RichText and RichTextParagraph."""
    doc = _document()
    doc.add_paragraph("{%p if show %}")
    doc.add_paragraph("Paragraf ini tampil untuk {{ name }}.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if not show %}")
    doc.add_paragraph("Paragraf ini tidak tampil.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p for x in items %}")
    doc.add_paragraph("Butir {{ loop.index }}: {{ x }}")
    doc.add_paragraph("{%p endfor %}")
    _runs(doc.add_paragraph(), "Awal ", "{%r if show %}", "dengan run bersyarat", "{%r endif %}", " akhir.")
    _runs(doc.add_paragraph(), "Nama: {{ na", "me }} dan", " lalu {{r rich }} selesai.")
    doc.add_paragraph("{{p para }}")
    doc.add_paragraph("Sebelum")  # whitespace control joins the three paragraphs into one
    doc.add_paragraph("{%- if show %} rapat {% endif -%}")
    doc.add_paragraph("sesudah.")
    _table(
        doc,
        [
            ["Tetap", "{%tc if extra %}", "Tambahan", "{%tc endif %}"],
            ["{%tr if show %}", "", "", ""],
            ["Baris bersyarat", "", "", ""],
            ["{%tr endif %}", "", "", ""],
        ],
    )
    doc.save(str(path))


def listing(path: Path, _assets: Path) -> None:
    """Values with newlines, tabs, paragraph and page breaks, as plain text and as docxtpl's Listing."""
    doc = _document()
    p = doc.add_paragraph()
    p.add_run("Alamat: ").bold = True
    p.add_run("{{ address }}")
    doc.add_paragraph("{{ listing }}")
    doc.add_paragraph("Tabel: {{ tabbed }}")
    _table(doc, [["{{ cell }}", "x"]])
    doc.save(str(path))


def footnotes(path: Path, _assets: Path) -> None:
    """Tags in ``word/footnotes.xml`` (docxtpl >= 0.19 renders them), one of them split across runs."""
    doc = _document()
    _runs(doc.add_paragraph(), "Kontribusi dihitung per pekerja", "[[FN1]]", " dan dibayar tiap bulan", "[[FN2]]", ".")
    doc.add_paragraph("{{ body }}")
    doc.save(str(path))
    _footnotes(
        path,
        [
            '<w:r><w:t xml:space="preserve"> Sumber: {{ sou</w:t></w:r><w:r><w:t>rce }}</w:t></w:r>',
            '<w:r><w:t xml:space="preserve"> {{ note }} ({{ year }}){%if extra %}, {{ extra }}{% endif %}</w:t></w:r>',
        ],
    )


def header_footer_entities(path: Path, _assets: Path) -> None:
    """docxtpl's header_footer_entities: an entity inside a tag in the footer, typed over three runs, and in the header."""
    doc = _document()
    doc.add_paragraph("{{ title }}")
    _runs(doc.add_paragraph(), '{{ unknown|default("A&B") }} dan ', "{{ title }}")
    _header_footer(doc, ['{{ unknown|default("Testé") }} ', "{{ title }}"], ['{{ unknown|default("Testé', "&xx;", '") }}'])
    doc.save(str(path))

    def quoted(xml: str) -> str:  # Word writes the quotes of this footer as entities
        return xml.replace('default("Testé</w:t>', "default(&quot;Testé</w:t>").replace('>") }}</w:t>', ">&quot;) }}</w:t>")

    _rewrite(path, {"word/footer1.xml": quoted})


WORD_MARKS = {
    "[[APOS]]": (
        '<w:r><w:t xml:space="preserve">Wilayah: {{ region|default(&apos;-&apos;) }}, '
        "{{ name|default(&quot;-&quot;) }}</w:t></w:r>"
    ),
    "[[SPLIT]]": (
        '<w:r><w:t xml:space="preserve">Nama: {{ na</w:t></w:r><w:proofErr w:type="spellStart"/>'
        '<w:r><w:rPr><w:b/></w:rPr><w:t>me|repl</w:t></w:r><w:proofErr w:type="spellEnd"/>'
        '<w:bookmarkStart w:id="7" w:name="nama"/><w:r><w:rPr><w:i/></w:rPr>'
        '<w:t xml:space="preserve">ace("Kabupaten", "Kab.") }} selesai.</w:t></w:r><w:bookmarkEnd w:id="7"/>'
    ),
    "[[BRACES]]": (
        '<w:r><w:t xml:space="preserve">Kode: {</w:t></w:r><w:proofErr w:type="gramStart"/><w:r><w:t>{ code }</w:t></w:r>'
        '<w:proofErr w:type="gramEnd"/><w:r><w:t>}</w:t></w:r>'
    ),
    "[[SMART]]": "<w:r><w:t>Singkat: {{ name|replace(\u2018Kabupaten\u2019, \u201cKab.\u201d) }}"
    "{% if code != \u201c\u201d %} ({{ code }}){% endif %}</w:t></w:r>",
    "[[NUMERIC]]": "<w:r><w:t>Angka: {{ region|default(&#39;-&#x27;) }} {{ name|default(&#8216;-&#8217;) }}</w:t></w:r>",
}
"""Tags as Word and LibreOffice store them: entities (LibreOffice writes &apos; and &quot;), a tag split over
three runs with proofing marks and a bookmark between them, braces split across runs, autocorrect's curly quotes."""


def word_and_libreoffice_marks(path: Path, _assets: Path) -> None:
    """The tags of ``WORD_MARKS`` in the body, and curly quotes in a header tag."""
    doc = _document()
    for marker in WORD_MARKS:
        doc.add_paragraph(marker)
    _header_footer(doc, ["{{ region|default(\u2018-\u2019) }}"], ["x"])
    doc.save(str(path))

    def marks(xml: str) -> str:
        for marker, runs in WORD_MARKS.items():
            xml = xml.replace(f"<w:r><w:t>{marker}</w:t></w:r>", runs)
        return xml

    _rewrite(path, {"word/document.xml": marks})


def properties(path: Path, _assets: Path) -> None:
    """Core document properties with tags (docxtpl renders title, subject, author, comments, identifier, language)."""
    doc = _document()
    doc.add_paragraph("Isi {{ title }}")
    doc.core_properties.title = "Kesepakatan {{ title }}"
    doc.core_properties.subject = "{{ subject|upper }}"
    doc.core_properties.author = "{{ author }}"
    doc.core_properties.comments = "Versi {{ version }}"
    doc.core_properties.keywords = "{{ not_rendered }}"
    doc.save(str(path))


def richtext_link(path: Path, _assets: Path) -> None:
    """RichText with a hyperlink (``url_id=tpl.build_url_id(url)``), twice to the same address, and styled runs."""
    doc = _document()
    doc.add_paragraph("Kunjungi {{r link }} untuk informasi.")
    doc.add_paragraph("Sekali lagi: {{r again }}; gaya: {{r styled }}")
    doc.save(str(path))


def inline_image(path: Path, _assets: Path) -> None:
    """InlineImage in the body (one with a link, several in a row loop), in the header and in the footer."""
    doc = _document()
    doc.add_paragraph("Logo: {{ logo }}")
    doc.add_paragraph("Cap dengan tautan: {{ linked }}")
    _table(doc, [["Pihak", "Tanda"], ["{%tr for s in signs %}", ""], ["{{ s.name }}", "{{ s.mark }}"], ["{%tr endfor %}", ""]])
    _header_footer(doc, ["{{ header_logo }} ", "Pemerintah Kabupaten {{ region }}"], ["{{ footer_logo }}", " halaman"])
    doc.save(str(path))


def replace_pic(path: Path, assets: Path) -> None:
    """Pictures replaced (``replace_pic``): one in the body by its name, one in the header by its description."""
    doc = _document()
    doc.add_paragraph("Gambar di badan:")
    doc.add_picture(str(assets / "dummy.png"))
    header, _footer = _header_footer(doc, ["Kop: "], ["{{ region }}"])
    header.paragraphs[0].add_run().add_picture(str(assets / "kop.png"))
    doc.add_paragraph("{{ region }}")
    doc.add_paragraph("Gambar yang sama lagi: {{ same }}, gambar baru: {{ new }}")
    doc.save(str(path))
    # as Word names pictures: the drawing (wp:docPr) carries the name and alt text too, which LibreOffice keeps
    _rewrite(
        path,
        {
            "word/document.xml": lambda xml: xml.replace('name="Picture 1"', 'name="dummy.png"'),
            "word/header1.xml": lambda xml: xml.replace('name="Picture 1"', 'name="kop.png" descr="Kop surat"').replace(
                'name="kop.png"/>', 'name="kop.png" descr="Kop surat"/>'
            ),
        },
    )


def replace_media(path: Path, assets: Path) -> None:
    """Media replaced by its bytes (``replace_media``), an embedded workbook (``replace_embedded``) and a member by
    name (``replace_zipname``)."""
    doc = _document()
    doc.add_picture(str(assets / "dummy.png"))
    doc.add_paragraph("{{ region }}")
    doc.save(str(path))
    _rewrite(
        path,
        {
            "word/embeddings/lampiran.xlsx": (assets / "lampiran.xlsx").read_bytes(),
            "word/_rels/document.xml.rels": lambda rels: _add_relationship(
                rels, "rIdXl1", f"{RELS}/package", "embeddings/lampiran.xlsx"
            ),
            "[Content_Types].xml": lambda types: types.replace(
                "<Default ",
                '<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>'
                "<Default ",
                1,
            ),
        },
    )


def plain(path: Path, _assets: Path) -> None:
    """A one-line template for the refusals."""
    doc = _document()
    doc.add_paragraph("{{ value }}")
    _header_footer(doc, ["{{ head }}", " {{r link }}"], ["x"])
    doc.save(str(path))


def footnote_picture(path: Path, _assets: Path) -> None:
    doc = _document()
    _runs(doc.add_paragraph(), "Teks", "[[FN1]]")
    doc.save(str(path))
    _footnotes(path, ['<w:r><w:t xml:space="preserve"> {{ logo }}</w:t></w:r>'])


# ---------------------------------------------------------------- contexts


def _rich(text: str, **kw: Any) -> Any:
    from docxtpl import RichText

    return RichText(text, **kw)


def _image(tpl: Any, source: Any, **kw: Any) -> Any:
    from docx.shared import Mm
    from docxtpl import InlineImage

    size = {k: Mm(v) for k, v in kw.items() if k in ("width", "height")}
    return InlineImage(tpl, source, anchor=kw.get("anchor"), **size)


def _stock() -> Any:
    from docxtpl import DocxTemplate

    return DocxTemplate(io.BytesIO())


def _other_link() -> Any:
    """A RichText link whose id another DocxTemplate made (for its own package)."""
    from docx import Document
    from docxtpl import DocxTemplate

    blank = io.BytesIO()
    Document().save(blank)
    return _rich("situs", url_id=DocxTemplate(blank).build_url_id(URL))


def _people() -> list[dict[str, Any]]:
    return [
        {"name": "Pasarwajo", "people": [{"name": "Wa Ode Ani", "desa": "Kancinaa"}, {"name": "La Ode Umar", "desa": "Lawele"}]},
        {"name": "Wolowa", "people": []},
        {"name": "Siotapina", "people": [{"name": "Siti Rahma", "desa": "Matanauwe"}]},
    ]


def _replace_pictures(tpl: Any, assets: Path) -> None:
    tpl.replace_pic("dummy.png", str(assets / "pengganti.png"))
    tpl.replace_pic("Kop surat", io.BytesIO((assets / "pengganti-kop.png").read_bytes()))


def _replace_files(tpl: Any, assets: Path) -> None:
    tpl.replace_media(str(assets / "dummy.png"), str(assets / "pengganti.png"))
    tpl.replace_zipname("word/theme/theme1.xml", str(assets / "theme.xml"))


def _replace_embedded(tpl: Any, assets: Path) -> None:
    tpl.replace_embedded(str(assets / "lampiran.xlsx"), str(assets / "lampiran-baru.xlsx"))


def _theme(assets: Path, template: Path) -> None:
    with zipfile.ZipFile(template) as zf:
        theme = zf.read("word/theme/theme1.xml").decode("utf-8")
    (assets / "theme.xml").write_text(theme.replace('name="Office Theme"', 'name="Tema Buton"'), encoding="utf-8")


def replace_media_with_theme(path: Path, assets: Path) -> None:
    replace_media(path, assets)
    _theme(assets, path)


CASES: list[Case] = [
    Case(
        "column_loop",
        column_loop,
        lambda tpl, a: {"year": 2025, "wide": WIDE, "narrow": ["Tunggal"]},
        texts=(*WIDE, "Tunggal", "600"),
    ),
    Case(
        "horizontal_merge",
        horizontal_merge,
        lambda tpl, a: {"year": 2025, "quarters": [1, 2, 3, 4], "districts": ["Pasarwajo", "Wolowa"]},
        texts=("Realisasi 2025", "TW 4", "Wolowa-4"),
    ),
    Case(
        "vertical_merge",
        vertical_merge,
        lambda tpl, a: {
            "category": "Buku",
            "items": [{"desc": "Modul JKK", "qty": 2, "price": "Rp0"}, {"desc": "Modul JKM", "qty": 5403, "price": "Rp100.000"}],
            "total": "Rp100.000",
        },
        texts=("Modul JKM", "5403", "{% vm %}"),
    ),
    Case(
        "colspan",
        colspan,
        lambda tpl, a: {
            "labels": ["buah", "sayur", "batu", "benda", "hewan"],
            "contents": [
                {"label": "kuning", "cols": ["pisang", "paprika", "pirit", "taksi", "kenari"]},
                {"label": "merah", "cols": ["apel", "tomat", "sinabar", "bus", "kepiting"]},
            ],
            "span": 2,
        },
        texts=("Jenis barang", "hewan", "kepiting"),
    ),
    Case(
        "cellbg",
        cellbg,
        lambda tpl, a: {
            "alerts": [
                {"date": "2025-03-10", "type": "KRITIS", "bg": "FF0000", "desc": _rich("Kritis", color="FF0000", bold=True)},
                {"date": "2025-03-11", "type": "PERINGATAN", "bg": "FFDD00", "desc": _rich("Hanya peringatan", italic=True)},
                {"date": "2025-03-12", "type": "INFO", "bg": "8888FF", "desc": _rich("Informasi & catatan <penting>")},
            ]
        },
        texts=("PERINGATAN", "Informasi & catatan <penting>"),
    ),
    Case(
        "nested_rows",
        nested_rows,
        lambda tpl, a: {"groups": _people(), "flat": _people()[0]["people"]},
        texts=("Kecamatan Wolowa", "Siti Rahma", "Matanauwe"),
    ),
    Case(
        "paragraph_run_tags",
        paragraph_run_tags,
        lambda tpl, a: {
            "show": True,
            "extra": False,
            "name": "Kabupaten Buton",
            "items": ["JKK", "JKM"],
            "rich": _rich("tebal", bold=True),
            "para": __import__("docxtpl").RichTextParagraph("Paragraf kaya", parastyle="Title"),
        },
        texts=("Paragraf ini tampil untuk Kabupaten Buton.", "Butir 2: JKM", "dengan run bersyarat", "Baris bersyarat"),
    ),
    Case(
        "listing",
        listing,
        lambda tpl, a: {
            "address": "Jl. Sultan Hasanuddin\nKelurahan Wameo\nBaubau",
            "listing": __import__("docxtpl").Listing("Baris & satu\nBaris <dua>\aParagraf baru\fHalaman baru"),
            "tabbed": "Kolom\tsatu\tdua",
            "cell": "Atas\nBawah",
        },
        texts=("Kelurahan Wameo", "Baris & satu", "Halaman baru"),
    ),
    Case(
        "footnotes",
        footnotes,
        lambda tpl, a: {"source": "BPS & Disnaker", "note": "Rp16.800 per pekerja", "year": 2025, "extra": "APBD", "body": "Isi"},
        texts=("Sumber: BPS & Disnaker", "Rp16.800 per pekerja (2025), APBD"),
    ),
    Case(
        "header_footer_entities",
        header_footer_entities,
        lambda tpl, a: {"title": "Uji kepala dan kaki halaman"},
        autoescape=False,
        texts=("Testé&xx;", "A&B dan Uji"),
    ),
    Case(
        "word_and_libreoffice_marks",
        word_and_libreoffice_marks,
        lambda tpl, a: {"region": "Buton", "name": "Kabupaten Buton", "code": "BTN"},
        texts=("Wilayah: Buton, Kabupaten Buton", "Nama: Kab. Buton selesai.", "Kode: BTN", "Singkat: Kab. Buton (BTN)"),
    ),
    Case(
        "properties",
        properties,
        lambda tpl, a: {"title": "Bersama", "subject": "jaminan sosial", "author": "Bagian Kerja Sama", "version": 2},
        texts=("Isi Bersama",),
    ),
    Case(
        "richtext_link",
        richtext_link,
        lambda tpl, a: {
            "link": _rich("situs BPJS", url_id=tpl.build_url_id(URL), color="0000FF", underline=True),
            "again": _rich("situs yang sama", url_id=tpl.build_url_id(URL)),
            "styled": _rich("miring", italic=True, size=28, font="Liberation Serif", strike=True),
        },
        texts=("situs BPJS", "situs yang sama", "miring"),
    ),
    Case(
        "inline_image",
        inline_image,
        lambda tpl, a: {
            "logo": _image(tpl, str(a / "logo.png"), width=40),
            "linked": _image(tpl, str(a / "cap.jpg"), height=15, anchor=URL),
            "signs": [
                {"name": "PIHAK KESATU", "mark": _image(tpl, str(a / "tanda.gif"), width=20)},
                {"name": "PIHAK KEDUA", "mark": _image(tpl, io.BytesIO((a / "cap.jpg").read_bytes()), width=12)},
            ],
            "header_logo": _image(tpl, str(a / "logo.png"), height=8),
            "footer_logo": _image(tpl, io.BytesIO((a / "tanda.gif").read_bytes())),
            "region": "Buton",
        },
        texts=("Pemerintah Kabupaten Buton", "PIHAK KEDUA"),
    ),
    Case(
        "replace_pic",
        replace_pic,
        lambda tpl, a: {  # the template's own picture placed again (stored once, replaced too), and a new one
            "region": "Buton",
            "same": _image(tpl, str(a / "dummy.png"), width=20),
            "new": _image(tpl, io.BytesIO((a / "logo.png").read_bytes()), width=20),
        },
        prepare=_replace_pictures,
        texts=("Buton", "Gambar yang sama lagi"),
    ),
    Case(
        "replace_media",
        replace_media_with_theme,
        lambda tpl, a: {"region": "Buton"},
        prepare=_replace_files,
        texts=("Buton",),
    ),
    Case(
        "replace_embedded",
        replace_media,
        lambda tpl, a: {"region": "Buton"},
        prepare=_replace_embedded,
        texts=("Buton",),
        round_trip=False,
    ),
    # ---- refused by name
    Case(
        "subdoc",
        plain,
        lambda tpl, a: {"value": tpl.new_subdoc(), "head": "", "link": ""},
        refused="template uses a Subdoc (new_subdoc)",
    ),
    Case(
        "inline_image_in_footnotes",
        footnote_picture,
        lambda tpl, a: {"logo": _image(tpl, str(a / "logo.png"), width=20)},
        refused="template uses InlineImage in word/footnotes.xml, which mou does not support",
    ),
    Case(
        "link_in_header",
        plain,
        lambda tpl, a: {"value": "x", "head": "y", "link": _rich("situs", url_id=tpl.build_url_id(URL))},
        refused="template uses a RichText link in word/header1.xml, which mou does not support yet",
    ),
    Case(
        "inline_image_of_another_template",
        plain,
        lambda tpl, a: {"value": _image(_stock(), str(a / "logo.png")), "head": "x", "link": ""},
        refused="template uses an InlineImage in word/document.xml made with another template object",
    ),
    Case(
        "link_of_another_template",
        richtext_link,
        lambda tpl, a: {"link": _other_link(), "again": "", "styled": ""},
        refused="a value in word/document.xml refers to relationship",
    ),
    Case(
        "replace_pic_missing",
        plain,
        lambda tpl, a: {"value": "x", "head": "y", "link": ""},
        prepare=lambda tpl, a: tpl.replace_pic("tidak-ada.png", str(a / "logo.png")),
        refused="replace_pic: picture 'tidak-ada.png' not found",
    ),
    Case(  # docxtpl ignores a replacement that matches nothing: a deliberate difference
        "replace_media_missing",
        plain,
        lambda tpl, a: {"value": "x", "head": "y", "link": ""},
        prepare=lambda tpl, a: tpl.replace_media(str(a / "logo.png"), str(a / "kop.png")),
        refused="replace_media: no file in word/media/ of the template has the bytes of the file to replace",
    ),
]
"""Every case of the suite; those with ``refused`` are what mou refuses by name."""
