"""Rendering: the documents' text, exact escaping, placeholders, versions, and refusals."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from lxml import etree

from tests.conftest import PROJECT, SLUG, docx_text, make_docx, tree_hash
from workflow.data.catalogue import load_catalogue
from workflow.documents.render import MADE_BY
from workflow.shipped import templates as shipped_templates

GOLDEN = PROJECT / "tests" / "golden"
# documents whose figures come from `mou report` and `mou log` are tested in test_monitoring.py
DOCS = [(stage.name, spec.name) for stage, spec in load_catalogue().documents() if stage.name not in MADE_BY]


@pytest.fixture
def rendered(root: Path, run: Callable[..., Result]) -> dict[str, Path]:
    """Every document of every stage rendered once from the example (with an adendum described)."""
    from tests.test_lifecycle import PKS

    yaml_file = root / SLUG / "agreement.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8") + PKS, encoding="utf-8")
    result = run("render", SLUG, "--stage", "fgd", "--stage", "draft_kb", "--stage", "amendment")
    assert result.exit_code == 0, result.stderr
    return {p.name.rsplit("-v", 1)[0]: p for p in (root / SLUG / "documents").rglob("*.docx")}


@pytest.mark.parametrize(("stage", "name"), DOCS, ids=[d[1] for d in DOCS])
def test_document_text_matches_golden(stage: str, name: str, rendered: dict[str, Path], update_golden: bool) -> None:
    """The text of each rendered document equals its reviewed golden file."""
    text = docx_text(rendered[name])
    golden = GOLDEN / f"{name}__{SLUG}.txt"
    if update_golden:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_draft_kb_carries_the_figures_of_the_case(rendered: dict[str, Path]) -> None:
    """The draft names both parties, the quota in words, and the yearly cost in figures and words."""
    text = docx_text(rendered["rancangan-kb"])
    assert "Kabupaten Buton" in text
    assert "BPJS Ketenagakerjaan" in text
    assert "1.000 (seribu) orang" in text
    assert "Rp201.600.000,00 (dua ratus satu juta enam ratus ribu rupiah)" in text
    assert "Rp16.800,00 (enam belas ribu delapan ratus rupiah) per orang per bulan" in text
    assert "Rp100.800.000,00 (seratus juta delapan ratus ribu rupiah)" in text  # Juli-Desember 2025
    assert "berlaku selama 2 (dua) tahun, terhitung mulai tanggal 1 Juli 2025 sampai dengan tanggal 30 Juni 2027" in text


def test_unknown_facts_show_visible_placeholders(rendered: dict[str, Path]) -> None:
    """Facts left empty appear as [LABEL], never as an invented value or a blank."""
    text = docx_text(rendered["rancangan-kb"])
    assert "NOMOR | : | [NOMOR PIHAK KESATU]" in text
    assert "NOMOR | : | [NOMOR PIHAK KEDUA]" in text
    assert "NPK. [NPK PIHAK KEDUA]" in text
    assert "Pada hari ini [TANGGAL PENANDATANGANAN], bertempat di Pasarwajo" in text
    assert "None" not in text


def test_fgd_minutes_open_with_the_date_in_words(rendered: dict[str, Path]) -> None:
    """The minutes derive 'Rabu' from 2025-05-28 and spell the date out."""
    text = docx_text(rendered["notulen-fgd"])
    assert (
        "Pada hari ini Rabu tanggal dua puluh delapan bulan Mei tahun dua ribu dua puluh lima, pukul [PUKUL] WITA, "
        "bertempat di Ruang VVIP Kantor Bupati Buton" in text
    )
    assert "1.632" in text and "2.851" in text and "45 (empat puluh lima) OPD" in text


def test_attendance_list_has_one_row_per_invitee(rendered: dict[str, Path]) -> None:
    """Daftar hadir: a numbered row for each of the ten invitees, then three blank rows."""
    from docx import Document

    table = Document(str(rendered["daftar-hadir-fgd"])).tables[-2]
    numbers = [row.cells[0].text for row in table.rows[1:]]
    assert numbers == [f"{i}." for i in range(1, 14)]
    assert table.rows[1].cells[2].text == "Kepala Kantor Cabang BPJS Ketenagakerjaan Baubau"


def test_xml_special_characters_render_exactly(root: Path, yaml_file: Path, run: Callable[..., Result]) -> None:
    """A party named 'PT A & B <Persero>' appears exactly and the .docx stays well-formed XML."""
    text = (
        yaml_file.read_text(encoding="utf-8")
        .replace("short_name: BPJS Ketenagakerjaan Cabang Baubau", "short_name: 'PT A & B <Persero> \"Tbk\"'")
        .replace("name: Badan Penyelenggara Jaminan Sosial Ketenagakerjaan Kantor Cabang Baubau", "name: PT A & B <Persero>")
    )
    yaml_file.write_text(text, encoding="utf-8")
    result = run("render", SLUG, "--stage", "draft_kb")
    assert result.exit_code == 0, result.stderr
    (path,) = (root / SLUG / "documents" / "draft_kb").glob("*.docx")
    with zipfile.ZipFile(path) as zf:
        etree.fromstring(zf.read("word/document.xml"))  # raises if the XML is broken
    assert "atas nama PT A & B <Persero>, berkedudukan" in docx_text(path)
    assert "PT A & B <PERSERO>" in docx_text(path)


def test_template_syntax_in_data_is_not_evaluated(root: Path, yaml_file: Path, run: Callable[..., Result]) -> None:
    """Data that looks like a template expression is printed literally, never run."""
    hostile = "{{ ''.__class__.__mro__ }} {% for x in range(9) %}x{% endfor %}"
    text = yaml_file.read_text(encoding="utf-8").replace("  venue: Ruang VVIP Kantor Bupati Buton", f'  venue: "{hostile}"')
    yaml_file.write_text(text, encoding="utf-8")
    result = run("render", SLUG, "--stage", "fgd")
    assert result.exit_code == 0, result.stderr
    (path,) = (root / SLUG / "documents" / "fgd").glob("notulen-fgd-*.docx")
    assert f"bertempat di {hostile}, telah" in docx_text(path)


def test_drafts_get_new_versions_and_never_overwrite(root: Path, run: Callable[..., Result]) -> None:
    """Rendering twice writes v1 then v2; v1's bytes are untouched and v2 says it is draft 2."""
    first = run("render", SLUG, "--stage", "draft_kb")
    v1 = root / SLUG / "documents" / "draft_kb" / "rancangan-kb-v1.docx"
    assert first.stdout == f"Rancangan Kesepakatan Bersama (v1): {v1}\n"
    before = v1.read_bytes()
    second = run("render", SLUG, "--stage", "draft_kb")
    v2 = v1.with_name("rancangan-kb-v2.docx")
    assert second.stdout == f"Rancangan Kesepakatan Bersama (v2): {v2}\n"
    assert v1.read_bytes() == before
    assert docx_text(v2).startswith("[header] Rancangan v2 – bukan naskah final\n")


def test_out_option_writes_under_the_given_folder(tmp_path: Path, root: Path, run: Callable[..., Result]) -> None:
    """--out DIR puts documents in DIR/<stage>/ and nothing in the agreement folder."""
    before = tree_hash(root)
    result = run("render", SLUG, "--stage", "fgd", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out" / "fgd").iterdir()) == [
        "daftar-hadir-fgd-v1.docx",
        "notulen-fgd-v1.docx",
        "undangan-fgd-v1.docx",
    ]
    assert tree_hash(root) == before


def test_unknown_stage_is_refused(run: Callable[..., Result]) -> None:
    """A stage not in the catalogue names the stages that exist."""
    result = run("render", SLUG, "--stage", "signed")
    assert result.exit_code == 1
    assert result.stderr == "Error: unknown stage 'signed'; known stages: fgd, draft_kb, amendment, monitoring, santunan\n"


def test_adendum_stage_needs_an_adendum_described(run: Callable[..., Result]) -> None:
    """Rendering the adendum of an agreement that describes none says so instead of printing placeholders."""
    result = run("render", SLUG, "--stage", "amendment")
    assert result.exit_code == 1
    assert result.stderr == "Error: Rancangan Adendum: agreement.yaml describes no adendum (amendments: is empty)\n"


def test_unknown_agreement_is_refused(root: Path, run: Callable[..., Result]) -> None:
    """A slug with no folder says where it looked and which agreements there are."""
    result = run("render", "kolaka-2026")
    assert result.exit_code == 1
    assert result.stderr == f"Error: no agreement 'kolaka-2026' in {root}; known agreements: {SLUG}\n"


def _custom_templates(tmp_path: Path, body: str, monkeypatch: pytest.MonkeyPatch, cells: list[str] | None = None) -> Path:
    """A Pemda's own templates folder: the shipped one, with the FGD stage made of one test template."""
    folder = tmp_path / "tpl"
    shutil.copytree(shipped_templates(), folder)
    make_docx(folder / "x.docx", [body], cells)
    _catalogue(folder)
    monkeypatch.setenv("MOU_TEMPLATES", str(folder))
    return folder


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ ''.__class__ }}", "__class__: access to underscore attributes is not allowed in templates"),
        ("{{ fgd.venu }}", "fgd.venu: not in the agreement model, did you mean fgd.venue?"),
        (
            "{% for p in fgd.invitees %}{{ p.nama }}{% endfor %}",
            "fgd.invitees[].nama: not in the agreement model, did you mean fgd.invitees[].name?",
        ),
        ("{{ coverage.workers }}", "coverage.workers: section coverage is not in the catalogue's needs for x"),
        ("{{ fgd.venue.upper() }}", "fgd.venue.upper: not in the agreement model, did you mean fgd.venue?"),
    ],
    ids=["dunder", "typo", "nested-typo", "outside-needs", "method-call"],
)
def test_bad_template_is_refused_before_anything_is_written(
    body: str, message: str, tmp_path: Path, root: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template using an unknown, unsafe or undeclared field is refused by render, naming template and field."""
    folder = _custom_templates(tmp_path, body, monkeypatch)
    before = tree_hash(root)
    result = run("render", SLUG)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {folder / 'x.docx'} (word/document.xml): {message}\n"
    assert tree_hash(root) == before


@pytest.mark.parametrize(
    ("body", "cells", "message"),
    [
        (
            "{{ fgd.venue|default(\u2018-\u2019) }}",
            None,
            "curly quotes inside {{ fgd.venue|default(\u2018-\u2019) }}, expected straight quotes ' or \"",
        ),
        (
            "",
            ["{% for p in fgd.invitees %}{{ p.position }}", "{% endfor %}"],
            "{% for p in fgd.invitees %} starts in one table cell and ends in another,"
            " expected {%tc for ... %} and {%tc endfor %} each in a cell of its own",
        ),
        (
            "{% if fgd.venue %}",
            None,
            "template syntax error: Unexpected end of template. Jinja was looking for the "
            "following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.",
        ),
    ],
    ids=["curly-quotes", "for-in-cell", "unclosed-if"],
)
def test_template_lint_findings(
    body: str, cells: list[str] | None, message: str, tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mou check` reports Word's curly quotes, plain loops in table cells and syntax errors, by template and part."""
    folder = _custom_templates(tmp_path, body, monkeypatch, cells)
    result = run("check", SLUG)
    assert result.exit_code == 1
    assert f"Error: {folder / 'x.docx'} (word/document.xml): {message}\n" in result.stderr


def test_runtime_undefined_value_names_the_template(
    tmp_path: Path, root: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value missing only at render time (a list index past the end) is an error, never a blank."""
    folder = _custom_templates(tmp_path, "{{ fgd.invitees[20].position }}", monkeypatch)
    before = tree_hash(root)
    result = run("render", SLUG)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {folder / 'x.docx'}: undefined value: list object has no element 20\n"
    assert tree_hash(root) == before


def test_same_inputs_give_the_same_bytes(root: Path, run: Callable[..., Result], tmp_path: Path) -> None:
    """Two renders of the same template and data are byte-identical .docx files (fixed zip metadata)."""
    for out in ("a", "b"):
        assert run("render", SLUG, "--stage", "draft_kb", "--out", str(tmp_path / out)).exit_code == 0
    first = (tmp_path / "a" / "draft_kb" / "rancangan-kb-v1.docx").read_bytes()
    assert first == (tmp_path / "b" / "draft_kb" / "rancangan-kb-v1.docx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a" / "draft_kb" / "rancangan-kb-v1.docx") as zf:
        assert zf.testzip() is None
        assert zf.namelist()[0] == "[Content_Types].xml"


def _catalogue(folder: Path) -> None:
    """Point the FGD stage of ``folder``'s catalogue at x.docx alone."""
    data = yaml.safe_load((shipped_templates() / "catalogue.yaml").read_text(encoding="utf-8"))
    data["stages"][0]["documents"] = [{"name": "x", "template": "x.docx", "title": "X", "needs": ["fgd"]}]
    (folder / "catalogue.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"not a zip at all"), "not a readable .docx (File is not a zip file)"),
        (
            lambda p: _zip_with(p, {"../evil.xml": b"x", "word/document.xml": b"<w:document/>"}),
            "refused: member name '../evil.xml' points outside the document",
        ),
        (
            lambda p: _zip_with(p, {"word/document.xml": b"0" * (65 * 1024 * 1024)}),
            "refused: unpacks to 68,157,440 bytes, expected at most 67,108,864 (a zip bomb?)",
        ),
    ],
    ids=["not-a-zip", "path-traversal", "zip-bomb"],
)
def test_hostile_template_files_are_refused(
    make: Callable[[Path], object],
    message: str,
    tmp_path: Path,
    root: Path,
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A template that is not a zip, names files outside itself, or unpacks to a bomb is refused; nothing is written."""
    folder = tmp_path / "tpl"
    shutil.copytree(shipped_templates(), folder)
    make(folder / "x.docx")
    _catalogue(folder)
    monkeypatch.setenv("MOU_TEMPLATES", str(folder))
    before = tree_hash(root)
    result = run("render", SLUG)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {folder / 'x.docx'} (file): {message}\n"
    assert tree_hash(root) == before


def _zip_with(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ cycler.__init__.__globals__ }}", "__globals__: access to underscore attributes is not allowed in templates"),
        ("{% for x in range(10**9) %}x{% endfor %}", "range: not in the agreement model"),
    ],
    ids=["globals", "huge-range"],
)
def test_template_expressions_reaching_python_are_refused(
    body: str, message: str, tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Expressions that reach Python internals or loop without bound never run."""
    folder = _custom_templates(tmp_path, body, monkeypatch)
    result = run("render", SLUG)
    assert result.exit_code == 1
    assert f"Error: {folder / 'x.docx'} (word/document.xml): {message}" in result.stderr


def test_sandbox_bounds_range_at_run_time() -> None:
    """Even past the static check, the sandboxed environment refuses a huge range."""
    from workflow.documents.environment import environment

    with pytest.raises(OverflowError):
        environment().from_string("{% for x in range(10**9) %}{% endfor %}").render()


def _lines(data: bytes, tmp_path: Path, name: str) -> list[str]:
    from workflow.documents.textdiff import document_lines

    path = tmp_path / name
    path.write_bytes(data)
    return document_lines(path)


@pytest.mark.parametrize(("stage", "name"), DOCS, ids=[d[1] for d in DOCS])
def test_compiled_render_equalsstock_render(stage: str, name: str, tmp_path: Path) -> None:
    """Every shipped template: the compiled path's text (body, tables, headers) equals stock docxtpl's."""
    from bench.__main__ import stock_render
    from tests.test_lifecycle import PKS
    from workflow.commands.agreements import load_file
    from workflow.documents.compiled import compiled
    from workflow.documents.context import build_context
    from workflow.documents.environment import environment

    agreement_yaml = tmp_path / "agreement.yaml"
    agreement_yaml.write_text((PROJECT / "agreements" / SLUG / "agreement.yaml").read_text(encoding="utf-8") + PKS, "utf-8")
    spec = next(s for st, s in load_catalogue().documents() if s.name == name)
    template = shipped_templates() / spec.template
    context = build_context(load_file(agreement_yaml), version=3)
    ours = compiled(template, environment()).render(context)
    stock = stock_render(template, context)
    assert _lines(ours, tmp_path, "ours.docx") == _lines(stock, tmp_path, "stock.docx")
    assert len(_lines(ours, tmp_path, "ours.docx")) > 10


@pytest.mark.parametrize("rows", [0, 1, 1000])
def test_compiled_render_of_a_long_lampiran_equals_stock(rows: int, tmp_path: Path) -> None:
    """The benchmark's lampiran of participants renders to the same text as stock docxtpl, row for row."""
    from bench.__main__ import stock_render
    from bench.fixtures import lampiran_template, mou_context
    from workflow.documents.compiled import compiled
    from workflow.documents.environment import environment

    template, context = lampiran_template(), mou_context(rows)
    odd = {"nama": 'Wa Ode <Ani> & "Putri"', "desa": "Kancinaa\nRT 2", "kecamatan": "Pasarwajo\tTimur"}
    for row in context["peserta"][:1]:  # XML-special characters, a newline and a tab in the first row
        row.update(nik="7401**********01", pekerjaan="Nelayan", **odd)
    ours = _lines(compiled(template, environment()).render(context), tmp_path, "ours.docx")
    assert ours == _lines(stock_render(template, context), tmp_path, "stock.docx")
    table = [line for line in ours if " | 7401**********" in line]
    assert len(table) == rows
    if rows:
        assert table[0].startswith('1. | 7401**********01 | Wa Ode <Ani> & "Putri" | Kancinaa\nRT 2 | Pasarwajo\tTimur')


def test_compiled_render_refuses_xml_a_word_processor_could_not_open(tmp_path: Path) -> None:
    """A template whose tags cut an element in half gives a named error, never a corrupt .docx."""
    from tests.conftest import make_docx
    from workflow.documents.compiled import RenderedXmlInvalid, compiled
    from workflow.documents.environment import environment

    template = tmp_path / "broken.docx"
    make_docx(template, ["{% if false %}starts in a paragraph"], cells=["ends in a table cell{% endif %}"])
    with pytest.raises(RenderedXmlInvalid, match=r"^word/document.xml: the rendered XML is not well-formed \(mismatched tag"):
        compiled(template, environment()).render({})
