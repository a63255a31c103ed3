"""Small defects, each pinned by what a user sees: the final text's title, YAML anchors and tags, raw control
characters, errors at the end of a file, and `mou render --all` over an agreement with nothing to render."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import SLUG, tree_hash, walk_to_review
from tests.test_pdf import needs_soffice


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _core_title(docx: bytes | Path) -> str:
    """dc:title of a .docx's core properties (what Word shows as the title, and LibreOffice puts in the PDF)."""
    import io

    with zipfile.ZipFile(io.BytesIO(docx) if isinstance(docx, bytes) else docx) as zf:
        core = zf.read("docProps/core.xml").decode("utf-8")
    match = re.search(r"<dc:title>(.*?)</dc:title>", core)
    assert match is not None, core
    return match.group(1)


# --- 1. The final text's title ----------------------------------------------------------------------


def test_final_text_is_titled_as_the_agreement_not_as_a_draft() -> None:
    """Rendered for signature (final=True) the KB's document title is 'Kesepakatan Bersama'; drafts keep 'Rancangan'."""
    from tests.conftest import EXAMPLE
    from workflow.commands.agreements import load_file
    from workflow.data.catalogue import load_catalogue
    from workflow.documents.context import build_context
    from workflow.documents.render import render_bytes

    spec = next(d for _s, d in load_catalogue().documents() if d.name == "rancangan-kb")
    agreement = load_file(EXAMPLE / "agreement.yaml")
    assert _core_title(render_bytes(spec, build_context(agreement, version=1, final=True))) == "Kesepakatan Bersama"
    assert _core_title(render_bytes(spec, build_context(agreement, version=2))) == "Rancangan Kesepakatan Bersama"


@pytest.mark.slow
@needs_soffice
def test_signed_docx_and_pdfa_carry_the_final_title(root: Path, run: Callable[..., Result]) -> None:
    """After `mou sign`, naskah-final.docx and its PDF/A both say 'Kesepakatan Bersama' in their document properties."""
    from pypdf import PdfReader

    from workflow.commands.demo import DEMO_DAY, SIGN_DAY, TKKSD, fill_examples, stand_in_pdf

    fill_examples(root / SLUG / "agreement.yaml")
    walk_to_review(root, approve=True, when=DEMO_DAY)
    scan = root.parent / "kb-ttd.pdf"
    scan.write_bytes(stand_in_pdf(["CONTOH", "Kesepakatan Bersama ditandatangani"]))
    result = run(
        "sign",
        SLUG,
        "--file",
        str(scan),
        "--date",
        SIGN_DAY.isoformat(),
        "--as",
        TKKSD,
        env={"MOU_TODAY": SIGN_DAY.isoformat()},
    )
    assert result.exit_code == 0, result.stderr
    (folder,) = (root / SLUG / "signed").iterdir()
    assert _core_title(folder / "naskah-final.docx") == "Kesepakatan Bersama"
    metadata = PdfReader(folder / "naskah-final.pdf").metadata
    assert metadata is not None
    assert metadata.title == "Kesepakatan Bersama"


# --- 2. YAML anchors and tags -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "  segment: pekerja rentan miskin",
            "  segment: &s pekerja rentan miskin",
            "coverage.segment: YAML anchor &s is not allowed, expected a plain value",
        ),
        (
            "  venue: Ruang VVIP Kantor Bupati Buton",
            "  venue: !!str Ruang VVIP Kantor Bupati Buton",
            "fgd.venue: YAML tag !!str is not allowed, expected a plain value",
        ),
        (
            "  workers: 1000",
            "  workers: !!int 1000",
            "coverage.workers: YAML tag !!int is not allowed, expected a plain value",
        ),
        (
            "purpose:\n",
            "purpose: &p\n",
            "purpose: YAML anchor &p is not allowed, expected a plain value",
        ),
    ],
    ids=["anchor", "str-tag", "int-tag", "anchored-mapping"],
)
def test_anchor_or_tag_is_refused_in_one_line(
    old: str, new: str, message: str, yaml_file: Path, root: Path, run: Callable[..., Result]
) -> None:
    """An anchor that no alias uses, and a tag that names a plain type, are refused like aliases and other tags."""
    text = yaml_file.read_text(encoding="utf-8")
    assert old in text, f"fixture drifted: {old!r}"
    text = text.replace(old, new, 1)
    yaml_file.write_text(text, encoding="utf-8")
    before = tree_hash(root)
    for command in ("check", "render"):
        result = run(command, SLUG)
        assert result.exit_code == 1
        assert result.stderr == f"Error: {yaml_file}:{_line(text, new.strip())}: {message}\n"
    assert tree_hash(root) == before


# --- 3. Raw control characters and errors at the end of a file ----------------------------------------


def test_raw_control_byte_is_one_line_with_its_line_number(yaml_file: Path, run: Callable[..., Result]) -> None:
    """A BEL byte typed into a value gives one line: the file's line, the column and U+0007."""
    text = yaml_file.read_text(encoding="utf-8").replace("  venue: Ruang VVIP", "  venue: Ruang\x07VVIP", 1)
    yaml_file.write_text(text, encoding="utf-8")
    line = _line(text, "Ruang\x07")
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {yaml_file}:{line}: invalid YAML: contains the control character U+0007 at column 15, expected printable text\n"
    )


def test_raw_control_byte_after_non_ascii_text_is_found(yaml_file: Path, run: Callable[..., Result]) -> None:
    """Characters of several bytes before it do not shift the line (libyaml counts bytes, the file has characters)."""
    text = yaml_file.read_text(encoding="utf-8").replace("  segment: pekerja", "  segment: pekerja é\u2019 \x1b", 1)
    yaml_file.write_text(text, encoding="utf-8")
    line = _line(text, "\x1b")
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {yaml_file}:{line}: invalid YAML: contains the control character U+001B at column 23, expected printable text\n"
    )


def test_error_at_the_end_of_a_file_without_final_newline_names_its_last_line(
    yaml_file: Path, run: Callable[..., Result]
) -> None:
    """A list left open on the last line, with no newline after it, is reported on that line, not one past it."""
    text = yaml_file.read_text(encoding="utf-8").rstrip("\n") + "\nextra: [1, 2"
    yaml_file.write_text(text, encoding="utf-8")
    last = text.count("\n") + 1
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {yaml_file}:{last}: invalid YAML: did not find expected ',' or ']'\n"


# --- 4. `mou render --all` and a state without documents ----------------------------------------------


def test_render_all_skips_an_agreement_whose_state_has_no_documents(root: Path, run: Callable[..., Result]) -> None:
    """An agreement in `cancelled` (no documents) is reported as nothing to render; the others render; exit 0."""
    from workflow.commands.demo import OPD, TKKSD
    from workflow.commands.lifecycle import advance, record_render
    from workflow.records.store import FolderStore

    other = "kab-muna-2025"
    (root / other).mkdir()
    shutil.copy2(root / SLUG / "agreement.yaml", root / other / "agreement.yaml")
    store = FolderStore(root)
    record_render(store, other, None, None, OPD)
    advance(store, other, "hold_fgd", OPD)
    advance(store, other, "cancel", TKKSD)
    before = tree_hash(root / other)
    result = run("render", "--all")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"{SLUG}: 3 documents (v1)",
        f"{other}: nothing to render in state cancelled",
        "3 documents of 1 agreements rendered",
    ]
    assert tree_hash(root / other) == before
