"""Templates edited in Word or LibreOffice: `mou check` passes them and mou renders them as docxtpl does.

Legal staff open a template in Word or LibreOffice, edit it and save it. What those programs write
into a tag must not matter:

- LibreOffice stores quotes in tags as ``&apos;`` and ``&quot;`` (other programs numeric entities);
- Word splits a tag over several runs (an edit, a change of format) with proofing marks
  (``<w:proofErr/>``) and bookmarks between them, and its autocorrect types curly quotes.

The fast tests write such XML by hand, as each program writes it: each template passes
``check_template`` and mou renders it to stock docxtpl's package (``tests/test_compat.py``'s
comparison) and the expected text. The slow tests take every shipped template through LibreOffice
(open, save as .docx, as a user would) and require that it passes the check and renders the example
agreement to the same text as the original.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pytest
from click.testing import Result

from tests.conftest import EXAMPLE, SLUG
from tests.test_compat import assert_same_package
from workflow.data.catalogue import DocumentSpec, load_catalogue
from workflow.documents.render import MADE_BY
from workflow.shipped import templates as shipped_templates

HAVE_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))
if not HAVE_SOFFICE and os.environ.get("MOU_REQUIRE_TOOLS"):
    raise RuntimeError("MOU_REQUIRE_TOOLS is set but LibreOffice (soffice) is missing")
needs_soffice = pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice (soffice) not installed")

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_VENUE = "Ruang VVIP Kantor Bupati Buton"


# ---------------------------------------------------------------- helpers


def _template(path: Path, body: str, footnote: str | None = None) -> Path:
    """A .docx whose body is ``body`` (raw ``<w:p>`` XML, as a word processor stores it), and optionally a footnote
    holding the raw runs ``footnote``, referenced from the body's last paragraph."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("[[BODY]]")
    doc.save(str(path))
    with zipfile.ZipFile(path) as zf:
        members = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    document = members["word/document.xml"].decode("utf-8")
    start = document.index("<w:p>")
    end = document.index("</w:p>", start) + len("</w:p>")
    if footnote is not None:
        reference = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r></w:p>'
        body = body[: body.rindex("</w:p>")] + reference
        members["word/footnotes.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:footnotes xmlns:w="{_W_NS}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
            f'<w:footnote w:id="1"><w:p>{footnote}</w:p></w:footnote></w:footnotes>'
        ).encode()
        rels = members["word/_rels/document.xml.rels"].decode("utf-8")
        rel = (
            '<Relationship Id="rIdMouFn" Target="footnotes.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"/>'
        )
        members["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", rel + "</Relationships>").encode("utf-8")
        types = members["[Content_Types].xml"].decode("utf-8")
        override = (
            '<Override PartName="/word/footnotes.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
        )
        members["[Content_Types].xml"] = types.replace("</Types>", override + "</Types>").encode("utf-8")
    members["word/document.xml"] = (document[:start] + body + document[end:]).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _context() -> dict[str, Any]:
    from workflow.commands.agreements import load_file
    from workflow.documents.context import build_context

    return build_context(load_file(EXAMPLE / "agreement.yaml"))


def _ours(template: Path, context: dict[str, Any]) -> bytes:
    from workflow.documents.compiled import compiled
    from workflow.documents.environment import environment

    return compiled(template, environment()).render(context)


def _stock(template: Path, context: dict[str, Any]) -> bytes:
    """Stock docxtpl with mou's Jinja environment and autoescape, as the compatibility suite calls it."""
    from bench.__main__ import stock_render

    return stock_render(template, context)


def _texts(data: bytes) -> list[str]:
    """What a reader sees: headers and body (paragraphs and table rows, ``document_lines``), then footers and
    footnotes, one line each; a field's cached result left out (``_without_field_results``)."""
    from docx import Document
    from lxml import etree

    from workflow.documents.textdiff import document_lines

    data = _without_field_results(data)
    # an empty paragraph that only carries a section break (the landscape lampiran of the report to the
    # Minister) is merged into the next section by LibreOffice: empty lines are layout, not text
    lines = [line for line in document_lines(data) if line.strip()]
    for section in Document(io.BytesIO(data)).sections:
        lines += [f"[footer] {p.text}" for p in section.footer.paragraphs if p.text.strip()]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        notes = zf.read("word/footnotes.xml") if "word/footnotes.xml" in zf.namelist() else None
    if notes is not None:
        for note in etree.fromstring(notes).iter(f"{{{_W_NS}}}footnote"):
            text = "".join(t.text or "" for t in note.iter(f"{{{_W_NS}}}t")).strip()
            if text:
                lines.append(f"[footnote] {text}")
    return lines


def _without_field_results(data: bytes) -> bytes:
    """The package with the text of every field's cached result emptied (a PAGE field's ``1``).

    A word processor stores with a field the result it last laid out, and computes it again when the
    document is shown or printed. LibreOffice stores its own (the footer's page number of the
    templates reads ``2`` after it saved them, ``1`` before): no text a reader sees, so left out.
    """
    from lxml import etree

    w = f"{{{_W_NS}}}"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, raw in members:
            if name.startswith("word/") and name.endswith(".xml") and b"w:fld" in raw:
                root = etree.fromstring(raw)
                fields: list[bool] = []  # one per field open in document order: whether its result is being read
                for element in root.iter(f"{w}fldChar", f"{w}t"):
                    kind = element.get(f"{w}fldCharType")
                    if kind == "begin":
                        fields.append(False)
                    elif kind == "separate" and fields:
                        fields[-1] = True
                    elif kind == "end" and fields:
                        fields.pop()
                    elif element.tag == f"{w}t" and (
                        any(fields) or next(element.iterancestors(f"{w}fldSimple"), None) is not None
                    ):
                        element.text = ""
                raw = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zf.writestr(name, raw)
    return out.getvalue()


# ---------------------------------------------------------------- as Word and LibreOffice write tags

AS_WRITTEN = {
    # LibreOffice writes every quote inside a tag as an entity
    "libreoffice-apos": (
        '<w:p><w:r><w:t xml:space="preserve">Tempat: {{ fgd.venue|default(&apos;-&apos;) }}'
        "{{ &apos;.&apos; if fgd.venue }}</w:t></w:r></w:p>",
        [f"Tempat: {_VENUE}."],
    ),
    "libreoffice-quot": (
        '<w:p><w:r><w:t xml:space="preserve">Tempat: {{ fgd.venue|replace(&quot;Ruang&quot;, &quot;R.&quot;) }}'
        "</w:t></w:r></w:p>",
        [f"Tempat: {_VENUE.replace('Ruang', 'R.')}"],
    ),
    "numeric-entities": (
        "<w:p><w:r><w:t>{{ fgd.venue|replace(&#39;Ruang&#x27;, &#8216;R.&#8217;) }}</w:t></w:r></w:p>",
        [_VENUE.replace("Ruang", "R.")],
    ),
    # Word: a tag typed, then edited, stored in three runs of different formats with proofing marks between
    "split-over-three-runs-with-proofing-marks": (
        '<w:p><w:r><w:t xml:space="preserve">Tempat: {{ fgd.ve</w:t></w:r><w:proofErr w:type="spellStart"/>'
        '<w:r><w:rPr><w:b/></w:rPr><w:t>nue|repl</w:t></w:r><w:proofErr w:type="spellEnd"/>'
        '<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">ace("Ruang", "R.") }} (lantai 2)</w:t></w:r></w:p>',
        [f"Tempat: {_VENUE.replace('Ruang', 'R.')} (lantai 2)"],
    ),
    "bookmark-inside-a-tag": (
        '<w:p><w:r><w:t xml:space="preserve">Tempat: {</w:t></w:r><w:bookmarkStart w:id="0" w:name="tempat"/>'
        '<w:r><w:t xml:space="preserve">{ fgd.</w:t></w:r><w:proofErr w:type="gramStart"/><w:r><w:t>venue }</w:t></w:r>'
        '<w:proofErr w:type="gramEnd"/><w:bookmarkEnd w:id="0"/><w:r><w:t>}</w:t></w:r></w:p>',
        [f"Tempat: {_VENUE}"],
    ),
    # Word's autocorrect: 'x' typed becomes ‘x’, "x" becomes “x”
    "smart-quotes": (
        "<w:p><w:r><w:t>Tempat: {{ fgd.venue|replace(\u2018Ruang\u2019, \u201cR.\u201d) }}"
        "{% if fgd.venue != \u201c\u201d %}, ada{% endif %}</w:t></w:r></w:p>",
        [f"Tempat: {_VENUE.replace('Ruang', 'R.')}, ada"],
    ),
    "smart-quotes-in-a-split-tag": (
        '<w:p><w:r><w:t xml:space="preserve">{%p if fgd.venue != \u201c</w:t></w:r><w:proofErr w:type="spellStart"/>'
        '<w:r><w:t>\u201d %}</w:t></w:r><w:proofErr w:type="spellEnd"/></w:p>'
        "<w:p><w:r><w:t>Ada tempat: {{ fgd.venue|default(\u2018</w:t></w:r>"
        "<w:r><w:rPr><w:b/></w:rPr><w:t>-\u2019) }}</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>{%p endif %}</w:t></w:r></w:p>",
        [f"Ada tempat: {_VENUE}"],
    ),
}


@pytest.mark.parametrize(("body", "expected"), AS_WRITTEN.values(), ids=list(AS_WRITTEN))
def test_tag_as_word_or_libreoffice_writes_it_passes_and_renders_as_docxtpl(
    body: str, expected: list[str], tmp_path: Path
) -> None:
    """Entities, split runs, proofing marks, bookmarks and curly quotes in tags: the check passes, and mou renders
    stock docxtpl's package, with the text the author meant."""
    from workflow.documents.check import check_template

    template = _template(tmp_path / "x.docx", body)
    assert [str(issue) for issue in check_template(template, locate=True)] == []
    context = _context()
    ours = _ours(template, context)
    assert_same_package(ours, _stock(template, context))
    assert _texts(ours) == expected


def test_libreoffice_s_quote_entities_in_a_footnote_tag_pass_and_render(tmp_path: Path) -> None:
    """LibreOffice writes ``&apos;`` in a footnote's tags too (seen on 7.4). docxtpl patches footnotes as stored,
    so Jinja meets the entity and stock docxtpl fails; mou decodes it as it does in the body (the difference
    workflow/documents/compiled.py documents), so the check passes and the footnote renders."""
    from workflow.documents.check import check_template

    footnote = (
        '<w:r><w:t xml:space="preserve"> Lihat {{ fgd.venue|default(&apos;-&apos;) }} dan '
        "{{ fgd.topic|default(&#8216;-&#8217;) }}</w:t></w:r>"
    )
    template = _template(tmp_path / "x.docx", "<w:p><w:r><w:t>Notulen FGD</w:t></w:r></w:p>", footnote)
    assert [str(issue) for issue in check_template(template, locate=True)] == []
    context = _context()
    assert f"[footnote] Lihat {_VENUE} dan {context['fgd']['topic']}" in _texts(_ours(template, context))
    with pytest.raises(jinja2.TemplateSyntaxError, match="unexpected char '&'"):
        _stock(template, context)


def test_curly_quote_typed_inside_a_straight_quoted_string_is_refused(tmp_path: Path) -> None:
    """A curly quote inside a string written in straight quotes was typed on purpose: docxtpl straightens it all the
    same (the replace below would replace straight apostrophes), so it is refused, naming the tag and paragraph."""
    from workflow.documents.check import check_template

    body = '<w:p><w:r><w:t>Judul</w:t></w:r></w:p><w:p><w:r><w:t>{{ fgd.venue|replace("\u2019", "\'") }}</w:t></w:r></w:p>'
    template = _template(tmp_path / "x.docx", body)
    [issue] = check_template(template, locate=True)
    assert issue.message == (
        'curly quote \u2019 inside a string in straight quotes in {{ fgd.venue|replace("\u2019", "\'") }}:'
        " docxtpl straightens it, expected a straight quote, or \\u2019 for a curly one"
    )
    tag = '{{ fgd.venue|replace("\u2019", "\'") }}'
    assert issue.where == f"at {tag} in paragraph 2 \u201c{tag}\u201d"


@pytest.mark.parametrize(
    ("body", "message", "where"),
    [
        (
            '<w:p><w:r><w:t xml:space="preserve">Tempat: {{ fgd.ve</w:t></w:r><w:proofErr w:type="spellStart"/>'
            "<w:r><w:t>nu|default(&apos;-&apos;) }}</w:t></w:r></w:p>",
            "fgd.venu: not in the agreement model, did you mean fgd.venue?",
            "at {{ fgd.venu|default('-') }} in paragraph 1 \u201cTempat: {{ fgd.venu|default('-') }}\u201d",
        ),
        (
            "<w:p><w:r><w:t>Judul</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>{{ fgd.venue|default(&apos;-&apos;) &amp;&amp; fgd.topic }}</w:t></w:r></w:p>",
            "template syntax error: unexpected char '&' in {{ fgd.venue|default('-') && fgd.topic }}",
            "at {{ fgd.venue|default('-') && fgd.topic }} in paragraph 2 \u201c{{ fgd.venue|default('-') && fgd.topic }}\u201d",
        ),
        (
            "<w:p><w:r><w:t>{%p if fgd.venue != \u201c\u201d %}</w:t></w:r></w:p><w:p><w:r><w:t>Ada</w:t></w:r></w:p>",
            "template syntax error: Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else'"
            " or 'endif'. The innermost block that needs to be closed is 'if'.",
            "at {%p if fgd.venue != \u201c\u201d %} in paragraph 1 \u201c{%p if fgd.venue != \u201c\u201d %}\u201d",
        ),
    ],
    ids=["path-in-a-libreoffice-tag-split-by-word", "syntax-error-in-a-libreoffice-tag", "unclosed-p-if-with-smart-quotes"],
)
def test_problem_in_such_a_tag_names_the_tag_as_typed_and_its_paragraph(
    body: str, message: str, where: str, tmp_path: Path
) -> None:
    """A problem in a tag LibreOffice or Word wrote names that tag as the author typed it and its paragraph, never a
    character offset into the XML."""
    from workflow.documents.check import check_template

    [issue] = check_template(_template(tmp_path / "x.docx", body), locate=True)
    assert (issue.field + ": " if issue.field else "") + issue.message == message
    assert issue.where == where


# ---------------------------------------------------------------- the shipped templates through LibreOffice

DOCUMENTS = [(stage.name, spec) for stage, spec in load_catalogue().documents()]
STAGES = list(dict.fromkeys(stage for stage, _spec in DOCUMENTS))


@pytest.fixture(scope="module")
def libreoffice_templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A templates folder (catalogue and all) whose every .docx LibreOffice opened and saved as .docx.

    One call with an isolated profile, as workflow/documents/pdf.py converts (parallel LibreOffice
    calls must not share a profile), with pdf.py's default timeout.
    """
    folder = tmp_path_factory.mktemp("roundtrip") / "templates"
    shutil.copytree(shipped_templates(), folder)
    sources = sorted({shipped_templates() / spec.template for _stage, spec in DOCUMENTS})
    converted = tmp_path_factory.mktemp("roundtrip-lo")
    binary = shutil.which("soffice") or shutil.which("libreoffice") or "soffice"
    with tempfile.TemporaryDirectory(prefix="mou-roundtrip-") as profile:
        command = [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "docx"]
        subprocess.run([*command, "--outdir", str(converted), *map(str, sources)], capture_output=True, timeout=300, check=True)
    for source in sources:
        saved = converted / source.name
        assert saved.is_file(), f"LibreOffice did not save {source.name}"
        assert saved.read_bytes() != source.read_bytes()
        shutil.copyfile(saved, folder / source.name)
    return folder


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize(("stage", "spec"), DOCUMENTS, ids=[spec.name for _stage, spec in DOCUMENTS])
def test_template_saved_by_libreoffice_passes_the_check(stage: str, spec: DocumentSpec, libreoffice_templates: Path) -> None:
    """LibreOffice rewrites the whole file (its own runs, styles, ``&apos;`` for quotes in tags): the check passes."""
    from workflow.documents.check import check_template

    issues = check_template(libreoffice_templates / spec.template, spec, locate=True)
    assert [str(issue) for issue in issues] == []


@pytest.fixture(scope="module")
def demo_documents(libreoffice_templates: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """{"original" or "libreoffice": {path under documents/: .docx bytes}} of one `mou demo` run from each
    templates folder: the documents of a stage another command makes (MADE_BY: the monitoring report, the
    santunan record) rendered by that command, with its own figures."""
    from click.testing import CliRunner

    import cli

    found: dict[str, dict[str, bytes]] = {}
    for label, templates in (("original", shipped_templates()), ("libreoffice", libreoffice_templates)):
        out = tmp_path_factory.mktemp(f"demo-{label}") / "demo"
        result = CliRunner().invoke(cli.main, ["demo", "--out", str(out)], env={"MOU_TEMPLATES": str(templates)})
        assert result.exit_code == 0, result.stderr
        documents = out / "agreements" / SLUG / "documents"
        found[label] = {p.relative_to(documents).as_posix(): p.read_bytes() for p in sorted(documents.rglob("*.docx"))}
    return found


def _rendered(
    stage: str, label: str, out: Path, run: Callable[..., Result], demo: Callable[[], dict[str, dict[str, bytes]]]
) -> dict[str, bytes]:
    """{file name: .docx bytes} of one stage's documents rendered from the ``label`` templates (MOU_TEMPLATES set):
    by `mou render --out`, which checks them first, or for a MADE_BY stage by `mou demo`'s run of its command."""
    if stage in MADE_BY:
        prefix = f"{stage}/"
        return {name.removeprefix(prefix): data for name, data in demo()[label].items() if name.startswith(prefix)}
    result = run("render", SLUG, "--stage", stage, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return {p.name: p.read_bytes() for p in sorted((out / stage).glob("*.docx"))}


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("stage", STAGES)
def test_template_saved_by_libreoffice_renders_the_same_text(
    stage: str,
    libreoffice_templates: Path,
    yaml_file: Path,
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    """Every document of the stage, rendered from the example agreement (with a PKS and an adendum described)
    from the shipped template and from the same template saved by LibreOffice: the same text, line by line
    (headers, paragraphs, table rows, footers, footnotes)."""
    from tests.test_lifecycle import PKS

    yaml_file.write_text(yaml_file.read_text(encoding="utf-8") + PKS, encoding="utf-8")
    rendered: dict[str, dict[str, bytes]] = {}
    for label, templates in (("original", shipped_templates()), ("libreoffice", libreoffice_templates)):
        monkeypatch.setenv("MOU_TEMPLATES", str(templates))
        rendered[label] = _rendered(stage, label, tmp_path / label, run, lambda: request.getfixturevalue("demo_documents"))
    for spec in load_catalogue().stage(stage).documents:
        assert any(name.startswith(f"{spec.name}-") for name in rendered["original"]), f"{spec.name} was not rendered"
    assert sorted(rendered["libreoffice"]) == sorted(rendered["original"])
    for name, original in rendered["original"].items():
        assert _texts(rendered["libreoffice"][name]) == _texts(original), name
