"""Build the templates of the proposal and its assessment by the TKKSD (DOCUMENTS.md D2-D5; DOMAIN.md §3 states 2-4, x).

KAK (Kerangka Acuan Kerja) and Surat Inisiasi of the proposing unit, Telaahan Staf and Berita Acara of
the TKKSD meeting with its verdict (layak / revisi / tolak), and the Bupati's Surat Penolakan to the
partner. `tools/build_templates.py` picks up ``BUILDERS`` here; `python tools/build_templates.py kak.docx`
writes one of them.
"""

from __future__ import annotations

from build_letters import NATIONAL_BASIS
from build_templates import (
    LETTERS,
    C,
    L,
    Sig,
    cell_text,
    grid,
    kop,
    kv,
    lettered,
    new_document,
    numbered,
    page_number_footer,
    para,
    row_loop,
    signatures,
    title,
)
from docx.document import Document as DocxDocument
from docx.shared import Cm

REGION = "{{ parties.pemda.name|replace('Pemerintah ', '') }}"
"""The region as running text, 'Kabupaten Buton', from the Pemda's legal name."""

SEKDA = "Sekretaris Daerah " + REGION
"""Who the Surat Inisiasi is addressed to: the Sekda, as Ketua TKKSD (DOCUMENTS.md D3)."""

OPD_HEAD = "initiation.head_position"
"""The Kepala of the proposing unit, who signs the KAK and the Surat Inisiasi."""

PRESIDENTIAL = [
    "Instruksi Presiden Nomor 2 Tahun 2021 tentang Optimalisasi Pelaksanaan Program Jaminan Sosial Ketenagakerjaan",
    "Instruksi Presiden Nomor 8 Tahun 2025 tentang Optimalisasi Pengentasan Kemiskinan dan Penghapusan Kemiskinan Ekstrem",
]
"""The instructions the KAK cites after the PP and before the Permendagri (DOMAIN.md §2, DOCUMENTS.md D2)."""

PROPOSAL = "rencana kerja sama antara {{ parties.pemda.name }} dan {{ parties.partner.name }} tentang {{ document.subject }}"
"""The plan every document of this stage is about, as running text."""

VERDICTS = {
    "layak": "LAYAK untuk dilanjutkan dengan penawaran kerja sama oleh {{ parties.pemda.representative.position }} "
    "kepada {{ parties.partner.name }}.",
    "revisi": "PERLU PERBAIKAN dan dikembalikan kepada {{ initiation.unit }} untuk diperbaiki dan diajukan kembali, "
    "dengan catatan sebagai berikut:",
    "tolak": "TIDAK LAYAK untuk dilanjutkan, dengan alasan sebagai berikut:",
}
"""The verdict sentence of the Berita Acara after 'Rapat menyimpulkan bahwa <plan> dinyatakan'."""


def _verdict_text() -> str:
    """The verdict sentence for each value of ``tkksd.verdict``, the placeholder while it is unknown."""
    parts = [f"{{% {'if' if i == 0 else 'elif'} tkksd.verdict == '{v}' %}}{text}" for i, (v, text) in enumerate(VERDICTS.items())]
    return "".join(parts) + "{% else %}{{ tkksd.verdict }} (layak / perlu perbaikan / tidak layak).{% endif %}"


def _heading(doc: DocxDocument, number: str, text: str) -> None:
    """A numbered section heading of a KAK or a Telaahan: 'I.  LATAR BELAKANG', kept with what follows."""
    para(doc, f"{number}\t{text}", bold=True, left=1.0, hang=1.0, before=6, keep=True)


def _list_or(doc: DocxDocument, items: str, placeholder: str, *, left: float = 1.75, end: str = ";") -> None:
    """The numbered items at path ``items``, or the visible ``[placeholder]`` while the list is empty."""
    para(doc, f"{{%p if {items} %}}", after=0)
    numbered(doc, items, left=left, end=end)
    para(doc, "{%p else %}", after=0)
    para(doc, f"[{placeholder}]", left=left)
    para(doc, "{%p endif %}", after=0)


def _letter_head(doc: DocxDocument, date: str, rows: list[tuple[str, str]], to: list[str]) -> None:
    """Place and date on the right; Nomor, Sifat, Lampiran, Hal on the left with the addressee beside them (D3, D6)."""
    para(doc, "{{ signing.place }}, " + date, align=L, left=9.5, after=6)
    t = grid(doc, len(rows), [2.5, 0.5, 6.5, 6.5])
    for row, (k, v), line in zip(t.rows, rows, to, strict=True):
        cell_text(row.cells[0], k)
        cell_text(row.cells[1], ":")
        cell_text(row.cells[2], v, bold=(k == "Hal"))
        cell_text(row.cells[3], line)
    para(doc, "", after=6)


def _opd_signature(doc: DocxDocument, *, dated: bool) -> None:
    """The Kepala Dinas: title, name with degrees, pangkat and NIP (Permendagri 1/2023 Pasal 44)."""
    heading = ["~{{ signing.place }}, {{ initiation.date|tanggal }}"] if dated else []
    signatures(
        doc,
        None,
        Sig(
            [*heading, f"{{{{ {OPD_HEAD}|upper }}}},"],
            "{{ initiation.head_name|nama }}",
            "{{ initiation.head_rank }}\nNIP. {{ initiation.head_nip }}",
        ),
    )


# --------------------------------------------------------------------------------------------------
# D2 Kerangka Acuan Kerja


def kak() -> DocxDocument:
    """KAK of the proposal: the lampiran line, title, then latar belakang to penutup, signed by the Kepala Dinas."""
    doc = new_document()
    page_number_footer(doc)
    for line in (
        "Lampiran Surat {{ initiation.head_position }}",
        "Nomor\t: {{ initiation.nomor }}",
        "Tanggal\t: {{ initiation.date|tanggal }}",
    ):
        p = para(doc, line, align=L, left=9.5, size=10, after=0)
        p.paragraph_format.tab_stops.add_tab_stop(Cm(11.5))
    para(doc, "", after=12)
    title(doc, "KERANGKA ACUAN KERJA")
    title(doc, "RENCANA KERJA SAMA DAERAH DENGAN PIHAK KETIGA")
    title(doc, "ANTARA {{ parties.pemda.name|upper }}")
    title(doc, "DAN {{ parties.partner.name|upper }}")
    title(doc, "TENTANG")
    title(doc, "{{ document.subject|upper }}", after=6)
    title(doc, "{{ initiation.unit|upper }} " + REGION.replace("}}", "|upper }}"))
    title(doc, "TAHUN {{ funding.year }}", after=18)

    _heading(doc, "I.", "LATAR BELAKANG")
    para(
        doc,
        "{{ parties.pemda.name }} bermaksud melaksanakan kerja sama daerah dengan pihak ketiga, yaitu "
        "{{ parties.partner.name }}, tentang {{ document.subject }}. Rencana kerja sama ini dilatarbelakangi hal-hal "
        "sebagai berikut:",
        left=1.0,
    )
    lettered(doc, "considerations", left=1.75)
    para(
        doc,
        "Focus Group Discussion pada {{ fgd.date|hari_tanggal }} di {{ fgd.venue }} tentang {{ fgd.topic }} "
        "menghasilkan kesepakatan sebagai berikut:",
        left=1.0,
        keep=True,
    )
    numbered(doc, "fgd.outcomes", left=1.75)
    para(
        doc,
        "Menurut {{ existing_coverage.source }}, pekerja di lingkungan {{ parties.pemda.name }} yang telah terdaftar "
        "sebagai peserta pada {{ existing_coverage.opd|bilangan('OPD') }} berjumlah "
        "{{ existing_coverage.total|angka }} orang, yaitu:",
        left=1.0,
        keep=True,
    )
    numbered(doc, "existing_coverage.groups", left=1.75, end=";", text="{{ item.name }}: {{ item.count|angka }} orang")

    _heading(doc, "II.", "DASAR HUKUM")
    basis = NATIONAL_BASIS[:5] + PRESIDENTIAL + NATIONAL_BASIS[5:]
    for i, text in enumerate(basis):
        para(doc, f"{i + 1}.\t{text};", left=1.75, hang=0.75)
    n = len(basis)
    para(doc, "{%p for item in kak.legal_basis %}", after=0)
    para(doc, f"{{{{ loop.index + {n} }}}}.\t{{{{ item|akhiri(';') }}}}", left=1.75, hang=0.75)
    para(doc, "{%p endfor %}", after=0)

    _heading(doc, "III.", "MAKSUD DAN TUJUAN")
    para(doc, "Maksud kerja sama ini adalah {{ purpose.intent|akhiri }}", left=1.0)
    para(doc, "Tujuan kerja sama ini adalah:", left=1.0, keep=True)
    lettered(doc, "purpose.goals", left=1.75)

    _heading(doc, "IV.", "SASARAN")
    para(
        doc,
        "Sasaran kerja sama ini adalah {{ coverage.workers|bilangan('orang') }} {{ coverage.segment }} di " + REGION + " "
        "yang berdomisili di {% if kak.locations %}Kecamatan {{ kak.locations|join(', ') }}{% else %}[KECAMATAN SASARAN]"
        "{% endif %}, bersumber dari data {{ coverage.data_source_name }} ({{ coverage.data_source }}), yang didaftarkan "
        "sebagai peserta {{ coverage.category }} program {{ coverage.programme_names }}.",
        left=1.0,
    )

    _heading(doc, "V.", "URUSAN, OBJEK DAN CALON MITRA")
    para(
        doc,
        "Kerja sama ini termasuk urusan pemerintahan wajib yang tidak berkaitan dengan pelayanan dasar bidang tenaga "
        "kerja, dengan objek {{ document.subject }}. Calon mitra adalah {{ parties.partner.name }}, bagian dari badan "
        "hukum publik penyelenggara program jaminan sosial ketenagakerjaan berdasarkan Undang-Undang Nomor 24 Tahun 2011 "
        "tentang Badan Penyelenggara Jaminan Sosial, berkedudukan di {{ parties.partner.address }}.",
        left=1.0,
    )

    _heading(doc, "VI.", "RUANG LINGKUP")
    para(doc, "Ruang lingkup kerja sama ini meliputi:", left=1.0, keep=True)
    lettered(doc, "scope", left=1.75)

    _heading(doc, "VII.", "KELUARAN")
    outputs = [
        "{{ document.name }} antara {{ parties.pemda.name }} dan {{ parties.partner.name }};",
        "Perjanjian Kerja Sama sebagai pelaksanaan {{ document.name }};",
        "terdaftarnya {{ coverage.workers|bilangan('orang') }} {{ coverage.segment }} sebagai peserta program "
        "{{ coverage.programme_codes }};",
        "laporan monitoring dan evaluasi {{ monitoring.every }} kepada {{ monitoring.report_to }}.",
    ]
    for i, text in enumerate(outputs):
        para(doc, f"{LETTERS[i]}.\t{text}", left=1.75, hang=0.75)

    _heading(doc, "VIII.", "PEMBIAYAAN")
    para(
        doc,
        "Iuran {{ coverage.programme_codes }} dibebankan pada {{ funding.source }} melalui {{ kak.budget_account }}, "
        "dengan rincian:",
        left=1.0,
        keep=True,
    )
    kv(
        doc,
        [
            ("Iuran per orang per bulan", "{{ coverage.monthly_per_worker|rupiah }}"),
            ("Jumlah peserta", "{{ coverage.workers|bilangan('orang') }}"),
            ("Iuran setahun penuh", "{{ budget.annual|rupiah_lengkap }}"),
            ("Periode iuran", "{{ budget.period }}, {{ budget.total_months|bilangan('bulan') }}"),
            ("Jumlah kebutuhan", "{{ budget.total|rupiah_lengkap }}"),
        ],
        widths=(5.5, 0.5, 9.0),
    )
    para(doc, "", after=0)
    para(doc, "{%p for y in budget.years %}", after=0)
    para(
        doc,
        "Tahun Anggaran {{ y.year }} ({{ y.period }}): {{ y.allocation|rupiah_lengkap }}{{ '.' if loop.last else ';' }}",
        left=1.0,
    )
    para(doc, "{%p endfor %}", after=0)

    _heading(doc, "IX.", "JANGKA WAKTU DAN TAHAPAN")
    para(
        doc,
        "Kerja sama direncanakan berlaku selama {{ term.duration }}, terhitung mulai tanggal {{ term.start|tanggal }} "
        "sampai dengan tanggal {{ term.end|tanggal }}, dengan tahapan:",
        left=1.0,
        keep=True,
    )
    steps = [
        "pembahasan oleh Tim Koordinasi Kerja Sama Daerah (TKKSD);",
        "penawaran kerja sama oleh {{ parties.pemda.representative.position }};",
        "penyusunan dan penandatanganan {{ document.name }};",
        "penyusunan dan penandatanganan Perjanjian Kerja Sama;",
        "pendaftaran peserta dan pembayaran iuran;",
        "rekonsiliasi data peserta dan iuran setiap bulan;",
        "monitoring, evaluasi dan laporan akhir.",
    ]
    for i, text in enumerate(steps):
        para(doc, f"{LETTERS[i]}.\t{text}", left=1.75, hang=0.75)

    _heading(doc, "X.", "PENANGGUNG JAWAB")
    para(
        doc,
        "Penanggung jawab kegiatan adalah {{ initiation.head_position }}. Pelaksanaan kerja sama dipantau oleh tim "
        "teknis yang diketuai oleh {{ technical_team.lead }} dan dibentuk dengan Keputusan "
        "{{ parties.pemda.representative.position }}.",
        left=1.0,
    )

    _heading(doc, "XI.", "PENUTUP")
    para(
        doc,
        "Demikian Kerangka Acuan Kerja ini disusun sebagai bahan pertimbangan Tim Koordinasi Kerja Sama Daerah dalam "
        "menilai " + PROPOSAL + ".",
        left=1.0,
        after=12,
        keep=True,
    )
    _opd_signature(doc, dated=True)
    return doc


# --------------------------------------------------------------------------------------------------
# D3 Surat Inisiasi


def surat_inisiasi() -> DocxDocument:
    """The proposing unit's letter to the Sekda as Ketua TKKSD: kop, head, the plan, the lampiran, the request."""
    doc = new_document()
    page_number_footer(doc)
    kop(doc, "instansi", unit="initiation.unit")
    _letter_head(
        doc,
        "{{ initiation.date|tanggal }}",
        [
            ("Nomor", "{{ initiation.nomor }}"),
            ("Sifat", "{{ initiation.sifat }}"),
            ("Lampiran", "{{ (initiation.attachments|length + 1)|bilangan('berkas') }}"),
            ("Hal", "Usulan Kerja Sama Daerah dengan {{ parties.partner.short_name }} tentang {{ document.subject }}"),
        ],
        ["Kepada", "Yth. " + SEKDA, "selaku Ketua TKKSD", "di {{ signing.place }}"],
    )
    para(
        doc,
        "Menindaklanjuti hasil Focus Group Discussion pada tanggal {{ fgd.date|tanggal }} di {{ fgd.venue }} tentang "
        "{{ fgd.topic }}, bersama ini kami mengusulkan " + PROPOSAL + ", dengan pokok-pokok sebagai berikut:",
        left=1.25,
    )
    kv(
        doc,
        [
            ("Objek", "{{ document.subject }}"),
            ("Calon mitra", "{{ parties.partner.name }}"),
            (
                "Sasaran",
                "{{ coverage.workers|bilangan('orang') }} {{ coverage.segment }}, peserta {{ coverage.category }} "
                "berdasarkan data {{ coverage.data_source }}",
            ),
            (
                "Pembiayaan",
                "{{ funding.source }}, iuran {{ coverage.monthly_per_worker|rupiah }} per orang per bulan, "
                "{{ budget.total|rupiah_lengkap }} untuk {{ budget.period }}",
            ),
            ("Jangka waktu", "{{ term.duration }}, {{ term.start|tanggal }} s.d. {{ term.end|tanggal }}"),
        ],
        widths=(3.75, 0.5, 11.75),
    )
    para(doc, "", after=0)
    para(doc, "Sebagai bahan pertimbangan, bersama ini kami lampirkan:", left=1.25, keep=True)
    para(doc, "1.\tKerangka Acuan Kerja;", left=2.0, hang=0.75)
    para(doc, "{%p for item in initiation.attachments %}", after=0)
    para(doc, "{{ loop.index + 1 }}.\t{{ item|akhiri('.' if loop.last else ';') }}", left=2.0, hang=0.75)
    para(doc, "{%p endfor %}", after=0)
    para(
        doc,
        "Berkenaan dengan hal tersebut, kami mohon kiranya Bapak/Ibu selaku Ketua Tim Koordinasi Kerja Sama Daerah "
        "berkenan memproses usulan kerja sama ini sesuai dengan Peraturan Menteri Dalam Negeri Nomor 22 Tahun 2020 "
        "tentang Tata Cara Kerja Sama Daerah dengan Daerah Lain dan Kerja Sama Daerah dengan Pihak Ketiga.",
        left=1.25,
        before=6,
    )
    para(doc, "Demikian disampaikan, atas perhatian Bapak/Ibu diucapkan terima kasih.", left=1.25, after=12, keep=True)
    _opd_signature(doc, dated=False)
    return doc


# --------------------------------------------------------------------------------------------------
# D4 Telaahan Staf


def _tkksd_kop(doc: DocxDocument) -> None:
    """The Setda's kop instansi: the TKKSD's naskah are signed by the Sekda in his own name (DOCUMENTS.md §1.3)."""
    kop(doc, "instansi", unit="'Sekretariat Daerah'")


def _chair_signature(doc: DocxDocument, date: str, *, secretary: bool) -> None:
    """The Ketua TKKSD on the right (no NIP: Pasal 44), the Sekretaris TKKSD with pangkat and NIP on the left."""
    left = (
        Sig(
            ["~", "SEKRETARIS TKKSD,", "{{ tkksd.secretary_position }}"],
            "{{ tkksd.secretary_name|nama }}",
            "{{ tkksd.secretary_rank }}\nNIP. {{ tkksd.secretary_nip }}",
        )
        if secretary
        else None
    )
    right = Sig(
        ["~{{ signing.place }}, " + date, "KETUA TKKSD,", "{{ tkksd.chair_position }}"],
        "{{ tkksd.chair_name|nama }}",
    )
    signatures(doc, left, right)


def telaahan_tkksd() -> DocxDocument:
    """Telaahan Staf of the Ketua TKKSD to the Bupati: header, persoalan to saran by the verdict, signature."""
    doc = new_document()
    page_number_footer(doc)
    _tkksd_kop(doc)
    title(doc, "TELAAHAN STAF", after=12)
    kv(
        doc,
        [
            ("Kepada", "Yth. {{ parties.pemda.representative.position }}"),
            ("Dari", "{{ tkksd.chair_position }} selaku Ketua TKKSD"),
            ("Tanggal", "{{ tkksd.telaahan_date|tanggal }}"),
            ("Nomor", "{{ tkksd.telaahan_nomor }}"),
            ("Lampiran", "1 (satu) berkas Berita Acara Rapat TKKSD Nomor {{ tkksd.nomor }}"),
            ("Hal", "Rencana Kerja Sama dengan {{ parties.partner.short_name }} tentang {{ document.subject }}"),
        ],
        widths=(3.0, 0.5, 12.5),
    )
    para(doc, "", after=6)

    _heading(doc, "1.", "PERSOALAN")
    para(
        doc,
        "Apakah {{ parties.pemda.name }} melaksanakan " + PROPOSAL.removeprefix("rencana ") + " bagi "
        "{{ coverage.workers|bilangan('orang') }} {{ coverage.segment }}, sebagaimana diusulkan oleh "
        "{{ initiation.unit }} dengan surat Nomor {{ initiation.nomor }} tanggal {{ initiation.date|tanggal }}.",
        left=1.0,
    )
    _heading(doc, "2.", "PRAANGGAPAN")
    _list_or(doc, "tkksd.assumptions", "PRAANGGAPAN")

    _heading(doc, "3.", "FAKTA YANG MEMPENGARUHI")
    facts = [
        "Focus Group Discussion pada tanggal {{ fgd.date|tanggal }} di {{ fgd.venue }} menyepakati perlindungan "
        "{{ coverage.workers|bilangan('orang') }} {{ coverage.segment }} berdasarkan data {{ coverage.data_source }};",
        "menurut {{ existing_coverage.source }}, pekerja di lingkungan {{ parties.pemda.name }} yang telah terdaftar "
        "berjumlah {{ existing_coverage.total|angka }} orang;",
        "iuran {{ coverage.programme_codes }} sebesar {{ coverage.monthly_per_worker|rupiah }} per orang per bulan; "
        "kebutuhan untuk {{ budget.period }} adalah {{ budget.total|rupiah_lengkap }}, bersumber dari {{ funding.source }};",
        "Rapat TKKSD pada tanggal {{ tkksd.date|tanggal }} telah membahas usulan tersebut sebagaimana Berita Acara "
        "Nomor {{ tkksd.nomor }}.",
    ]
    for i, text in enumerate(facts):
        para(doc, f"{LETTERS[i]}.\t{text}", left=1.75, hang=0.75)

    _heading(doc, "4.", "ANALISIS")
    derived = [
        "kerja sama daerah dengan pihak ketiga diatur dalam Peraturan Pemerintah Nomor 28 Tahun 2018 tentang Kerja "
        "Sama Daerah dan Peraturan Menteri Dalam Negeri Nomor 22 Tahun 2020; urusan tenaga kerja termasuk urusan "
        "pemerintahan wajib yang tidak berkaitan dengan pelayanan dasar;",
        "jangka waktu kerja sama {{ term.duration }} ({{ term.start|tanggal }} s.d. {{ term.end|tanggal }}), dengan "
        "iuran setahun penuh {{ budget.annual|rupiah_lengkap }};",
        "{% if dprd.required %}rencana kerja sama membebani masyarakat dan daerah atau belum dianggarkan dalam APBD, "
        "sehingga memerlukan persetujuan DPRD{% else %}rencana kerja sama tidak membebani masyarakat dan telah "
        "dianggarkan dalam APBD, sehingga cukup diberitahukan kepada DPRD{% endif %}"
        "{{ ';' if tkksd.analysis else '.' }}",
    ]
    for i, text in enumerate(derived):
        para(doc, f"{LETTERS[i]}.\t{text}", left=1.75, hang=0.75)
    para(doc, "{%p for item in tkksd.analysis %}", after=0)
    para(
        doc,
        f"{{{{ '{LETTERS}'[loop.index0 + {len(derived)}] }}}}.\t{{{{ item|akhiri('.' if loop.last else ';') }}}}",
        left=1.75,
        hang=0.75,
    )
    para(doc, "{%p endfor %}", after=0)

    _heading(doc, "5.", "KESIMPULAN")
    para(doc, "Rapat TKKSD menyimpulkan bahwa " + PROPOSAL + " dinyatakan " + _verdict_text(), left=1.0)
    para(doc, "{%p if tkksd.verdict in ('revisi', 'tolak') %}", after=0)
    _list_or(doc, "tkksd.reasons", "ALASAN")
    para(doc, "{%p endif %}", after=0)

    _heading(doc, "6.", "SARAN")
    para(doc, "{%p if tkksd.verdict == 'layak' %}", after=0)
    para(doc, "Disarankan kepada {{ parties.pemda.representative.position }}:", left=1.0, keep=True)
    advice = [
        "menyetujui rencana kerja sama dan menandatangani surat penawaran kerja sama kepada {{ parties.partner.name }};",
        "menugaskan TKKSD menyusun rancangan {{ document.name }} bersama {{ parties.partner.short_name }};",
        "setelah {{ document.name }} ditandatangani, memberikan Surat Kuasa kepada {{ initiation.head_position }} "
        "untuk menandatangani Perjanjian Kerja Sama;",
        "membentuk Tim Teknis pelaksanaan kerja sama dengan Keputusan {{ parties.pemda.representative.position }}.",
    ]
    for i, text in enumerate(advice):
        para(doc, f"{LETTERS[i]}.\t{text}", left=1.75, hang=0.75)
    para(doc, "{%p elif tkksd.verdict == 'revisi' %}", after=0)
    para(
        doc,
        "Disarankan agar usulan dikembalikan kepada {{ initiation.unit }} untuk diperbaiki sesuai catatan di atas, "
        "kemudian diajukan kembali kepada TKKSD.",
        left=1.0,
    )
    para(doc, "{%p elif tkksd.verdict == 'tolak' %}", after=0)
    para(
        doc,
        "Disarankan agar {{ parties.pemda.representative.position }} menyampaikan surat penolakan kepada "
        "{{ parties.partner.name }} dengan alasan sebagaimana tersebut di atas.",
        left=1.0,
    )
    para(doc, "{%p else %}", after=0)
    para(doc, "[SARAN SESUAI KESIMPULAN RAPAT TKKSD]", left=1.0)
    para(doc, "{%p endif %}", after=0)
    para(doc, "Demikian telaahan ini disampaikan untuk menjadi bahan pertimbangan.", left=1.0, after=12, keep=True)
    _chair_signature(doc, "{{ tkksd.telaahan_date|tanggal }}", secretary=False)
    return doc


# --------------------------------------------------------------------------------------------------
# D5 Berita Acara Rapat TKKSD


def ba_rapat_tkksd() -> DocxDocument:
    """BA of the TKKSD meeting: title, nomor, opening, participants, pokok bahasan, hasil with the verdict, signatures."""
    doc = new_document()
    page_number_footer(doc)
    _tkksd_kop(doc)
    title(doc, "BERITA ACARA")
    title(doc, "Nomor : {{ tkksd.nomor }}", after=6)
    title(doc, "RAPAT TIM KOORDINASI KERJA SAMA DAERAH")
    title(doc, "TENTANG PEMBAHASAN RENCANA KERJA SAMA")
    title(doc, "{{ document.subject|upper }}", after=12)
    para(
        doc,
        "Pada hari ini {{ tkksd.date|tanggal_kata }}, pukul {{ tkksd.time }} {{ fgd.timezone }}, bertempat di "
        "{{ tkksd.venue }}, telah dilaksanakan Rapat Tim Koordinasi Kerja Sama Daerah (TKKSD) " + REGION + " yang "
        "dipimpin oleh {{ tkksd.chair_position }} selaku Ketua TKKSD, untuk membahas usulan {{ initiation.unit }} "
        "dengan surat Nomor {{ initiation.nomor }} tanggal {{ initiation.date|tanggal }} tentang " + PROPOSAL + ".",
    )
    para(doc, "I.\tPESERTA", bold=True, left=0.75, hang=0.75, before=6, keep=True)
    para(doc, "{%p if tkksd.attendees %}", after=0)
    para(doc, "Rapat dihadiri oleh:", left=0.75, keep=True)
    t = grid(doc, 1, [1.2, 6.0, 8.8], borders=True)
    for cell, head in zip(t.rows[0].cells, ("No.", "Nama", "Jabatan"), strict=True):
        cell_text(cell, head, bold=True, align=C)
    row_loop(
        t,
        "for a in tkksd.attendees",
        ["{{ loop.index }}.", "{% if a.name %}{{ a.name|nama_lengkap }}{% endif %}", "{{ a.position }}"],
        aligns=[C, L, L],
    )
    para(doc, "sebagaimana daftar hadir terlampir.", left=0.75, before=3)
    para(doc, "{%p else %}", after=0)
    para(doc, "Rapat dihadiri oleh anggota TKKSD dan undangan sebagaimana daftar hadir terlampir.", left=0.75)
    para(doc, "{%p endif %}", after=0)
    para(doc, "II.\tPOKOK BAHASAN", bold=True, left=0.75, hang=0.75, before=6, keep=True)
    _list_or(doc, "tkksd.discussion", "POKOK BAHASAN", left=1.5)
    para(doc, "III.\tHASIL RAPAT", bold=True, left=0.75, hang=0.75, before=6, keep=True)
    para(doc, "Rapat menyimpulkan bahwa " + PROPOSAL + " dinyatakan " + _verdict_text(), left=0.75)
    para(doc, "{%p if tkksd.verdict in ('revisi', 'tolak') %}", after=0)
    _list_or(doc, "tkksd.reasons", "ALASAN", left=1.5)
    para(doc, "{%p endif %}", after=0)
    para(doc, "Tindak lanjut:", left=0.75, keep=True)
    _list_or(doc, "tkksd.follow_ups", "TINDAK LANJUT DAN PENANGGUNG JAWABNYA", left=1.5)
    para(
        doc,
        "Demikian Berita Acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.",
        before=6,
        after=12,
        keep=True,
    )
    _chair_signature(doc, "{{ tkksd.date|tanggal }}", secretary=True)
    return doc


# --------------------------------------------------------------------------------------------------
# Surat Penolakan (DOMAIN.md §3 state x)


def surat_penolakan() -> DocxDocument:
    """The Bupati's letter telling the partner that the plan does not go on, with the TKKSD's reasons."""
    doc = new_document()
    page_number_footer(doc)
    kop(doc, "jabatan")
    _letter_head(
        doc,
        "{{ rejection.date|tanggal }}",
        [
            ("Nomor", "{{ rejection.nomor }}"),
            ("Sifat", "{{ rejection.sifat }}"),
            ("Lampiran", "-"),
            ("Hal", "Penolakan Rencana Kerja Sama tentang {{ document.subject }}"),
        ],
        ["Kepada", "Yth. {{ parties.partner.representative.position }}", "di", "{{ parties.partner.address }}"],
    )
    para(
        doc,
        "Sehubungan dengan " + PROPOSAL + ", yang diusulkan oleh {{ initiation.unit }} dan telah dibahas dalam Rapat "
        "Tim Koordinasi Kerja Sama Daerah pada tanggal {{ tkksd.date|tanggal }} sebagaimana Berita Acara Nomor "
        "{{ tkksd.nomor }}, dengan ini kami sampaikan bahwa rencana kerja sama tersebut tidak dapat dilanjutkan, "
        "dengan alasan sebagai berikut:",
        left=1.25,
    )
    _list_or(doc, "tkksd.reasons", "ALASAN PENOLAKAN", left=2.0)
    para(
        doc,
        "Atas perhatian dan kerja sama {{ parties.partner.short_name }} selama pembahasan rencana ini, kami ucapkan "
        "terima kasih.",
        left=1.25,
        before=6,
        after=12,
        keep=True,
    )
    signatures(
        doc,
        None,
        Sig(["{{ parties.pemda.representative.position|upper }},"], "{{ parties.pemda.representative|nama }}"),
    )
    para(doc, "{%p if rejection.copies_to %}", after=0)
    para(doc, "Tembusan:", align=L, size=10, before=12, after=0, keep=True)
    para(doc, "{%p for item in rejection.copies_to %}", after=0)
    para(doc, "{{ loop.index }}.\t{{ item|akhiri('.' if loop.last else ';') }}", align=L, size=10, left=0.75, hang=0.75, after=0)
    para(doc, "{%p endfor %}", after=0)
    para(doc, "{%p endif %}", after=0)
    return doc


BUILDERS = {
    "kak.docx": kak,
    "surat-inisiasi.docx": surat_inisiasi,
    "telaahan-tkksd.docx": telaahan_tkksd,
    "ba-rapat-tkksd.docx": ba_rapat_tkksd,
    "surat-penolakan.docx": surat_penolakan,
}
