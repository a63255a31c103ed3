"""`mou check` on templates: what it passes renders in both engines, what it refuses fails at render.

Each test builds one small template, installs it as a Pemda's own templates folder (``MOU_TEMPLATES``:
a copy of the shipped templates, x.docx added to the FGD stage), asserts exactly what ``mou check``
prints (each problem, then where it is: the tag as typed and its paragraph), then renders the same
template through mou (``render_bytes``) and stock docxtpl: a template that passes must render in
both; one that is refused must fail at render, or be a deliberate refusal whose reason the test
shows (a loop across table rows renders a stray row).
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import jinja2
import pytest
import yaml
from click.testing import Result
from docx import Document

from tests.conftest import EXAMPLE, SLUG
from workflow.errors import TemplateProblem
from workflow.shipped import templates as shipped_templates


def _own_filters() -> str:
    from jinja2.filters import FILTERS

    from workflow.documents.environment import environment

    return ", ".join(sorted(name for name in environment().filters if name not in FILTERS))


OWN_FILTERS = _own_filters()
"""mou's own filters (those of its environment that Jinja lacks), as `mou check` lists them after an unknown one."""

Cell = str | list[str]
Build = Callable[[Path], object]


def _docx(
    path: Path,
    paragraphs: Sequence[str] = (),
    rows: list[list[Cell]] | None = None,
    *,
    after: Sequence[str] = (),
    header: str | None = None,
    core: dict[str, str] | None = None,
) -> Path:
    """A .docx: paragraphs, a table of ``rows`` (a cell is a text or its paragraphs), paragraphs after it,
    a header, core properties (title, subject, comments...)."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if rows:
        table = doc.add_table(rows=len(rows), cols=len(rows[0]))
        for row, cells in zip(table.rows, rows, strict=True):
            for cell, content in zip(row.cells, cells, strict=True):
                first, *more = [content] if isinstance(content, str) else content
                cell.paragraphs[0].add_run(first)
                for text in more:
                    cell.add_paragraph(text)
    for text in after:
        doc.add_paragraph(text)
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    for prop, value in (core or {}).items():
        setattr(doc.core_properties, prop, value)
    doc.save(str(path))
    return path


def _edit(path: Path, member: str, change: Callable[[str], str]) -> None:
    """Rewrite one XML member of the .docx at ``path``."""
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, change(data.decode("utf-8")).encode("utf-8") if name == member else data)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FOOTNOTES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{_W}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:footnote></w:footnotes>'
)


def _with_footnote(path: Path, text: str) -> Path:
    """Give the first paragraph of ``path`` a footnote reading ``text`` (as Word stores one)."""
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            if name not in ("[Content_Types].xml", "word/_rels/document.xml.rels", "word/document.xml"):
                zf.writestr(name, data)
                continue
            xml = data.decode("utf-8")
            if name == "[Content_Types].xml":
                override = (
                    '<Override PartName="/word/footnotes.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
                )
                xml = xml.replace("</Types>", override + "</Types>")
            elif name == "word/_rels/document.xml.rels":
                rel = (
                    '<Relationship Id="rIdMouFn" Target="footnotes.xml" '
                    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"/>'
                )
                xml = xml.replace("</Relationships>", rel + "</Relationships>")
            elif name == "word/document.xml":
                xml = xml.replace("</w:r></w:p>", '</w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>', 1)
            zf.writestr(name, xml.encode("utf-8"))
        zf.writestr("word/footnotes.xml", _FOOTNOTES.format(text=escape(text)).encode("utf-8"))
    return path


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[Build], Path]:
    """``install(build)``: a Pemda's templates folder whose FGD stage also renders x.docx, made by ``build``."""

    def make(build: Build) -> Path:
        folder = tmp_path / "tpl"
        shutil.copytree(shipped_templates(), folder)
        build(folder / "x.docx")
        catalogue = folder / "catalogue.yaml"
        data = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
        data["stages"][0]["documents"].append({"name": "x", "template": "x.docx", "title": "X", "needs": ["fgd"]})
        catalogue.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        monkeypatch.setenv("MOU_TEMPLATES", str(folder))
        return folder

    return make


def assert_refused(run: Callable[..., Result], folder: Path, part: str, message: str, where: str) -> None:
    """`mou check SLUG` prints exactly this one problem, then where it is, and exits 1."""
    result = run("check", SLUG)
    assert result.stderr == f"Error: {folder / 'x.docx'} ({part}): {message}\nError:     {where}\n"
    assert result.exit_code == 1


def assert_passes(run: Callable[..., Result]) -> None:
    result = run("check", SLUG)
    assert result.stderr == ""
    assert result.stdout.endswith("No problems found.\n")
    assert result.exit_code == 0


def _context() -> dict[str, Any]:
    from workflow.commands.agreements import load_file
    from workflow.documents.context import build_context

    return build_context(load_file(EXAMPLE / "agreement.yaml"))


def _ours() -> bytes:
    """x.docx rendered by mou, as `mou render` renders it."""
    from workflow.data.catalogue import load_catalogue
    from workflow.documents.render import render_bytes

    spec = next(s for _, s in load_catalogue().documents() if s.name == "x")
    return render_bytes(spec, _context())


def _stock(folder: Path) -> bytes:
    """x.docx rendered by stock docxtpl with mou's Jinja environment."""
    from bench.__main__ import stock_render

    return stock_render(folder / "x.docx", _context())


def _lines(data: bytes) -> list[str]:
    from workflow.documents.textdiff import document_lines

    return document_lines(data)


def _member(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name).decode("utf-8")


# Unknown filters and tests: Jinja refuses them when it compiles the template (or runs the branch).


@pytest.mark.parametrize(
    ("build", "part", "tag", "where"),
    [
        (
            lambda p: _docx(p, ["Tanggal: {{ fgd.date|tanggal_panjang }}"]),
            "word/document.xml",
            "{{ fgd.date|tanggal_panjang }}",
            "at {{ fgd.date|tanggal_panjang }} in paragraph 1 “Tanggal: {{ fgd.date|tanggal_panjang }}”",
        ),
        (
            lambda p: _docx(p, ["x"], header="{{ fgd.date|tanggal_panjang }}"),
            "word/header1.xml",
            "{{ fgd.date|tanggal_panjang }}",
            "at {{ fgd.date|tanggal_panjang }} in paragraph 1 “{{ fgd.date|tanggal_panjang }}”",
        ),
        (
            lambda p: _docx(p, ["x"], core={"title": "FGD {{ fgd.date|tanggal_panjang }}"}),
            "docProps/core.xml, title",
            "{{ fgd.date|tanggal_panjang }}",
            "at {{ fgd.date|tanggal_panjang }}",
        ),
        (
            lambda p: _docx(p, ["x"], core={"comments": "{% filter tanggal_panjang %}{{ fgd.date }}{% endfilter %}"}),
            "docProps/core.xml, comments",
            "{% filter tanggal_panjang %}",
            "at {% filter tanggal_panjang %}",
        ),
    ],
    ids=["body", "header", "core-title", "core-filter-block"],
)
def test_unknown_filter_is_reported_where_it_is(
    build: Build, part: str, tag: str, where: str, install: Callable[[Build], Path], run: Callable[..., Result]
) -> None:
    """An unknown filter in the body, a header or a document property is named with its tag, its paragraph (a
    property is one text) and the filters there are."""
    folder = install(build)
    message = (
        f"unknown filter tanggal_panjang in {tag}, expected one of {OWN_FILTERS} or a Jinja built-in filter,"
        " did you mean tanggal_kata?"
    )
    assert_refused(run, folder, part, message, where)
    with pytest.raises(TemplateProblem, match=r": template error: No filter named 'tanggal_panjang'\.$"):
        _ours()
    with pytest.raises(jinja2.TemplateAssertionError, match="No filter named 'tanggal_panjang'"):
        _stock(folder)


def test_unknown_filter_in_a_branch_fails_when_the_branch_runs(
    install: Callable[[Build], Path], run: Callable[..., Result]
) -> None:
    """Inside {% if %} Jinja defers an unknown filter to the run: still refused, since some data takes the branch."""
    folder = install(lambda p: _docx(p, ["{% if fgd.venue %}{{ fgd.venue|kapital }}{% endif %}"]))
    assert_refused(
        run,
        folder,
        "word/document.xml",
        f"unknown filter kapital in {{{{ fgd.venue|kapital }}}}, expected one of {OWN_FILTERS} or a Jinja built-in filter,"
        " did you mean capitalize?",
        "at {{ fgd.venue|kapital }} in paragraph 1 “{% if fgd.venue %}{{ fgd.venue|kapital }}{% endif %}”",
    )
    with pytest.raises(TemplateProblem, match=r": template error: No filter named 'kapital' found\.$"):
        _ours()
    with pytest.raises(jinja2.TemplateRuntimeError, match="No filter named 'kapital' found"):
        _stock(folder)


def test_unknown_test_is_reported(install: Callable[[Build], Path], run: Callable[..., Result]) -> None:
    """`is knwon` is refused like an unknown filter; mou's own test is `known`."""
    folder = install(lambda p: _docx(p, ["{% if fgd.venue is knwon %}{{ fgd.venue }}{% endif %}"]))
    assert_refused(
        run,
        folder,
        "word/document.xml",
        "unknown test knwon in {% if fgd.venue is knwon %}, expected one of known or a Jinja built-in test, did you mean known?",
        "at {% if fgd.venue is knwon %} in paragraph 1 “{% if fgd.venue is knwon %}{{ fgd.venue }}{% endif %}”",
    )
    with pytest.raises(TemplateProblem, match=r": template error: No test named 'knwon' found\.$"):
        _ours()
    with pytest.raises(jinja2.TemplateRuntimeError, match="No test named 'knwon' found"):
        _stock(folder)


# Document properties: rendered by both engines, so linted like the body.


def test_path_used_only_in_a_document_property_is_checked(install: Callable[[Build], Path], run: Callable[..., Result]) -> None:
    """A field the model lacks, used only in the document's Comments property, is reported and fails both renders."""
    folder = install(lambda p: _docx(p, ["Notulen FGD"], core={"comments": "FGD di {{ fgd.venu }}"}))
    assert_refused(
        run,
        folder,
        "docProps/core.xml, comments",
        "fgd.venu: not in the agreement model, did you mean fgd.venue?",
        "at {{ fgd.venu }}",
    )
    with pytest.raises(TemplateProblem, match=r": undefined value: .*'venu'"):
        _ours()
    with pytest.raises(jinja2.UndefinedError, match="'venu'"):
        _stock(folder)


def test_sound_document_property_passes_and_renders(install: Callable[[Build], Path], run: Callable[..., Result]) -> None:
    """A property using a real field passes, and both engines fill it."""
    folder = install(lambda p: _docx(p, ["Notulen FGD"], core={"comments": "FGD di {{ fgd.venue }}"}))
    assert_passes(run)
    venue = _context()["fgd"]["venue"]
    for data in (_ours(), _stock(folder)):
        assert f"<dc:description>FGD di {venue}</dc:description>" in _member(data, "docProps/core.xml")


def test_curly_quotes_in_a_document_property_are_a_syntax_error(
    install: Callable[[Build], Path], run: Callable[..., Result]
) -> None:
    """docxtpl straightens curly quotes in the parts it patches, not in properties (rendered as typed): there they
    are Jinja's syntax error, named by the tag, and both renders fail."""
    folder = install(lambda p: _docx(p, ["Notulen FGD"], core={"title": "FGD di {{ fgd.venue|default(\u2018-\u2019) }}"}))
    assert_refused(
        run,
        folder,
        "docProps/core.xml, title",
        "template syntax error: unexpected char '\u2018' in {{ fgd.venue|default(\u2018-\u2019) }}, expected straight quotes"
        " ' or \" (document properties keep curly ones)",
        "at {{ fgd.venue|default(\u2018-\u2019) }}",
    )
    with pytest.raises(TemplateProblem, match=r": template error: unexpected char '\u2018' at \d+$"):
        _ours()
    with pytest.raises(jinja2.TemplateSyntaxError, match="unexpected char '\u2018'"):
        _stock(folder)


# Loops in tables: the place of the loop's start and end decides, after docxtpl's patching.


def _table_rows(data: bytes) -> list[list[str]]:
    from docx import Document as Read

    table = Read(io.BytesIO(data)).tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.mark.parametrize(
    "rows",
    [
        [[["{%p for p in fgd.invitees %}", "{{ p.position }}", "{%p endfor %}"], "x"]],
        [["{% for p in fgd.invitees %}{{ p.position }}; {% endfor %}", "x"]],
        [[["{% for p in fgd.invitees %}", "{{ p.position }}", "{% endfor %}"], "x"]],
        [["{%tr for p in fgd.invitees %}", ""], ["{{ p.position }}", "x"], ["{%tr endfor %}", ""]],
        [["{%tc for p in fgd.invitees %}", "{{ p.position }}", "{%tc endfor %}"]],
    ],
    ids=["p-for-in-cell", "for-in-one-paragraph-of-a-cell", "for-across-paragraphs-of-a-cell", "tr-for", "tc-for"],
)
def test_loop_inside_one_cell_or_around_rows_passes_and_renders(
    rows: list[list[Cell]], install: Callable[[Build], Path], run: Callable[..., Result]
) -> None:
    """{%p for %} in a table cell (and a plain {% for %} that stays in its cell, {%tr for %}, {%tc for %}) pass, and
    both engines render every invitee's position, to the same text."""
    folder = install(lambda p: _docx(p, ["Peserta:"], rows))
    assert_passes(run)
    ours, stock = _ours(), _stock(folder)
    assert _lines(ours) == _lines(stock)
    positions = [i["position"] for i in _context()["fgd"]["invitees"]]
    text = "\n".join(_lines(ours))
    assert all(str(position) in text for position in positions)


def test_plain_for_across_rows_is_refused(install: Callable[[Build], Path], run: Callable[..., Result]) -> None:
    """A plain {% for %} that starts in one row and ends in the next is refused, naming {%tr for %}.

    A deliberate refusal: both engines render it, but as one row per invitee plus the stray row that
    held the endfor, which no author means; {%tr for %} repeats the row alone.
    """
    rows: list[list[Cell]] = [["{% for p in fgd.invitees %}{{ p.position }}", "x"], ["{% endfor %}", "y"]]
    folder = install(lambda p: _docx(p, ["Peserta:"], rows))
    assert_refused(
        run,
        folder,
        "word/document.xml",
        "{% for p in fgd.invitees %} starts in one table row and ends in another,"
        " expected {%tr for ... %} and {%tr endfor %} each in a row of its own",
        "at {% for p in fgd.invitees %} in paragraph 2 (table 1, row 1, cell 1) “{% for p in fgd.invitees %}{{ p.position }}”",
    )
    invitees = len(_context()["fgd"]["invitees"])
    for data in (_ours(), _stock(folder)):
        table = _table_rows(data)
        assert len(table) == invitees + 1
        assert table[-1] == ["", "y"]


def test_p_for_across_rows_is_refused_too(install: Callable[[Build], Path], run: Callable[..., Result]) -> None:
    """{%p for %} is accepted in a cell, not when its endfor is in another row: the same stray row. Where it is
    shows the tag as typed, {%p for %}."""
    rows: list[list[Cell]] = [[["{%p for p in fgd.invitees %}", "{{ p.position }}"], "x"], ["{%p endfor %}", "y"]]
    folder = install(lambda p: _docx(p, ["Peserta:"], rows))
    assert_refused(
        run,
        folder,
        "word/document.xml",
        "{% for p in fgd.invitees %} starts in one table row and ends in another,"
        " expected {%tr for ... %} and {%tr endfor %} each in a row of its own",
        "at {%p for p in fgd.invitees %} in paragraph 2 (table 1, row 1, cell 1) “{%p for p in fgd.invitees %}”",
    )


def test_for_leaving_its_table_is_refused_and_fails_at_render(
    install: Callable[[Build], Path], run: Callable[..., Result]
) -> None:
    """A loop that starts in a cell and ends after the table would write broken XML: refused, and mou's render fails."""
    rows: list[list[Cell]] = [["{% for p in fgd.invitees %}{{ p.position }}", "x"]]
    folder = install(lambda p: _docx(p, ["Peserta:"], rows, after=["{% endfor %}"]))
    assert_refused(
        run,
        folder,
        "word/document.xml",
        "{% for p in fgd.invitees %} does not end in the table cell, row or table where it starts,"
        " expected the loop inside one cell, or {%tr for ... %} around whole rows",
        "at {% for p in fgd.invitees %} in paragraph 2 (table 1, row 1, cell 1) “{% for p in fgd.invitees %}{{ p.position }}”",
    )
    with pytest.raises(TemplateProblem, match=r": word/document.xml: the rendered XML is not well-formed"):
        _ours()


# Entities: the linter reads the text the renderer reads, decoded once.


def test_tag_with_an_ampersand_is_shown_as_typed(install: Callable[[Build], Path], run: Callable[..., Result]) -> None:
    """The XML holds &amp;; the message shows the & the author typed."""
    folder = install(lambda p: _docx(p, ['{{ fgd.venue|replace("&", "dan")|kapital }}']))
    assert_refused(
        run,
        folder,
        "word/document.xml",
        f'unknown filter kapital in {{{{ fgd.venue|replace("&", "dan")|kapital }}}}, expected one of {OWN_FILTERS}'
        " or a Jinja built-in filter, did you mean capitalize?",
        'at {{ fgd.venue|replace("&", "dan")|kapital }} in paragraph 1 “{{ fgd.venue|replace("&", "dan")|kapital }}”',
    )


def test_ampersand_operator_is_a_syntax_error_named_by_its_tag(
    install: Callable[[Build], Path], run: Callable[..., Result]
) -> None:
    """`&&` is no Jinja operator: refused with the tag as typed (not an offset into the XML), and both renders fail."""
    folder = install(lambda p: _docx(p, ["Tempat: {{ fgd.venue && fgd.topic }}"]))
    assert_refused(
        run,
        folder,
        "word/document.xml",
        "template syntax error: unexpected char '&' in {{ fgd.venue && fgd.topic }}",
        "at {{ fgd.venue && fgd.topic }} in paragraph 1 “Tempat: {{ fgd.venue && fgd.topic }}”",
    )
    with pytest.raises(TemplateProblem, match=r": template error: unexpected char '&' at \d+$"):
        _ours()
    with pytest.raises(jinja2.TemplateSyntaxError, match="unexpected char '&'"):
        _stock(folder)


def test_entity_encoded_quotes_pass_and_render(install: Callable[[Build], Path], run: Callable[..., Result]) -> None:
    """Quotes stored as &quot; are quotes to the renderer (it parses the XML), so they are to the linter."""

    def build(path: Path) -> None:
        _docx(path, ['Tempat: {{ fgd.venue|default("-") }}'])
        _edit(path, "word/document.xml", lambda xml: xml.replace('default("-")', "default(&quot;-&quot;)"))

    folder = install(build)
    assert "default(&quot;-&quot;)" in _member((folder / "x.docx").read_bytes(), "word/document.xml")
    assert_passes(run)
    venue = _context()["fgd"]["venue"]
    assert _lines(_ours()) == _lines(_stock(folder)) == [f"Tempat: {venue}"]


def test_ampersand_in_a_tag_passes_and_renders_as_typed(install: Callable[[Build], Path], run: Callable[..., Result]) -> None:
    """`replace("Ruang", "R&R")`: the XML holds &amp;, the linter and mou read &, and mou prints R&R.

    Stock docxtpl renders it too, without an error, but keeps the entity (it prints R&amp;R):
    a difference workflow/documents/compiled.py documents.
    """
    folder = install(lambda p: _docx(p, ['Tempat: {{ fgd.venue|replace("Ruang", "R&R") }}']))
    assert '"R&amp;R"' in _member((folder / "x.docx").read_bytes(), "word/document.xml")
    assert_passes(run)
    venue = _context()["fgd"]["venue"]
    assert _lines(_ours()) == [f"Tempat: {venue.replace('Ruang', 'R&R')}"]
    assert _lines(_stock(folder)) == [f"Tempat: {venue.replace('Ruang', 'R&amp;R')}"]


# Footnotes: docxtpl renders word/footnotes.xml, so its tags are linted like the body.


def test_footnote_tags_are_linted(install: Callable[[Build], Path], run: Callable[..., Result]) -> None:
    """A field the model lacks in a footnote is reported, and both engines fail on it."""
    folder = install(lambda p: _with_footnote(_docx(p, ["Notulen FGD"]), "Lihat {{ fgd.venu }}"))
    assert_refused(
        run,
        folder,
        "word/footnotes.xml",
        "fgd.venu: not in the agreement model, did you mean fgd.venue?",
        "at {{ fgd.venu }} in footnote 1 “Lihat {{ fgd.venu }}”",
    )
    with pytest.raises(TemplateProblem, match=r": undefined value: .*'venu'"):
        _ours()
    with pytest.raises(jinja2.UndefinedError, match="'venu'"):
        _stock(folder)


def test_unknown_filter_in_a_footnote_is_reported(install: Callable[[Build], Path], run: Callable[..., Result]) -> None:
    folder = install(lambda p: _with_footnote(_docx(p, ["Notulen FGD"]), "{{ fgd.date|tanggal_panjang }}"))
    assert_refused(
        run,
        folder,
        "word/footnotes.xml",
        f"unknown filter tanggal_panjang in {{{{ fgd.date|tanggal_panjang }}}}, expected one of {OWN_FILTERS}"
        " or a Jinja built-in filter, did you mean tanggal_kata?",
        "at {{ fgd.date|tanggal_panjang }} in footnote 1 “{{ fgd.date|tanggal_panjang }}”",
    )
    with pytest.raises(TemplateProblem, match=r": template error: No filter named 'tanggal_panjang'\.$"):
        _ours()
    with pytest.raises(jinja2.TemplateAssertionError, match="No filter named 'tanggal_panjang'"):
        _stock(folder)


def test_footnotes_render_in_mou_as_in_docxtpl(install: Callable[[Build], Path], run: Callable[..., Result]) -> None:
    """A sound footnote passes and both engines fill it."""
    folder = install(lambda p: _with_footnote(_docx(p, ["Notulen FGD"]), "Lihat {{ fgd.venue }}"))
    assert_passes(run)
    venue = _context()["fgd"]["venue"]
    for data in (_ours(), _stock(folder)):
        assert f"Lihat {venue}" in _member(data, "word/footnotes.xml")
