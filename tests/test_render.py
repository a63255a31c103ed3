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
    stages = dict.fromkeys(stage for stage, _name in DOCS)  # every stage whose documents agreement.yaml makes
    result = run("render", SLUG, *[arg for stage in stages for arg in ("--stage", stage)])
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
    (path,) = (root / SLUG / "documents" / "draft_kb").glob("rancangan-kb-*.docx")
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
    paraf = v1.with_name("lembar-paraf-kb-v1.docx")  # the paraf sheet of the review goes with every draft
    assert first.stdout == (
        f"Rancangan Kesepakatan Bersama (v1): {v1}\nLembar Paraf Koordinasi Rancangan Kesepakatan Bersama (v1): {paraf}\n"
    )
    before = v1.read_bytes()
    second = run("render", SLUG, "--stage", "draft_kb")
    v2 = v1.with_name("rancangan-kb-v2.docx")
    assert second.stdout.splitlines()[0] == f"Rancangan Kesepakatan Bersama (v2): {v2}"
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
    known = ", ".join(stage.name for stage in load_catalogue().stages)
    assert result.stderr == f"Error: unknown stage 'signed'; known stages: {known}\n"


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
        (  # curly quotes around a string are Word's autocorrect and mean straight ones; one inside a string is refused
            "{{ fgd.venue|default('a\u2019b') }}",
            None,
            "curly quote \u2019 inside a string in straight quotes in {{ fgd.venue|default('a\u2019b') }}: docxtpl "
            "straightens it, expected a straight quote, or \\u2019 for a curly one",
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


# --- names, degrees, pangkat and NIP (Permendagri 1/2023 Pasal 44) and the meterai ---------------------------

BUPATI = "Dr. H. La Ode Fulan, S.STP., M.Si."


def _variant(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    """The example with a Bupati and a notulis who write degrees, the notulis's pangkat and NIP, and ``changes``."""
    text = (PROJECT / "agreements" / SLUG / "agreement.yaml").read_text(encoding="utf-8")
    edits = [
        ("      name: Alvin                     #", f"      name: {BUPATI}  #"),
        ("  chair:\n    name: Alvin", f"  chair:\n    name: {BUPATI}"),
        ("  minutes_taker:\n    name:\n", "  minutes_taker:\n    name: La Ode Budi, S.Sos., M.Si.\n"),
        ("    rank:                 ", "    rank: Pembina (IV/a)  "),
        ("      number:\n  invitation:", "      number: 19750101 200003 1 002\n  invitation:"),
        ("    signer:\n      name:\n", "    signer:\n      name: Drs. La Ode Sekda, M.Si.\n"),
        (
            "      id:\n        kind: NIP\n        number:\n",
            "      id:\n        kind: NIP\n        number: 19690806 199603 1 003\n",
        ),
        *changes,
    ]
    for old, new in edits:
        assert text.count(old) == 1, f"fixture drifted: {old!r}"
        text = text.replace(old, new)
    path = tmp_path / "agreement.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _texts(agreement_yaml: Path, tmp_path: Path, *, final: bool = False) -> dict[str, str]:
    """The text of the FGD documents and the draft KB rendered from ``agreement_yaml``."""
    from workflow.commands.agreements import load_file
    from workflow.documents.context import build_context
    from workflow.documents.render import render_bytes

    agreement = load_file(agreement_yaml)
    out = {}
    for stage, spec in load_catalogue().documents():
        if stage.name in ("fgd", "draft_kb"):
            path = tmp_path / f"{spec.name}.docx"
            path.write_bytes(render_bytes(spec, build_context(agreement, version=2, final=final)))
            out[spec.name] = docx_text(path)
    return out


def test_names_keep_the_degrees_as_the_person_writes_them(tmp_path: Path) -> None:
    """Capitals for the bare name only ('M.Si.', never 'M.SI.'), no doubled full stop, pangkat and NIP for a Kabag."""
    texts = _texts(_variant(tmp_path), tmp_path)
    kb, notulen = texts["rancangan-kb"], texts["notulen-fgd"]
    assert "1. | Dr. H. LA ODE FULAN, S.STP., M.Si. | : | Bupati Buton, yang diangkat" in kb
    assert "MUSRIATI | Dr. H. LA ODE FULAN, S.STP., M.Si.\nNPK. [NPK PIHAK KEDUA] |" in kb
    assert "yang dipimpin oleh Bupati Buton, Dr. H. La Ode Fulan, S.STP., M.Si.\nI.\tPESERTA" in notulen
    notulis = "LA ODE BUDI, S.Sos., M.Si. | Dr. H. LA ODE FULAN, S.STP., M.Si.\nPembina (IV/a)\nNIP. 19750101 200003 1 002 |"
    assert notulis in notulen
    assert "BUPATI BUTON,\n\n | Dr. H. LA ODE FULAN, S.STP., M.Si." in texts["daftar-hadir-fgd"]
    for name, text in texts.items():
        assert "M.SI." not in text and "DR." not in text, name
        assert ".." not in text, name


def test_the_sekda_and_the_bupati_sign_without_nip(tmp_path: Path) -> None:
    """Pasal 44: no NIP under the Bupati or the Sekda; a Pemda still on 54/2009 rules prints the Sekda's."""
    undangan = _texts(_variant(tmp_path), tmp_path)["undangan-fgd"]
    assert " | Drs. LA ODE SEKDA, M.Si.\n\nLampiran surat" in undangan
    assert "NIP" not in undangan
    on_54 = _variant(tmp_path, ("    sekda_nip: false", "    sekda_nip: true"))
    assert " | Drs. LA ODE SEKDA, M.Si.\n | NIP. 19690806 199603 1 003\n" in _texts(on_54, tmp_path)["undangan-fgd"]


def test_upper_casing_the_name_is_a_setting(tmp_path: Path) -> None:
    """document.names.upper: false prints the name as written under the signatures too."""
    texts = _texts(_variant(tmp_path, ("    upper: true", "    upper: false")), tmp_path)
    assert "MUSRIATI" not in texts["rancangan-kb"]
    assert "Musriati | Dr. H. La Ode Fulan, S.STP., M.Si.\nNPK." in texts["rancangan-kb"]


@pytest.mark.parametrize(
    ("template", "person", "upper", "printed"),
    [
        ("{{ p|nama_tanpa_gelar }}", {"name": BUPATI, "position": "Bupati Buton"}, True, "LA ODE FULAN"),
        ("{{ p|nama_tanpa_gelar }}", {"name": BUPATI, "position": "Bupati Buton"}, False, "La Ode Fulan"),
        ("{{ p|nama }}", {"name": BUPATI, "position": "Pj. Bupati Buton"}, True, "LA ODE FULAN"),
        ("{{ p|nama_lengkap }}", {"name": BUPATI, "position": "Bupati Buton"}, True, BUPATI),
        ("{{ p|nama }}", "Wa Ode Contoh, S.Pd.", True, "WA ODE CONTOH, S.Pd."),
        ("{{ p|nama_lengkap|akhiri('.') }}", {"name": BUPATI, "position": "Bupati Buton"}, True, BUPATI),
        (
            "{{ p|nip_pangkat }}",
            {"name": "X", "position": "Pj. Sekretaris Daerah Kabupaten Buton", "id": {"kind": "NIP", "number": "1"}},
            True,
            "",
        ),
        (
            "{{ p|nip_pangkat }}",
            {"name": "X", "position": "Kepala Dinas Sosial", "rank": "Pembina (IV/a)", "id": {"kind": "NIP", "number": "1"}},
            True,
            "Pembina (IV/a)\nNIP. 1",
        ),
    ],
    ids=["keputusan", "keputusan-as-written", "pj-bupati", "running-text", "plain-name", "sentence-end", "pj-sekda", "kadis"],
)
def test_person_filters(template: str, person: object, upper: bool, printed: str) -> None:
    """A Keputusan drops the degrees, a Pj/Plt/Plh signs with the bare name and no NIP, a Kepala Dinas adds both."""
    from workflow.documents.environment import environment

    context = {"p": person, "document": {"names": {"upper": upper, "sekda_nip": False}}}
    assert environment().from_string(template).render(context) == printed


def _signature_cells(path: Path) -> list[str]:
    """The text of the space-to-sign row of the KB's main signature table: [PIHAK KEDUA's, PIHAK KESATU's]."""
    from docx import Document

    table = next(t for t in Document(str(path)).tables if t.rows[0].cells[0].text.startswith("PIHAK KEDUA"))
    return [cell.text for cell in table.rows[1].cells]


@pytest.mark.parametrize(
    ("meterai_by", "cells"),
    [("partner", ["meterai Rp10.000", ""]), ("pemda", ["", "meterai Rp10.000"]), ("both", ["meterai Rp10.000"] * 2)],
)
def test_meterai_hint_is_where_the_signatory_affixes_it_and_never_in_the_final_text(
    meterai_by: str, cells: list[str], tmp_path: Path
) -> None:
    """The draft marks the meterai on the side the data name (the partner by default); the text for signature never."""
    from workflow.commands.agreements import load_file
    from workflow.documents.context import build_context
    from workflow.documents.render import render_bytes

    spec = next(d for _s, d in load_catalogue().documents() if d.name == "rancangan-kb")
    agreement = load_file(_variant(tmp_path, ("meterai_by: partner", f"meterai_by: {meterai_by}")))
    draft, final = tmp_path / "draft.docx", tmp_path / "final.docx"
    draft.write_bytes(render_bytes(spec, build_context(agreement, version=1)))
    final.write_bytes(render_bytes(spec, build_context(agreement, version=1, final=True)))
    assert _signature_cells(draft) == cells
    assert _signature_cells(final) == ["", ""]
    with zipfile.ZipFile(final) as zf:
        assert "meterai Rp" not in zf.read("word/document.xml").decode("utf-8")


def test_files_written_before_names_and_meterai_settings_stay_valid(tmp_path: Path) -> None:
    """Without document.meterai_by and names, coverage.jkm, lead_nip/lead_rank and rank, the file loads and
    the documents are the same: the example writes the defaults out."""
    text = (PROJECT / "agreements" / SLUG / "agreement.yaml").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    old: list[str] = []
    skipping = ""
    for line in lines:
        key = line.strip().split(":")[0]
        indent = line[: len(line) - len(line.lstrip())]
        if skipping and (not line.strip() or len(indent) > len(skipping)):
            continue
        skipping = ""
        if key in ("meterai_by", "lead_nip", "lead_rank", "rank"):
            continue
        if key in ("names", "jkm"):
            skipping = indent
            continue
        old.append(line)
    before = tmp_path / "old" / "agreement.yaml"
    before.parent.mkdir()
    before.write_text("".join(old), encoding="utf-8")
    written = before.read_text(encoding="utf-8")
    assert "meterai_by" not in written and "scholarship_years" not in written and "lead_nip" not in written
    now = tmp_path / "now"
    now.mkdir()
    assert _texts(before, before.parent) == _texts(PROJECT / "agreements" / SLUG / "agreement.yaml", now)
