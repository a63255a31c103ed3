"""The Perjanjian Kerja Sama: title block with both nomor and logos, Dasar with the KB, 17 pasal in order, the
surat kuasa komparisi, Lampiran I from the participant list (NIK masked), Lampiran II per month and budget year,
the demo drafting it, and signing refused while its text shows a placeholder."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import cli
from tests.conftest import SLUG, docx_text, stand_in_pdfs, tree_hash
from tests.test_lifecycle import KSDPK, fire, path_to
from workflow.commands.demo import HUKUM, OPD, fill_examples, stand_in_pdf
from workflow.commands.lifecycle import advance, record_render
from workflow.commands.participants import import_participants, synthetic
from workflow.data.formatting import rupiah
from workflow.errors import Refused
from workflow.records.store import FolderStore, Store

BUPATI = """
pks:
  signer:
    name: Alvin
    position: Bupati Buton
  surat_kuasa:
  nomor_pemda: 000.8.3.3/002/PKS/2025
  nomor_partner: PKS/001/KC-BAUBAU/2025
  date: 2025-06-24
"""
KADIS = """
pks:
  signer:
    name: La Ode Contoh, S.STP., M.Si.
    position: Kepala Dinas Tenaga Kerja Kabupaten Buton
    rank: Pembina Utama Muda (IV/c)
    id:
      kind: NIP
      number: 19750101 200001 1 001
  surat_kuasa: 180/12/SK/2025
  nomor_pemda: 000.8.3.3/002/PKS/2025
  nomor_partner: PKS/001/KC-BAUBAU/2025
  date: 2025-06-24

power_of_attorney:
  date: 2025-06-20
"""
HEADINGS = [
    "KETENTUAN UMUM",
    "MAKSUD DAN TUJUAN",
    "RUANG LINGKUP",
    "KEPESERTAAN",
    "IURAN DAN TATA CARA PEMBAYARAN",
    "HAK DAN KEWAJIBAN PIHAK KESATU",
    "HAK DAN KEWAJIBAN PIHAK KEDUA",
    "MANFAAT",
    "TIM TEKNIS",
    "MONITORING, EVALUASI DAN PELAPORAN",
    "JANGKA WAKTU",
    "KEADAAN KAHAR",
    "PENYELESAIAN PERSELISIHAN",
    "PERUBAHAN",
    "BERAKHIRNYA PERJANJIAN",
    "LAIN-LAIN",
    "PENUTUP",
]


def _agreement(root: Path, pks: str, *, filled: bool = True, replace: tuple[str, str] | None = None) -> Store:
    """The example (with the demo's [CONTOH] facts when ``filled``) plus the ``pks`` block."""
    path = root / SLUG / "agreement.yaml"
    if filled:
        fill_examples(path)
    text = path.read_text(encoding="utf-8") + pks
    if replace:
        assert replace[0] in text
        text = text.replace(*replace)
    path.write_text(text, encoding="utf-8")
    return FolderStore(root)


def _import(store: Store, root: Path, count: int) -> None:
    listing = root.parent / "peserta.csv"
    listing.write_text(synthetic(count, date(2025, 7, 1)), encoding="utf-8")
    import_participants(store, SLUG, listing, OPD)


def _render(store: Store) -> Path:
    """Render the draft_pks stage; the path of the PKS written."""
    (doc,) = [d for d in record_render(store, SLUG, ["draft_pks"], None, OPD) if d.path.name.startswith("pks-")]
    return Path(doc.path)


def _pks_text(store: Store) -> str:
    return docx_text(_render(store))


def _section(text: str, start: str, end: str | None = None) -> str:
    at = text.index(start)
    return text[at : text.index(end, at) if end else None]


def test_title_block_states_both_pks_nomor_and_the_logos_in_party_order(root: Path) -> None:
    """PERJANJIAN KERJA SAMA, both parties, the subject, PIHAK KESATU's nomor first; two pictures on the first page only."""
    from docx import Document

    path = _render(_agreement(root, BUPATI, filled=False))
    text = docx_text(path)
    assert text.startswith(
        "[header] Rancangan PKS v1 – bukan naskah final\n\n"
        "PERJANJIAN KERJA SAMA\nANTARA\nPEMERINTAH KABUPATEN BUTON\nDENGAN\n"
        "BADAN PENYELENGGARA JAMINAN SOSIAL KETENAGAKERJAAN KANTOR CABANG BAUBAU\nTENTANG\n"
        "PERLINDUNGAN JAMINAN SOSIAL KETENAGAKERJAAN BAGI PEKERJA RENTAN MISKIN DI KABUPATEN BUTON\n"
        "NOMOR | : | 000.8.3.3/002/PKS/2025\nNOMOR | : | PKS/001/KC-BAUBAU/2025\n"
    )
    assert "Pada hari ini Selasa tanggal dua puluh empat bulan Juni tahun dua ribu dua puluh lima (24-06-2025)" in text
    doc = Document(str(path))
    logo_row = doc.tables[0].rows[0].cells
    assert [len(c._element.xpath(".//pic:pic")) for c in logo_row] == [1, 0, 1]
    assert len(doc.element.body.xpath(".//pic:pic")) == 2  # the title block only: never in the lampiran
    assert not doc.sections[0].header._element.xpath(".//pic:pic")


def test_logos_come_from_the_agreement_s_folder_when_the_data_name_them(root: Path) -> None:
    """pks.logo_pemda names a file beside agreement.yaml: its bytes are the picture; a missing file is refused by name."""
    from docx import Document
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buf, format="PNG")
    (root / SLUG / "logo-buton.png").write_bytes(buf.getvalue())
    store = _agreement(root, BUPATI + "  logo_pemda: logo-buton.png\n", filled=False)
    doc = Document(str(_render(store)))
    images = [p.blob for p in doc.part.package.parts if p.partname.startswith("/word/media/")]
    assert buf.getvalue() in images and len(images) == 2
    path = root / SLUG / "agreement.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("logo-buton.png", "tidak-ada.png"), encoding="utf-8")
    from workflow.errors import MouError

    with pytest.raises(MouError, match=r"pks.logo_pemda: cannot read tidak-ada.png in the agreement's folder"):
        _render(store)


def test_dasar_cites_the_regulations_and_the_kb_by_its_nomor_and_date(root: Path) -> None:
    """The KB's own nomor pair and signing date (placeholders until known), after the national regulations and local ones."""
    store = _agreement(root, BUPATI + "  legal_basis:\n    - Peraturan Bupati Buton Nomor 1 Tahun 2025\n", filled=False)
    unknown = _pks_text(store)  # the example's KB nomor and date are still unknown
    assert "Nomor [NOMOR PIHAK KESATU] dan Nomor [NOMOR PIHAK KEDUA] tanggal [TANGGAL PENANDATANGANAN]" in unknown
    fill_examples(root / SLUG / "agreement.yaml")
    dasar = _section(_pks_text(store), "Dasar:\n", "Berdasarkan hal-hal tersebut")
    assert dasar.startswith("Dasar:\n1.\tUndang-Undang Nomor 40 Tahun 2004 tentang Sistem Jaminan Sosial Nasional;\n")
    assert "5.\tInstruksi Presiden Nomor 2 Tahun 2021" in dasar
    assert "8.\tPeraturan Bupati Buton Nomor 1 Tahun 2025;\n" in dasar
    assert dasar.endswith(
        "9.\tKesepakatan Bersama antara Pemerintah Kabupaten Buton dan Badan Penyelenggara Jaminan Sosial Ketenagakerjaan "
        "Kantor Cabang Baubau Nomor [CONTOH] 000.8.3.3/001/KB/2025 dan Nomor [CONTOH] KB/001/KC-BAUBAU/2025 tanggal "
        "[CONTOH] 24 Juni 2025 tentang Perlindungan Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan Miskin di "
        "Kabupaten Buton.\n"
    )


def test_the_seventeen_pasal_come_in_the_usual_order(root: Path) -> None:
    """Pasal 1 KETENTUAN UMUM ... Pasal 17 PENUTUP, each number centred with its heading on the next line."""
    text = _pks_text(_agreement(root, BUPATI))
    found = re.findall(r"^Pasal (\d+)\n(.+)$", text, flags=re.M)
    assert [int(n) for n, _ in found] == list(range(1, 18))
    assert [h for _, h in found] == HEADINGS


def test_the_bupati_signs_in_person_without_a_surat_kuasa(root: Path) -> None:
    """No surat kuasa: the Bupati's own appointment in the komparisi, no kuasa sentence anywhere, no NIP."""
    text = _pks_text(_agreement(root, BUPATI))
    assert (
        "1. | ALVIN | : | Bupati Buton, yang diangkat berdasarkan [CONTOH] Keputusan Menteri Dalam Negeri tentang pengesahan "
        "pengangkatan Bupati Buton, dalam hal ini bertindak untuk dan atas nama Pemerintah Kabupaten Buton"
    ) in text
    assert "Surat Kuasa" not in text
    assert "NIP." not in text


def test_a_kepala_dinas_signs_berdasarkan_surat_kuasa_bupati(root: Path) -> None:
    """With pks.surat_kuasa the Kepala Dinas acts on the Surat Kuasa Bupati by nomor and date; pangkat and NIP under the name."""
    text = _pks_text(_agreement(root, KADIS))
    assert (
        "1. | LA ODE CONTOH, S.STP., M.Si. | : | Kepala Dinas Tenaga Kerja Kabupaten Buton, berdasarkan Surat Kuasa Bupati "
        "Buton Nomor 180/12/SK/2025 tanggal 20 Juni 2025, dalam hal ini bertindak untuk dan atas nama Pemerintah "
        "Kabupaten Buton, berkedudukan di [CONTOH] Kantor Bupati Buton, Pasarwajo, selanjutnya disebut PIHAK KESATU;"
    ) in text
    assert "yang diangkat berdasarkan [CONTOH] Keputusan Menteri Dalam Negeri" not in text
    assert "Pembina Utama Muda (IV/c)\nNIP. 19750101 200001 1 001" in text
    # a Kepala Dinas whose surat kuasa is not issued yet: the gap is visible, never the Bupati's wording
    pending = _pks_text(_kadis_without_kuasa(root))
    assert "berdasarkan Surat Kuasa Bupati Buton Nomor [NOMOR SURAT KUASA] tanggal [TANGGAL SURAT KUASA]" in pending


def _kadis_without_kuasa(root: Path) -> Store:
    path = root / SLUG / "agreement.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  surat_kuasa: 180/12/SK/2025\n", "  surat_kuasa:\n").replace("  date: 2025-06-20\n", "  date:\n")
    path.write_text(text, encoding="utf-8")
    return FolderStore(root)


def test_lampiran_i_lists_every_participant_with_nik_masked_unless_the_data_choose(root: Path) -> None:
    """One row per participant of the list in force; NIK masked by default, in full with pks.show_nik: true."""
    store = _agreement(root, BUPATI)
    _import(store, root, 37)
    text = _pks_text(store)
    lampiran = _section(text, "DAFTAR PESERTA\n", "LAMPIRAN II")
    rows = re.findall(r"^(\d+)\. \| (\S+) \| Peserta Contoh \d{4} \|", lampiran, flags=re.M)
    assert [int(n) for n, _ in rows] == list(range(1, 38))
    assert all(re.fullmatch(r"7401\*{10}\d\d", nik) for _, nik in rows)
    assert "37 (tiga puluh tujuh) orang dari paling banyak 1.000 (seribu) orang" in lampiran
    assert "NIK ditampilkan tersamar" in lampiran
    assert "[DAFTAR PESERTA BELUM DILAMPIRKAN]" not in lampiran
    first = synthetic(1, date(2025, 7, 1)).splitlines()[1].split(",")[0]
    assert first not in text
    path = root / SLUG / "agreement.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  show_nik: true\n", encoding="utf-8")
    full = _section(_pks_text(store), "DAFTAR PESERTA\n", "LAMPIRAN II")
    assert f"1. | {first} | Peserta Contoh 0001 |" in full
    assert "NIK ditampilkan tersamar" not in full


def test_lampiran_i_says_so_while_no_list_is_imported(root: Path) -> None:
    """Before `mou participants import`: no rows, and a visible line that the list is not attached yet."""
    lampiran = _section(_pks_text(_agreement(root, BUPATI)), "DAFTAR PESERTA\n", "LAMPIRAN II")
    assert "0 (nol) orang dari paling banyak 1.000 (seribu) orang" in lampiran
    assert "[DAFTAR PESERTA BELUM DILAMPIRKAN]" in lampiran


def test_lampiran_ii_months_and_totals_per_budget_year_equal_the_budget(root: Path) -> None:
    """Twelve months from Juli 2025: six rows in each budget year, each year's sum and subtotal its allocation."""
    from workflow.commands.agreements import load_file

    store = _agreement(root, BUPATI, replace=("  start_month: 7 ", "  start_month: 7\n  months: 12 "))
    budget = load_file(store.agreement_file(SLUG)).budget
    assert [(y.year, y.months) for y in budget.years] == [(2025, 6), (2026, 6)]
    text = _pks_text(store)
    lampiran = _section(text, "JADWAL DAN REKAPITULASI IURAN", "LAMPIRAN III")
    for y in budget.years:
        block = _section(lampiran, f"Tahun Anggaran {y.year}\n", f"Jumlah Tahun Anggaran {y.year}")
        rows = re.findall(r"^\d+\. \| (\w+) (\d{4}) \| 1\.000 \| Rp16\.800,00 \| Rp([\d.]+),00 \| 15 (\w+) (\d{4})$", block, re.M)
        assert len(rows) == y.months
        assert all(month == due and year == due_year == str(y.year) for month, year, _, due, due_year in rows)
        assert sum(int(amount.replace(".", "")) for _, _, amount, _, _ in rows) == y.allocation
        assert f"Jumlah Tahun Anggaran {y.year}, 6 (enam) bulan | {rupiah(y.allocation)} |" in lampiran
        assert f"{y.year} | {y.period} | {y.months} | {rupiah(y.allocation)}" in lampiran
    assert re.findall(r"^\d+\. \| (\w+ \d{4}) \|", lampiran, re.M)[:2] == ["Juli 2025", "Agustus 2025"]
    assert f"Jumlah | Juli 2025 s.d. Juni 2026 | 12 | {rupiah(budget.total)}" in lampiran
    assert "Jumlah Iuran seluruhnya Rp201.600.000,00 (dua ratus satu juta enam ratus ribu rupiah)" in lampiran
    assert "untuk bulan Juli 2025 s.d. Juni 2026 selama 12 (dua belas) bulan seluruhnya sebesar Rp201.600.000,00" in text


def test_only_the_benefits_that_apply_are_promised(root: Path) -> None:
    """JKM's Rp42.000.000; beasiswa only after three years of iuran, which this PKS's months do not reach."""
    text = _pks_text(_agreement(root, BUPATI))
    manfaat = _section(text, "Pasal 8\nMANFAAT", "Pasal 9")
    assert "bukan akibat kecelakaan kerja sebesar Rp42.000.000,00 (empat puluh dua juta rupiah)" in manfaat
    assert "paling singkat 3 (tiga) tahun" in manfaat
    assert "meliputi 6 (enam) bulan, sehingga Perjanjian Kerja Sama ini tidak menjanjikan manfaat beasiswa." in manfaat


@pytest.mark.slow
def test_ten_thousand_participants_fill_lampiran_i(root: Path) -> None:
    """A quota of 10.000: every participant is one row of Lampiran I."""
    store = _agreement(root, BUPATI, replace=("  workers: 1000\n", "  workers: 10000\n"))
    listing = root.parent / "peserta.csv"  # serials are 4 digits: two kecamatan of 5.000 each
    first, second = synthetic(5000, date(2025, 7, 1)), synthetic(5000, date(2025, 7, 1), region="740107")
    listing.write_text(first + second.split("\n", 1)[1], encoding="utf-8")
    import_participants(store, SLUG, listing, OPD)
    lampiran = _section(_pks_text(store), "DAFTAR PESERTA\n", "LAMPIRAN II")
    assert "10.000 (sepuluh ribu) orang dari paling banyak 10.000 (sepuluh ribu) orang" in lampiran
    assert lampiran.count("| Peserta Contoh ") == 10_000
    assert "\n10000. | 7401**********" in lampiran and "\n10001. |" not in lampiran


def test_mou_check_passes_the_pks_template(root: Path, run: Callable[..., Result]) -> None:
    """`mou check` on the example with a PKS: the template uses only fields of the model it declares."""
    _agreement(root, BUPATI)
    result = run("check", SLUG)
    assert result.exit_code == 0, result.stderr


def test_drafting_without_a_pks_section_names_what_is_missing(root: Path, run: Callable[..., Result]) -> None:
    """No pks: section: the stage is refused with what to add, nothing written."""
    before = tree_hash(root)
    result = run("render", SLUG, "--stage", "draft_pks")
    assert result.exit_code == 1
    assert "agreement.yaml has no pks: section" in result.stderr
    assert tree_hash(root) == before


def test_the_demo_drafts_the_pks_with_its_participants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mou demo` imports the synthetic participants, then prints the PKS among its documents; Lampiran I has all 1.000."""
    stand_in_pdfs(monkeypatch)
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli.main, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    docs = [Path(line.strip()) for line in lines if line.startswith("  ") and line.strip().endswith(".docx")]
    pks = next(p for p in docs if p.name == "pks-v1.docx")
    assert pks.parent.name == "draft_pks"
    imported = next(i for i, line in enumerate(lines) if line.startswith("imported 1000 synthetic participants"))
    drafted = next(i for i, line in enumerate(lines) if line.startswith("start_pks_draft by "))
    assert imported < drafted
    assert docx_text(pks).count("| Peserta Contoh ") == 1000


@pytest.mark.usefixtures("_fast_pdf")
def test_signing_the_pks_is_refused_while_its_lampiran_has_no_participants(root: Path, run: Callable[..., Result]) -> None:
    """No participant list imported: Lampiran I says so in its text, and the signature is refused naming it."""
    store = _agreement(root, KADIS)
    for step in path_to(KSDPK, "pks_review"):
        fire(store, KSDPK, step)
    advance(store, SLUG, "approve_pks", HUKUM, when=date(2025, 6, 24))
    scan = root.parent / "pks-ttd.pdf"
    scan.write_bytes(stand_in_pdf(["CONTOH", "PKS"]))
    before = tree_hash(root)
    result = run("sign", SLUG, "--document", "pks", "--file", str(scan), "--as", OPD, env={"MOU_TODAY": "2025-06-24"})
    assert result.exit_code == 1
    assert result.stderr == "Error: cannot move to pks_signed: the final text still shows [DAFTAR PESERTA BELUM DILAMPIRKAN]\n"
    assert tree_hash(root) == before


@pytest.mark.usefixtures("_fast_pdf")
def test_signing_the_pks_is_refused_while_its_text_shows_a_placeholder(root: Path, run: Callable[..., Result]) -> None:
    """An authorised Kepala Dinas, the surat kuasa's date unknown: the final text shows it, so nothing is signed."""
    store = _agreement(root, KADIS.replace("  date: 2025-06-20\n", "  date:\n"))
    for step in path_to(KSDPK, "pks_review"):
        fire(store, KSDPK, step)
    advance(store, SLUG, "approve_pks", HUKUM, when=date(2025, 6, 24))
    scan = root.parent / "pks-ttd.pdf"
    scan.write_bytes(stand_in_pdf(["CONTOH", "PKS"]))
    before = tree_hash(root)
    result = run("sign", SLUG, "--document", "pks", "--file", str(scan), "--as", OPD, env={"MOU_TODAY": "2025-06-24"})
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot move to pks_signed: ")
    assert "the final text still shows " in result.stderr and "[TANGGAL SURAT KUASA]" in result.stderr
    assert tree_hash(root) == before
    with pytest.raises(Refused):
        from workflow.commands.signing import sign

        sign(store, SLUG, "pks", [scan], None, actor=OPD, when=date(2025, 6, 24))


@pytest.fixture
def _fast_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in_pdfs(monkeypatch)
