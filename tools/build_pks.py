"""Build the Perjanjian Kerja Sama template (DOMAIN.md §4.2, DOCUMENTS.md D1) and its placeholder logos.

`tools/build_templates.py` picks up ``BUILDERS`` here: `python tools/build_templates.py pks.docx` writes
the template. `python tools/build_pks.py` writes the two placeholder logos (neutral shapes marked
"CONTOH LOGO", never a real coat of arms or trademark) that a render places while the data give no logo.

The PKS: logos of both parties in party order on the first page (never the Garuda), the title block
with both PKS nomor, the opening with the date in words and figures, the komparisi (the Kepala Dinas
"berdasarkan Surat Kuasa Bupati ..." or the Bupati), the recitals, Dasar (the regulations and the
Kesepakatan Bersama by nomor and date), 17 pasal, signatures, and three lampiran: I daftar peserta
(one table row per participant), II jadwal dan rekapitulasi iuran (per month and per budget year),
III format laporan monitoring dan evaluasi.
"""

from __future__ import annotations

import sys
from pathlib import Path

from build_templates import (
    LETTERS,
    OUT,
    C,
    J,
    L,
    R,
    Sig,
    ayat,
    cell_text,
    draft_header,
    grid,
    id_line,
    komparisi,
    lettered,
    logo_row,
    loop,
    new_document,
    page_break,
    page_number_footer,
    para,
    pasal,
    runs,
    signatures,
    title,
)
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table, _Row

NAME = "Perjanjian Kerja Sama"
NATIONAL_BASIS = [
    "Undang-Undang Nomor 40 Tahun 2004 tentang Sistem Jaminan Sosial Nasional",
    "Undang-Undang Nomor 24 Tahun 2011 tentang Badan Penyelenggara Jaminan Sosial",
    "Peraturan Pemerintah Nomor 44 Tahun 2015 tentang Penyelenggaraan Program Jaminan Kecelakaan Kerja dan "
    "Jaminan Kematian sebagaimana telah beberapa kali diubah, terakhir dengan Peraturan Pemerintah Nomor 49 "
    "Tahun 2023 tentang Perubahan Kedua atas Peraturan Pemerintah Nomor 44 Tahun 2015 tentang Penyelenggaraan "
    "Program Jaminan Kecelakaan Kerja dan Jaminan Kematian",
    "Peraturan Pemerintah Nomor 28 Tahun 2018 tentang Kerja Sama Daerah",
    "Instruksi Presiden Nomor 2 Tahun 2021 tentang Optimalisasi Pelaksanaan Program Jaminan Sosial Ketenagakerjaan",
    "Peraturan Menteri Dalam Negeri Nomor 22 Tahun 2020 tentang Tata Cara Kerja Sama Daerah dengan Daerah "
    "Lain dan Kerja Sama Daerah dengan Pihak Ketiga",
    "Peraturan Menteri Ketenagakerjaan Nomor 5 Tahun 2021 tentang Tata Cara Penyelenggaraan Program Jaminan "
    "Kecelakaan Kerja, Jaminan Kematian, dan Jaminan Hari Tua",
]
"""Dasar, in hierarchical order (DOMAIN.md §4.2, DOCUMENTS.md D1); the data add local rules (pks.legal_basis)."""

KB = (
    "{{ document.name }} antara {{ parties.pemda.name }} dan {{ parties.partner.name }} Nomor {{ parties.pemda.nomor }} "
    "dan Nomor {{ parties.partner.nomor }} tanggal {{ signing.date|tanggal }} tentang {{ document.subject }}"
)
"""The Kesepakatan Bersama the PKS carries out, by its own nomor pair and date."""

MONTHS = (
    "['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember']"
)
MONTH = f"{MONTHS}[mo - 1]"
"""The name of month ``mo`` (1-12) in the loop of Lampiran II."""
MONTHS_OF_YEAR = (
    "for mo in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] if (y.year != funding.year or mo >= funding.start_month) "
    "and (y.year != funding.end.year or mo <= funding.end.month)"
)
"""The months of budget year ``y`` the funding period pays for (the sandbox's checker allows no ``range``)."""

LOGOS = {"pemda": "PIHAK KESATU", "mitra": "PIHAK KEDUA"}
"""The placeholder logos written by ``main``: templates/contoh-logo-<key>.png, each marked CONTOH LOGO."""


def new_row(table: Table) -> _Row:
    """``table.add_row()``, which python-docx leaves untyped."""
    row: _Row = table.add_row()  # type: ignore[no-untyped-call]
    return row


def sub(doc: DocxDocument, items: list[str], *, left: float = 1.75) -> None:
    """Lettered items under an ayat: 'a. ...', 'b. ...'."""
    for i, text in enumerate(items):
        para(doc, f"{LETTERS[i]}.\t{text}", left=left, hang=0.75)


def header_row(table: Table, heads: list[str], *, size: float = 10) -> None:
    """Bold centred headings in the first row, repeated at the top of every page the table runs onto."""
    for cell, head in zip(table.rows[0].cells, heads, strict=True):
        cell_text(cell, head, bold=True, align=C, size=size)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def small(table: Table, size: float = 9) -> None:
    """Every run of the table in ``size`` points (long lampiran tables)."""
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(size)


def tight(table: Table, twips: int = 60) -> None:
    """Narrow left and right cell margins (long lampiran tables keep one line per row)."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.find(qn("w:tblLayout")).addnext(margins)


def merged_row(table: Table, text: str, *, bold: bool = False, align: object = L) -> None:
    """A row whose cells are merged into one, holding ``text``."""
    row = new_row(table)
    cell = row.cells[0].merge(row.cells[-1])
    cell_text(cell, text, bold=bold, align=align)


def tag_row(table: Table, tag: str) -> None:
    """A row holding only a ``{%tr ... %}`` tag (docxtpl removes the row)."""
    row = new_row(table)
    cell_text(row.cells[0], tag)


def title_block(doc: DocxDocument) -> None:
    """Both logos in party order, the title, the parties, the subject and both PKS nomor (PIHAK KESATU first)."""
    logo_row(doc)
    title(doc, "PERJANJIAN KERJA SAMA")
    title(doc, "ANTARA")
    title(doc, "{{ parties.pemda.name|upper }}")
    title(doc, "DENGAN")
    title(doc, "{{ parties.partner.name|upper }}")
    title(doc, "TENTANG")
    title(doc, "{{ document.subject|upper }}", after=12)
    nomor(doc, bold=True)
    para(doc, "", after=6)


def nomor(doc: DocxDocument, *, bold: bool = False, date: bool = False, size: float | None = None) -> None:
    """'NOMOR : ...' for each party, in party order (and 'TANGGAL : ...' under them when ``date``)."""
    rows = [("NOMOR", "{{ pks.nomor_pemda }}"), ("NOMOR", "{{ pks.nomor_partner }}")]
    if date:
        rows.append(("TANGGAL", "{{ pks.date|tanggal }}"))
    t = grid(doc, len(rows), [2.5, 0.5, 11.0])
    for row, (key, value) in zip(t.rows, rows, strict=True):
        cell_text(row.cells[0], key, bold=bold, size=size)
        cell_text(row.cells[1], ":", bold=bold, size=size)
        cell_text(row.cells[2], value, bold=bold, size=size)


def lampiran_head(doc: DocxDocument, number: str, heading: str) -> None:
    """'LAMPIRAN n PERJANJIAN KERJA SAMA ... NOMOR ... TANGGAL ...' and the lampiran's own title."""
    page_break(doc)
    para(doc, f"LAMPIRAN {number}", bold=True, align=L, after=0, size=10)
    para(
        doc,
        "PERJANJIAN KERJA SAMA ANTARA {{ parties.pemda.name|upper }} DENGAN {{ parties.partner.name|upper }} "
        "TENTANG {{ document.subject|upper }}",
        align=L,
        after=0,
        size=10,
    )
    nomor(doc, date=True, size=10)
    para(doc, "", after=6)
    title(doc, heading, after=12)


def closing(doc: DocxDocument, number: str) -> None:
    """The line kept with the signatures under a lampiran, so they never stand alone on a page."""
    para(
        doc,
        f"Lampiran {number} ini merupakan bagian yang tidak terpisahkan dari Perjanjian Kerja Sama.",
        size=10,
        before=6,
        after=18,
        keep=True,
    )


def pks_signatures(doc: DocxDocument, *, stamp: bool) -> None:
    """PIHAK KEDUA on the left (meterai on the originals), PIHAK KESATU's signer on the right.

    A signer by surat kuasa (a Kepala Dinas) adds pangkat/golongan and NIP (Permendagri 1/2023 Pasal 44);
    the Bupati has neither.
    """
    signatures(
        doc,
        Sig(
            ["{{ pihak_kedua }},", "{{ parties.partner.representative.position|upper }},"],
            "{{ parties.partner.representative|nama }}",
            id_line("parties.partner.representative"),
            "meterai {{ document.meterai|rupiah(decimals=False) }}" if stamp else None,
        ),
        Sig(
            ["{{ pihak_kesatu }},", "{{ pks.signer.position|upper }},"],
            "{{ pks.signer|nama }}",
            id_line("pks.signer"),
        ),
        gap=2.8 if stamp else 2.2,
    )


def opening(doc: DocxDocument) -> None:
    """Date in words then figures, the two komparisi, the PARA PIHAK sentence, recitals and Dasar."""
    para(
        doc,
        "Pada hari ini {{ pks.date|tanggal_kata }}"
        "{% if pks.date is known %} ({{ '%02d-%02d-%d'|format(pks.date.day, pks.date.month, pks.date.year) }}){% endif %}, "
        "bertempat di {{ signing.place }}, yang bertanda tangan di bawah ini:",
    )
    t = grid(doc, 1, [0.75, 4.75, 0.5, 10.0])
    cells = t.rows[0].cells
    cell_text(cells[0], "1.")
    cell_text(cells[1], "{{ pks.signer|nama }}", bold=True)
    cell_text(cells[2], ":")
    p = cell_text(
        cells[3],
        "{{ pks.signer.position }}, "
        "{% if pks.by_proxy %}berdasarkan Surat Kuasa {{ parties.pemda.representative.position }} Nomor {{ pks.surat_kuasa }} "
        "tanggal {{ power_of_attorney.date|tanggal }}"
        "{% else %}yang diangkat berdasarkan {{ parties.pemda.appointment }}{% endif %}, "
        "dalam hal ini bertindak untuk dan atas nama {{ parties.pemda.name }}, berkedudukan di {{ parties.pemda.address }}, "
        "selanjutnya disebut ",
        align=J,
    )
    runs(p, ("b", "{{ pihak_kesatu }}"), ("", ";"))
    p.paragraph_format.space_after = Pt(6)
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
    recitals = [
        f"bahwa PARA PIHAK telah menandatangani {KB};",
        "bahwa untuk melaksanakan {{ document.name }} sebagaimana dimaksud pada huruf a, PARA PIHAK perlu menyusun "
        "Perjanjian Kerja Sama yang mengatur pelaksanaan perlindungan jaminan sosial ketenagakerjaan bagi "
        "{{ coverage.workers|bilangan('orang') }} {{ coverage.segment }};",
        "bahwa iuran bagi peserta dibebankan pada {{ funding.source }}"
        "{% if dprd.budgeted %} yang telah dianggarkan pada Tahun Anggaran {{ funding.year }}{% endif %}.",
    ]
    sub(doc, recitals, left=0.75)
    para(doc, "Dasar:", bold=True, before=6, after=3, keep=True)
    for i, text in enumerate(NATIONAL_BASIS, 1):
        para(doc, f"{i}.\t{text};", left=0.75, hang=0.75)
    loop(
        doc,
        "for item in pks.legal_basis",
        f"{{{{ loop.index + {len(NATIONAL_BASIS)} }}}}.\t{{{{ item }}}};",
        left=0.75,
        hang=0.75,
    )
    para(doc, f"{{{{ ({len(NATIONAL_BASIS)} + pks.legal_basis|length + 1) }}}}.\t{KB}.", left=0.75, hang=0.75)
    para(
        doc,
        "Berdasarkan hal-hal tersebut di atas, PARA PIHAK sepakat untuk mengadakan Perjanjian Kerja Sama tentang "
        "{{ document.subject }}, selanjutnya disebut Perjanjian Kerja Sama, dengan ketentuan sebagai berikut:",
        before=6,
    )


def articles(doc: DocxDocument) -> None:
    """The 17 pasal in the usual order (DOMAIN.md §4.2), every figure from the data."""
    pasal(doc, 1, "KETENTUAN UMUM")
    para(doc, "Dalam Perjanjian Kerja Sama ini yang dimaksud dengan:")
    definitions = [
        f"{NAME} adalah perjanjian antara PARA PIHAK tentang {{{{ document.subject }}}} beserta lampirannya.",
        "{{ document.name }} adalah " + KB + ".",
        "Peserta adalah {{ coverage.segment }} yang didaftarkan oleh {{ pihak_kedua }} sebagai peserta {{ coverage.category }} "
        "program {{ coverage.programme_codes }} berdasarkan Perjanjian Kerja Sama ini, sebagaimana tercantum dalam Lampiran I.",
        "{{ coverage.data_source }} adalah data {{ coverage.data_source_name }}.",
        "Iuran adalah sejumlah uang yang dibayar oleh {{ pihak_kesatu }} kepada {{ pihak_kedua }} untuk setiap Peserta "
        "setiap bulan.",
        "Tim Teknis adalah tim yang dibentuk dengan Keputusan {{ parties.pemda.representative.position }} untuk melaksanakan, "
        "memantau dan mengevaluasi pelaksanaan Perjanjian Kerja Sama ini.",
    ]
    for i, text in enumerate(definitions, 1):
        para(doc, f"{i}.\t{text}", left=0.75, hang=0.75)
    loop(
        doc,
        "for p in coverage.programmes",
        f"{{{{ loop.index + {len(definitions)} }}}}.\t{{{{ p.name }}}} yang selanjutnya disingkat {{{{ p.code }}}} adalah "
        "program jaminan sosial ketenagakerjaan yang diselenggarakan oleh {{ pihak_kedua }} sesuai ketentuan peraturan "
        "perundang-undangan.",
        left=0.75,
        hang=0.75,
    )

    pasal(doc, 2, "MAKSUD DAN TUJUAN")
    ayat(doc, 1, "Maksud Perjanjian Kerja Sama ini adalah {{ purpose.intent }}.")
    ayat(doc, 2, "Tujuan Perjanjian Kerja Sama ini adalah:")
    lettered(doc, "purpose.goals", left=1.75)

    pasal(doc, 3, "RUANG LINGKUP")
    para(doc, "Ruang lingkup Perjanjian Kerja Sama ini meliputi:")
    lettered(doc, "scope", left=0.75)

    pasal(doc, 4, "KEPESERTAAN")
    ayat(
        doc,
        1,
        "Peserta berjumlah paling banyak {{ coverage.workers|bilangan('orang') }} {{ coverage.segment }} sebagai peserta "
        "{{ coverage.category }} program {{ coverage.programme_names }}.",
    )
    ayat(
        doc,
        2,
        "Peserta ditetapkan oleh {{ pihak_kesatu }} berdasarkan data {{ coverage.data_source }} yang telah diverifikasi, "
        "sebagaimana tercantum dalam Lampiran I.",
    )
    ayat(
        doc,
        3,
        "{{ pihak_kedua }} mendaftarkan setiap Peserta berdasarkan Nomor Induk Kependudukan (NIK); seseorang yang telah "
        "terdaftar sebagai peserta aktif pada segmen kepesertaan lain tidak didaftarkan kembali.",
    )
    ayat(
        doc,
        4,
        "Peserta yang meninggal dunia, keluar, pindah domisili atau tidak lagi memenuhi syarat dapat diganti oleh "
        "{{ pihak_kesatu }}; penggantian dituangkan dalam berita acara rekonsiliasi PARA PIHAK dan menjadi perubahan "
        "Lampiran I tanpa menambah jumlah Peserta sebagaimana dimaksud pada ayat (1).",
    )

    pasal(doc, 5, "IURAN DAN TATA CARA PEMBAYARAN")
    ayat(
        doc,
        1,
        "Iuran setiap Peserta sebesar {{ coverage.monthly_per_worker|rupiah_lengkap }} per orang per bulan, dihitung dari "
        "dasar penghasilan {{ coverage.income_base|rupiah_lengkap }} per bulan, dengan rincian:",
    )
    loop(
        doc,
        "for r in coverage.rates",
        f"{{{{ '{LETTERS}'[loop.index0] }}}}.\t{{{{ r.name }}}} ({{{{ r.code }}}}) sebesar {{{{ r.monthly|rupiah_lengkap }}}}"
        "{{ '.' if loop.last else ';' }}",
        left=1.75,
        hang=0.75,
    )
    ayat(
        doc,
        2,
        "Iuran bagi {{ coverage.workers|bilangan('orang') }} Peserta untuk bulan {{ funding.period }} selama "
        "{{ budget.total_months|bilangan('bulan') }} seluruhnya sebesar {{ budget.total|rupiah_lengkap }}, dibebankan pada "
        "{{ funding.source }}, dengan jadwal dan rekapitulasi per bulan dan per tahun anggaran sebagaimana tercantum "
        "dalam Lampiran II.",
    )
    ayat(
        doc,
        3,
        "{{ pihak_kesatu }} membayar Iuran berdasarkan tagihan {{ pihak_kedua }} paling lambat tanggal 15 (lima belas) "
        "bulan Iuran berkenaan, melalui rekening {{ pihak_kedua }} yang tercantum dalam tagihan; apabila tanggal tersebut "
        "jatuh pada hari libur, pembayaran dilakukan pada hari kerja berikutnya.",
    )
    ayat(doc, 4, "Iuran dapat dibayar di muka untuk 3 (tiga), 6 (enam) atau 12 (dua belas) bulan.")
    ayat(
        doc,
        5,
        "Apabila Iuran tidak dibayar selama 3 (tiga) bulan berturut-turut, kepesertaan Peserta dinonaktifkan sesuai "
        "ketentuan peraturan perundang-undangan.",
    )
    ayat(
        doc,
        6,
        "Pembiayaan Iuran pada tahun anggaran berikutnya dianggarkan sesuai kemampuan keuangan daerah dan ketentuan "
        "peraturan perundang-undangan.",
    )

    pasal(doc, 6, "HAK DAN KEWAJIBAN {{ pihak_kesatu }}")
    ayat(doc, 1, "{{ pihak_kesatu }} berhak:")
    sub(
        doc,
        [
            "menerima data kepesertaan, pembayaran Iuran dan klaim dari {{ pihak_kedua }} {{ monitoring.every }}; dan",
            "memperoleh informasi mengenai pelaksanaan program {{ coverage.programme_codes }} bagi Peserta.",
        ],
    )
    ayat(doc, 2, "{{ pihak_kesatu }} berkewajiban:")
    sub(
        doc,
        [
            "menetapkan dan menyampaikan data Peserta kepada {{ pihak_kedua }};",
            "mengalokasikan anggaran Iuran dalam {{ funding.source }};",
            "membayar Iuran sesuai dengan Pasal 5;",
            "membentuk Tim Teknis sesuai dengan Pasal 9;",
            "melaksanakan sosialisasi program bersama {{ pihak_kedua }}; dan",
            "menjaga kerahasiaan data pribadi Peserta sesuai ketentuan peraturan perundang-undangan.",
        ],
    )

    pasal(doc, 7, "HAK DAN KEWAJIBAN {{ pihak_kedua }}")
    ayat(doc, 1, "{{ pihak_kedua }} berhak:")
    sub(
        doc,
        [
            "menerima data Peserta dari {{ pihak_kesatu }}; dan",
            "menerima pembayaran Iuran sesuai dengan Pasal 5.",
        ],
    )
    ayat(doc, 2, "{{ pihak_kedua }} berkewajiban:")
    sub(
        doc,
        [
            "mendaftarkan Peserta dan menerbitkan kartu kepesertaan;",
            "memberikan pelayanan klaim dan manfaat sesuai dengan Pasal 8 kepada Peserta atau ahli warisnya;",
            "menyampaikan data kepesertaan, pembayaran Iuran dan klaim kepada {{ pihak_kesatu }} {{ monitoring.every }};",
            "menyerahkan santunan kepada ahli waris Peserta bersama {{ pihak_kesatu }};",
            "melaksanakan sosialisasi program bersama {{ pihak_kesatu }}; dan",
            "menjaga kerahasiaan data pribadi Peserta sesuai ketentuan peraturan perundang-undangan.",
        ],
    )

    pasal(doc, 8, "MANFAAT")
    ayat(
        doc,
        1,
        "Peserta berhak atas manfaat program {{ coverage.programme_names }} sesuai ketentuan peraturan perundang-undangan.",
    )
    ayat(
        doc,
        2,
        "Manfaat sebagaimana dimaksud pada ayat (1) diberikan kepada Peserta atau ahli warisnya selama kepesertaan aktif."
        "{% for p in coverage.programmes if p.code == 'JKM' %} Manfaat Jaminan Kematian bagi ahli waris Peserta yang "
        "meninggal dunia bukan akibat kecelakaan kerja sebesar {{ coverage.jkm_benefit|rupiah_lengkap }}.{% endfor %}",
    )
    ayat(
        doc,
        3,
        "Manfaat beasiswa pendidikan bagi anak Peserta diberikan hanya apabila syarat masa iuran sesuai ketentuan "
        "peraturan perundang-undangan terpenuhi, yaitu paling singkat 3 (tiga) tahun bagi beasiswa program Jaminan "
        "Kematian{% if budget.total_months < 36 %}; Iuran berdasarkan Perjanjian Kerja Sama ini meliputi "
        "{{ budget.total_months|bilangan('bulan') }}, sehingga Perjanjian Kerja Sama ini tidak menjanjikan manfaat "
        "beasiswa{% endif %}.",
    )

    pasal(doc, 9, "TIM TEKNIS")
    ayat(
        doc,
        1,
        "Untuk melaksanakan Perjanjian Kerja Sama ini, {{ pihak_kesatu }} membentuk Tim Teknis dengan Keputusan "
        "{{ parties.pemda.representative.position }}{% if technical_team.decree is known %} Nomor "
        "{{ technical_team.decree }}{% endif %}, diketuai oleh {{ technical_team.lead }} dengan anggota dari unsur "
        "PARA PIHAK sebagaimana ditetapkan dalam Keputusan tersebut.",
    )
    ayat(doc, 2, "Tim Teknis bertugas:")
    sub(
        doc,
        [
            "memverifikasi data Peserta;",
            "melaksanakan rekonsiliasi data Peserta dan Iuran bersama {{ pihak_kedua }} setiap bulan;",
            "memfasilitasi pengajuan klaim dan penyerahan santunan kepada ahli waris;",
            "melaksanakan monitoring dan evaluasi; dan",
            "melaporkan hasil pelaksanaan tugasnya kepada {{ monitoring.report_to }}.",
        ],
    )

    pasal(doc, 10, "MONITORING, EVALUASI DAN PELAPORAN")
    ayat(
        doc,
        1,
        "PARA PIHAK melaksanakan rekonsiliasi data Peserta dan Iuran setiap bulan yang dituangkan dalam berita acara "
        "rekonsiliasi.",
    )
    ayat(
        doc,
        2,
        "Tim Teknis melaksanakan monitoring dan evaluasi {{ monitoring.every }} dan melaporkan hasilnya kepada "
        "{{ monitoring.report_to }} dengan format sebagaimana tercantum dalam Lampiran III.",
    )
    ayat(
        doc,
        3,
        "Laporan sebagaimana dimaksud pada ayat (2) memuat jumlah Peserta terdaftar dibandingkan dengan jumlah "
        "sebagaimana dimaksud dalam Pasal 4 ayat (1), jumlah Peserta aktif, realisasi pembayaran Iuran dibandingkan "
        "dengan alokasi anggaran, klaim per program, santunan yang diserahkan, serta permasalahan dan tindak lanjutnya.",
    )
    ayat(
        doc,
        4,
        "Pada akhir jangka waktu Perjanjian Kerja Sama ini, Tim Teknis menyusun laporan akhir dengan rekomendasi "
        "kerja sama dilanjutkan, diperluas atau dihentikan.",
    )

    pasal(doc, 11, "JANGKA WAKTU")
    ayat(
        doc,
        1,
        "Perjanjian Kerja Sama ini berlaku selama {{ term.duration }}, terhitung mulai tanggal {{ term.start|tanggal }} "
        "sampai dengan tanggal {{ term.end|tanggal }}, dan tidak melampaui jangka waktu {{ document.name }}.",
    )
    ayat(
        doc,
        2,
        "Perjanjian Kerja Sama ini dapat diperpanjang atas kesepakatan PARA PIHAK melalui tahapan kerja sama daerah "
        "sesuai ketentuan peraturan perundang-undangan.",
    )

    pasal(doc, 12, "KEADAAN KAHAR")
    ayat(
        doc,
        1,
        "Keadaan kahar adalah keadaan di luar kemampuan PARA PIHAK yang secara langsung mengakibatkan tidak dapat "
        "dilaksanakannya Perjanjian Kerja Sama ini, antara lain bencana alam, wabah penyakit, kebakaran, huru-hara dan "
        "perubahan kebijakan pemerintah.",
    )
    ayat(
        doc,
        2,
        "PIHAK yang mengalami keadaan kahar memberitahukan secara tertulis kepada PIHAK lainnya paling lambat 14 (empat "
        "belas) hari sejak terjadinya keadaan kahar.",
    )
    ayat(
        doc,
        3,
        "Kewajiban yang tertunda karena keadaan kahar dilaksanakan kembali setelah keadaan kahar berakhir sesuai "
        "kesepakatan PARA PIHAK.",
    )

    pasal(doc, 13, "PENYELESAIAN PERSELISIHAN")
    ayat(
        doc,
        1,
        "Apabila terjadi perselisihan dalam pelaksanaan Perjanjian Kerja Sama ini, PARA PIHAK menyelesaikannya secara "
        "musyawarah untuk mufakat.",
    )
    ayat(
        doc,
        2,
        "Apabila musyawarah sebagaimana dimaksud pada ayat (1) tidak mencapai mufakat, perselisihan diselesaikan sesuai "
        "ketentuan peraturan perundang-undangan.",
    )

    pasal(doc, 14, "PERUBAHAN")
    ayat(
        doc,
        1,
        "Perubahan atas Perjanjian Kerja Sama ini dituangkan dalam adendum yang disepakati dan ditandatangani PARA PIHAK "
        "dan merupakan bagian yang tidak terpisahkan dari Perjanjian Kerja Sama ini.",
    )
    ayat(
        doc,
        2,
        "Penggantian Peserta sebagaimana dimaksud dalam Pasal 4 ayat (4) dituangkan dalam berita acara rekonsiliasi "
        "tanpa adendum.",
    )

    pasal(doc, 15, "BERAKHIRNYA PERJANJIAN")
    ayat(doc, 1, "Perjanjian Kerja Sama ini berakhir apabila:")
    sub(
        doc,
        [
            "jangka waktu sebagaimana dimaksud dalam Pasal 11 berakhir;",
            "PARA PIHAK sepakat mengakhirinya; atau",
            "{{ document.name }} berakhir.",
        ],
    )
    ayat(
        doc,
        2,
        "Berakhirnya Perjanjian Kerja Sama ini tidak menghapus kewajiban PARA PIHAK yang belum diselesaikan, termasuk "
        "Iuran dan klaim atas bulan kepesertaan yang telah berjalan.",
    )

    pasal(doc, 16, "LAIN-LAIN")
    ayat(doc, 1, "Pemberitahuan dalam pelaksanaan Perjanjian Kerja Sama ini disampaikan secara tertulis ke alamat:")
    sub(
        doc,
        [
            "{{ pihak_kesatu }}: {{ parties.pemda.address }};",
            "{{ pihak_kedua }}: {{ parties.partner.address }}.",
        ],
    )
    ayat(
        doc,
        2,
        "Lampiran I memuat data pribadi Peserta; PARA PIHAK menggunakannya hanya untuk pelaksanaan Perjanjian Kerja Sama "
        "ini sesuai Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi.",
    )
    ayat(
        doc,
        3,
        "Lampiran I, Lampiran II dan Lampiran III merupakan bagian yang tidak terpisahkan dari Perjanjian Kerja Sama ini.",
    )

    pasal(doc, 17, "PENUTUP")
    para(
        doc,
        "Perjanjian Kerja Sama ini dibuat dan ditandatangani oleh PARA PIHAK pada hari dan tanggal tersebut di atas dalam "
        "rangkap {{ document.copies|bilangan }} asli, bermeterai cukup, dan masing-masing mempunyai kekuatan hukum yang sama.",
        after=18,
        keep=True,
    )


def lampiran_peserta(doc: DocxDocument) -> None:
    """Lampiran I: one table row per participant (``{%tr for %}``), NIK masked unless the data choose otherwise."""
    lampiran_head(doc, "I", "DAFTAR PESERTA")
    para(
        doc,
        "Peserta {{ coverage.category }} program {{ coverage.programme_codes }} berdasarkan data {{ coverage.data_source }}: "
        "{{ pks.peserta|length|bilangan('orang') }} dari paling banyak {{ coverage.workers|bilangan('orang') }}."
        "{% if not pks.show_nik %} NIK ditampilkan tersamar untuk pelindungan data pribadi.{% endif %}",
        size=10,
    )
    para(
        doc,
        "{%p if not pks.peserta %}",
        after=0,
    )
    para(
        doc,
        "[DAFTAR PESERTA BELUM DILAMPIRKAN] Daftar Peserta ditetapkan oleh {{ pihak_kesatu }} dari data "
        "{{ coverage.data_source }} (mou participants import) sebelum Perjanjian Kerja Sama ini ditandatangani.",
        size=10,
        bold=True,
    )
    para(doc, "{%p endif %}", after=0)
    widths = [1.1, 2.5, 3.45, 2.6, 3.1, 2.0, 1.75]
    t = grid(doc, 1, widths, borders=True)
    tight(t)
    header_row(t, ["No.", "NIK", "Nama", "Desa/Kelurahan", "Kecamatan", "Pekerjaan", "Mulai"], size=8)
    tag_row(t, "{%tr for p in pks.peserta %}")
    body = new_row(t)
    texts = [
        "{{ loop.index }}.",
        "{{ p.nik }}",
        "{{ p.nama }}",
        "{{ p.desa }}",
        "{{ p.kecamatan }}",
        "{{ p.pekerjaan }}",
        "{{ '%02d-%02d-%d'|format(p.mulai.day, p.mulai.month, p.mulai.year) }}",
    ]
    for cell, text, align in zip(body.cells, texts, [C, L, L, L, L, L, C], strict=True):
        cell_text(cell, text, align=align)
    tag_row(t, "{%tr endfor %}")
    small(t, 8)
    closing(doc, "I")
    pks_signatures(doc, stamp=False)


def lampiran_iuran(doc: DocxDocument) -> None:
    """Lampiran II: each month of the funding period by budget year, each year's subtotal, and the totals."""
    lampiran_head(doc, "II", "JADWAL DAN REKAPITULASI IURAN")
    para(doc, "A.\tJadwal pembayaran Iuran per bulan", bold=True, left=0.75, hang=0.75, keep=True)
    widths = [1.0, 3.4, 2.0, 2.8, 3.4, 3.9]
    t = grid(doc, 1, widths, borders=True)
    tight(t)
    header_row(t, ["No.", "Bulan Iuran", "Jumlah Peserta", "Iuran per Orang", "Jumlah Iuran", "Batas Pembayaran"])
    tag_row(t, "{%tr for y in budget.years %}")
    merged_row(t, "Tahun Anggaran {{ y.year }}", bold=True)
    tag_row(t, f"{{%tr {MONTHS_OF_YEAR} %}}")
    row = new_row(t)
    texts = [
        "{{ loop.index }}.",
        f"{{{{ {MONTH} }}}} {{{{ y.year }}}}",
        "{{ budget.workers|angka }}",
        "{{ budget.monthly_per_worker|rupiah }}",
        "{{ (budget.monthly_per_worker * budget.workers)|rupiah }}",
        f"15 {{{{ {MONTH} }}}} {{{{ y.year }}}}",
    ]
    for cell, text, align in zip(row.cells, texts, [C, L, R, R, R, C], strict=True):
        cell_text(cell, text, align=align)
    tag_row(t, "{%tr endfor %}")
    row = new_row(t)
    label = row.cells[0].merge(row.cells[3])
    cell_text(label, "Jumlah Tahun Anggaran {{ y.year }}, {{ y.months|bilangan('bulan') }}", bold=True)
    cell_text(row.cells[4], "{{ y.allocation|rupiah }}", bold=True, align=R)
    tag_row(t, "{%tr endfor %}")
    small(t, 10)
    para(doc, "", after=12)
    para(doc, "B.\tRekapitulasi Iuran per tahun anggaran", bold=True, left=0.75, hang=0.75, keep=True)
    t = grid(doc, 1, [2.6, 5.8, 2.6, 5.0], borders=True)
    header_row(t, ["Tahun Anggaran", "Bulan", "Jumlah Bulan", "Alokasi Iuran"])
    tag_row(t, "{%tr for y in budget.years %}")
    row = new_row(t)
    for cell, text, align in zip(
        row.cells, ["{{ y.year }}", "{{ y.period }}", "{{ y.months }}", "{{ y.allocation|rupiah }}"], [C, L, C, R], strict=True
    ):
        cell_text(cell, text, align=align)
    tag_row(t, "{%tr endfor %}")
    row = new_row(t)
    for cell, text, align in zip(
        row.cells,
        ["Jumlah", "{{ funding.period }}", "{{ budget.total_months }}", "{{ budget.total|rupiah }}"],
        [C, L, C, R],
        strict=True,
    ):
        cell_text(cell, text, bold=True, align=align)
    small(t, 10)
    para(
        doc,
        "Jumlah Iuran seluruhnya {{ budget.total|rupiah_lengkap }}: {{ budget.workers|bilangan('orang') }} Peserta × "
        "{{ budget.monthly_per_worker|rupiah }} × {{ budget.total_months|bilangan('bulan') }}, dibebankan pada "
        "{{ funding.source }}. Iuran dibayar paling lambat tanggal 15 (lima belas) bulan Iuran berkenaan (Pasal 5).",
        size=10,
        before=6,
        after=18,
        keep=True,
    )
    pks_signatures(doc, stamp=False)


def lampiran_monev(doc: DocxDocument) -> None:
    """Lampiran III: the format of the monitoring report the Tim Teknis fills in (Pasal 10)."""
    lampiran_head(doc, "III", "FORMAT LAPORAN MONITORING DAN EVALUASI")
    t = grid(doc, 5, [4.5, 0.5, 11.0])
    rows = [
        ("Periode laporan", "........................................"),
        ("Nomor Perjanjian", "{{ pks.nomor_pemda }} / {{ pks.nomor_partner }}"),
        ("Jangka waktu", "{{ term.start|tanggal }} s.d. {{ term.end|tanggal }}"),
        ("Disusun oleh", "Tim Teknis, diketuai {{ technical_team.lead }}"),
        ("Disampaikan kepada", "{{ monitoring.report_to }} ({{ monitoring.every }})"),
    ]
    for row, (key, value) in zip(t.rows, rows, strict=True):
        cell_text(row.cells[0], key, size=10)
        cell_text(row.cells[1], ":", size=10)
        cell_text(row.cells[2], value, size=10)
    para(doc, "", after=6)
    para(doc, "I.\tCAPAIAN KINERJA", bold=True, left=0.75, hang=0.75, keep=True)
    t = grid(doc, 1, [1.0, 6.0, 3.0, 3.0, 3.0], borders=True)
    header_row(t, ["No.", "Indikator", "Target", "Realisasi", "Keterangan"])
    indicators = [
        ("Peserta terdaftar", "{{ coverage.workers|angka }} orang"),
        ("Peserta aktif (Iuran dibayar)", "{{ coverage.workers|angka }} orang"),
        ("Realisasi pembayaran Iuran", "alokasi tahun anggaran"),
    ]
    for i, (name, target) in enumerate(indicators, 1):
        row = new_row(t)
        for cell, text, align in zip(row.cells, [f"{i}.", name, target, "", ""], [C, L, L, L, L], strict=True):
            cell_text(cell, text, align=align)
    tag_row(t, "{%tr for p in coverage.programmes %}")
    row = new_row(t)
    texts = [f"{{{{ loop.index + {len(indicators)} }}}}.", "Klaim {{ p.code }} (kasus dan jumlah rupiah)", "–", "", ""]
    for cell, text, align in zip(row.cells, texts, [C, L, L, L, L], strict=True):
        cell_text(cell, text, align=align)
    tag_row(t, "{%tr endfor %}")
    row = new_row(t)
    texts = [
        f"{{{{ coverage.programmes|length + {len(indicators) + 1} }}}}.",
        "Santunan diserahkan kepada ahli waris",
        "–",
        "",
        "",
    ]
    for cell, text, align in zip(row.cells, texts, [C, L, L, L, L], strict=True):
        cell_text(cell, text, align=align)
    small(t, 10)
    for heading in ("II.\tKEGIATAN PADA PERIODE INI", "III.\tPERMASALAHAN DAN TINDAK LANJUT"):
        para(doc, heading, bold=True, left=0.75, hang=0.75, before=12, keep=True)
        para(doc, "." * 100, left=0.75)
    para(doc, "IV.\tREKOMENDASI", bold=True, left=0.75, hang=0.75, before=12, keep=True)
    para(doc, "Kerja sama direkomendasikan untuk: dilanjutkan / diperluas / dihentikan *)", left=0.75, after=0)
    para(doc, "*) coret yang tidak perlu", left=0.75, size=9, after=12)
    signer = ((".................., ....................", 0), ("KETUA TIM TEKNIS,", 36), ("(" + "." * 36 + ")", 0))
    for text, after in signer:
        para(doc, text, align=C, left=8.5, after=after, keep=text != signer[-1][0], bold=text.startswith("KETUA"))
    closing(doc, "III")
    pks_signatures(doc, stamp=False)


def pks() -> DocxDocument:
    """The Perjanjian Kerja Sama: title block with logos, opening, komparisi, Dasar, 17 pasal, signatures, 3 lampiran."""
    doc = new_document()
    page_number_footer(doc)
    draft_header(doc, "{% if not final %}Rancangan PKS v{{ version }} – bukan naskah final{% endif %}")
    title_block(doc)
    opening(doc)
    articles(doc)
    pks_signatures(doc, stamp=True)
    lampiran_peserta(doc)
    lampiran_iuran(doc)
    lampiran_monev(doc)
    return doc


BUILDERS = {"pks.docx": pks}


def placeholder_logo(label: str) -> bytes:
    """A neutral square PNG: a grey ring and the words CONTOH LOGO and ``label`` (no emblem, no trademark)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    size = 360
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, size - 12, size - 12), outline=(150, 150, 150), width=10)
    draw.ellipse((40, 40, size - 40, size - 40), outline=(200, 200, 200), width=3)

    def font(points: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        for name in ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf"):
            try:
                return ImageFont.truetype(name, points)
            except OSError:
                continue
        return ImageFont.load_default()

    for text, points, y in (("CONTOH", 46, 120), ("LOGO", 46, 172), (label, 26, 236)):
        f = font(points)
        left, top, right, _bottom = draw.textbbox((0, 0), text, font=f)
        draw.text(((size - (right - left)) / 2 - left, y - top), text, fill=(110, 110, 110), font=f)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main(argv: list[str]) -> int:
    """Write the placeholder logos templates/contoh-logo-pemda.png and templates/contoh-logo-mitra.png."""
    del argv
    for key, label in LOGOS.items():
        path = OUT / f"contoh-logo-{key}.png"
        path.write_bytes(placeholder_logo(label))
        print(path)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main(sys.argv[1:]))
