"""The letters and decisions around the PKS: Surat Kuasa, Keputusan on the tim teknis, BA Rekonsiliasi."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import EXAMPLE, SLUG, docx_text
from workflow.commands.agreements import load_file
from workflow.data.catalogue import load_catalogue
from workflow.documents.context import build_context
from workflow.documents.render import render_bytes
from workflow.process.definition import load_process

# The example's file with every fact the three documents need, the PKS signed by a Kepala Dinas
# holding a surat kuasa. Names and numbers are test values, not facts of the case.
LETTERS = """
pks:
  signer:
    name: Dr. H. La Ode Fulan, S.STP., M.Si.
    position: Kepala Dinas Tenaga Kerja Kabupaten Buton
    rank: Pembina Utama Muda (IV/c)
    id:
      kind: NIP
      number: 19750101 200003 1 001
  surat_kuasa: 180/015/SK/2025
  nomor_pemda: 000.8.3.3/002/PKS/2025
  nomor_partner: PKS/001/KC-BAUBAU/2025
  date: 2025-06-24

power_of_attorney:
  date: 2025-06-20

team_decree:
  date: 2025-07-01
  budget_regulation: >-
    Peraturan Daerah Kabupaten Buton Nomor 7 Tahun 2024 tentang Anggaran Pendapatan dan Belanja Daerah
    Tahun Anggaran 2025
  legal_basis:
    - Peraturan Bupati Buton Nomor 10 Tahun 2024 tentang Kerja Sama Daerah

reconciliation:
  period: 2025-07-01
  date: 2025-08-05
  nomor_pemda: 560/120/DISNAKER/2025
  nomor_partner: BA/07/KC-BAUBAU/2025
  unit: Dinas Tenaga Kerja
  lead_nip: 19750101 200003 1 001
  listed: 1000
  registered: 998
  active: 998
  paid: 16800000
  payment_reference: SP2D-0712
  follow_ups:
    - Dua peserta dengan NIK tidak valid diverifikasi ulang paling lambat 15 Agustus 2025.
"""


def _agreement_text(extra: str = LETTERS, bupati: str = "Alvin") -> str:
    text = (EXAMPLE / "agreement.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  decree: *$", "  decree: 12 TAHUN 2025", text)
    text = re.sub(r"(?m)^  lead_name: .*$", "  lead_name: Dr. H. La Ode Fulan, S.STP., M.Si.", text)
    text = text.replace("      name: Alvin ", f"      name: {bupati} ", 1)  # parties.pemda.representative
    return text + extra


def _render(tmp_path: Path, name: str, text: str) -> str:
    """The text of catalogue document ``name`` rendered from an agreement.yaml holding ``text``."""
    path = tmp_path / "agreement.yaml"
    path.write_text(text, encoding="utf-8")
    spec = next(spec for _, spec in load_catalogue().documents() if spec.name == name)
    out = tmp_path / f"{name}.docx"
    out.write_bytes(render_bytes(spec, build_context(load_file(path))))
    return docx_text(out)


def assert_in_order(text: str, *lines: str) -> None:
    """Each of ``lines`` is in ``text``, after the one before it."""
    at = 0
    for line in lines:
        found = text.find(line, at)
        assert found >= 0, f"{line!r} missing after position {at}:\n{text}"
        at = found + len(line)


def test_surat_kuasa_has_its_parts_in_order(tmp_path: Path) -> None:
    """Kop, title and nomor, grantor, grantee with NIP and pangkat, the act naming this PKS, date, both signatures."""
    text = _render(tmp_path, "surat-kuasa", _agreement_text(bupati="Drs. Alvin Bupati, M.Si."))
    assert_in_order(
        text,
        "BUPATI BUTON\n",
        "SURAT KUASA\nNomor: 180/015/SK/2025\n",
        "Yang bertanda tangan di bawah ini:\nNama | : | Drs. Alvin Bupati, M.Si.\nJabatan | : | Bupati Buton\n",
        "memberi kuasa kepada:\nNama | : | Dr. H. La Ode Fulan, S.STP., M.Si.\nNIP | : | 19750101 200003 1 001\n"
        "Pangkat/Golongan | : | Pembina Utama Muda (IV/c)\nJabatan | : | Kepala Dinas Tenaga Kerja Kabupaten Buton\n",
        "untuk:\n1.\tmenandatangani Perjanjian Kerja Sama antara Pemerintah Kabupaten Buton dan Badan Penyelenggara "
        "Jaminan Sosial Ketenagakerjaan Kantor Cabang Baubau tentang Perlindungan Jaminan Sosial Ketenagakerjaan bagi "
        "Pekerja Rentan Miskin di Kabupaten Buton",
        "sebagai tindak lanjut Kesepakatan Bersama Nomor [NOMOR PIHAK KESATU] dan Nomor [NOMOR PIHAK KEDUA]",
        "2.\tkuasa ini hanya berlaku untuk penandatanganan Perjanjian Kerja Sama tersebut",
        "Yang Menerima Kuasa,\nKepala Dinas Tenaga Kerja Kabupaten Buton, | Pasarwajo, 20 Juni 2025\n"
        "Yang Memberi Kuasa,\nBUPATI BUTON,\n | meterai Rp10.000\n",
        # names with degrees as written (a naskah khusus), the grantee's pangkat then NIP, no NIP for the Bupati
        "Dr. H. LA ODE FULAN, S.STP., M.Si. | Drs. ALVIN BUPATI, M.Si.\nPembina Utama Muda (IV/c)\nNIP. 19750101 200003 1 001 |",
    )


def test_surat_kuasa_without_a_kuasa_shows_what_is_missing(tmp_path: Path) -> None:
    """The PKS signed by the Bupati himself: the surat kuasa's nomor and date stay visible placeholders."""
    from tests.test_lifecycle import PKS

    text = _render(tmp_path, "surat-kuasa", (EXAMPLE / "agreement.yaml").read_text(encoding="utf-8") + PKS)
    assert "Nomor: [NOMOR SURAT KUASA]" in text
    assert "Pasarwajo, [TANGGAL SURAT KUASA]" in text
    assert "None" not in text


def test_keputusan_tim_teknis_has_its_parts_in_order(tmp_path: Path) -> None:
    """Title with nomor, Menimbang a-c, Mengingat (national, local, Perda APBD), MEMUTUSKAN, KESATU-KELIMA, lampiran."""
    text = _render(tmp_path, "sk-tim-teknis", _agreement_text(bupati="Drs. Alvin Bupati, M.Si."))
    subject = (
        "PEMBENTUKAN TIM TEKNIS KERJA SAMA PERLINDUNGAN JAMINAN SOSIAL KETENAGAKERJAAN BAGI PEKERJA RENTAN MISKIN "
        "DI KABUPATEN BUTON"
    )
    assert_in_order(
        text,
        "BUPATI BUTON\nKEPUTUSAN BUPATI BUTON\nNOMOR 12 TAHUN 2025\nTENTANG\n" + subject + "\n",
        "DENGAN RAHMAT TUHAN YANG MAHA ESA\nBUPATI BUTON,\n",
        "Menimbang\t:\ta.\tbahwa Pemerintah Kabupaten Buton dan Badan Penyelenggara Jaminan Sosial Ketenagakerjaan "
        "Kantor Cabang Baubau telah menandatangani Perjanjian Kerja Sama Nomor 000.8.3.3/002/PKS/2025 dan Nomor "
        "PKS/001/KC-BAUBAU/2025 tanggal 24 Juni 2025",
        "\t\tb.\tbahwa untuk kelancaran pelaksanaan",
        "\t\tc.\tbahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b",
        "Mengingat\t:\t1.\tUndang-Undang Nomor 40 Tahun 2004 tentang Sistem Jaminan Sosial Nasional;",
        "\t\t6.\tPeraturan Menteri Dalam Negeri Nomor 22 Tahun 2020",
        "\t\t7.\tPeraturan Bupati Buton Nomor 10 Tahun 2024 tentang Kerja Sama Daerah;",
        "\t\t8.\tPeraturan Daerah Kabupaten Buton Nomor 7 Tahun 2024 tentang Anggaran Pendapatan dan Belanja Daerah "
        "Tahun Anggaran 2025.",
        "MEMUTUSKAN:\nMenetapkan\t:\tKEPUTUSAN BUPATI BUTON TENTANG " + subject + ".",
        "KESATU\t:\tMembentuk Tim Teknis",
        "KEDUA\t:\tTim Teknis sebagaimana dimaksud dalam Diktum KESATU mempunyai tugas:",
        "\t\ta.\tmelakukan verifikasi dan validasi data calon peserta berdasarkan data P3KE;",
        "KETIGA\t:\t",
        "setiap 3 (tiga) bulan kepada Bupati Buton melalui Sekretaris Daerah.",
        "KEEMPAT\t:\t",
        "KELIMA\t:\t",
        "pada tanggal 30 Juni 2027.",
        "Ditetapkan di Pasarwajo\npada tanggal 1 Juli 2025\n\nBUPATI BUTON,\n",
        " | ALVIN BUPATI\n",  # a Keputusan names its signer without degrees (Pasal 44)
        "LAMPIRAN |  | KEPUTUSAN BUPATI BUTON\n | NOMOR | : | 12 TAHUN 2025\n | TANGGAL | : | 1 Juli 2025\n"
        " | TENTANG | : | " + subject,
        "No. | Kedudukan dalam Tim | Jabatan\n1. | Ketua | Kepala Dinas Tenaga Kerja Kabupaten Buton\n"
        "2. | Anggota | Kepala Badan Keuangan dan Aset Daerah Kabupaten Buton\n",
        "5. | Anggota | Kepala Bidang Kepesertaan Kantor Cabang BPJS Ketenagakerjaan Baubau\n",
        " | ALVIN BUPATI",
    )
    assert "M.Si." not in text.split("MEMUTUSKAN:")[1]


def test_ba_rekonsiliasi_has_its_parts_and_exact_arithmetic(tmp_path: Path) -> None:
    """Kop, title and both nomor, the parties, participant counts, iuran owed and paid, follow-ups, both signatures."""
    text = _render(tmp_path, "ba-rekonsiliasi", _agreement_text())
    assert_in_order(
        text,
        "PEMERINTAH KABUPATEN BUTON\nDINAS TENAGA KERJA\n[ALAMAT PIHAK KESATU]\n",
        "BERITA ACARA\nREKONSILIASI DATA PESERTA DAN IURAN\n"
        "JAMINAN SOSIAL KETENAGAKERJAAN BAGI PEKERJA RENTAN MISKIN\nPERIODE JULI 2025\n",
        "Nomor | : | 560/120/DISNAKER/2025\nNomor | : | BA/07/KC-BAUBAU/2025\n",
        "Pada hari ini Selasa tanggal lima bulan Agustus tahun dua ribu dua puluh lima, bertempat di Pasarwajo",
        "1. | Dr. H. La Ode Fulan, S.STP., M.Si. | : | NIP 19750101 200003 1 001, Kepala Dinas Tenaga Kerja Kabupaten "
        "Buton selaku Ketua Tim Teknis",
        "selanjutnya disebut PIHAK KESATU;\n2. | Musriati | : | NPK [NPK PIHAK KEDUA], Kepala Kantor Cabang",
        "berdasarkan Perjanjian Kerja Sama Nomor 000.8.3.3/002/PKS/2025 dan Nomor PKS/001/KC-BAUBAU/2025",
        "rekonsiliasi data peserta dan iuran bulan Juli 2025",
        "A.\tData peserta\nNo. | Uraian | Jumlah (orang)\n"
        "1. | Kuota peserta menurut Perjanjian Kerja Sama | 1.000\n"
        "2. | Peserta dalam daftar PIHAK KESATU | 1.000\n"
        "3. | Peserta terdaftar pada PIHAK KEDUA | 998\n"
        "4. | Selisih daftar PIHAK KESATU dan PIHAK KEDUA (2 − 3) | 2\n"
        "5. | Peserta aktif (iuran bulan ini dibayar) | 998\n"
        "6. | Peserta nonaktif (3 − 5) | 0\n",
        "B.\tIuran\nNo. | Uraian | Jumlah\n"
        "1. | Iuran per orang per bulan (JKK dan JKM) | Rp16.800,00\n"
        "2. | Iuran terutang: peserta aktif × iuran per orang per bulan | Rp16.766.400,00\n"
        "3. | Iuran dibayar (bukti pembayaran: SP2D-0712) | Rp16.800.000,00\n"
        "4. | Selisih (2 − 3) | Rp33.600,00 (lebih bayar)\n",
        "C.\tKesepakatan dan tindak lanjut\n1.\tDua peserta dengan NIK tidak valid",
        "Demikian Berita Acara ini dibuat dalam rangkap 2 (dua)",
        "PIHAK KEDUA,\nKEPALA KANTOR CABANG BPJS KETENAGAKERJAAN BAUBAU | Pasarwajo, 5 Agustus 2025\n"
        "PIHAK KESATU,\nKETUA TIM TEKNIS\n",
        "MUSRIATI | Dr. H. LA ODE FULAN, S.STP., M.Si.\nNPK. [NPK PIHAK KEDUA] | NIP. 19750101 200003 1 001",
    )


def test_underpayment_is_named_as_such(tmp_path: Path) -> None:
    """Paid less than owed: the difference is 'kurang bayar'; paid exactly: 'nihil'."""
    short = _agreement_text().replace("  paid: 16800000", "  paid: 16000000")
    assert "| Rp766.400,00 (kurang bayar)" in _render(tmp_path, "ba-rekonsiliasi", short)
    exact = _agreement_text().replace("  paid: 16800000", "  paid: 16766400")
    assert "4. | Selisih (2 − 3) | nihil" in _render(tmp_path, "ba-rekonsiliasi", exact)


@pytest.mark.parametrize(
    ("name", "placeholders"),
    [
        (
            "sk-tim-teknis",
            [
                "NOMOR [NOMOR KEPUTUSAN TIM TEKNIS]",
                "tanggal [TANGGAL PENANDATANGANAN PKS]",
                "7.\t[PERATURAN DAERAH TENTANG APBD].",
                "pada tanggal [TANGGAL KEPUTUSAN TIM TEKNIS]",
            ],
        ),
        (
            "ba-rekonsiliasi",
            [
                "PERIODE [PERIODE REKONSILIASI]",
                "[JUMLAH PESERTA TERDAFTAR]",
                "[SELISIH PESERTA]",
                "[PESERTA NONAKTIF]",
                "[IURAN TERUTANG]",
                "[SELISIH IURAN]",
                "[KESEPAKATAN DAN TINDAK LANJUT]",
                "NIP. [NIP KETUA TIM TEKNIS]",
            ],
        ),
    ],
)
def test_unknown_facts_stay_visible_placeholders(tmp_path: Path, name: str, placeholders: list[str]) -> None:
    """The example as shipped (no pks, team_decree or reconciliation section): every gap is a [PLACEHOLDER], never 'None'."""
    text = _render(tmp_path, name, (EXAMPLE / "agreement.yaml").read_text(encoding="utf-8"))
    for placeholder in placeholders:
        assert placeholder in text
    assert "None" not in text


def test_each_document_is_bound_to_the_state_that_produces_it() -> None:
    """PKS drafting makes the surat kuasa, PKS signed the Keputusan, implementation the BA Rekonsiliasi."""
    process = load_process("ksdpk")
    catalogue = load_catalogue()

    def documents(state: str) -> list[str]:
        stage = process.state(state).stage
        assert stage is not None, state
        return [d.name for d in catalogue.stage(stage).documents]

    assert "surat-kuasa" in documents("pks_drafting")
    assert documents("pks_signed") == ["sk-tim-teknis"]
    assert documents("implementation") == ["ba-rekonsiliasi"]


def test_stages_render_through_the_cli(root: Path, yaml_file: Path, run: Callable[..., Result]) -> None:
    """`mou render --stage` writes the Keputusan and the BA into the agreement, and `mou check` passes their templates."""
    yaml_file.write_text(_agreement_text(), encoding="utf-8")
    assert run("check", SLUG).exit_code == 0
    result = run("render", SLUG, "--stage", "tim_teknis", "--stage", "rekonsiliasi")
    assert result.exit_code == 0, result.stderr
    assert (root / SLUG / "documents" / "tim_teknis" / "sk-tim-teknis-v1.docx").is_file()
    assert (root / SLUG / "documents" / "rekonsiliasi" / "ba-rekonsiliasi-v1.docx").is_file()


def test_reconciliation_figures_are_checked(yaml_file: Path, run: Callable[..., Result]) -> None:
    """A period that is not a month's first day, or more active than registered participants, is refused by name."""
    text = _agreement_text().replace("  period: 2025-07-01", "  period: 2025-07-15").replace("  active: 998", "  active: 999")
    yaml_file.write_text(text, encoding="utf-8")
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert "reconciliation.period: 2025-07-15 is not the first day of a month, expected 2025-07-01" in result.stderr
    assert "reconciliation.active: 999 is more than the 998 registered, expected at most that" in result.stderr
