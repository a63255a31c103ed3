"""Logos and letterheads (DOCUMENTS.md §1.3): both parties' logos in party order in the KB's title block, never the
Garuda; the kop instansi of a Kepala Dinas's letter with the logo daerah on the left; custom logos from the
agreement's folder; the final text for signature rendered with the same logos."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.conftest import SLUG, docx_text
from workflow.commands.demo import OPD, fill_examples
from workflow.commands.lifecycle import record_render
from workflow.commands.render import document_values
from workflow.data.agreements import parse
from workflow.data.catalogue import load_catalogue
from workflow.documents.context import build_context
from workflow.documents.render import render_bytes
from workflow.errors import MouError
from workflow.records.store import FolderStore, Store

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PEMDA, MITRA = (TEMPLATES / "contoh-logo-pemda.png").read_bytes(), (TEMPLATES / "contoh-logo-mitra.png").read_bytes()
R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


def _png(colour: str) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 60), colour).save(buf, format="PNG")
    return buf.getvalue()


def _edit(root: Path, *pairs: tuple[str, str]) -> Store:
    path = root / SLUG / "agreement.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return FolderStore(root)


def _render(store: Store, stage: str, name: str) -> Path:
    (doc,) = [d for d in record_render(store, SLUG, [stage], None, OPD) if d.path.name.startswith(f"{name}-")]
    return Path(doc.path)


def _pictures(data: bytes | Path) -> list[tuple[str, bytes]]:
    """Every picture of the body in document order: (its drawing's name and description, the bytes of its target)."""
    from docx import Document

    doc = Document(io.BytesIO(data) if isinstance(data, bytes) else str(data))
    out = []
    for pic in doc.element.body.xpath(".//w:drawing"):
        (doc_pr,) = pic.xpath(".//wp:docPr")
        (blip,) = pic.xpath(".//a:blip")
        label = f"{doc_pr.get('name', '')} {doc_pr.get('descr', '')}"
        out.append((label, doc.part.related_parts[blip.get(R_EMBED)].blob))
    return out


def _first_table_pictures(path: Path) -> list[int]:
    from docx import Document

    return [len(c._element.xpath(".//pic:pic")) for c in Document(str(path)).tables[0].rows[0].cells]


def test_kb_title_block_has_both_logos_in_party_order_and_never_the_garuda(root: Path) -> None:
    """Two pictures, both in the first table (the logo row above the title): PIHAK KESATU's left, PIHAK KEDUA's right."""
    path = _render(FolderStore(root), "draft_kb", "rancangan-kb")
    assert _first_table_pictures(path) == [1, 0, 1]
    pictures = _pictures(path)
    assert [blob for _, blob in pictures] == [PEMDA, MITRA]  # drawing order = party order; targets are the logo files
    assert not any("garuda" in label.lower() for label, _ in pictures)
    assert not any(b"garuda" in blob.lower() for _, blob in pictures)
    assert docx_text(path).startswith("[header] Rancangan v1 – bukan naskah final\n\nKESEPAKATAN BERSAMA\nANTARA\n")


def test_adendum_and_pks_title_blocks_carry_the_same_logos(root: Path) -> None:
    from tests.test_pks import BUPATI, _agreement

    store = _agreement(root, BUPATI, filled=False)
    pks = _render(store, "draft_pks", "pks")
    assert [blob for _, blob in _pictures(pks)] == [PEMDA, MITRA]
    catalogue = load_catalogue()
    (adendum,) = [d for _, d in catalogue.documents() if d.name == "adendum"]
    assert "logos" in adendum.needs


def test_a_custom_logo_in_the_agreement_s_folder_replaces_the_placeholder(root: Path) -> None:
    """parties.pemda.logo names a file beside agreement.yaml; parties.partner.logo one of the templates folder is
    found there; a name found nowhere is refused by its field."""
    (root / SLUG / "logo-buton.png").write_bytes(own := _png("navy"))
    store = _edit(
        root,
        ("    name: Pemerintah Kabupaten Buton\n", "    name: Pemerintah Kabupaten Buton\n    logo: logo-buton.png\n"),
        (
            "    short_name: BPJS Ketenagakerjaan Cabang Baubau\n",
            "    short_name: BPJS Ketenagakerjaan Cabang Baubau\n    logo: contoh-logo-mitra.png\n",
        ),
    )
    path = _render(store, "draft_kb", "rancangan-kb")
    assert [blob for _, blob in _pictures(path)] == [own, MITRA]
    _edit(root, ("logo: logo-buton.png", "logo: tidak-ada.png"))
    with pytest.raises(MouError, match=r"parties.pemda.logo: cannot read tidak-ada.png in the agreement's folder"):
        _render(store, "draft_kb", "rancangan-kb")


def test_a_kepala_dinas_letter_has_the_kop_instansi_with_the_logo_on_the_left(root: Path) -> None:
    """Signed in his own name: logo daerah left, the Pemda, the unit, address and contacts right, on the first page."""
    from docx import Document

    store = _edit(
        root,
        (
            "    name: Pemerintah Kabupaten Buton\n    short_name: Pemerintah Kabupaten Buton\n    address:",
            "    name: Pemerintah Kabupaten Buton\n    short_name: Pemerintah Kabupaten Buton\n"
            "    phone: (0402) 2821001\n    website: butonkab.go.id\n    address: Jalan Contoh Nomor 1, Pasarwajo",
        ),
        ("    issuer: SEKRETARIAT DAERAH", "    issuer: Dinas Tenaga Kerja"),
        (
            "      position: Sekretaris Daerah Kabupaten Buton                            # [I]",
            "      position: Kepala Dinas Tenaga Kerja Kabupaten Buton",
        ),
        ("    on_behalf_of: BUPATI BUTON", "    on_behalf_of:"),
    )
    path = _render(store, "fgd", "undangan-fgd")
    text = docx_text(path)
    assert text.startswith(
        "| PEMERINTAH KABUPATEN BUTON\nDINAS TENAGA KERJA\nJalan Contoh Nomor 1, Pasarwajo\n"
        "Telepon (0402) 2821001   Laman butonkab.go.id\n"
    ), text[:300]
    doc = Document(str(path))
    kop = doc.tables[0].rows[0].cells
    assert [len(c._element.xpath(".//pic:pic")) for c in kop] == [1, 0]  # the logo daerah on the left
    assert [blob for _, blob in _pictures(path)] == [PEMDA]  # once, on the first page only
    assert "BUPATI BUTON\n" not in text.split("Nomor")[0]


def test_the_bupati_s_letters_have_the_kop_jabatan_without_any_picture(root: Path) -> None:
    """The undangan a.n. Bupati and the Surat Kuasa: 'BUPATI BUTON' over a rule; the tool draws no Garuda, no logo."""
    path = _render(FolderStore(root), "fgd", "undangan-fgd")
    assert docx_text(path).startswith("BUPATI BUTON\n")
    assert _pictures(path) == []
    from tests.test_pks import BUPATI, _agreement

    kuasa = _render(_agreement(root, BUPATI, filled=False), "draft_pks", "surat-kuasa")
    assert docx_text(kuasa).startswith("BUPATI BUTON\n")
    assert _pictures(kuasa) == []


def test_the_final_text_for_signature_carries_the_logos(root: Path) -> None:
    """`mou sign` renders the final text with ``document_values`` as the draft was: the same two pictures."""
    fill_examples(root / SLUG / "agreement.yaml")
    store = FolderStore(root)
    path = root / SLUG / "agreement.yaml"
    agreement = parse(path, path.read_bytes())
    (spec,) = [d for _, d in load_catalogue().documents() if d.name == "rancangan-kb"]
    final = build_context(agreement, version=1, final=True)
    data = render_bytes(spec, final, values=document_values(store, SLUG, agreement, spec, final))
    assert [blob for _, blob in _pictures(data)] == [PEMDA, MITRA]
