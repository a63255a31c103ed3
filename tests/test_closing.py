"""The offer, the DPRD letter, the closing reports and the lembar paraf (tools/build_closing.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import EXAMPLE, SLUG
from tests.test_letters import _render, assert_in_order
from workflow.data.catalogue import load_catalogue
from workflow.process.definition import load_process

EXTRA = """
offer:
  nomor: 500.15/101/2025
  date: 2025-06-02
  sifat: Penting
  contact: Kepala Bagian Kerja Sama, telepon 0812-0000-0000
  attachments: [Kerangka Acuan Kerja]
  copies_to: [Gubernur Sulawesi Tenggara, Sekretaris Daerah Kabupaten Buton]

dprd_letter:
  nomor: 500.15/140/2025
  date: 2025-06-10
  sifat: Penting

final_report:
  date: 2027-07-15
  registered: 998
  active: 990
  reconciliations: 24
  paid: 403200000
  jkk_claims: 3
  jkk_paid: 15000000
  jkm_claims: 2
  jkm_paid: 84000000
  recommendation: Dilanjutkan

minister_report:
  nomor: 500.15/300/2027
  date: 2027-07-20
  sifat: Biasa
  via: Gubernur Sulawesi Tenggara

paraf:
  coordination: [Kepala Bagian Kerja Sama Sekretariat Daerah, Kepala Bagian Hukum Sekretariat Daerah]
  hierarchy: [Kepala Dinas Tenaga Kerja, Asisten Pemerintahan dan Kesra, Sekretaris Daerah]
"""


def _text(extra: str = EXTRA) -> str:
    return (EXAMPLE / "agreement.yaml").read_text(encoding="utf-8") + extra


def test_surat_penawaran_has_its_parts_in_order(tmp_path: Path) -> None:
    """Kop, date, nomor/sifat/lampiran/hal, the offer's points, the Bupati's signature, tembusan."""
    text = _render(tmp_path, "surat-penawaran", _text())
    assert_in_order(
        text,
        "BUPATI BUTON\n",
        "Pasarwajo, 2 Juni 2025\n",
        "Nomor | : | 500.15/101/2025 | Kepada\nSifat | : | Penting |",
        "Lampiran | : | 1 (satu) berkas",
        "Hal | : | Penawaran Kerja Sama Perlindungan Jaminan Sosial",
        "menawarkan kerja sama dengan Badan Penyelenggara",
        "b.\tsasaran: 1.000 (seribu) orang pekerja rentan miskin",
        "d.\tpembiayaan: iuran Rp16.800,00 per orang per bulan",
        "f.\tjangka waktu: 2 (dua) tahun",
        "dapat menghubungi Kepala Bagian Kerja Sama, telepon 0812-0000-0000.",
        "BUPATI BUTON,",
        "ALVIN",
        "Tembusan:\n1.\tYth. Gubernur Sulawesi Tenggara;\n2.\tYth. Sekretaris Daerah Kabupaten Buton.",
    )
    assert "NIP" not in text


def test_surat_tanggapan_cites_the_partner_letter(tmp_path: Path) -> None:
    """A reply cites the incoming letter's nomor and date exactly."""
    reply = "  sifat: Penting\n  reply_to:\n    nomor: B/77/052025\n    date: 2025-05-20\n  contact"
    extra = EXTRA.replace("  sifat: Penting\n  contact", reply, 1)
    text = _render(tmp_path, "surat-penawaran", _text(extra))
    assert "Hal | : | Tanggapan atas Penawaran Kerja Sama" in text
    assert "Menindaklanjuti surat BPJS Ketenagakerjaan Cabang Baubau Nomor B/77/052025 tanggal 20 Mei 2025" in text


def test_dprd_letter_pemberitahuan_and_persetujuan(tmp_path: Path) -> None:
    """Budgeted and not burdening: pemberitahuan; not budgeted: permohonan persetujuan (the guard's own test)."""
    text = _render(tmp_path, "surat-dprd", _text())
    assert_in_order(
        text,
        "BUPATI BUTON\n",
        "Nomor | : | 500.15/140/2025",
        "Yth. Ketua Dewan Perwakilan Rakyat Daerah Kabupaten Buton",
        "Hal | : | Pemberitahuan Kerja Sama Daerah dengan BPJS Ketenagakerjaan Cabang Baubau",
        "1)\tTahun Anggaran 2025 (Juli s.d. Desember 2025): Rp100.800.000,00;",
        "dianggarkan pada [DPA DAN KODE REKENING];",
        "e.\tjangka waktu",
        "sebagai pemberitahuan.",
        "BUPATI BUTON,",
    )
    assert "persetujuan" not in text.lower().split("hal |")[1].split("\n")[0]
    text = _render(tmp_path, "surat-dprd", _text().replace("  budgeted: true", "  budgeted: false"))
    assert_in_order(
        text,
        "Hal | : | Permohonan Persetujuan Rencana Kerja Sama Daerah",
        "belum tersedia dalam APBD tahun anggaran berjalan;",
        "kami mohon persetujuan Dewan Perwakilan Rakyat Daerah Kabupaten Buton",
    )


def test_laporan_akhir_and_report_to_the_minister(tmp_path: Path) -> None:
    """The final report's chapters and figures; the Minister's letter through the Governor with its lampiran."""
    text = _render(tmp_path, "laporan-akhir", _text())
    assert_in_order(
        text,
        "LAPORAN AKHIR\n",
        "BAB I\nPENDAHULUAN\n",
        "BAB II\nPELAKSANAAN\n",
        "3. | Peserta aktif pada akhir kerja sama | 990",
        "3. | Realisasi pembayaran iuran | Rp403.200.000,00",
        "BAB III\nEVALUASI\n",
        "BAB IV\nPENUTUP\n",
        "direkomendasikan untuk DILANJUTKAN.",
        "Pasarwajo, 15 Juli 2027\nKETUA TIM TEKNIS,",
    )
    text = _render(tmp_path, "laporan-menteri", _text())
    assert_in_order(
        text,
        "BUPATI BUTON\n",
        "Nomor | : | 500.15/300/2027",
        "Yth. Menteri Dalam Negeri c.q. Direktur Jenderal Bina Administrasi Kewilayahan",
        "melalui Gubernur Sulawesi Tenggara",
        "a.\tkepesertaan: 990 peserta aktif",
        "BUPATI BUTON,",
        "LAMPIRAN SURAT",
        "No. | Jenis | Nomor dan Tanggal",
        "BUPATI BUTON,",
    )


def test_lembar_paraf_lists_the_officials_in_order(tmp_path: Path) -> None:
    """Koordinasi then hierarki, each in the order written, with the draft's name and version."""
    text = _render(tmp_path, "lembar-paraf-kb", _text())
    assert_in_order(
        text,
        "LEMBAR PARAF KOORDINASI\n",
        "Jenis naskah | : | Kesepakatan Bersama",
        "Versi rancangan | : | 1",
        "1. | Kepala Bagian Kerja Sama Sekretariat Daerah",
        "2. | Kepala Bagian Hukum Sekretariat Daerah",
        "1. | Kepala Dinas Tenaga Kerja",
        "2. | Asisten Pemerintahan dan Kesra",
        "3. | Sekretaris Daerah",
    )


def test_unknowns_stay_placeholders(tmp_path: Path) -> None:
    """The example as shipped: every gap is a [PLACEHOLDER], never 'None'."""
    for name, placeholder in [
        ("surat-penawaran", "[NOMOR SURAT PENAWARAN]"),
        ("surat-dprd", "[NOMOR SURAT KEPADA DPRD]"),
        ("laporan-akhir", "[REALISASI IURAN]"),
        ("laporan-menteri", "melalui [GUBERNUR]"),
        ("lembar-paraf-kb", "[PARAF HIERARKI: JABATAN KONSEPTOR DAN ATASANNYA]"),
    ]:
        text = _render(tmp_path, name, _text(""))
        assert placeholder in text, name
        assert "None" not in text


def test_more_than_three_hierarchical_paraf_is_refused(yaml_file: Path, run: Callable[..., Result]) -> None:
    """Permendagri 54/2009: at most three paraf hierarki."""
    yaml_file.write_text(_text(EXTRA.replace("Sekretaris Daerah]", "Sekretaris Daerah, Wakil Bupati]")), encoding="utf-8")
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert "paraf.hierarchy: lists 4 positions, expected at most 3" in result.stderr


def test_each_document_is_bound_to_its_state(yaml_file: Path, run: Callable[..., Result]) -> None:
    """offer, dprd_approval and completed produce these documents; the reviewed drafts carry a lembar paraf; check passes."""
    process, catalogue = load_process("ksdpk"), load_catalogue()

    def documents(state: str) -> list[str]:
        stage = process.state(state).stage
        assert stage is not None, state
        return [d.name for d in catalogue.stage(stage).documents]

    assert documents("offer") == ["surat-penawaran"]
    assert documents("dprd_approval") == ["surat-dprd"]
    assert documents("completed") == ["laporan-akhir", "laporan-menteri"]
    assert "lembar-paraf-kb" in documents("kb_legal_review")
    assert "lembar-paraf-pks" in documents("pks_review")
    assert "lembar-paraf-adendum" in documents("amendment_review")
    yaml_file.write_text(_text(), encoding="utf-8")
    assert run("check", SLUG).exit_code == 0
