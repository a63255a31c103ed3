"""mou renders what stock docxtpl renders: every part, relationship and content type, not only the text.

Each template of ``tests/compat_templates.py`` (and each shipped template) is rendered by stock docxtpl
and by mou; the two packages are compared member by member in canonical form:

- XML parts: lxml's C14N (attribute order, namespace declarations, quoting, empty elements and the
  XML declaration do not count);
- ``.rels``: the set of relationships, each (id, type, target part or external address, mode):
  python-docx rewrites these files in its own order and relative form;
- ``[Content_Types].xml``: the content type every member resolves to (python-docx rewrites the file,
  keeping only the ``Default`` extensions its parts use);
- other members: their bytes; zip metadata (dates, order, compression) does not count.

What is different by design is in the table of ``workflow/documents/compiled.py``'s docstring; the cases
about it (``header_footer_entities``) compare with docxtpl's own defaults instead of mou's
environment. Refused features are checked by name. The slow tests take every template through
LibreOffice too (a round trip of the template, and a PDF of both outputs compared by text).
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.compat_templates import CASES, WIDE, Case, assets

HAVE_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice")) and bool(shutil.which("pdftotext"))
if not HAVE_SOFFICE and os.environ.get("MOU_REQUIRE_TOOLS"):
    raise RuntimeError("MOU_REQUIRE_TOOLS is set but LibreOffice or pdftotext is missing")
needs_soffice = pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice (soffice) and poppler-utils not installed")

RENDERED = [c for c in CASES if c.refused is None]
REFUSED = [c for c in CASES if c.refused is not None]
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


# ---------------------------------------------------------------- the two engines


def stock_render(case: Case, template: Path, folder: Path) -> bytes:
    """Stock docxtpl, called as mou calls its environment (or with docxtpl's defaults, where the case says so)."""
    from docxtpl import DocxTemplate

    from workflow.documents.environment import environment

    tpl = DocxTemplate(template)
    context = case.context(tpl, folder)
    if case.prepare:
        case.prepare(tpl, folder)
    if case.autoescape:
        tpl.render(context, jinja_env=environment(), autoescape=True)
    else:
        tpl.render(context)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def mou_render(case: Case, template: Path, folder: Path) -> bytes:
    """mou's render API with a session as docxtpl's ``tpl``."""
    from workflow.documents.compiled import compiled
    from workflow.documents.environment import environment

    tpl = compiled(template, environment()).session()
    context = case.context(tpl, folder)
    if case.prepare:
        case.prepare(tpl, folder)
    return tpl.render(context)


# ---------------------------------------------------------------- canonical packages


def canonical(data: bytes) -> dict[str, Any]:
    """The package as compared: see the module's docstring."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {name: zf.read(name) for name in zf.namelist() if not name.endswith("/")}
    types = etree.fromstring(members["[Content_Types].xml"])
    defaults = {d.get("Extension", "").lower(): d.get("ContentType") for d in types.iter(f"{_CT}Default")}
    overrides = {o.get("PartName", "").lstrip("/"): o.get("ContentType") for o in types.iter(f"{_CT}Override")}
    out: dict[str, Any] = {
        "[Content_Types].xml": {
            name: overrides.get(name, defaults.get(posixpath.basename(name).rpartition(".")[2].lower()))
            for name in members
            if name != "[Content_Types].xml"
        }
    }
    for name, raw in members.items():
        if name == "[Content_Types].xml":
            continue
        if name.endswith(".rels"):
            source = posixpath.dirname(posixpath.dirname(name))
            rels = set()
            for rel in etree.fromstring(raw).iter(f"{_RELS}Relationship"):
                external = rel.get("TargetMode") == "External"
                target = rel.get("Target", "")
                if not external:
                    target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(source, target))
                rels.add((rel.get("Id"), rel.get("Type"), target, external))
            out[name] = sorted(rels)
        elif name.endswith(".xml") or (out["[Content_Types].xml"][name] or "").endswith("xml"):
            out[name] = etree.tostring(etree.fromstring(raw), method="c14n").decode("utf-8")
        else:
            out[name] = raw
    return out


def assert_same_package(ours: bytes, stock: bytes) -> None:
    """Member by member, so a failure names the part that differs."""
    mine, theirs = canonical(ours), canonical(stock)
    assert sorted(mine) == sorted(theirs)
    for name in theirs:
        assert mine[name] == theirs[name], f"{name} differs"


def assert_grid_kept(data: bytes) -> None:
    """docxtpl's fix_tables finds nothing to change in the body mou wrote (the grid is fixed or provably right)."""
    from lxml import etree

    from workflow.documents.compiled import patcher

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    body = etree.tostring(root.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"), encoding="unicode")
    before = etree.tostring(etree.fromstring(body), method="c14n")
    assert etree.tostring(patcher().fix_tables(body), method="c14n") == before


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pictures and files of the suite."""
    return assets(tmp_path_factory.mktemp("compat-assets"))


def _template(case: Case, where: Path, folder: Path) -> Path:
    template = where / f"{case.name}.docx"
    case.build(template, folder)
    return template


# ---------------------------------------------------------------- equal to docxtpl


@pytest.mark.parametrize("case", RENDERED, ids=[c.name for c in RENDERED])
def test_same_package_as_docxtpl(case: Case, folder: Path, tmp_path: Path) -> None:
    """Body, headers, footers, footnotes, properties, pictures, relationships and content types equal stock docxtpl's."""
    template = _template(case, tmp_path, folder)
    ours = mou_render(case, template, folder)
    assert_same_package(ours, stock_render(case, template, folder))
    assert_grid_kept(ours)


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_unsupported_feature_is_refused_by_name(case: Case, folder: Path, tmp_path: Path) -> None:
    """What mou does not support raises its error naming the feature and the part; it never renders without it."""
    from workflow.errors import MouError, RenderRefused

    template = _template(case, tmp_path, folder)
    assert case.refused is not None
    with pytest.raises(RenderRefused, match=re.escape(case.refused)) as err:
        mou_render(case, template, folder)
    assert isinstance(err.value, MouError)


def test_a_session_renders_again_as_docxtpl_does(folder: Path, tmp_path: Path) -> None:
    """A second render of the same ``tpl`` starts from the template again, its pictures placed again, as docxtpl's."""
    from docxtpl import DocxTemplate

    from workflow.documents.compiled import compiled
    from workflow.documents.environment import environment

    case = next(c for c in CASES if c.name == "inline_image")
    template = _template(case, tmp_path, folder)
    ours, stock = compiled(template, environment()).session(), DocxTemplate(template)
    mine, theirs = case.context(ours, folder), case.context(stock, folder)
    for region in ("Buton", "Buton Tengah"):
        mine["region"] = theirs["region"] = region
        stock.render(theirs, jinja_env=environment(), autoescape=True)
        out = io.BytesIO()
        stock.save(out)
        assert_same_package(ours.render(mine), out.getvalue())


def test_an_inline_image_of_another_session_is_refused(folder: Path, tmp_path: Path) -> None:
    """An InlineImage made for one render and placed by another is refused, naming the part, not dropped."""
    from docxtpl import InlineImage

    from workflow.documents.compiled import compiled
    from workflow.documents.environment import environment
    from workflow.errors import RenderRefused

    case = next(c for c in CASES if c.name == "inline_image")
    template = compiled(_template(case, tmp_path, folder), environment())
    tpl = template.session()
    context = case.context(tpl, folder)
    context["header_logo"] = InlineImage(template.session(), str(folder / "logo.png"))
    message = "template uses an InlineImage in word/header1.xml made with another template object"
    with pytest.raises(RenderRefused, match=message):
        tpl.render(context)


def test_grid_fix_is_skipped_only_where_no_table_can_change_shape(folder: Path, tmp_path: Path) -> None:
    """The shipped templates and the bench lampiran skip the fix (their speed); a column loop, a merge, a colspan,
    a cell in a condition and a table of looped rows only take it (assert_grid_kept checks every output besides)."""
    from bench.fixtures import lampiran_template
    from workflow.data.catalogue import load_catalogue
    from workflow.documents.compiled import compiled
    from workflow.documents.environment import environment
    from workflow.shipped import templates as shipped_templates

    shipped = {shipped_templates() / spec.template for _stage, spec in load_catalogue().documents()}
    for template in [*sorted(shipped), lampiran_template()]:
        assert not compiled(template, environment()).parts["word/document.xml"].grid, template.name
    grid = {}
    for case in RENDERED:
        grid[case.name] = compiled(_template(case, tmp_path, folder), environment()).parts["word/document.xml"].grid
    changing = {"column_loop", "horizontal_merge", "colspan", "nested_rows", "paragraph_run_tags"}
    assert {name for name, fix in grid.items() if fix} == changing


def test_column_loop_table_gets_the_columns_it_renders(folder: Path, tmp_path: Path) -> None:
    """The grid fix runs on a column loop: one gridCol per rendered column, the table's width kept."""
    from docx import Document

    case = next(c for c in CASES if c.name == "column_loop")
    ours = mou_render(case, _template(case, tmp_path, folder), folder)
    wide, narrow = Document(io.BytesIO(ours)).tables
    assert [len(t.columns) for t in (wide, narrow)] == [1 + len(WIDE), 4]
    assert [c.text for c in wide.rows[0].cells] == ["Indikator", *WIDE]
    grid = wide._tbl.tblGrid.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol")
    assert len(grid) == 1 + len(WIDE)


def test_entities_in_header_and_footer_tags_are_escaped_once(folder: Path, tmp_path: Path) -> None:
    """docxtpl's header_footer_entities: ``default("Testé&xx;")`` typed in a footer prints ``Testé&xx;``."""
    from docx import Document

    case = next(c for c in CASES if c.name == "header_footer_entities")
    doc = Document(io.BytesIO(mou_render(case, _template(case, tmp_path, folder), folder)))
    assert doc.sections[0].footer.paragraphs[0].text == "Testé&xx;"
    assert doc.sections[0].header.paragraphs[0].text == "Testé Uji kepala dan kaki halaman"
    assert doc.paragraphs[1].text == "A&B dan Uji kepala dan kaki halaman"


def test_footnotes_are_rendered(folder: Path, tmp_path: Path) -> None:
    """Tags in word/footnotes.xml are filled, escaped once, none left as text."""
    case = next(c for c in CASES if c.name == "footnotes")
    with zipfile.ZipFile(io.BytesIO(mou_render(case, _template(case, tmp_path, folder), folder))) as zf:
        notes = zf.read("word/footnotes.xml").decode("utf-8")
    assert "{{" not in notes and "{%" not in notes
    assert "Sumber: BPS &amp; Disnaker" in notes


def test_inline_images_are_placed_in_body_header_and_footer(folder: Path, tmp_path: Path) -> None:
    """Every picture a render places is a media part its own part relates to; equal pictures are stored once."""
    case = next(c for c in CASES if c.name == "inline_image")
    with zipfile.ZipFile(io.BytesIO(mou_render(case, _template(case, tmp_path, folder), folder))) as zf:
        media = sorted(n for n in zf.namelist() if n.startswith("word/media/"))
        rels = {n: zf.read(n).decode() for n in zf.namelist() if n.endswith(".rels")}
        header = zf.read("word/header1.xml").decode()
    assert media == ["word/media/image1.png", "word/media/image2.jpg", "word/media/image3.gif"]
    assert "media/image1.png" in rels["word/_rels/header1.xml.rels"]
    assert "media/image3.gif" in rels["word/_rels/footer1.xml.rels"]
    assert 'TargetMode="External"' in rels["word/_rels/document.xml.rels"]  # the picture with a link
    assert "<pic:pic" in header


def test_render_bytes_places_docxtpl_objects_and_names_refusals(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through ``render_bytes``: a logo in a letterhead via ``values(tpl)``, and a refusal naming template and part."""
    import yaml
    from docx import Document
    from docx.shared import Mm
    from docxtpl import InlineImage

    from tests.test_lifecycle import PKS
    from workflow.commands.agreements import load_file
    from workflow.data.catalogue import load_catalogue
    from workflow.documents.context import build_context
    from workflow.documents.render import render_bytes
    from workflow.errors import TemplateProblem
    from workflow.shipped import templates as shipped_templates

    templates = tmp_path / "tpl"
    shutil.copytree(shipped_templates(), templates)
    doc = Document()
    doc.add_paragraph("{{ fgd.venue }}")
    doc.sections[0].header.paragraphs[0].add_run("{{ logo }} Pemerintah Kabupaten Buton")
    doc.save(str(templates / "x.docx"))
    catalogue = yaml.safe_load((templates / "catalogue.yaml").read_text(encoding="utf-8"))
    catalogue["stages"][0]["documents"] = [{"name": "x", "template": "x.docx", "title": "X", "needs": ["fgd"]}]
    (templates / "catalogue.yaml").write_text(yaml.safe_dump(catalogue, sort_keys=False, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("MOU_TEMPLATES", str(templates))
    agreement = tmp_path / "agreement.yaml"
    agreement.write_text((Path(__file__).parent.parent / "agreements/buton-bpjstk-2025/agreement.yaml").read_text() + PKS)
    context = build_context(load_file(agreement), version=1)
    spec = next(s for _stage, s in load_catalogue().documents() if s.name == "x")

    data = render_bytes(spec, context, values=lambda tpl: {"logo": InlineImage(tpl, str(folder / "logo.png"), width=Mm(30))})
    header = Document(io.BytesIO(data)).sections[0].header
    assert len(header._element.xpath(".//pic:pic")) == 1
    assert header.paragraphs[0].text.strip() == "Pemerintah Kabupaten Buton"

    with pytest.raises(TemplateProblem) as err:
        render_bytes(spec, context, values=lambda tpl: {"logo": tpl.new_subdoc()})
    assert str(err.value) == f"{templates / 'x.docx'}: template uses a Subdoc (new_subdoc), which mou does not support"


@pytest.mark.parametrize("rows", [0, 3])
def test_shipped_templates_give_docxtpl_s_package(rows: int, tmp_path: Path) -> None:
    """Every shipped template (and the bench's lampiran) renders to stock docxtpl's package, not only its text."""
    from bench.__main__ import stock_render as bench_stock
    from bench.fixtures import lampiran_template, mou_context
    from tests.test_lifecycle import PKS
    from workflow.commands.agreements import load_file
    from workflow.data.catalogue import load_catalogue
    from workflow.documents.compiled import compiled
    from workflow.documents.context import build_context
    from workflow.documents.environment import environment
    from workflow.documents.render import MADE_BY
    from workflow.shipped import templates as shipped_templates

    agreement = tmp_path / "agreement.yaml"
    agreement.write_text((Path(__file__).parent.parent / "agreements/buton-bpjstk-2025/agreement.yaml").read_text() + PKS)
    context = build_context(load_file(agreement), version=2)
    context["peserta"] = mou_context(rows)["peserta"]
    # documents whose figures come from `mou report` and `mou log` are tested in test_monitoring.py
    templates = {shipped_templates() / spec.template for stage, spec in load_catalogue().documents() if stage.name not in MADE_BY}
    for template in [*sorted(templates), lampiran_template()]:
        ours = compiled(template, environment()).render(context)
        assert_same_package(ours, bench_stock(template, context))
        assert_grid_kept(ours)


# ---------------------------------------------------------------- through LibreOffice


def _soffice(sources: list[Path], target: str, outdir: Path) -> list[Path]:
    """One LibreOffice call converting ``sources`` to ``target`` (docx, pdf) in ``outdir``, with its own profile."""
    import tempfile

    outdir.mkdir(parents=True, exist_ok=True)
    binary = shutil.which("soffice") or shutil.which("libreoffice") or "soffice"
    with tempfile.TemporaryDirectory(prefix="mou-compat-") as profile:
        command = [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", target]
        subprocess.run(
            [*command, "--outdir", str(outdir), *map(str, sources)],
            capture_output=True,
            timeout=600,
            check=True,
        )
    out = [outdir / f"{s.stem}.{target.split(':')[0]}" for s in sources]
    assert all(p.is_file() for p in out), [p.name for p in out if not p.is_file()]
    return out


def _core_relationship_type(template: Path) -> None:
    """Name the core-properties relationship type of a LibreOffice-saved template as OPC does.

    LibreOffice writes ``http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/
    core-properties``, where OPC says ``.../package/2006/relationships/metadata/core-properties``;
    python-docx does not recognise it, adds a default core part of the same name, and docxtpl's output
    then holds two ``docProps/core.xml`` (mou renders the one there is). Fixed so that the comparison
    is about rendering.
    """
    with zipfile.ZipFile(template) as zf:
        members = [(info, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            if info.filename == "_rels/.rels":
                data = data.replace(b"/officedocument/2006/relationships/metadata/", b"/package/2006/relationships/metadata/")
            zf.writestr(info, data)


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def outputs(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Every case rendered both ways, from its template and from the template after a LibreOffice round trip.

    {"case" or "case@lo": {"ours": ..., "stock": ...}}; a render that failed is missing (the test says why).
    """
    where = tmp_path_factory.mktemp("compat")
    (where / "tpl").mkdir()
    (where / "out").mkdir()
    built = {case.name: _template(case, where / "tpl", folder) for case in RENDERED}
    again = [case.name for case in RENDERED if case.round_trip]
    round_trip = dict(zip(again, _soffice([built[name] for name in again], "docx", where / "lo"), strict=True))
    for template in round_trip.values():
        _core_relationship_type(template)
    found: dict[str, dict[str, Path]] = {}
    for case in RENDERED:
        sources = [(case.name, built[case.name])] + ([(f"{case.name}@lo", round_trip[case.name])] if case.round_trip else [])
        for key, template in sources:
            found[key] = {}
            for side, render in (("ours", mou_render), ("stock", stock_render)):
                try:
                    data = render(case, template, folder)
                except Exception as err:  # reported by the test of this key
                    found[key][f"{side} failed"] = Path(f"{type(err).__name__}: {err}")
                    continue
                found[key][side] = where / "out" / f"{key}.{side}.docx"
                found[key][side].write_bytes(data)
    return found


@pytest.fixture(scope="module")
def pdfs(outputs: dict[str, dict[str, Path]], tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """Every output converted to PDF by LibreOffice (one call)."""
    docs = [paths[side] for paths in outputs.values() for side in ("ours", "stock") if side in paths]
    return dict(zip(docs, _soffice(docs, "pdf", tmp_path_factory.mktemp("compat-pdf")), strict=True))


LO_KEYS = [c.name for c in RENDERED] + [f"{c.name}@lo" for c in RENDERED if c.round_trip]


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("key", LO_KEYS)
def test_same_package_and_pdf_text_as_docxtpl(key: str, outputs: dict[str, dict[str, Path]], pdfs: dict[Path, Path]) -> None:
    """From the template and from its LibreOffice round trip: the same package as docxtpl, an output python-docx
    opens and LibreOffice converts, and the same PDF text as docxtpl's output gives."""
    from docx import Document

    paths = outputs[key]
    assert "ours" in paths and "stock" in paths, paths
    ours, stock = paths["ours"].read_bytes(), paths["stock"].read_bytes()
    assert_same_package(ours, stock)
    assert_grid_kept(ours)
    Document(io.BytesIO(ours))
    text = _pdf_text(pdfs[paths["ours"]])
    assert text == _pdf_text(pdfs[paths["stock"]])
    case = next(c for c in RENDERED if c.name == key.removesuffix("@lo"))
    flat = " ".join(text.split())
    for phrase in case.texts:
        assert phrase in flat, f"{phrase!r} not in the PDF of {key}"


@pytest.mark.slow
@needs_soffice
def test_column_loop_pdf_shows_every_column(outputs: dict[str, dict[str, Path]], pdfs: dict[Path, Path]) -> None:
    """A column-loop table rendered by mou and converted by LibreOffice has all its columns."""
    for key in ("column_loop", "column_loop@lo"):
        words = _pdf_text(pdfs[outputs[key]["ours"]]).split()
        for label in WIDE:
            assert label in words, f"column {label} missing from the PDF of {key}"
