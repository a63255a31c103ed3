"""The proposal and its assessment: KAK, Surat Inisiasi, Telaahan Staf, BA Rapat TKKSD, Surat Penolakan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import EXAMPLE, SLUG
from tests.test_letters import _render, assert_in_order
from workflow.data.catalogue import load_catalogue
from workflow.process.definition import load_process

# Every fact the five documents need. Names and numbers are test values, not facts of the case.
TKKSD = """
initiation:
  unit: Dinas Tenaga Kerja
  head_name: Dr. H. La Ode Fulan, S.STP., M.Si.
  head_position: Kepala Dinas Tenaga Kerja Kabupaten Buton
  head_rank: Pembina Utama Muda (IV/c)
  head_nip: 19750101 200003 1 001
  nomor: 560/045/DISNAKER/2025
  date: 2025-06-02
  sifat: Penting
  attachments:
    - Studi Kelayakan
    - Keputusan Kepala Dinas Tenaga Kerja tentang Penunjukan PPKSD

kak:
  budget_account: DPA Dinas Tenaga Kerja TA 2025
  locations: [Pasarwajo, Kapontori]

tkksd:
  date: 2025-06-10
  time: "09.00"
  venue: Ruang Rapat Sekretariat Daerah
  nomor: 000.8.3/012/TKKSD/2025
  verdict: VERDICT
  chair_name: Drs. La Ode Sekda, M.Si.
  chair_position: Sekretaris Daerah Kabupaten Buton
  secretary_name: Wa Ode Sekretaris, S.H.
  secretary_position: Kepala Bagian Kerja Sama Sekretariat Daerah Kabupaten Buton
  secretary_rank: Pembina (IV/a)
  secretary_nip: 19800202 200501 2 002
  telaahan_nomor: 000.8.3/013/TKKSD/2025
  telaahan_date: 2025-06-11
  reasons:
    - Data P3KE belum diverifikasi oleh Dinas Sosial.
  discussion:
    - Paparan usulan oleh Kepala Dinas Tenaga Kerja.
  follow_ups:
    - Bagian Kerja Sama menyiapkan konsep surat, paling lambat 17 Juni 2025.
  assumptions:
    - Jumlah peserta tetap 1.000 orang selama jangka waktu kerja sama.

rejection:
  nomor: 000.8.3/020/SETDA/2025
  date: 2025-06-16
  sifat: Penting
  copies_to:
    - Sekretaris Daerah Kabupaten Buton
"""


def _text(verdict: str = "layak") -> str:
    return (EXAMPLE / "agreement.yaml").read_text(encoding="utf-8") + TKKSD.replace("VERDICT", verdict)


PLAN = (
    "rencana kerja sama antara Pemerintah Kabupaten Buton dan Badan Penyelenggara Jaminan Sosial Ketenagakerjaan "
    "Kantor Cabang Baubau tentang Perlindungan Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan Miskin di Kabupaten Buton"
)


def test_kak_has_its_parts_in_order(tmp_path: Path) -> None:
    """Lampiran line, title, the eleven parts with figures from the data, the Kepala Dinas's signature."""
    text = _render(tmp_path, "kak", _text())
    assert_in_order(
        text,
        "Lampiran Surat Kepala Dinas Tenaga Kerja Kabupaten Buton\nNomor\t: 560/045/DISNAKER/2025\nTanggal\t: 2 Juni 2025\n",
        "KERANGKA ACUAN KERJA\nRENCANA KERJA SAMA DAERAH DENGAN PIHAK KETIGA\n",
        "DINAS TENAGA KERJA KABUPATEN BUTON\nTAHUN 2025\n",
        "I.\tLATAR BELAKANG\n",
        "a.\tsetiap pekerja berhak",
        "Focus Group Discussion pada Rabu, 28 Mei 2025",
        "II.\tDASAR HUKUM\n1.\tUndang-Undang Nomor 40 Tahun 2004",
        "6.\tInstruksi Presiden Nomor 2 Tahun 2021",
        "7.\tInstruksi Presiden Nomor 8 Tahun 2025",
        "8.\tPeraturan Menteri Dalam Negeri Nomor 22 Tahun 2020",
        "III.\tMAKSUD DAN TUJUAN\n",
        "IV.\tSASARAN\nSasaran kerja sama ini adalah 1.000 (seribu) orang pekerja rentan miskin di Kabupaten Buton yang "
        "berdomisili di Kecamatan Pasarwajo, Kapontori",
        "V.\tURUSAN, OBJEK DAN CALON MITRA\n",
        "VI.\tRUANG LINGKUP\n",
        "VII.\tKELUARAN\n",
        "VIII.\tPEMBIAYAAN\n",
        "melalui DPA Dinas Tenaga Kerja TA 2025",
        "Iuran setahun penuh | : | Rp201.600.000,00 (dua ratus satu juta enam ratus ribu rupiah)",
        "IX.\tJANGKA WAKTU DAN TAHAPAN\n",
        "X.\tPENANGGUNG JAWAB\n",
        "XI.\tPENUTUP\n",
        "Pasarwajo, 2 Juni 2025\nKEPALA DINAS TENAGA KERJA KABUPATEN BUTON,\n",
        " | Dr. H. LA ODE FULAN, S.STP., M.Si.\n | Pembina Utama Muda (IV/c)\nNIP. 19750101 200003 1 001",
    )


def test_surat_inisiasi_has_its_parts_in_order(tmp_path: Path) -> None:
    """Kop of the Dinas, date, Nomor/Sifat/Lampiran/Hal beside the Sekda as Ketua TKKSD, the plan, the lampiran, signer."""
    text = _render(tmp_path, "surat-inisiasi", _text())
    assert_in_order(
        text,
        "PEMERINTAH KABUPATEN BUTON\nDINAS TENAGA KERJA\n",
        "Pasarwajo, 2 Juni 2025\n",
        "Nomor | : | 560/045/DISNAKER/2025 | Kepada\nSifat | : | Penting | Yth. Sekretaris Daerah Kabupaten Buton\n"
        "Lampiran | : | 3 (tiga) berkas | selaku Ketua TKKSD\n"
        "Hal | : | Usulan Kerja Sama Daerah dengan BPJS Ketenagakerjaan Cabang Baubau",
        "di Pasarwajo\n",
        "Menindaklanjuti hasil Focus Group Discussion pada tanggal 28 Mei 2025",
        "bersama ini kami mengusulkan " + PLAN,
        "Sasaran | : | 1.000 (seribu) orang pekerja rentan miskin",
        "1.\tKerangka Acuan Kerja;\n2.\tStudi Kelayakan;\n3.\tKeputusan Kepala Dinas Tenaga Kerja tentang Penunjukan PPKSD.\n",
        "selaku Ketua Tim Koordinasi Kerja Sama Daerah berkenan memproses usulan kerja sama ini",
        "KEPALA DINAS TENAGA KERJA KABUPATEN BUTON,\n",
        " | Dr. H. LA ODE FULAN, S.STP., M.Si.\n | Pembina Utama Muda (IV/c)\nNIP. 19750101 200003 1 001",
    )


def test_telaahan_has_its_parts_in_order(tmp_path: Path) -> None:
    """Kop, title, Kepada to Hal, the six parts, the Sekda's signature without NIP (Pasal 44)."""
    text = _render(tmp_path, "telaahan-tkksd", _text())
    assert_in_order(
        text,
        "SEKRETARIAT DAERAH\n",
        "TELAAHAN STAF\nKepada | : | Yth. Bupati Buton\nDari | : | Sekretaris Daerah Kabupaten Buton selaku Ketua TKKSD\n"
        "Tanggal | : | 11 Juni 2025\nNomor | : | 000.8.3/013/TKKSD/2025\n",
        "1.\tPERSOALAN\n",
        "2.\tPRAANGGAPAN\n1.\tJumlah peserta tetap 1.000 orang",
        "3.\tFAKTA YANG MEMPENGARUHI\n",
        "4.\tANALISIS\n",
        "cukup diberitahukan kepada DPRD.",
        "5.\tKESIMPULAN\n",
        "6.\tSARAN\n",
        "Pasarwajo, 11 Juni 2025\nKETUA TKKSD,\nSekretaris Daerah Kabupaten Buton\n",
        "Drs. LA ODE SEKDA, M.Si.",
    )
    assert "NIP. " not in text.split("KETUA TKKSD,")[1]


def test_ba_rapat_has_its_parts_in_order(tmp_path: Path) -> None:
    """Kop, title with nomor, opening, peserta, pokok bahasan, hasil, both signatures."""
    text = _render(tmp_path, "ba-rapat-tkksd", _text())
    assert_in_order(
        text,
        "SEKRETARIAT DAERAH\n",
        "BERITA ACARA\nNomor : 000.8.3/012/TKKSD/2025\nRAPAT TIM KOORDINASI KERJA SAMA DAERAH\n",
        "Pada hari ini Selasa tanggal sepuluh bulan Juni tahun dua ribu dua puluh lima, pukul 09.00 WITA, bertempat di "
        "Ruang Rapat Sekretariat Daerah",
        "I.\tPESERTA\nRapat dihadiri oleh anggota TKKSD dan undangan sebagaimana daftar hadir terlampir.\n",
        "II.\tPOKOK BAHASAN\n1.\tPaparan usulan",
        "III.\tHASIL RAPAT\n",
        "Tindak lanjut:\n1.\tBagian Kerja Sama menyiapkan konsep surat",
        "Demikian Berita Acara ini dibuat",
        "SEKRETARIS TKKSD,\nKepala Bagian Kerja Sama Sekretariat Daerah Kabupaten Buton | Pasarwajo, 10 Juni 2025\nKETUA TKKSD,",
        "WA ODE SEKRETARIS, S.H. | Drs. LA ODE SEKDA, M.Si.\nPembina (IV/a)\nNIP. 19800202 200501 2 002 |",
    )


@pytest.mark.parametrize(
    ("verdict", "sentence", "advice"),
    [
        ("layak", "dinyatakan LAYAK untuk dilanjutkan dengan penawaran kerja sama oleh Bupati Buton", "a.\tmenyetujui"),
        ("revisi", "dinyatakan PERLU PERBAIKAN dan dikembalikan kepada Dinas Tenaga Kerja", "dikembalikan kepada Dinas"),
        ("tolak", "dinyatakan TIDAK LAYAK untuk dilanjutkan, dengan alasan sebagai berikut:", "menyampaikan surat penolakan"),
    ],
)
def test_verdict_sentence(tmp_path: Path, verdict: str, sentence: str, advice: str) -> None:
    """Each verdict has its sentence in the BA and the Telaahan; revisi and tolak list the reasons; the saran follows."""
    ba = _render(tmp_path, "ba-rapat-tkksd", _text(verdict))
    assert_in_order(ba, "III.\tHASIL RAPAT\nRapat menyimpulkan bahwa " + PLAN + " " + sentence)
    reason = "1.\tData P3KE belum diverifikasi oleh Dinas Sosial."
    assert (reason in ba) == (verdict != "layak")
    telaahan = _render(tmp_path, "telaahan-tkksd", _text(verdict))
    assert_in_order(telaahan, "5.\tKESIMPULAN\n", sentence, "6.\tSARAN\n", advice)


def test_surat_penolakan_has_its_parts_in_order(tmp_path: Path) -> None:
    """Kop jabatan, head, the BA cited, the reasons, the Bupati without NIP, tembusan."""
    text = _render(tmp_path, "surat-penolakan", _text("tolak"))
    assert_in_order(
        text,
        "BUPATI BUTON\n",
        "Pasarwajo, 16 Juni 2025\n",
        "Nomor | : | 000.8.3/020/SETDA/2025 | Kepada\nSifat | : | Penting | Yth. Kepala Kantor Cabang BPJS Ketenagakerjaan "
        "Baubau\nLampiran | : | - | di\nHal | : | Penolakan Rencana Kerja Sama",
        "Sehubungan dengan " + PLAN,
        "sebagaimana Berita Acara Nomor 000.8.3/012/TKKSD/2025",
        "1.\tData P3KE belum diverifikasi oleh Dinas Sosial.\n",
        "BUPATI BUTON,\n",
        "ALVIN\n",
        "Tembusan:\n1.\tSekretaris Daerah Kabupaten Buton.",
    )


@pytest.mark.parametrize(
    ("name", "placeholders"),
    [
        ("kak", ["[NOMOR SURAT INISIASI]", "[KECAMATAN SASARAN]", "[DPA DAN KODE REKENING]", "[NAMA KEPALA PERANGKAT DAERAH]"]),
        ("surat-inisiasi", ["[PERANGKAT DAERAH PENGUSUL]", "[SIFAT SURAT]", "1 (satu) berkas", "[NIP KEPALA PERANGKAT DAERAH]"]),
        ("telaahan-tkksd", ["[NOMOR TELAAHAN STAF]", "[PRAANGGAPAN]", "[KESIMPULAN RAPAT TKKSD]", "[SARAN SESUAI"]),
        ("ba-rapat-tkksd", ["Nomor : [NOMOR BERITA ACARA RAPAT TKKSD]", "[POKOK BAHASAN]", "[KESIMPULAN RAPAT TKKSD]"]),
        ("surat-penolakan", ["[NOMOR SURAT PENOLAKAN]", "[ALASAN PENOLAKAN]", "[TANGGAL RAPAT TKKSD]"]),
    ],
)
def test_unknown_facts_stay_visible_placeholders(tmp_path: Path, name: str, placeholders: list[str]) -> None:
    """The example as shipped (none of the new sections): every gap is a [PLACEHOLDER], never 'None'."""
    text = _render(tmp_path, name, (EXAMPLE / "agreement.yaml").read_text(encoding="utf-8"))
    for placeholder in placeholders:
        assert placeholder in text
    assert "None" not in text


def test_each_document_is_bound_to_the_state_that_produces_it() -> None:
    """Preparation makes the KAK and the Surat Inisiasi, the TKKSD review its two documents, rejection the letter."""
    process = load_process("ksdpk")
    catalogue = load_catalogue()

    def documents(state: str) -> list[str]:
        stage = process.state(state).stage
        assert stage is not None, state
        return [d.name for d in catalogue.stage(stage).documents]

    assert documents("preparation") == ["kak", "surat-inisiasi"]
    assert documents("tkksd_review") == ["telaahan-tkksd", "ba-rapat-tkksd"]
    assert documents("rejected") == ["surat-penolakan"]


def test_stages_render_through_the_cli(root: Path, yaml_file: Path, run: Callable[..., Result]) -> None:
    """`mou check` passes the templates and `mou render --stage` writes the five documents."""
    yaml_file.write_text(_text(), encoding="utf-8")
    assert run("check", SLUG).exit_code == 0
    result = run("render", SLUG, "--stage", "preparation", "--stage", "tkksd", "--stage", "rejection")
    assert result.exit_code == 0, result.stderr
    for stage, name in [("preparation", "kak"), ("tkksd", "ba-rapat-tkksd"), ("rejection", "surat-penolakan")]:
        assert (root / SLUG / "documents" / stage / f"{name}-v1.docx").is_file()


def test_verdict_and_reasons_are_checked(yaml_file: Path, run: Callable[..., Result]) -> None:
    """A verdict outside layak/revisi/tolak, or a tolak without reasons, is refused by name."""
    yaml_file.write_text(_text("setuju"), encoding="utf-8")
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert "tkksd.verdict" in result.stderr
    text = _text("tolak").replace("  reasons:\n    - Data P3KE belum diverifikasi oleh Dinas Sosial.\n", "")
    yaml_file.write_text(text, encoding="utf-8")
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert "tkksd.reasons: is empty for the verdict tolak, expected at least one reason" in result.stderr
