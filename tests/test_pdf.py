"""The rendered documents open in LibreOffice and come out as the pages a person would sign."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner

import cli
from workflow.documents.pdf import to_pdf
from workflow.errors import ConversionFailed

HAVE_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice")) and bool(shutil.which("pdftotext"))
if not HAVE_SOFFICE and os.environ.get("MOU_REQUIRE_TOOLS"):
    raise RuntimeError("MOU_REQUIRE_TOOLS is set but LibreOffice or pdftotext is missing")
needs_soffice = pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice (soffice) and poppler-utils not installed")


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.mark.slow
@needs_soffice
def test_demo_documents_convert_to_pdf_with_their_text(tmp_path: Path) -> None:
    """LibreOffice converts every demo document; the pages hold the key text and stay short."""
    result = CliRunner().invoke(cli.main, ["demo", "--out", str(tmp_path / "demo")], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    docs = sorted((tmp_path / "demo").rglob("documents/*/*.docx"))
    pdfs = {p.stem.rsplit("-v", 1)[0]: p for p in to_pdf(docs, tmp_path / "pdf")}
    assert set(pdfs) == {
        "undangan-fgd",
        "daftar-hadir-fgd",
        "notulen-fgd",
        "kak",
        "surat-inisiasi",
        "telaahan-tkksd",
        "ba-rapat-tkksd",
        "surat-penawaran",
        "rancangan-kb",
        "lembar-paraf-kb",
        "pks",
        "surat-kuasa",
        "lembar-paraf-pks",
        "sk-tim-teknis",
        "ba-rekonsiliasi",
        "laporan-monev-2025-Q3",
        "ba-santunan-jkm",
    }
    kb = " ".join(_pdf_text(pdfs["rancangan-kb"]).split())
    assert "KESEPAKATAN BERSAMA" in kb
    assert "Rp201.600.000,00 (dua ratus satu juta enam ratus ribu rupiah)" in kb
    assert "Pasal 11 PENUTUP" in kb
    # one-page letters and lists; the KB body plus its lampiran on F4
    assert {name: _pages(pdf) for name, pdf in pdfs.items()} == {
        "undangan-fgd": 2,  # letter + lampiran daftar undangan
        "daftar-hadir-fgd": 1,
        "notulen-fgd": 2,
        "kak": 4,
        "surat-inisiasi": 2,
        "telaahan-tkksd": 2,
        "ba-rapat-tkksd": 1,
        "surat-penawaran": 2,
        "rancangan-kb": 5,
        "lembar-paraf-kb": 1,
        "lembar-paraf-pks": 1,
        "pks": 27,  # 17 pasal, Lampiran I of 1.000 participants, II iuran schedule, III monev format
        "surat-kuasa": 1,
        "sk-tim-teknis": 3,  # the Keputusan and its lampiran (the team)
        "ba-rekonsiliasi": 2,
        "laporan-monev-2025-Q3": 2,
        "ba-santunan-jkm": 2,  # the handover, the benefit's parts, witnesses
    }
    first = subprocess.run(["pdfinfo", str(pdfs["rancangan-kb"])], capture_output=True, text=True, check=True).stdout
    assert "609.987 x 936 pts" in first  # F4, 215 x 330 mm (Word stores whole twips)


@pytest.mark.slow
@needs_soffice
def test_parallel_conversions_do_not_collide(tmp_path: Path) -> None:
    """Two conversions at once each use their own LibreOffice profile and both succeed."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import make_docx

    docs = [make_docx(tmp_path / f"d{i}.docx", [f"dokumen {i}"]) for i in range(2)]
    with ThreadPoolExecutor(2) as pool:
        outs = list(pool.map(lambda d: to_pdf([d], tmp_path / d.stem), docs))
    assert [_pdf_text(o[0]).strip() for o in outs] == ["dokumen 0", "dokumen 1"]


def test_missing_libreoffice_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without soffice on PATH the error names the Debian packages to install."""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConversionFailed) as err:
        to_pdf([tmp_path / "x.docx"], tmp_path)
    assert str(err.value) == (
        "LibreOffice (soffice) is not installed; install it with: sudo apt-get install --no-install-recommends "
        "libreoffice-writer-nogui fonts-liberation2"
    )


@pytest.mark.slow
@needs_soffice
def test_pdfa_conversion_declares_part_2b(tmp_path: Path) -> None:
    """With pdfa=True the PDF declares PDF/A-2b in its XMP metadata; a plain conversion does not."""
    from tests.conftest import make_docx
    from workflow.documents.pdf import pdfa_part

    doc = make_docx(tmp_path / "naskah.docx", ["Kesepakatan Bersama"])
    (pdfa,) = to_pdf([doc], tmp_path / "a", pdfa=True)
    (plain,) = to_pdf([doc], tmp_path / "p")
    assert pdfa_part(pdfa) == "2B"
    assert pdfa_part(plain) is None


def _page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


class Converted(NamedTuple):
    """One conversion of the test lampiran: the PDF and the text of its pages."""

    pdf: Path
    pages: list[str]


def _lampiran(folder: Path, rows: int, *, long_names_every: int = 0) -> dict[str, Converted]:
    """The KB with a lampiran of ``rows`` rows, converted whole and in chunks of about 300 rows."""
    from bench.fixtures import lampiran_template, mou_context
    from workflow.documents.compiled import compiled
    from workflow.documents.environment import environment

    context = mou_context(rows)
    if long_names_every:  # names over two or three lines: rows of varying height, no repeating layout
        for i, person in enumerate(context["peserta"][::long_names_every]):
            person["nama"] += " binti Abdul Rahman" + " Syamsuddin" * (i % 3)
    source = folder / f"kb-{rows}.docx"
    source.write_bytes(compiled(lampiran_template(), environment()).render(context))
    (whole,) = to_pdf([source], folder / "whole", pdfa=True)  # below CHUNK_ABOVE: one call
    (chunked,) = to_pdf([source], folder / "chunked", pdfa=True, chunk_rows=300, chunk_above=0)
    return {"whole": Converted(whole, _page_texts(whole)), "chunked": Converted(chunked, _page_texts(chunked))}


@pytest.fixture(scope="module")
def lampiran_1500(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Converted]:
    """The KB with a 1.500-row lampiran (rows of one height), converted whole and in chunks, once per module."""
    return _lampiran(tmp_path_factory.mktemp("lampiran"), 1500)


@pytest.mark.slow
@needs_soffice
def test_chunked_conversion_gives_the_pages_of_a_whole_conversion(lampiran_1500: dict[str, Converted]) -> None:
    """Converted in chunks, a 1.500-row lampiran has the same pages, each with the same text, as converted whole."""
    whole, chunked = lampiran_1500["whole"].pages, lampiran_1500["chunked"].pages
    assert len(whole) > 25  # five chunks of about 5 pages (58 rows a page) after the KB's own pages
    assert len(chunked) == len(whole)
    for number, (mine, theirs) in enumerate(zip(chunked, whole, strict=True), start=1):
        assert mine == theirs, f"page {number} differs"


@pytest.mark.slow
@needs_soffice
def test_chunked_conversion_of_rows_of_varying_height_gives_the_same_pages(tmp_path: Path) -> None:
    """With names wrapping over one to three lines the layout never repeats; chunks still give the whole's pages."""
    converted = _lampiran(tmp_path, 1200, long_names_every=7)
    whole, chunked = converted["whole"].pages, converted["chunked"].pages
    assert len(chunked) == len(whole)
    for number, (mine, theirs) in enumerate(zip(chunked, whole, strict=True), start=1):
        assert mine == theirs, f"page {number} differs"


@pytest.mark.slow
@needs_soffice
def test_chunked_conversion_numbers_pages_continuously(lampiran_1500: dict[str, Converted]) -> None:
    """The footer's page number runs 1, 2, 3 … across the chunk boundaries."""
    footers = [page.strip().splitlines()[-1].strip() for page in lampiran_1500["chunked"].pages]
    assert footers == [str(n) for n in range(1, len(footers) + 1)]


@pytest.mark.slow
@needs_soffice
def test_chunked_conversion_is_pdfa_2b_with_every_font_embedded(lampiran_1500: dict[str, Converted]) -> None:
    """The merged PDF declares PDF/A-2b, has the trailer /ID and output intent PDF/A needs, and embeds every font."""
    from pypdf import PdfReader

    from workflow.documents.pdf import pdfa_part

    pdf = lampiran_1500["chunked"].pdf
    assert pdfa_part(pdf) == "2B"
    reader = PdfReader(pdf)
    assert "/ID" in reader.trailer
    assert reader.root_object["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert reader.metadata is not None and reader.metadata["/Producer"].startswith("LibreOffice")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column


def test_only_documents_with_a_long_table_are_chunked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Documents whose tables stay under chunk_above rows go to LibreOffice together in one call; longer ones alone."""
    from docx import Document

    import workflow.documents.pdf
    from tests.conftest import make_docx

    calls: list[tuple[str, list[str]]] = []

    def fake_convert(binary: str, sources: list[Path], outdir: Path, **_: object) -> list[Path]:
        calls.append(("whole", [s.name for s in sources]))
        return [outdir / (s.stem + ".pdf") for s in sources]

    def fake_chunked(binary: str, source: Path, outdir: Path, **_: object) -> Path:
        calls.append(("chunked", [source.name]))
        return outdir / (source.stem + ".pdf")

    monkeypatch.setattr(workflow.documents.pdf, "soffice", lambda: "soffice")
    monkeypatch.setattr(workflow.documents.pdf, "_convert", fake_convert)
    monkeypatch.setattr(workflow.documents.pdf, "_convert_chunked", fake_chunked)
    short = make_docx(tmp_path / "surat.docx", ["Surat"], ["a", "b"])
    doc = Document()
    doc.add_table(rows=60, cols=2)
    doc.save(str(tmp_path / "lampiran.docx"))
    out = to_pdf([short, tmp_path / "lampiran.docx"], tmp_path / "pdf", chunk_rows=10, chunk_above=50)
    assert [p.name for p in out] == ["surat.pdf", "lampiran.pdf"]
    assert calls == [("whole", ["surat.docx"]), ("chunked", ["lampiran.docx"])]


@pytest.mark.slow
@needs_soffice
def test_a_mispredicted_chunk_is_converted_again_not_the_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every 13th name wraps: the layout looks periodic, a predicted chunk start turns out wrong, and the last
    good chunk is converted again with its tail marked; the pages still equal one whole conversion's."""
    import workflow.documents.pdf
    from bench.pdf_case import rendered

    written: list[str] = []
    write = workflow.documents.pdf._Split.write

    def spy(self: Any, path: Path, *args: Any, **kwargs: Any) -> Path:
        written.append(path.name)
        return write(self, path, *args, **kwargs)

    monkeypatch.setattr(workflow.documents.pdf._Split, "write", spy)
    source = tmp_path / "kb-3000.docx"
    source.write_bytes(rendered(3000, irregular=True).read_bytes())
    (whole,) = to_pdf([source], tmp_path / "whole", pdfa=True, chunk_above=10**9)
    (chunked,) = to_pdf([source], tmp_path / "chunked", pdfa=True, chunk_rows=500, chunk_above=0)
    assert any(name.startswith("r") for name in written), written  # the path under test was taken
    assert _page_texts(chunked) == _page_texts(whole)
