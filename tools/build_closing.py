"""Build the templates around the offer, the DPRD and the close of a cooperation (DOCUMENTS.md D6, D8, D11, D12, D13).

Surat Penawaran/Tanggapan of the Bupati, his letter to the DPRD (persetujuan or pemberitahuan), the Laporan
Akhir, the report to the Minister through the Governor, and the lembar paraf of each reviewed draft (KB, PKS,
adendum). `tools/build_templates.py` picks up ``BUILDERS`` here; `python tools/build_templates.py
surat-penawaran.docx` writes one of them.
"""

from __future__ import annotations

from collections.abc import Callable

from build_templates import (
    LETTERS,
    C,
    L,
    R,
    Sig,
    bottom_border,
    cell_text,
    grid,
    id_line,
    kv,
    name_line,
    new_document,
    numbered,
    page_break,
    page_number_footer,
    para,
    row_loop,
    signatures,
    title,
)
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.table import Table

BODY = 1.25
"""Where a letter's body starts (cm), under the Hal column, as the FGD invitation has it."""

BUPATI = "parties.pemda.representative"
REGION = "{{ parties.pemda.name|replace('Pemerintah ', '') }}"
"""'Kabupaten Buton', from the Pemda's name."""


def kop_jabatan(doc: DocxDocument) -> None:
    """The letterhead of the Bupati's own naskah: his title, centred, over a rule (DOCUMENTS.md §1.3)."""
    p = title(doc, "{{ parties.pemda.representative.position|upper }}", size=16, after=12)
    bottom_border(p)


def letter_head(doc: DocxDocument, section: str, lampiran: str, hal: str, to: list[str]) -> None:
    """Place and date, then Nomor / Sifat / Lampiran / Hal with the addressee beside them, one line a row."""
    para(doc, f"{{{{ signing.place }}}}, {{{{ {section}.date|tanggal }}}}", align=R, after=6)
    t = grid(doc, 4, [2.5, 0.5, 6.0, 7.0])
    rows = [
        ("Nomor", f"{{{{ {section}.nomor }}}}"),
        ("Sifat", f"{{{{ {section}.sifat }}}}"),
        ("Lampiran", lampiran),
        ("Hal", hal),
    ]
    for row, (k, v) in zip(t.rows, rows, strict=True):
        cell_text(row.cells[0], k)
        cell_text(row.cells[1], ":")
        cell_text(row.cells[2], v, bold=(k == "Hal"))
    for row, line in zip(t.rows, to, strict=True):
        cell_text(row.cells[3], line)
    para(doc, "", after=6)


def closing(doc: DocxDocument, text: str) -> None:
    """The letter's last paragraph, kept with the signature."""
    para(doc, text, left=BODY, after=12, keep=True)


def bupati_signature(doc: DocxDocument, *, dated: str | None = None) -> None:
    """'BUPATI BUTON,' and his name with degrees as written, no NIP (Pasal 44); ``dated`` adds place and date above."""
    heading = ([f"~{{{{ signing.place }}}}, {{{{ {dated}|tanggal }}}}"] if dated else []) + [
        "{{ parties.pemda.representative.position|upper }},"
    ]
    signatures(doc, None, Sig(heading, name_line(BUPATI), id_line(BUPATI)))


def tembusan(doc: DocxDocument, items: str) -> None:
    """'Tembusan:' and one 'Yth. ...' line each, when the letter has any."""
    para(doc, f"{{%p if {items} %}}", after=0)
    para(doc, "Tembusan:", size=10, before=12, after=0, keep=True)
    numbered(doc, items, left=0.75, text="Yth. {{ item }}", end="{{ ';' if not loop.last else '.' }}")
    para(doc, "{%p endif %}", after=0)


def points(doc: DocxDocument, items: list[str], *, left: float = BODY + 0.75) -> None:
    """'a. text' lines of a letter's body, hanging at ``left``."""
    for i, text in enumerate(items):
        para(doc, f"{LETTERS[i]}.\t{text}", left=left, hang=0.75)


def together(table: Table) -> None:
    """Keep a small table on one page: no row splits, each row kept with the next."""
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def figures(doc: DocxDocument, rows: list[tuple[str, str, str]], *, head: tuple[str, str, str]) -> Table:
    """A bordered No | Uraian | Jumlah table, the figures right-aligned, kept on one page."""
    t = grid(doc, len(rows) + 1, [1.2, 9.3, 5.5], borders=True)
    for i, (row, texts) in enumerate(zip(t.rows, [head, *rows], strict=True)):
        for cell, text, align in zip(row.cells, texts, (C, L, R), strict=True):
            cell_text(cell, text, bold=(i == 0), align=C if i == 0 else align)
    together(t)
    return t


def known(path: str, shown: str, label: str) -> str:
    """``shown`` (an expression on ``path``) when ``path`` is known, else the visible ``[label]``."""
    return f"{{% if {path} is known %}}{{{{ {shown} }}}}{{% else %}}[{label}]{{% endif %}}"


def pks_fact(path: str, label: str) -> str:
    """``pks.<path>``, or the visible ``[label]`` while the agreement has no ``pks:`` section yet."""
    return f"{{% if pks %}}{{{{ pks.{path} }}}}{{% else %}}[{label}]{{% endif %}}"


KB_CITED = (
    "{{ document.name }} Nomor {{ parties.pemda.nomor }} dan Nomor {{ parties.partner.nomor }} tanggal {{ signing.date|tanggal }}"
)
PKS_CITED = (
    "Perjanjian Kerja Sama Nomor "
    + pks_fact("nomor_pemda", "NOMOR PKS PIHAK KESATU")
    + " dan Nomor "
    + pks_fact("nomor_partner", "NOMOR PKS PIHAK KEDUA")
    + " tanggal {% if pks %}{{ pks.date|tanggal }}{% else %}[TANGGAL PENANDATANGANAN PKS]{% endif %}"
)


# --------------------------------------------------------------------------------------------------
# D6 Surat Penawaran / Surat Tanggapan


def surat_penawaran() -> DocxDocument:
    """The Bupati's offer to the partner (or his reply to its offer): kop jabatan, head, the offer's points, signature."""
    doc = new_document()
    page_number_footer(doc)
    kop_jabatan(doc)
    reply = "offer.reply_to"
    letter_head(
        doc,
        "offer",
        "{% if offer.attachments %}{{ offer.attachments|length|bilangan('berkas') }}{% else %}-{% endif %}",
        f"{{% if {reply} %}}Tanggapan atas Penawaran{{% else %}}Penawaran{{% endif %}} Kerja Sama {{{{ document.subject }}}}",
        ["Kepada", "Yth. {{ parties.partner.representative.position }}", "di –", "      Tempat"],
    )
    para(
        doc,
        f"{{% if {reply} %}}Menindaklanjuti surat {{{{ parties.partner.short_name }}}} Nomor {{{{ {reply}.nomor }}}} tanggal "
        f"{{{{ {reply}.date|tanggal }}}}{{% if {reply}.subject %}} hal {{{{ {reply}.subject }}}}{{% endif %}}, hasil "
        "{% else %}Menindaklanjuti hasil {% endif %}Focus Group Discussion (FGD) pada tanggal {{ fgd.date|tanggal }} di "
        "{{ fgd.venue }} serta hasil pembahasan Tim Koordinasi Kerja Sama Daerah yang menyatakan rencana kerja sama layak, "
        f"dengan hormat kami sampaikan bahwa {{{{ parties.pemda.name }}}} {{% if {reply} %}}menyambut baik dan menerima "
        "penawaran kerja sama{% else %}menawarkan kerja sama{% endif %} dengan {{ parties.partner.name }} tentang "
        "{{ document.subject }}, dengan pokok-pokok sebagai berikut:",
        left=BODY,
    )
    points(
        doc,
        [
            "objek kerja sama: perlindungan {{ coverage.programme_names }} bagi {{ coverage.segment }} sebagai peserta "
            "{{ coverage.category }};",
            "sasaran: {{ coverage.workers|bilangan('orang') }} {{ coverage.segment }} berdasarkan data "
            "{{ coverage.data_source_name }} ({{ coverage.data_source }});",
            "ruang lingkup: {{ scope|join('; ') }};",
            "pembiayaan: iuran {{ coverage.monthly_per_worker|rupiah }} per orang per bulan dibebankan pada "
            "{{ funding.source }}, untuk bulan {{ budget.period }} sebesar {{ budget.total|rupiah_lengkap }}; pembiayaan "
            "tahun anggaran berikutnya menyesuaikan dengan kemampuan keuangan daerah dan ditetapkan dalam APBD tahun "
            "anggaran berkenaan;",
            "skema: kerja sama dituangkan dalam {{ document.name }} yang ditindaklanjuti dengan Perjanjian Kerja Sama;",
            "jangka waktu: {{ term.duration }}, terhitung mulai tanggal {{ term.start|tanggal }} sampai dengan tanggal "
            "{{ term.end|tanggal }}.",
        ],
    )
    para(
        doc,
        f"Sehubungan dengan hal tersebut, {{% if {reply} %}}kami mohon kesediaan {{{{ parties.partner.short_name }}}} untuk "
        f"bersama-sama menyusun rancangan {{{{ document.name }}}}{{% else %}}kami mohon tanggapan "
        "{{ parties.partner.short_name }} atas penawaran ini{% endif %}. Untuk koordinasi lebih lanjut dapat menghubungi "
        "{{ offer.contact }}.",
        left=BODY,
    )
    closing(doc, "Demikian disampaikan, atas perhatian dan kerja sama yang baik diucapkan terima kasih.")
    bupati_signature(doc)
    tembusan(doc, "offer.copies_to")
    return doc


# --------------------------------------------------------------------------------------------------
# D8 Letter to the DPRD


def surat_dprd() -> DocxDocument:
    """The Bupati's letter to the DPRD: a permohonan persetujuan when ``dprd.required``, else a pemberitahuan."""
    doc = new_document()
    page_number_footer(doc)
    kop_jabatan(doc)
    letter_head(
        doc,
        "dprd_letter",
        "1 (satu) berkas",
        "{% if dprd.required %}Permohonan Persetujuan Rencana Kerja Sama Daerah{% else %}Pemberitahuan Kerja Sama Daerah"
        "{% endif %} dengan {{ parties.partner.short_name }}",
        ["Kepada", "Yth. Ketua Dewan Perwakilan Rakyat Daerah " + REGION, "di –", "      {{ signing.place }}"],
    )
    para(
        doc,
        "Dalam rangka memberikan perlindungan jaminan sosial ketenagakerjaan bagi {{ coverage.segment }}, "
        "{{ parties.pemda.name }} dan {{ parties.partner.name }} telah menandatangani " + KB_CITED + " tentang "
        "{{ document.subject }}, yang akan ditindaklanjuti dengan Perjanjian Kerja Sama. Pokok-pokok rencana kerja sama "
        "tersebut sebagai berikut:",
        left=BODY,
    )
    points(
        doc,
        [
            "objek: perlindungan {{ coverage.programme_names }} bagi {{ coverage.segment }} sebagai peserta "
            "{{ coverage.category }};",
            "mitra: {{ parties.partner.name }};",
            "sasaran: {{ coverage.workers|bilangan('orang') }} {{ coverage.segment }} berdasarkan data "
            "{{ coverage.data_source }};",
            "pembiayaan: iuran {{ coverage.monthly_per_worker|rupiah }} per orang per bulan dari {{ funding.source }}, "
            "seluruhnya {{ budget.total|rupiah_lengkap }} untuk {{ budget.total_months|bilangan('bulan') }} "
            "({{ budget.period }}), yaitu:",
        ],
    )
    para(doc, "{%p for y in budget.years %}", after=0)
    para(
        doc,
        "{{ loop.index }})\tTahun Anggaran {{ y.year }} ({{ y.period }}): {{ y.allocation|rupiah }};",
        left=BODY + 1.5,
        hang=0.75,
    )
    para(doc, "{%p endfor %}", after=0)
    para(
        doc,
        "{% if dprd.budgeted %}dianggarkan pada {{ kak.budget_account }};{% else %}belum tersedia dalam APBD tahun anggaran "
        "berjalan;{% endif %}",
        left=BODY + 0.75,
    )
    points(
        doc,
        [
            "jangka waktu: {{ term.duration }}, terhitung mulai tanggal {{ term.start|tanggal }} sampai dengan tanggal "
            "{{ term.end|tanggal }};",
            "manfaat: {{ purpose.goals|join('; ') }}.",
        ][:2],
        left=BODY + 0.75,
    )
    # the two points above continue the lettering a-d: renumber them e and f
    for p, letter in zip(doc.paragraphs[-2:], "ef", strict=True):
        p.runs[0].text = letter + p.runs[0].text[1:]
    para(doc, "{%p if dprd.required %}", after=0)
    para(
        doc,
        "Rencana kerja sama tersebut {% if dprd.burdens_public %}membebani masyarakat dan daerah{% if not dprd.budgeted %} "
        "dan {% endif %}{% endif %}{% if not dprd.budgeted %}pembiayaannya belum teranggarkan dalam Anggaran Pendapatan "
        "dan Belanja Daerah tahun anggaran berjalan{% endif %}, sehingga sesuai dengan ketentuan peraturan "
        "perundang-undangan tentang kerja sama daerah memerlukan persetujuan Dewan Perwakilan Rakyat Daerah. Sehubungan "
        "dengan hal tersebut, kami mohon persetujuan Dewan Perwakilan Rakyat Daerah " + REGION + " atas rencana kerja "
        "sama dimaksud.",
        left=BODY,
    )
    para(doc, "{%p else %}", after=0)
    para(
        doc,
        "Rencana kerja sama tersebut tidak membebani masyarakat dan daerah, dan pembiayaannya telah teranggarkan dalam "
        "Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran {{ funding.year }}. Sehubungan dengan hal tersebut, kerja "
        "sama dimaksud kami sampaikan kepada Dewan Perwakilan Rakyat Daerah " + REGION + " sebagai pemberitahuan.",
        left=BODY,
    )
    para(doc, "{%p endif %}", after=0)
    para(doc, "Sebagai bahan pertimbangan, bersama ini kami lampirkan:", left=BODY, keep=True)
    points(
        doc,
        [
            "salinan " + KB_CITED + ";",
            "rancangan Perjanjian Kerja Sama;",
            "Kerangka Acuan Kerja;",
            "kajian manfaat dan biaya kerja sama.",
        ],
    )
    closing(doc, "Demikian disampaikan, atas perhatian dan kerja sama yang baik diucapkan terima kasih.")
    bupati_signature(doc)
    tembusan(doc, "dprd_letter.copies_to")
    return doc


# --------------------------------------------------------------------------------------------------
# D11 Laporan Akhir


F = "final_report"


def chapter(doc: DocxDocument, number: str, heading: str) -> None:
    """'BAB I' and its heading, centred, on a new page."""
    page_break(doc)
    title(doc, f"BAB {number}")
    title(doc, heading, after=12)


def part(doc: DocxDocument, letter: str, heading: str) -> None:
    """'A. Heading' of a chapter."""
    para(doc, f"{letter}.\t{heading}", bold=True, left=0.75, hang=0.75, before=6, keep=True)


def listed(doc: DocxDocument, items: str, label: str) -> None:
    """The numbered items of the list at ``items``, or the visible ``[label]`` while it is empty."""
    para(doc, f"{{%p if {items} %}}", after=0)
    numbered(doc, items, left=1.5, end=";")
    para(doc, "{%p else %}", after=0)
    para(doc, f"[{label}]", left=0.75)
    para(doc, "{%p endif %}", after=0)


def laporan_akhir() -> DocxDocument:
    """Final report of the cooperation: cover, BAB I-IV (pendahuluan, pelaksanaan, evaluasi, penutup), signature."""
    doc = new_document(paper="A4")
    page_number_footer(doc)
    para(doc, "", after=96)
    for line in (
        "LAPORAN AKHIR",
        "PELAKSANAAN KERJA SAMA",
        "ANTARA",
        "{{ parties.pemda.name|upper }}",
        "DAN",
        "{{ parties.partner.name|upper }}",
        "TENTANG",
        "{{ document.subject|upper }}",
    ):
        title(doc, line, after=6, size=14)
    title(doc, "PERIODE {{ term.start|tanggal|upper }} S.D. {{ term.end|tanggal|upper }}", after=160)
    title(doc, "TIM TEKNIS KERJA SAMA")
    title(doc, "{{ parties.pemda.name|upper }}")
    title(doc, "TAHUN {{ term.end.year }}")

    chapter(doc, "I", "PENDAHULUAN")
    part(doc, "A", "Latar Belakang")
    para(
        doc,
        "{{ parties.pemda.name }} dan {{ parties.partner.name }} bekerja sama dalam {{ document.subject|lower }} sejak "
        "tanggal {{ term.start|tanggal }}. Sesuai dengan ketentuan kerja sama, pelaksanaannya dilaporkan pada akhir "
        "jangka waktu kerja sama sebagai bahan evaluasi dan penentuan tindak lanjut.",
        left=0.75,
    )
    part(doc, "B", "Dasar Hukum")
    basis = [
        KB_CITED + " tentang {{ document.subject }};",
        PKS_CITED + ";",
    ]
    for i, text in enumerate(basis):
        para(doc, f"{i + 1}.\t{text}", left=1.5, hang=0.75)
    para(
        doc,
        "3.\tKeputusan {{ parties.pemda.representative.position }} Nomor {{ technical_team.decree }} "
        "tentang Pembentukan Tim Teknis Kerja Sama {{ document.subject }}.",
        left=1.5,
        hang=0.75,
    )
    part(doc, "C", "Maksud dan Tujuan")
    para(doc, "Maksud kerja sama ini adalah {{ purpose.intent }}, dengan tujuan:", left=0.75, keep=True)
    numbered(doc, "purpose.goals", left=1.5, end=";")
    part(doc, "D", "Ruang Lingkup")
    numbered(doc, "scope", left=1.5, end=";")

    chapter(doc, "II", "PELAKSANAAN")
    part(doc, "A", "Kepesertaan")
    figures(
        doc,
        [
            ("1.", "Kuota peserta menurut Perjanjian Kerja Sama", "{{ coverage.workers|angka }}"),
            ("2.", "Peserta terdaftar pada akhir kerja sama", f"{{{{ {F}.registered|angka }}}}"),
            ("3.", "Peserta aktif pada akhir kerja sama", f"{{{{ {F}.active|angka }}}}"),
            ("4.", "Berita Acara Rekonsiliasi yang ditandatangani", f"{{{{ {F}.reconciliations|angka }}}}"),
        ],
        head=("No.", "Uraian", "Jumlah"),
    )
    part(doc, "B", "Iuran")
    figures(
        doc,
        [
            ("1.", "Iuran per orang per bulan ({{ coverage.programme_codes }})", "{{ coverage.monthly_per_worker|rupiah }}"),
            ("2.", "Pagu iuran ({{ budget.period }})", "{{ budget.total|rupiah }}"),
            ("3.", "Realisasi pembayaran iuran", f"{{{{ {F}.paid|rupiah }}}}"),
            (
                "4.",
                "Selisih pagu dan realisasi (2 − 3)",
                f"{{% if {F}.paid is not known %}}[SELISIH PAGU DAN REALISASI]"
                f"{{% elif {F}.paid <= budget.total %}}{{{{ (budget.total - {F}.paid)|rupiah }}}} (sisa)"
                f"{{% else %}}{{{{ ({F}.paid - budget.total)|rupiah }}}} (melebihi pagu)"
                "{% endif %}",
            ),
        ],
        head=("No.", "Uraian", "Jumlah"),
    )
    para(doc, f"{{%p if {F}.payments %}}", after=0)
    para(doc, "Pembayaran iuran:", left=0.75, before=6, keep=True)
    t = grid(doc, 1, [1.2, 5.3, 4.0, 5.5], borders=True)
    for cell, head in zip(t.rows[0].cells, ("No.", "Nomor SP2D", "Tanggal", "Jumlah"), strict=True):
        cell_text(cell, head, bold=True, align=C)
    row_loop(
        t,
        f"for p in {F}.payments",
        ["{{ loop.index }}.", "{{ p.reference }}", "{{ p.date|tanggal }}", "{{ p.amount|rupiah }}"],
        aligns=[C, L, L, R],
    )
    para(doc, "{%p endif %}", after=0)
    part(doc, "C", "Manfaat")
    t = figures(
        doc,
        [
            ("1.", "Jaminan Kecelakaan Kerja (JKK)", f"{{{{ {F}.jkk_claims|angka }}}}"),
            ("2.", "Jaminan Kematian (JKM)", f"{{{{ {F}.jkm_claims|angka }}}}"),
        ],
        head=("No.", "Program", "Jumlah klaim"),
    )
    _fourth_column(t, ["Manfaat dibayar", f"{{{{ {F}.jkk_paid|rupiah }}}}", f"{{{{ {F}.jkm_paid|rupiah }}}}"])
    part(doc, "D", "Sosialisasi dan Kegiatan Lain")
    listed(doc, f"{F}.activities", "KEGIATAN SOSIALISASI")

    chapter(doc, "III", "EVALUASI")
    part(doc, "A", "Capaian")
    para(
        doc,
        f"Peserta aktif pada akhir kerja sama sebanyak {{{{ {F}.active|angka }}}} orang dari kuota "
        f"{{{{ coverage.workers|bilangan('orang') }}}}. Realisasi pembayaran iuran sebesar {{{{ {F}.paid|rupiah }}}} dari "
        "pagu {{ budget.total|rupiah }}.",
        left=0.75,
    )
    part(doc, "B", "Kendala")
    listed(doc, f"{F}.obstacles", "KENDALA")
    part(doc, "C", "Solusi")
    listed(doc, f"{F}.solutions", "SOLUSI")

    chapter(doc, "IV", "PENUTUP")
    part(doc, "A", "Kesimpulan")
    listed(doc, f"{F}.conclusions", "KESIMPULAN")
    part(doc, "B", "Rekomendasi")
    para(
        doc,
        f"Berdasarkan hasil evaluasi, kerja sama ini direkomendasikan untuk {{{{ {F}.recommendation|upper }}}}.",
        left=0.75,
        keep=True,
    )
    part(doc, "C", "Lampiran")
    for i, text in enumerate(
        (
            "Berita Acara Rekonsiliasi Data Peserta dan Iuran;",
            "Berita Acara Penyerahan Santunan Jaminan Kematian;",
            "dokumentasi kegiatan.",
        )
    ):
        para(doc, f"{i + 1}.\t{text}", left=1.5, hang=0.75, keep=True)
    para(doc, "", after=12, keep=True)
    signatures(
        doc,
        None,
        Sig(
            [f"~{{{{ signing.place }}}}, {{{{ {F}.date|tanggal }}}}", "KETUA TIM TEKNIS,", "{{ technical_team.lead|upper }}"],
            name_line("technical_team.signer"),
            id_line("technical_team.signer"),
        ),
    )
    return doc


def _fourth_column(table: Table, texts: list[str]) -> None:
    """Add a right-aligned column to a No | Uraian | Jumlah table, narrowing the Uraian column."""
    from docx.oxml.ns import qn
    from docx.shared import Cm

    widths = [1.2, 5.8, 4.0, 5.0]
    grid_el = table._tbl.tblGrid
    new_col = OxmlElement("w:gridCol")
    grid_el.append(new_col)
    for col, width in zip(grid_el.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for i, (row, text) in enumerate(zip(table.rows, texts, strict=True)):
        tc = OxmlElement("w:tc")
        row._tr.append(tc)
        cell = row.cells[-1]
        cell.add_paragraph()
        cell_text(cell, text, bold=(i == 0), align=C if i == 0 else R)
        for c, width in zip(row.cells, widths, strict=True):
            c.width = Cm(width)
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True


# --------------------------------------------------------------------------------------------------
# D12 Report to the Minister through the Governor


M = "minister_report"


def laporan_menteri() -> DocxDocument:
    """The Bupati's report to the Minister through the Governor, with its lampiran table (landscape)."""
    doc = new_document()
    page_number_footer(doc)
    kop_jabatan(doc)
    letter_head(
        doc,
        M,
        "1 (satu) berkas",
        "Laporan Pelaksanaan Kerja Sama Daerah dengan {{ parties.partner.short_name }}",
        ["Kepada", f"Yth. {{{{ {M}.addressee }}}}", f"melalui {{{{ {M}.via }}}}", "di –  Jakarta"],
    )
    para(
        doc,
        "Dengan hormat, bersama ini kami laporkan pelaksanaan kerja sama daerah antara {{ parties.pemda.name }} dan "
        "{{ parties.partner.name }} tentang {{ document.subject }}, berdasarkan " + KB_CITED + " dan " + PKS_CITED + ", "
        "yang berakhir pada tanggal {{ term.end|tanggal }}, dengan pokok-pokok sebagai berikut:",
        left=BODY,
    )
    points(
        doc,
        [
            f"kepesertaan: {{{{ {F}.active|angka }}}} peserta aktif dari kuota {{{{ coverage.workers|bilangan('orang') }}}};",
            f"pembiayaan: realisasi iuran {{{{ {F}.paid|rupiah }}}} dari pagu {{{{ budget.total|rupiah }}}} "
            "({{ budget.period }}) yang bersumber dari {{ funding.source }};",
            f"manfaat: klaim Jaminan Kecelakaan Kerja {{{{ {F}.jkk_claims|angka }}}} kasus dan Jaminan Kematian "
            f"{{{{ {F}.jkm_claims|angka }}}} kasus;",
            f"rekomendasi hasil evaluasi: {{{{ {F}.recommendation }}}}.",
        ],
    )
    para(doc, "Rincian pelaksanaan kerja sama tercantum dalam Lampiran surat ini.", left=BODY)
    closing(doc, "Demikian disampaikan, atas perhatian Bapak diucapkan terima kasih.")
    bupati_signature(doc)
    tembusan(doc, f"{M}.copies_to")

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    header = grid(doc, 3, [14.0, 3.5, 0.5, 7.0])
    lines = [
        ("LAMPIRAN SURAT", "", "{{ parties.pemda.representative.position|upper }}"),
        ("NOMOR", ":", f"{{{{ {M}.nomor }}}}"),
        ("TANGGAL", ":", f"{{{{ {M}.date|tanggal }}}}"),
    ]
    for row, (key, colon, value) in zip(header.rows, lines, strict=True):
        cell_text(row.cells[1], key, size=10)
        cell_text(row.cells[2], colon, size=10)
        cell_text(row.cells[3], value, size=10)
    title(doc, "LAPORAN KERJA SAMA DAERAH {{ parties.pemda.name|upper }}")
    title(doc, "DENGAN {{ parties.partner.name|upper }}", after=6)
    heads = [
        "No.",
        "Jenis",
        "Nomor dan Tanggal",
        "Para Pihak",
        "Objek",
        "Jangka Waktu",
        "Sumber dan Nilai Pembiayaan",
        "Status",
        "Capaian",
        "Kendala",
    ]
    widths = [1.0, 2.6, 3.6, 2.8, 3.6, 2.6, 3.0, 1.6, 3.0, 2.2]
    t = grid(doc, 3, widths, borders=True)
    parties = "{{ parties.pemda.short_name }} dan {{ parties.partner.short_name }}"
    term = "{{ term.start|tanggal }} s.d. {{ term.end|tanggal }}"
    rows = [
        heads,
        [
            "1.",
            "{{ document.name }}",
            "{{ parties.pemda.nomor }} dan {{ parties.partner.nomor }}, {{ signing.date|tanggal }}",
            parties,
            "{{ document.subject }}",
            term,
            "-",
            "Berakhir",
            "Ditindaklanjuti dengan Perjanjian Kerja Sama",
            "-",
        ],
        [
            "2.",
            "Perjanjian Kerja Sama",
            pks_fact("nomor_pemda", "NOMOR PKS PIHAK KESATU")
            + " dan "
            + pks_fact("nomor_partner", "NOMOR PKS PIHAK KEDUA")
            + ", {% if pks %}{{ pks.date|tanggal }}{% else %}[TANGGAL PENANDATANGANAN PKS]{% endif %}",
            parties,
            "{{ coverage.programme_names }} bagi {{ coverage.workers|angka }} {{ coverage.segment }}",
            term,
            "{{ funding.source }}, {{ budget.total|rupiah }}",
            "Berakhir",
            f"{{{{ {F}.active|angka }}}} peserta aktif; klaim JKK {{{{ {F}.jkk_claims|angka }}}}, "
            f"JKM {{{{ {F}.jkm_claims|angka }}}}",
            f"{{% if {F}.obstacles %}}{{{{ {F}.obstacles|join('; ') }}}}{{% else %}}-{{% endif %}}",
        ],
    ]
    for i, (row, texts) in enumerate(zip(t.rows, rows, strict=True)):
        for cell, text in zip(row.cells, texts, strict=True):
            cell_text(cell, text, bold=(i == 0), align=C if i == 0 else L, size=9)
    together(t)  # the table and the signature under it on one page
    para(doc, "", after=0, keep=True)
    bupati_signature(doc)
    return doc


# --------------------------------------------------------------------------------------------------
# D13 Lembar Paraf Koordinasi


REVIEWED = {
    "kb": (
        "{{ document.name }}",
        "Sekretariat Tim Koordinasi Kerja Sama Daerah",
        "{{ parties.pemda.representative.position }} dan {{ parties.partner.representative.position }}",
    ),
    "pks": (
        "Perjanjian Kerja Sama",
        "{{ initiation.unit }}",
        "{% if pks %}{{ pks.signer.position }}{% else %}[PENANDATANGAN PKS PIHAK KESATU]{% endif %} dan "
        "{{ parties.partner.representative.position }}",
    ),
    "adendum": (
        "{{ adendum.title }}",
        "Sekretariat Tim Koordinasi Kerja Sama Daerah",
        "{{ parties.pemda.representative.position }} dan {{ parties.partner.representative.position }}",
    ),
}
"""Per reviewed draft: its name, the unit that drafts it (konseptor), who signs it."""


def lembar_paraf(kind: str) -> Callable[[], DocxDocument]:
    """The builder of the lembar paraf of draft ``kind`` (kb, pks or adendum)."""
    name, drafter, signer = REVIEWED[kind]

    def build() -> DocxDocument:
        """Lembar paraf koordinasi: the draft's identity, paraf koordinasi then paraf hierarki in order, the rules."""
        doc = new_document(paper="A4")
        title(doc, "LEMBAR PARAF KOORDINASI", after=12)
        kv(
            doc,
            [
                ("Jenis naskah", name),
                (
                    "Judul",
                    f"Rancangan {name} antara {{{{ parties.pemda.name }}}} dan {{{{ parties.partner.name }}}} tentang "
                    "{{ document.subject }}",
                ),
                ("Versi rancangan", "{{ version }}"),
                ("Konseptor", drafter),
                ("Penandatangan", signer),
            ],
            widths=(3.5, 0.5, 12.0),
        )
        para(doc, "", after=6)
        para(doc, "A.\tParaf Koordinasi", bold=True, left=0.75, hang=0.75, keep=True)
        t = grid(doc, 1, [1.2, 6.8, 2.5, 2.5, 3.0], borders=True)
        for cell, head in zip(t.rows[0].cells, ("No.", "Jabatan", "Paraf", "Tanggal", "Catatan"), strict=True):
            cell_text(cell, head, bold=True, align=C)
        row_loop(t, "for p in paraf.coordination", ["{{ loop.index }}.", "{{ p }}", "", "", ""], aligns=[C, L, C, C, L])
        row_loop(t, "if not paraf.coordination", ["", "[PARAF KOORDINASI]", "", "", ""], end="endif")
        para(doc, "", after=6)
        para(doc, "B.\tParaf Hierarki", bold=True, left=0.75, hang=0.75, keep=True)
        t = grid(doc, 1, [1.2, 6.8, 2.5, 2.5, 3.0], borders=True)
        for cell, head in zip(t.rows[0].cells, ("No.", "Jabatan", "Paraf", "Tanggal", "Catatan"), strict=True):
            cell_text(cell, head, bold=True, align=C)
        row_loop(t, "for p in paraf.hierarchy", ["{{ loop.index }}.", "{{ p }}", "", "", ""], aligns=[C, L, C, C, L])
        row_loop(t, "if not paraf.hierarchy", ["", "[PARAF HIERARKI: JABATAN KONSEPTOR DAN ATASANNYA]", "", "", ""], end="endif")
        para(doc, "", after=6)
        para(doc, "Catatan:", size=10, after=0, keep=True)
        for i, text in enumerate(
            (
                "paraf koordinasi dibubuhkan lebih dahulu oleh unit penyusun, unit terkait dan bagian hukum;",
                "paraf hierarki paling banyak 3 (tiga) pejabat, berurutan dari konseptor ke atas, dan tidak memuat "
                "penandatangan naskah;",
                "paraf hierarki dibubuhkan pada halaman terakhir, searah jarum jam dimulai dari sebelah kiri nama penandatangan;",
                "tanggal setiap paraf tidak melewati tanggal penandatanganan; naskah siap ditandatangani setelah seluruh "
                "paraf koordinasi dibubuhkan.",
            )
        ):
            para(doc, f"{i + 1}.\t{text}", size=10, left=0.75, hang=0.75, after=0)
        return doc

    build.__name__ = f"lembar_paraf_{kind}"
    return build


BUILDERS = {
    "surat-penawaran.docx": surat_penawaran,
    "surat-dprd.docx": surat_dprd,
    "laporan-akhir.docx": laporan_akhir,
    "laporan-menteri.docx": laporan_menteri,
    "lembar-paraf-kb.docx": lembar_paraf("kb"),
    "lembar-paraf-pks.docx": lembar_paraf("pks"),
    "lembar-paraf-adendum.docx": lembar_paraf("adendum"),
}
"""The offer, the DPRD letter, the closing reports, and the lembar paraf of each reviewed draft."""
