"""Build the templates of the letters and decisions around the PKS (DOCUMENTS.md D7, D9, D10).

Surat Kuasa (Bupati to the PKS signer), Keputusan Bupati on the tim teknis and the Berita Acara
Rekonsiliasi Data Peserta dan Iuran. `tools/build_templates.py` picks up ``BUILDERS`` here;
`python tools/build_templates.py surat-kuasa.docx` writes one of them.
"""

from __future__ import annotations

from build_templates import (
    LETTERS,
    C,
    J,
    L,
    R,
    Sig,
    cell_text,
    grid,
    id_line,
    kop,
    kv,
    new_document,
    page_break,
    page_number_footer,
    para,
    row_loop,
    signatures,
    title,
)
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

KEPUTUSAN_SUBJECT = "PEMBENTUKAN TIM TEKNIS KERJA SAMA {{ document.subject|upper }}"
"""What the Keputusan is about, in capitals: its title, its Menetapkan line and its lampiran header."""

NATIONAL_BASIS = [
    "Undang-Undang Nomor 40 Tahun 2004 tentang Sistem Jaminan Sosial Nasional",
    "Undang-Undang Nomor 24 Tahun 2011 tentang Badan Penyelenggara Jaminan Sosial",
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa kali diubah, "
    "terakhir dengan Undang-Undang Nomor 6 Tahun 2023 tentang Penetapan Peraturan Pemerintah Pengganti "
    "Undang-Undang Nomor 2 Tahun 2022 tentang Cipta Kerja menjadi Undang-Undang",
    "Peraturan Pemerintah Nomor 44 Tahun 2015 tentang Penyelenggaraan Program Jaminan Kecelakaan Kerja dan "
    "Jaminan Kematian sebagaimana telah beberapa kali diubah, terakhir dengan Peraturan Pemerintah Nomor 49 "
    "Tahun 2023 tentang Perubahan Kedua atas Peraturan Pemerintah Nomor 44 Tahun 2015 tentang Penyelenggaraan "
    "Program Jaminan Kecelakaan Kerja dan Jaminan Kematian",
    "Peraturan Pemerintah Nomor 28 Tahun 2018 tentang Kerja Sama Daerah",
    "Peraturan Menteri Dalam Negeri Nomor 22 Tahun 2020 tentang Tata Cara Kerja Sama Daerah dengan Daerah "
    "Lain dan Kerja Sama Daerah dengan Pihak Ketiga",
]
"""Mengingat of the Keputusan, UU then PP then Permendagri (DOCUMENTS.md D9); the data add local rules and the Perda APBD."""


def pks_fact(path: str, label: str) -> str:
    """``pks.<path>``, or the visible ``[label]`` while the agreement has no ``pks:`` section yet."""
    return f"{{% if pks %}}{{{{ pks.{path} }}}}{{% else %}}[{label}]{{% endif %}}"


# --------------------------------------------------------------------------------------------------
# D7 Surat Kuasa


def surat_kuasa() -> DocxDocument:
    """Surat Kuasa of the Bupati to the official who signs the PKS: kop jabatan, nomor, both people, the act, signatures."""
    doc = new_document()
    page_number_footer(doc)
    kop(doc, "jabatan")
    title(doc, "SURAT KUASA")
    title(doc, "Nomor: {{ pks.surat_kuasa if pks else '[NOMOR SURAT KUASA]' }}", after=18)
    para(doc, "Yang bertanda tangan di bawah ini:", keep=True)
    kv(
        doc,
        [
            ("Nama", "{{ parties.pemda.representative|nama_lengkap }}"),
            ("Jabatan", "{{ parties.pemda.representative.position }}"),
        ],
        widths=(4.0, 0.5, 11.5),
    )
    para(doc, "", after=0)
    para(
        doc,
        "dalam hal ini bertindak untuk dan atas nama {{ parties.pemda.name }}, dengan ini memberi kuasa kepada:",
        keep=True,
    )
    kv(
        doc,
        [
            ("Nama", "{% if pks %}{{ pks.signer|nama_lengkap }}{% else %}[NAMA PENERIMA KUASA]{% endif %}"),
            ("NIP", "{% if pks and pks.signer.id %}{{ pks.signer.id.number }}{% else %}-{% endif %}"),
            (
                "Pangkat/Golongan",
                "{% if pks and pks.signer.rank %}{{ pks.signer.rank }}{% else %}[PANGKAT/GOLONGAN PENERIMA KUASA]{% endif %}",
            ),
            ("Jabatan", pks_fact("signer.position", "JABATAN PENERIMA KUASA")),
        ],
        widths=(4.0, 0.5, 11.5),
    )
    para(doc, "", after=0)
    para(doc, "untuk:", bold=True, keep=True)
    acts = [
        "menandatangani Perjanjian Kerja Sama antara {{ parties.pemda.name }} dan {{ parties.partner.name }} "
        "tentang {{ document.subject }}, untuk dan atas nama {{ parties.pemda.name }}, sebagai tindak lanjut "
        "{{ document.name }} Nomor {{ parties.pemda.nomor }} dan Nomor {{ parties.partner.nomor }} tanggal "
        "{{ signing.date|tanggal }};",
        "kuasa ini hanya berlaku untuk penandatanganan Perjanjian Kerja Sama tersebut dan tidak meliputi "
        "perubahan jumlah peserta, pembiayaan atau jangka waktu kerja sama, yang memerlukan kuasa tersendiri;",
        "Penerima Kuasa melaporkan pelaksanaan kuasa ini kepada {{ parties.pemda.representative.position }}.",
    ]
    for i, text in enumerate(acts):
        para(doc, f"{i + 1}.\t{text}", left=0.75, hang=0.75)
    para(
        doc,
        "Demikian Surat Kuasa ini dibuat untuk dipergunakan sebagaimana mestinya.",
        before=6,
        after=12,
        keep=True,
    )
    signatures(
        doc,
        Sig(
            ["~", "Yang Menerima Kuasa,", pks_fact("signer.position", "JABATAN PENERIMA KUASA") + ","],
            "{% if pks %}{{ pks.signer|nama }}{% else %}[NAMA PENERIMA KUASA]{% endif %}",
            "{% if pks %}{{ pks.signer|nip_pangkat }}{% endif %}",
        ),
        Sig(
            [
                "~{{ signing.place }}, {{ power_of_attorney.date|tanggal }}",
                "Yang Memberi Kuasa,",
                "{{ parties.pemda.representative.position|upper }},",
            ],
            "{{ parties.pemda.representative|nama }}",
            None,
            "meterai {{ document.meterai|rupiah(decimals=False) }}",
        ),
        gap=2.8,
    )
    return doc


# --------------------------------------------------------------------------------------------------
# D9 Keputusan Bupati tentang Pembentukan Tim Teknis


LABEL_TAB, TEXT_TAB, SUB_TAB = 3.0, 3.5, 4.25
"""Where a Keputusan's colon, its text, and the text after a letter or number start (cm)."""


def _line(doc: DocxDocument, label: str, text: str, *, sub: str = "", bold: bool = False, keep: bool = False) -> Paragraph:
    """'label : [sub] text' of a Keputusan (Menimbang, Mengingat, a diktum), the text hanging at its column.

    Paragraphs, not table rows, so that keep-with-next holds the last diktum with the signature and a
    ``{%p for %}`` loop repeats one item. An empty ``label`` continues the block above (no colon).
    """
    left = SUB_TAB if sub else TEXT_TAB
    p = para(doc, "", left=left, hang=left, keep=keep)
    for stop in (LABEL_TAB, TEXT_TAB):
        if stop < left:
            p.paragraph_format.tab_stops.add_tab_stop(Cm(stop))
    head = p.add_run(label)
    head.bold = bold
    p.add_run("\t" + (":" if label else "") + "\t" + (f"{sub}\t" if sub else "") + text)
    return p


def keputusan_title(doc: DocxDocument) -> None:
    """KEPUTUSAN BUPATI BUTON / NOMOR ... / TENTANG / PEMBENTUKAN TIM TEKNIS ..."""
    title(doc, "KEPUTUSAN {{ parties.pemda.representative.position|upper }}")
    title(doc, "NOMOR {{ technical_team.decree }}")
    title(doc, "TENTANG")
    title(doc, KEPUTUSAN_SUBJECT, after=12)


def keputusan_signature(doc: DocxDocument) -> None:
    """Ditetapkan di / pada tanggal, then the Bupati's title and his name without degrees (Pasal 44)."""
    signatures(
        doc,
        None,
        Sig(
            [
                "~Ditetapkan di {{ signing.place }}",
                "~pada tanggal {{ team_decree.date|tanggal }}",
                "~",
                "{{ parties.pemda.representative.position|upper }},",
            ],
            "{{ parties.pemda.representative|nama_tanpa_gelar }}",
        ),
    )


def sk_tim_teknis() -> DocxDocument:
    """Keputusan Bupati forming the tim teknis: Menimbang, Mengingat, MEMUTUSKAN, KESATU to KELIMA, lampiran."""
    doc = new_document()
    page_number_footer(doc)
    kop(doc, "jabatan")
    keputusan_title(doc)
    title(doc, "DENGAN RAHMAT TUHAN YANG MAHA ESA")
    title(doc, "{{ parties.pemda.representative.position|upper }},", after=12)

    considering = [
        "bahwa {{ parties.pemda.name }} dan {{ parties.partner.name }} telah menandatangani Perjanjian Kerja Sama "
        "Nomor "
        + pks_fact("nomor_pemda", "NOMOR PKS PIHAK KESATU")
        + " dan Nomor "
        + pks_fact("nomor_partner", "NOMOR PKS PIHAK KEDUA")
        + " tanggal "
        + "{% if pks %}{{ pks.date|tanggal }}{% else %}[TANGGAL PENANDATANGANAN PKS]{% endif %}"
        + " tentang {{ document.subject }};",
        "bahwa untuk kelancaran pelaksanaan, monitoring dan evaluasi Perjanjian Kerja Sama sebagaimana dimaksud "
        "dalam huruf a, perlu dibentuk Tim Teknis;",
        "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan "
        "Keputusan {{ parties.pemda.representative.position }} tentang Pembentukan Tim Teknis Kerja Sama "
        "{{ document.subject }};",
    ]
    for i, text in enumerate(considering):
        _line(doc, "Menimbang" if i == 0 else "", text, sub=f"{LETTERS[i]}.")
    n = len(NATIONAL_BASIS)
    for i, text in enumerate(NATIONAL_BASIS):
        _line(doc, "Mengingat" if i == 0 else "", f"{text};", sub=f"{i + 1}.")
    para(doc, "{%p for item in team_decree.legal_basis %}", after=0)
    _line(doc, "", "{{ item }};", sub=f"{{{{ loop.index + {n} }}}}.")
    para(doc, "{%p endfor %}", after=0)
    _line(doc, "", "{{ team_decree.budget_regulation }}.", sub=f"{{{{ team_decree.legal_basis|length + {n + 1} }}}}.")
    title(doc, "MEMUTUSKAN:", after=6).paragraph_format.space_before = Pt(6)
    _line(doc, "Menetapkan", "KEPUTUSAN {{ parties.pemda.representative.position|upper }} TENTANG " + KEPUTUSAN_SUBJECT + ".")
    _line(
        doc,
        "KESATU",
        "Membentuk Tim Teknis Kerja Sama {{ document.subject }}, yang selanjutnya disebut Tim Teknis, dengan "
        "susunan keanggotaan sebagaimana tercantum dalam Lampiran yang merupakan bagian tidak terpisahkan dari "
        "Keputusan {{ parties.pemda.representative.position }} ini.",
        bold=True,
    )
    _line(doc, "KEDUA", "Tim Teknis sebagaimana dimaksud dalam Diktum KESATU mempunyai tugas:", bold=True)
    tasks = [
        "melakukan verifikasi dan validasi data calon peserta berdasarkan data {{ coverage.data_source }};",
        "melaksanakan rekonsiliasi data peserta dan iuran bersama {{ parties.partner.short_name }} setiap bulan;",
        "memfasilitasi pengajuan klaim dan penyerahan manfaat kepada peserta atau ahli waris;",
        "melaksanakan monitoring dan evaluasi pelaksanaan Perjanjian Kerja Sama {{ monitoring.every }}.",
    ]
    for i, text in enumerate(tasks):
        _line(doc, "", text, sub=f"{LETTERS[i]}.")
    _line(
        doc,
        "KETIGA",
        "Dalam melaksanakan tugasnya, Tim Teknis bertanggung jawab dan menyampaikan laporan {{ monitoring.every }} "
        "kepada {{ monitoring.report_to }} melalui Sekretaris Daerah.",
        bold=True,
    )
    _line(
        doc,
        "KEEMPAT",
        "Segala biaya yang timbul sebagai akibat ditetapkannya Keputusan {{ parties.pemda.representative.position }} "
        "ini dibebankan pada {{ funding.source }} Tahun Anggaran berkenaan.",
        bold=True,
    )
    _line(
        doc,
        "KELIMA",
        "Keputusan {{ parties.pemda.representative.position }} ini mulai berlaku pada tanggal ditetapkan sampai "
        "dengan berakhirnya jangka waktu Perjanjian Kerja Sama pada tanggal {{ term.end|tanggal }}.",
        bold=True,
        keep=True,  # never the signature alone on a page
    )
    para(doc, "", after=12, keep=True)
    keputusan_signature(doc)

    page_break(doc)
    header = grid(doc, 4, [7.0, 2.6, 0.4, 6.0])
    lines = [
        ("LAMPIRAN", "", "KEPUTUSAN {{ parties.pemda.representative.position|upper }}"),
        ("NOMOR", ":", "{{ technical_team.decree }}"),
        ("TANGGAL", ":", "{{ team_decree.date|tanggal }}"),
        ("TENTANG", ":", KEPUTUSAN_SUBJECT),
    ]
    for row, (key, colon, value) in zip(header.rows, lines, strict=True):
        cell_text(row.cells[1], key, size=10)
        cell_text(row.cells[2], colon, size=10)
        cell_text(row.cells[3], value, size=10)
    para(doc, "", after=12)
    title(doc, "SUSUNAN KEANGGOTAAN")
    title(doc, "TIM TEKNIS KERJA SAMA {{ document.subject|upper }}", after=12)
    table = grid(doc, 2, [1.2, 4.3, 10.5], borders=True)
    for cell, head in zip(table.rows[0].cells, ("No.", "Kedudukan dalam Tim", "Jabatan"), strict=True):
        cell_text(cell, head, bold=True, align=C)
    for cell, text, align in zip(table.rows[1].cells, ("1.", "Ketua", "{{ technical_team.lead }}"), (C, L, L), strict=True):
        cell_text(cell, text, align=align)
    row_loop(table, "for m in technical_team.members", ["{{ loop.index + 1 }}.", "Anggota", "{{ m }}"], aligns=[C, L, L])
    para(doc, "", after=18, keep=True)
    keputusan_signature(doc)
    return doc


# --------------------------------------------------------------------------------------------------
# D10 Berita Acara Rekonsiliasi Data Peserta dan Iuran


def _known(*paths: str) -> str:
    """A Jinja test that every value at ``paths`` is known."""
    return " and ".join(f"{p} is known" for p in paths)


def _together(table: Table) -> None:
    """Keep a small table on one page: no row splits, each row kept with the next (the last with what follows)."""
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def ba_rekonsiliasi() -> DocxDocument:
    """BA Rekonsiliasi of one month: kop, both nomor, the parties, participants, iuran, follow-ups, signatures."""
    r = "reconciliation"
    doc = new_document(paper="A4")
    page_number_footer(doc)
    kop(doc, "instansi", unit=f"{r}.unit")
    title(doc, "BERITA ACARA")
    title(doc, "REKONSILIASI DATA PESERTA DAN IURAN")
    title(doc, "JAMINAN SOSIAL KETENAGAKERJAAN BAGI {{ coverage.segment|upper }}")
    title(doc, f"PERIODE {{{{ {r}.period|bulan_tahun|upper }}}}", after=6)
    nomor = grid(doc, 2, [2.5, 0.5, 8.0])
    for row, who in zip(nomor.rows, ("pemda", "partner"), strict=True):
        cell_text(row.cells[0], "Nomor", align=L)
        cell_text(row.cells[1], ":")
        cell_text(row.cells[2], f"{{{{ {r}.nomor_{who} }}}}")
    para(doc, "", after=6)
    para(
        doc,
        f"Pada hari ini {{{{ {r}.date|tanggal_kata }}}}, bertempat di {{{{ signing.place }}}}, kami yang bertanda "
        "tangan di bawah ini:",
    )
    parties = grid(doc, 2, [0.75, 4.75, 0.5, 10.0])
    rows = [
        (
            "1.",
            "{{ technical_team.lead_name|nama_lengkap }}",
            f"NIP {{{{ {r}.lead_nip }}}}, {{{{ technical_team.lead }}}} selaku Ketua Tim Teknis, dalam hal ini "
            "bertindak untuk dan atas nama {{ parties.pemda.name }}, selanjutnya disebut {{ pihak_kesatu }};",
        ),
        (
            "2.",
            "{{ parties.partner.representative|nama_lengkap }}",
            "{% if parties.partner.representative.id %}{{ parties.partner.representative.id.kind }} "
            "{{ parties.partner.representative.id.number }}, {% endif %}{{ parties.partner.representative.position }}, "
            "dalam hal ini bertindak untuk dan atas nama {{ parties.partner.name }}, selanjutnya disebut {{ pihak_kedua }},",
        ),
    ]
    for row, (n, name, text) in zip(parties.rows, rows, strict=True):
        cells = row.cells
        cell_text(cells[0], n)
        cell_text(cells[1], name, bold=True)
        cell_text(cells[2], ":")
        cell_text(cells[3], text, align=J).paragraph_format.space_after = Pt(6)
    para(
        doc,
        "berdasarkan Perjanjian Kerja Sama Nomor "
        + pks_fact("nomor_pemda", "NOMOR PKS PIHAK KESATU")
        + " dan Nomor "
        + pks_fact("nomor_partner", "NOMOR PKS PIHAK KEDUA")
        + " tentang {{ document.subject }}, telah melakukan "
        f"rekonsiliasi data peserta dan iuran bulan {{{{ {r}.period|bulan_tahun }}}} dengan hasil sebagai berikut:",
    )
    para(doc, "A.\tData peserta", bold=True, left=0.75, hang=0.75, keep=True)
    table = grid(doc, 7, [1.2, 9.3, 5.5], borders=True)
    participants = [
        ("No.", "Uraian", "Jumlah (orang)"),
        ("1.", "Kuota peserta menurut Perjanjian Kerja Sama", "{{ coverage.workers|angka }}"),
        ("2.", "Peserta dalam daftar {{ pihak_kesatu }}", f"{{{{ {r}.listed|angka }}}}"),
        ("3.", "Peserta terdaftar pada {{ pihak_kedua }}", f"{{{{ {r}.registered|angka }}}}"),
        (
            "4.",
            "Selisih daftar {{ pihak_kesatu }} dan {{ pihak_kedua }} (2 − 3)",
            f"{{% if {_known(f'{r}.listed', f'{r}.registered')} %}}{{{{ ({r}.listed - {r}.registered)|angka }}}}"
            "{% else %}[SELISIH PESERTA]{% endif %}",
        ),
        ("5.", "Peserta aktif (iuran bulan ini dibayar)", f"{{{{ {r}.active|angka }}}}"),
        (
            "6.",
            "Peserta nonaktif (3 − 5)",
            f"{{% if {_known(f'{r}.registered', f'{r}.active')} %}}{{{{ ({r}.registered - {r}.active)|angka }}}}"
            "{% else %}[PESERTA NONAKTIF]{% endif %}",
        ),
    ]
    for i, (row, texts) in enumerate(zip(table.rows, participants, strict=True)):
        for cell, text, align in zip(row.cells, texts, (C, L, R), strict=True):
            cell_text(cell, text, bold=(i == 0), align=C if i == 0 else align)
    _together(table)
    para(doc, "", after=6)
    para(doc, "B.\tIuran", bold=True, left=0.75, hang=0.75, keep=True)
    table = grid(doc, 6, [1.2, 9.3, 5.5], borders=True)
    invoice = f"{r}.active * coverage.monthly_per_worker"
    dues = [
        ("No.", "Uraian", "Jumlah"),
        ("1.", "Iuran per orang per bulan ({{ coverage.programme_codes }})", "{{ coverage.monthly_per_worker|rupiah }}"),
        (
            "2.",
            "Iuran terutang: peserta aktif × iuran per orang per bulan",
            f"{{% if {r}.active is known %}}{{{{ ({invoice})|rupiah }}}}{{% else %}}[IURAN TERUTANG]{{% endif %}}",
        ),
        ("3.", f"Iuran dibayar (bukti pembayaran: {{{{ {r}.payment_reference }}}})", f"{{{{ {r}.paid|rupiah }}}}"),
        (
            "4.",
            "Selisih (2 − 3)",
            f"{{% if not ({_known(f'{r}.active', f'{r}.paid')}) %}}[SELISIH IURAN]"
            f"{{% elif {invoice} > {r}.paid %}}{{{{ ({invoice} - {r}.paid)|rupiah }}}} (kurang bayar)"
            f"{{% elif {invoice} < {r}.paid %}}{{{{ ({r}.paid - {invoice})|rupiah }}}} (lebih bayar)"
            "{% else %}nihil{% endif %}",
        ),
        ("", "", ""),
    ]
    for i, (row, texts) in enumerate(zip(table.rows, dues, strict=True)):
        for cell, text, align in zip(row.cells, texts, (C, L, R), strict=True):
            cell_text(cell, text, bold=(i == 0), align=C if i == 0 else align)
    table._tbl.remove(table.rows[-1]._tr)  # grid() sizes every row; the spare one was only for the zip
    _together(table)
    para(
        doc,
        "Peserta yang iurannya tidak dibayar selama 3 (tiga) bulan berturut-turut dinonaktifkan oleh {{ pihak_kedua }}.",
        size=10,
        before=3,
        after=12,
    )
    para(doc, "C.\tKesepakatan dan tindak lanjut", bold=True, left=0.75, hang=0.75, keep=True)
    para(doc, f"{{%p if {r}.follow_ups %}}", after=0)
    para(doc, f"{{%p for item in {r}.follow_ups %}}", after=0)
    para(doc, "{{ loop.index }}.\t{{ item }}", left=1.5, hang=0.75)
    para(doc, "{%p endfor %}", after=0)
    para(doc, "{%p else %}", after=0)
    para(doc, "[KESEPAKATAN DAN TINDAK LANJUT]", left=1.5)
    para(doc, "{%p endif %}", after=0)
    para(
        doc,
        "Demikian Berita Acara ini dibuat dalam rangkap {{ document.copies|bilangan }} untuk dipergunakan sebagaimana mestinya.",
        before=6,
        after=12,
        keep=True,
    )
    signatures(
        doc,
        Sig(
            ["~", "{{ pihak_kedua }},", "{{ parties.partner.representative.position|upper }}"],
            "{{ parties.partner.representative|nama }}",
            id_line("parties.partner.representative"),
        ),
        Sig(
            ["~{{ signing.place }}, " + f"{{{{ {r}.date|tanggal }}}}", "{{ pihak_kesatu }},", "KETUA TIM TEKNIS"],
            "{{ technical_team.lead_name|nama }}",
            f"NIP. {{{{ {r}.lead_nip }}}}",
        ),
    )
    return doc


BUILDERS = {
    "surat-kuasa.docx": surat_kuasa,
    "sk-tim-teknis.docx": sk_tim_teknis,
    "ba-rekonsiliasi.docx": ba_rekonsiliasi,
}
