"""Word templates compiled once, rendered straight to .docx bytes: the one render path of mou.

Stock docxtpl re-reads the template, re-patches and re-compiles its Jinja source on every render,
then parses the rendered body back into python-docx and serialises the whole package again; at
10.000 lampiran rows most of its time goes into a quadratic lxml move and regex passes that find
nothing (PERFORMANCE.md). Here a template is read, patched with docxtpl's own ``patch_xml`` (so the
tag syntax is exactly docxtpl's) and compiled once per process; a render is then Jinja alone, the
same post-processing docxtpl applies (skipped when it provably has nothing to do), one
well-formedness check by expat, and a zip of the parts.

What a render does, part by part, in docxtpl's order (body, headers, footers, footnotes):

- the body, headers, footers and ``word/footnotes.xml`` are rendered as docxtpl renders them;
- the body's tables get docxtpl's grid fix (``fix_tables``) whenever one of them can render with
  another shape than its ``w:tblGrid`` (column loops, ``{% hm %}``, ``{% colspan %}``, cells in a
  condition, a table whose every row is looped, a template whose grid does not match its cells);
  a body whose every table provably keeps its grid skips the parse (``_grid_may_change``), and
  ``tests/test_compat.py`` checks that docxtpl's fix changes nothing in any output;
- the docxtpl objects of a context work as docxtpl users pass them, with a ``Session`` as their
  ``tpl``: ``InlineImage(tpl, ...)`` in the body, headers and footers, ``RichText(...,
  url_id=tpl.build_url_id(url))`` in the body, ``Listing``, ``tpl.replace_pic``,
  ``replace_media``, ``replace_embedded`` and ``replace_zipname``. What mou does not support is
  refused by name (``RenderRefused``) before anything is written: a sub-document, an InlineImage
  in footnotes, a RichText link outside the body, a value made with another template object.

``tests/test_compat.py`` proves every part, relationship and content type equal to stock docxtpl's
(canonical XML), on templates built for it (``tests/compat_templates.py``), on the same after a
round trip through LibreOffice, and on the shipped templates. The differences that are deliberate:

================================  ===================================  =================================
what                              docxtpl                              mou
================================  ===================================  =================================
a value with ``& < >``            inserted raw unless autoescape       always escaped (autoescape)
a missing value                   empty                                an error (StrictUndefined)
an entity typed in a tag,         under autoescape kept: ``A&amp;B``   decoded once: ``A&B``, as
``{{ x|default("A&B") }}``        printed (docxtpl's                   docxtpl without autoescape
                                  header_footer_entities)              prints it
an entity in a footnote's tag,    a syntax error (footnotes are        decoded as in the body: a quote;
LibreOffice's ``&apos;``          patched as stored)                   a curly one (``&#8217;``)
                                                                       straightened, as typed ones are
malformed rendered XML            repaired by lxml's recover mode,     refused, naming the part
                                  text may silently vanish
footnotes, document of N          rendered N times (a value holding    rendered once
sections                          ``{{`` is evaluated again)
``replace_media``,                ignored when nothing matches         refused, naming it
``replace_embedded``,
``replace_zipname``
a core property over 255          ValueError (python-docx)             written
characters
no docProps/core.xml              python-docx's default added (dated   none added
                                  now)
LibreOffice's core-properties     python-docx adds its default: the    the template's core.xml is
relationship type                 zip holds two docProps/core.xml      rendered
one namespace under two           renamed to the outer prefix by       kept as the template has them
prefixes in the body (not         lxml when the body is moved back     (same namespaces; a body the
written by Word or LibreOffice)                                        grid fix parses is moved too)
[Content_Types].xml, .rels        rewritten by python-docx             the template's, with additions
                                                                       (same content types and targets)
zip metadata                      dates of now, python-docx's order    fixed dates, the template's order
================================  ===================================  =================================
"""

from __future__ import annotations

import functools
import hashlib
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workflow import i18n
from workflow.errors import RenderRefused
from workflow.i18n import _

if TYPE_CHECKING:
    from jinja2 import Environment, Template

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEADER = f"{_RELS}/header"
_FOOTER = f"{_RELS}/footer"
_IMAGE = f"{_RELS}/image"
_HYPERLINK = f"{_RELS}/hyperlink"
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
_DOCUMENT = "word/document.xml"
_PARA_START = re.compile(r"<w:p([ >])")
_DOCPR = re.compile(r"(<wp:docPr\b[^>]*?\bid=\")(\d+)(\")")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_ENTITY = re.compile(r"&(amp|quot|apos|lt|gt|#[0-9]+|#x[0-9a-fA-F]+);")
_NAMED = {"amp": "&", "quot": '"', "apos": "'", "lt": "<", "gt": ">"}
_STRAIGHT = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")
"""docxtpl's ``patch_xml`` straightens curly quotes inside tags: ‘ ’ → ' and “ ” → "."""
_REF = re.compile(r"\br:(?:id|embed|link|pict|dm|lo|qs|cs)=\"([^\"]*)\"")
_LINK = re.compile(r"<w:hyperlink\b[^>]*?\br:id=\"([^\"]*)\"")
_LISTING = ("\t", "\a", "\n", "\f")
_DC_NS = "http://purl.org/dc/elements/1.1/"
_CORE_TAGS = {
    "author": "dc:creator",
    "comments": "dc:description",
    "identifier": "dc:identifier",
    "language": "dc:language",
    "subject": "dc:subject",
    "title": "dc:title",
}
"""Core properties docxtpl renders as templates (its ``render_properties``), and where they live."""
_DEFAULT_TYPES = {
    ("bmp", "image/bmp"),
    ("emf", "image/x-emf"),
    ("gif", "image/gif"),
    ("jpe", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("jpg", "image/jpeg"),
    ("png", "image/png"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("wdp", "image/vnd.ms-photo"),
    ("wmf", "image/x-wmf"),
}
"""Image extensions python-docx declares with a ``Default`` content type (else an ``Override``)."""
MAX_UNPACKED = 64 * 1024 * 1024
"""A Word template unpacks to a few megabytes; far more is a zip bomb."""
EMU_PER_MM = 36000


class UnsafeTemplate(Exception):
    """A template file that must not be opened: a zip bomb, or member names escaping the document."""


def safe_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The members of a template zip, refusing names outside the document and zip bombs."""
    infos = zf.infolist()
    unsafe = [i.filename for i in infos if i.filename.startswith(("/", "\\")) or ".." in i.filename.split("/")]
    if unsafe:
        raise UnsafeTemplate(_("member name {name} points outside the document").format(name=repr(unsafe[0])))
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise UnsafeTemplate(
            _("unpacks to {size} bytes, expected at most {limit} (a zip bomb?)").format(
                size=i18n.number(total), limit=i18n.number(MAX_UNPACKED)
            )
        )
    return infos


@dataclass
class _Part:
    """One templated XML part: text before the templated element, its compiled body, text after."""

    head: str
    template: Template
    tail: str
    kind: str = "body"
    """body, header, footer or footnotes."""
    grid: bool = False
    """Whether a table can render with another shape than its grid (the body only: docxtpl fixes no other part)."""


@dataclass(frozen=True)
class _Rel:
    """One relationship of a part: id, type, target as written, external or not."""

    rid: str
    type: str
    target: str
    external: bool


@dataclass
class Compiled:
    """A template read, patched and compiled once; ``render`` many times."""

    members: list[tuple[str, bytes]]
    parts: dict[str, _Part]
    props: dict[str, Template]
    core_xml: bytes | None

    def render(self, context: dict[str, Any], *, core: dict[str, str] | None = None, pictures: Pictures | None = None) -> bytes:
        """The .docx bytes of this template filled with ``context``.

        ``core`` overrides core properties after they are rendered (title, subject, author);
        ``pictures`` collects images that the context's values placed while rendering.
        """
        return Session(self, pictures).render(context, core=core)

    def session(self) -> Session:
        """A render of this template that docxtpl objects can be made for (``InlineImage(session, ...)``)."""
        return Session(self)

    @functools.cached_property
    def packed(self) -> dict[str, _Packed]:
        """Every member compressed once: a render compresses only the parts it changed."""
        return {name: _Packed.of(name, raw) for name, raw in self.members}

    @functools.cached_property
    def raw(self) -> dict[str, bytes]:
        return dict(self.members)

    def rels(self, part: str) -> list[_Rel]:
        """The template's relationships of ``part`` (empty when it has none)."""
        return self._rels.get(part, [])

    @functools.cached_property
    def _rels(self) -> dict[str, list[_Rel]]:
        from lxml import etree

        found: dict[str, list[_Rel]] = {}
        for name, data in self.members:
            if not name.endswith(".rels") or "/_rels/" not in f"/{name}":
                continue
            folder, base = name.rsplit("_rels/", 1)
            root = etree.fromstring(data)
            found[folder + base.removesuffix(".rels")] = [
                _Rel(r.get("Id", ""), r.get("Type", ""), r.get("Target", ""), r.get("TargetMode") == "External")
                for r in root.iter(f"{{{_R_NS}}}Relationship")
            ]
        return found

    @functools.cached_property
    def template_refs(self) -> dict[str, frozenset[str]]:
        """The relationship ids each templated part's own XML refers to."""
        return {name: frozenset(_REF.findall(self.raw[name].decode("utf-8", "replace"))) for name in self.parts}

    @functools.cached_property
    def next_ids(self) -> dict[str, int]:
        """python-docx's ``next_id`` of each part as the template has it: the shape id a new picture gets."""
        from lxml import etree

        ids: dict[str, int] = {}
        for name in self.parts:
            used = [int(v) for v in etree.fromstring(self.raw[name]).xpath("//@id") if str(v).isdigit()]
            ids[name] = max(used) + 1 if used else 1
        return ids

    @functools.cached_property
    def image_parts(self) -> list[tuple[str, str]]:
        """(part name, SHA-1) of every picture the template's relationships point to, as python-docx gathers them."""
        seen: dict[str, str] = {}
        for part, rels in self._rels.items():
            for rel in rels:
                if rel.type == _IMAGE and not rel.external:
                    name = _resolve(part, rel.target)
                    if name in self.raw and name not in seen:
                        seen[name] = hashlib.sha1(self.raw[name]).hexdigest()
        return list(seen.items())


def _resolve(part: str, target: str) -> str:
    """The member name a relationship of ``part`` points to."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


class Session:
    """One render of a compiled template: what docxtpl's ``tpl`` is to the objects of a context.

    Make the docxtpl objects of the context with it, exactly as for docxtpl::

        tpl = compiled(path, environment()).session()
        context = {"logo": InlineImage(tpl, "logo.png", width=Mm(30)),
                   "site": RichText("BPJS", url_id=tpl.build_url_id("https://www.bpjsketenagakerjaan.go.id"))}
        tpl.replace_pic("dummy.png", "logo.png")
        data = tpl.render(context)

    As with docxtpl, a second ``render`` starts from the template again (links and pictures of the
    first are not carried over; replacements are). ``new_subdoc`` is refused: mou does not support
    sub-documents.
    """

    def __init__(self, compiled: Compiled, pictures: Pictures | None = None) -> None:
        self._compiled = compiled
        self._rendering: _StoryPart | None = None
        self.allow_missing_pics = False
        self.reset_replacements()
        self._fresh(pictures)

    def _fresh(self, pictures: Pictures | None = None) -> None:
        """The template's own relationships and parts again: what a render adds is the next render's no more."""
        self._pictures = pictures
        self._added: dict[str, list[_Rel]] = {}
        self._made: dict[str, set[str]] = {}
        self._links: set[str] = set()
        self._images: list[tuple[str, str, Any]] | None = None
        self._media: dict[str, bytes] = {}
        self._types: list[tuple[str, str]] = []
        self._pictured: set[str] = set()

    # ------------------------------------------------------------------ docxtpl's tpl API

    @property
    def current_rendering_part(self) -> _StoryPart:
        """The part being rendered; docxtpl's InlineImage places its picture there."""
        if self._rendering is None:  # the InlineImage was made with another session than the one rendering
            raise _NotRendering(
                "InlineImage made with a session that is not rendering"
            )  # i18n: not translated (caught, never shown)
        return self._rendering

    def build_url_id(self, url: str) -> str:
        """The relationship id of an external link from the body, for ``RichText(..., url_id=...)``."""
        rid = self._relate(_DOCUMENT, url, _HYPERLINK, external=True)
        self._links.add(rid)
        return rid

    def new_subdoc(self, docpath: Any = None) -> Any:
        """Refused: mou does not support docxtpl's sub-documents."""
        raise RenderRefused(_("template uses a Subdoc (new_subdoc), which mou does not support"))

    def replace_pic(self, embedded_file: str, dst_file: Any) -> None:
        """Replace the picture named ``embedded_file`` (its name, title or description) with ``dst_file``."""
        self.pics_to_replace[embedded_file] = _read(dst_file)

    def replace_media(self, src_file: Any, dst_file: Any) -> None:
        """Replace the media whose bytes are ``src_file``'s with ``dst_file``."""
        self.crc_to_new_media[zlib.crc32(_read(src_file))] = _read(dst_file)

    def replace_embedded(self, src_file: Any, dst_file: Any) -> None:
        """Replace the embedded object whose bytes are ``src_file``'s with ``dst_file``."""
        self.crc_to_new_embedded[zlib.crc32(_read(src_file))] = _read(dst_file)

    def replace_zipname(self, zipname: str, dst_file: Any) -> None:
        """Replace the member ``zipname`` of the package with ``dst_file``."""
        self.zipname_to_replace[zipname] = _read(dst_file)

    def reset_replacements(self) -> None:
        self.crc_to_new_media: dict[int, bytes] = {}
        self.crc_to_new_embedded: dict[int, bytes] = {}
        self.zipname_to_replace: dict[str, bytes] = {}
        self.pics_to_replace: dict[str, bytes] = {}

    def add(self, png: bytes, width_mm: float) -> Picture:
        """mou's own inline PNG (the report's charts), ``width_mm`` wide: see ``Pictures.add``."""
        if self._pictures is None:
            self._pictures = Pictures()
        return self._pictures.add(png, width_mm)

    # ------------------------------------------------------------------ render

    def render(self, context: dict[str, Any], *, core: dict[str, str] | None = None) -> bytes:
        """The .docx bytes of the template filled with ``context``; ``core`` overrides core properties."""
        try:
            return self._render(context, core)
        finally:  # as docxtpl reloads the template for its next render (replacements stay, links made before go)
            self._fresh()

    def _render(self, context: dict[str, Any], core: dict[str, str] | None) -> bytes:
        c = self._compiled
        if self._pictures:
            for rid, target, png in self._pictures.items:
                self._add_rel(_DOCUMENT, _Rel(rid, _IMAGE, target, external=False))
                self._media[f"word/{target}"] = png
                self._types.append((f"word/{target}", "image/png"))
        rendered: dict[str, bytes] = {}
        for name, part in c.parts.items():
            self._rendering = _StoryPart(self, name, part.kind)
            try:
                xml = part.template.render(context)
            except (AttributeError, _NotRendering) as err:
                if isinstance(err, _NotRendering) or _raised_in_inline_image(err):
                    raise RenderRefused(
                        _(
                            "template uses an InlineImage in {part} made with another template object; "
                            "make it with this render's session: InlineImage(session, ...)"
                        ).format(part=name)
                    ) from err
                raise
            finally:
                self._rendering = None
            xml = _postprocess(xml)
            if part.grid:
                _well_formed(name, (part.head + xml + part.tail).encode("utf-8"))
                xml = _fix_tables(part.head, xml, part.tail)
            if part.kind == "body":
                if "<wp:docPr" in xml:  # unique drawing ids, numbered as docxtpl does
                    xml = _renumber_drawings(xml)
                    self._check_refs(name, xml)
                elif "<w:hyperlink" in xml:
                    self._check_refs(name, xml)
            else:
                if name in self._pictured:  # docxtpl loads a rendered header again: python-docx drops the picture's indent
                    xml = _without_blank_text(xml)
                self._check_refs(name, xml)
            data = (part.head + xml + part.tail).encode("utf-8")
            if not part.grid:
                _well_formed(name, data)
            rendered[name] = data
        if c.core_xml is not None:
            values = {prop: template.render(context) for prop, template in c.props.items()}
            values.update(core or {})
            rendered["docProps/core.xml"] = _core_xml(c.core_xml, values)
        for part_name, rels in self._added.items():
            rels_name = _rels_name(part_name)
            rendered[rels_name] = _with_relationships(c.raw.get(rels_name), rels)
        if self._types:
            rendered["[Content_Types].xml"] = _with_content_types(c.raw["[Content_Types].xml"], self._types)
        rendered.update(self._media)
        if self.pics_to_replace:
            self._replace_pics(rendered)
        members = [name for name, _raw in c.members]
        members += [name for name in rendered if name not in c.raw]
        if self.crc_to_new_media or self.crc_to_new_embedded or self.zipname_to_replace:
            self._post_replace(members, rendered)
        return _zip([_Packed.of(name, rendered[name]) if name in rendered else c.packed[name] for name in members])

    # ------------------------------------------------------------------ relationships

    def _rels_of(self, part: str) -> list[_Rel]:
        return self._compiled.rels(part) + self._added.get(part, [])

    def _add_rel(self, part: str, rel: _Rel) -> None:
        self._added.setdefault(part, []).append(rel)
        self._made.setdefault(part, set()).add(rel.rid)

    def _relate(self, part: str, target: str, reltype: str, *, external: bool) -> str:
        """python-docx's ``relate_to``: an existing relationship of that type and target, else a new ``rIdN``."""
        rels = self._rels_of(part)
        for rel in rels:
            same = rel.target if external else _resolve(part, rel.target)
            if rel.type == reltype and rel.external == external and same == target:
                self._made.setdefault(part, set()).add(rel.rid)
                return rel.rid
        ids = {rel.rid for rel in rels}
        rid = next(f"rId{n}" for n in range(1, len(rels) + 2) if f"rId{n}" not in ids)
        ref = target if external else posixpath.relpath(target, posixpath.dirname(part))
        self._add_rel(part, _Rel(rid, reltype, ref, external))
        return rid

    def _image_part(self, image: Any) -> tuple[str, Any]:
        """python-docx's ``get_or_add_image_part``: the package's picture with these bytes, else a new one."""
        from docx.image.image import Image

        if self._images is None:
            self._images = [(name, sha1, None) for name, sha1 in self._compiled.image_parts]
        for i, (name, sha1, known) in enumerate(self._images):
            if sha1 == image.sha1:
                if known is None:
                    known = Image.from_blob(self._compiled.raw[name])
                    self._images[i] = (name, sha1, known)
                return name, known
        used = [_image_index(name) for name, _sha1, _image in self._images]
        number = next((n for n in range(1, len(self._images) + 1) if n not in used), len(self._images) + 1)
        name = f"word/media/image{number}.{image.ext}"
        self._images.append((name, image.sha1, image))
        self._media[name] = image.blob
        self._types.append((name, image.content_type))
        return name, image

    def _check_refs(self, part: str, xml: str) -> None:
        """Refuse relationship ids in ``part`` that neither the template nor this render made there."""
        own = self._compiled.template_refs.get(part, frozenset())
        allowed = own | self._made.get(part, set())
        types = {rel.rid: rel.type for rel in self._rels_of(part)}
        for rid in _LINK.findall(xml):
            if part != _DOCUMENT and rid in self._links and rid not in own:
                raise RenderRefused(
                    _(
                        "template uses a RichText link in {part}, which mou does not support yet "
                        "(docxtpl's build_url_id relates links to the document body only)"
                    ).format(part=part)
                )
            if rid not in own and types.get(rid) != _HYPERLINK:  # a link made for another package
                raise _foreign(part, rid)
        for rid in _REF.findall(xml):
            if rid not in allowed:
                raise _foreign(part, rid)

    # ------------------------------------------------------------------ replacements, as docxtpl's save does them

    def _replace_pics(self, rendered: dict[str, bytes]) -> None:
        """docxtpl's ``replace_pic``: pictures of the body, headers and footers found by name, title or description."""
        from lxml import etree

        ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main", "pic": _PIC_NS, "r": _RELS}
        c = self._compiled
        parts = [_DOCUMENT] + [
            _resolve(_DOCUMENT, rel.target) for rel in c.rels(_DOCUMENT) if rel.type in (_HEADER, _FOOTER) and not rel.external
        ]
        replaced = dict.fromkeys(self.pics_to_replace, False)
        for part in parts:
            data = rendered.get(part, c.raw.get(part))
            if data is None:
                continue
            rels = {rel.rid: rel for rel in self._rels_of(part)}
            for gd in etree.fromstring(data).xpath("//a:graphic/a:graphicData", namespaces=ns):
                if gd.get("uri") != _PIC_NS:
                    continue
                blips = gd.xpath("pic:pic/pic:blipFill/a:blip", namespaces=ns)
                names = gd.xpath("pic:pic/pic:nvPicPr/pic:cNvPr", namespaces=ns)
                rid = blips[0].get(f"{{{_RELS}}}embed") if blips else None
                if rid is None or not names or names[0].get("name") is None or rid not in rels or rels[rid].external:
                    continue
                labels = (names[0].get("name"), names[0].get("title") or "", names[0].get("descr") or "")
                for wanted, data_new in self.pics_to_replace.items():
                    if wanted in labels:
                        rendered[_resolve(part, rels[rid].target)] = data_new
                        replaced[wanted] = True
                        break
        missing = [name for name, done in replaced.items() if not done]
        if missing and not self.allow_missing_pics:
            raise RenderRefused(
                _("replace_pic: picture {name} not found in the template's body, headers or footers").format(
                    name=repr(missing[0])
                )
            )

    def _post_replace(self, members: list[str], rendered: dict[str, bytes]) -> None:
        """docxtpl's ``replace_media``, ``replace_embedded`` and ``replace_zipname`` on the finished package."""
        c = self._compiled
        media, embedded, names = dict(self.crc_to_new_media), dict(self.crc_to_new_embedded), dict(self.zipname_to_replace)
        unused_media, unused_embedded, unused_names = set(media), set(embedded), set(names)
        for name in members:
            crc = zlib.crc32(rendered.get(name, c.raw.get(name, b"")))
            if name in names:
                rendered[name] = names[name]
                unused_names.discard(name)
            elif name.startswith("word/media/") and crc in media:
                rendered[name] = media[crc]
                unused_media.discard(crc)
            elif name.startswith("word/embeddings/") and crc in embedded:
                rendered[name] = embedded[crc]
                unused_embedded.discard(crc)
        if unused_names:
            raise RenderRefused(
                _("replace_zipname: the template has no member {name}").format(name=repr(sorted(unused_names)[0]))
            )
        if unused_media:
            raise RenderRefused(_("replace_media: no file in word/media/ of the template has the bytes of the file to replace"))
        if unused_embedded:
            raise RenderRefused(
                _("replace_embedded: no file in word/embeddings/ of the template has the bytes of the file to replace")
            )


def _foreign(part: str, rid: str) -> RenderRefused:
    return RenderRefused(
        _(
            "a value in {part} refers to relationship {rid}, which this render did not make there: "
            "an InlineImage, RichText link or Subdoc made with another template object? Make them with this render's session"
        ).format(part=part, rid=rid)
    )


class _NotRendering(Exception):
    """An InlineImage asked a session that is not rendering for its part (it was made for another render)."""


class _StoryPart:
    """The part being rendered, as docxtpl's InlineImage sees ``tpl.current_rendering_part``."""

    def __init__(self, session: Session, name: str, kind: str) -> None:
        self.session, self.name, self.kind = session, name, kind

    def new_pic_inline(self, image_descriptor: Any, width: Any = None, height: Any = None) -> Any:
        """python-docx's ``StoryPart.new_pic_inline``: the ``wp:inline`` of a picture related from this part."""
        from docx.image.exceptions import UnrecognizedImageError
        from docx.image.image import Image
        from docx.oxml.shape import CT_Inline

        if self.kind == "footnotes":
            raise RenderRefused(
                _("template uses InlineImage in {part}, which mou does not support (nor does docxtpl)").format(part=self.name)
            )
        try:
            picture = Image.from_file(image_descriptor)
        except (OSError, UnrecognizedImageError) as err:
            raise RenderRefused(
                _("template uses InlineImage in {part}: cannot read the picture ({error})").format(part=self.name, error=err)
            ) from err
        self.session._pictured.add(self.name)
        name, image = self.session._image_part(picture)
        rid = self.session._relate(self.name, name, _IMAGE, external=False)
        cx, cy = image.scaled_dimensions(width, height)
        return CT_Inline.new_pic_inline(self.session._compiled.next_ids[self.name], rid, image.filename, cx, cy)

    def relate_to(self, target: str, reltype: str, is_external: bool = False) -> str:
        """A relationship from this part (docxtpl's InlineImage links a picture with it)."""
        return self.session._relate(self.name, target, reltype, external=is_external)


def _raised_in_inline_image(err: BaseException) -> bool:
    import traceback

    frames = traceback.extract_tb(err.__traceback__)
    return any(frame.filename.replace("\\", "/").endswith("docxtpl/inline_image.py") for frame in frames)


def _image_index(name: str) -> int | None:
    """python-docx's ``PackURI.idx``: 1 of ``image1.png``, None of ``logo.png``."""
    match = re.match(r"([a-zA-Z]+)([1-9][0-9]*)?", posixpath.splitext(posixpath.basename(name))[0])
    return int(match.group(2)) if match and match.group(2) else None


def _read(source: Any) -> bytes:
    """The bytes of a path or a file object, as docxtpl reads replacement files."""
    if hasattr(source, "read"):
        return bytes(source.read())
    return Path(source).read_bytes()


def _with_relationships(raw: bytes | None, rels: list[_Rel]) -> bytes:
    """A .rels file with ``rels`` appended (a new one when the part had none)."""
    added = "".join(
        f'<Relationship Id="{escape(r.rid)}" Type="{escape(r.type)}" Target="{escape(r.target)}"'
        + (' TargetMode="External"/>' if r.external else "/>")
        for r in rels
    )
    if raw is None:
        head = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        return f'{head}<Relationships xmlns="{_R_NS}">{added}</Relationships>'.encode()
    text = raw.decode("utf-8")
    at = text.rindex("</Relationships>")
    return (text[:at] + added + text[at:]).encode("utf-8")


def _with_content_types(raw: bytes, parts: list[tuple[str, str]]) -> bytes:
    """[Content_Types].xml declaring each new part as python-docx would: a Default by extension, else an Override."""
    text = raw.decode("utf-8")
    defaults = {ext.lower() for ext in re.findall(r"<Default\b[^>]*?\bExtension=\"([^\"]*)\"", text)}
    head, tail = "", ""
    for name, content_type in parts:
        ext = posixpath.splitext(name)[1][1:].lower()
        if (ext, content_type) in _DEFAULT_TYPES:
            if ext not in defaults:
                defaults.add(ext)
                head += f'<Default Extension="{escape(ext)}" ContentType="{escape(content_type)}"/>'
        else:
            tail += f'<Override PartName="/{escape(name)}" ContentType="{escape(content_type)}"/>'
    start = text.index(">", text.index("<Types")) + 1
    end = text.rindex("</Types>")
    return (text[:start] + head + text[start:end] + tail + text[end:]).encode("utf-8")


@dataclass(frozen=True)
class _Packed:
    """One zip member, deflated, with what its headers need."""

    name: bytes
    crc: int
    size: int
    data: bytes

    @classmethod
    def of(cls, name: str, raw: bytes) -> _Packed:
        deflate = zlib.compressobj(6, zlib.DEFLATED, -15)  # raw deflate, zipfile's default level
        return cls(name.encode("utf-8"), zlib.crc32(raw), len(raw), deflate.compress(raw) + deflate.flush())


_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, the earliest date a zip entry can carry: equal inputs, equal bytes
_MODE = 0o644 << 16


def _zip(members: list[_Packed]) -> bytes:
    """A plain zip (no zip64: a .docx is far below 4 GiB) of pre-compressed members, in order."""
    out = bytearray()
    central = bytearray()
    for m in members:
        offset = len(out)
        flags = 0x800 if not m.name.isascii() else 0  # bit 11: the name is UTF-8
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, 0, _DOS_DATE, m.crc, len(m.data), m.size, len(m.name), 0)
        out += m.name
        out += m.data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            (3 << 8) | 20,  # made by: Unix, zip 2.0
            20,
            flags,
            8,
            0,
            _DOS_DATE,
            m.crc,
            len(m.data),
            m.size,
            len(m.name),
            0,
            0,
            0,
            0,
            _MODE,
            offset,
        )
        central += m.name
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0)
    return bytes(out)


def _renumber_drawings(xml: str) -> str:
    counter = iter(range(1001, 1 << 31))
    return _DOCPR.sub(lambda m: f"{m.group(1)}{next(counter)}{m.group(3)}", xml)


def _postprocess(xml: str) -> str:
    """What docxtpl's ``render_xml_part`` does to rendered XML, each step only when it can change something."""
    xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # docxtpl's re.sub(r"\n<w:p([ >])", ...)
    if ("{" in xml or "}" in xml) and ("{_" in xml or "_}" in xml):  # a lone brace is found at memchr speed
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if any(c in xml for c in _LISTING):  # newlines, tabs, page breaks in values become Word breaks
        xml = patcher().resolve_listing(xml)
    return xml


def _fix_tables(head: str, xml: str, tail: str) -> str:
    """docxtpl's ``fix_tables`` on the rendered body, with the namespaces the document declares."""
    from lxml import etree

    root = etree.fromstring((head + xml + tail).encode("utf-8"))
    body = root.find(f"{{{_W_NS}}}body")
    fixed = patcher().fix_tables(etree.tostring(body, encoding="unicode"))
    root.replace(body, fixed)  # as docxtpl's map_tree: lxml drops the declarations the document already makes
    return str(etree.tostring(fixed, encoding="unicode"))


def _without_blank_text(xml: str) -> str:
    """``xml`` parsed and written again as python-docx loads a part (whitespace-only text between elements dropped)."""
    from lxml import etree

    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
    return str(etree.tostring(etree.fromstring(xml.encode("utf-8"), parser), encoding="unicode"))


def _well_formed(name: str, data: bytes) -> None:
    """Refuse a rendered part that Word could not open (expat: fast, no tree built)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as err:
        raise RenderedXmlInvalid(
            _("{part}: the rendered XML is not well-formed ({error}); check the template's tags").format(part=name, error=err)
        ) from err


class RenderedXmlInvalid(Exception):
    """The template produced XML that no word processor would open."""


def _core_xml(raw: bytes, values: dict[str, str]) -> bytes:
    """core.xml with ``values`` set; as python-docx does, a property the template lacks is added, even empty."""
    from lxml import etree

    ns = {"dc": _DC_NS}
    root = etree.fromstring(raw)
    for prop, value in values.items():
        tag = _CORE_TAGS[prop]
        element = root.find(tag, ns)
        if element is None:
            prefix, local = tag.split(":")
            element = etree.SubElement(root, f"{{{ns[prefix]}}}{local}")
        element.text = value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


@dataclass
class Pictures:
    """Images placed by a render (the report's charts): each becomes a media part and a relationship."""

    items: list[tuple[str, str, bytes]] = field(default_factory=list)

    def add(self, png: bytes, width_mm: float) -> Picture:
        """A PNG ``width_mm`` wide, its height keeping the aspect ratio."""
        if png[:8] != b"\x89PNG\r\n\x1a\n":
            raise ValueError("only PNG images can be placed")  # i18n: not translated (programming error)
        width, height = struct.unpack(">II", png[16:24])
        rid = f"rIdMou{len(self.items) + 1}"
        self.items.append((rid, f"media/mou-image{len(self.items) + 1}.png", png))
        cx = round(width_mm * EMU_PER_MM)
        return Picture(rid, cx, round(cx * height / width), len(self.items))


@dataclass(frozen=True)
class Picture:
    """An inline image; rendering ``{{ value }}`` in a run places it (the XML docxtpl's InlineImage writes)."""

    rid: str
    cx: int
    cy: int
    number: int

    def __html__(self) -> str:
        inline = (
            '<wp:inline distT="0" distB="0" distL="0" distR="0"'
            ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
            ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
            ' xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
            ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<wp:extent cx="{self.cx}" cy="{self.cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{self.number}" name="Gambar {self.number}"/>'
            '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            f'<pic:nvPicPr><pic:cNvPr id="0" name="mou-image{self.number}.png"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{self.rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{self.cx}" cy="{self.cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline>'
        )
        return f'</w:t></w:r><w:r><w:drawing>{inline}</w:drawing></w:r><w:r><w:t xml:space="preserve">'


_CACHE: dict[tuple[tuple[str, int, int], int], Compiled] = {}


def file_key(path: Path) -> tuple[str, int, int]:
    """What identifies a file's current content cheaply: resolved path, modification time, size."""
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def compiled(path: Path, env: Environment) -> Compiled:
    """``path`` compiled for ``env``, from this process's cache while the file is unchanged."""
    key = (file_key(path), id(env))
    if key not in _CACHE:
        _CACHE[key] = compile_template(path, env)
    return _CACHE[key]


def package(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A reproducible .docx (zip) of ``members`` in order: fixed dates, deflated."""
    return _zip([_Packed.of(name, data) for name, data in members])


def compile_template(path: Path, env: Environment) -> Compiled:
    """Read ``path`` once: keep every zip member, patch and compile what docxtpl renders.

    That is the body, the headers, the footers and the footnotes, in the order docxtpl renders them
    (pictures placed while rendering are numbered in that order), and the core properties.
    """
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in safe_members(zf) if not i.is_dir()]
    raw = dict(members)
    rels = raw.get("word/_rels/document.xml.rels", b"")
    targets = [(_DOCUMENT, "body")]
    targets += [(name, "header") for name in _related(rels, _HEADER)]
    targets += [(name, "footer") for name in _related(rels, _FOOTER)]
    targets += [(name, "footnotes") for name in _footnote_parts(raw.get("[Content_Types].xml", b""))]
    parts: dict[str, _Part] = {}
    for name, kind in targets:
        if raw.get(name) and name not in parts:
            parts[name] = _compile_part(raw[name], env, kind)
    props: dict[str, Template] = {}
    core = raw.get("docProps/core.xml")
    if core is not None:
        props = {prop: env.from_string(value) for prop, value in _core_values(core).items()}
    return Compiled(members, parts, props, core)


def _related(rels: bytes, reltype: str) -> list[str]:
    """The parts the document relates to with ``reltype``, in the order of its relationships."""
    from lxml import etree

    if not rels:
        return []
    root = etree.fromstring(rels)
    return [
        _resolve(_DOCUMENT, rel.get("Target", ""))
        for rel in root.iter(f"{{{_R_NS}}}Relationship")
        if rel.get("Type") == reltype and rel.get("TargetMode") != "External"
    ]


def _footnote_parts(types: bytes) -> list[str]:
    """The footnotes parts [Content_Types].xml declares (docxtpl finds them by content type)."""
    from lxml import etree

    if not types:
        return []
    root = etree.fromstring(types)
    return [o.get("PartName", "").lstrip("/") for o in root.iter(f"{{{_CT_NS}}}Override") if o.get("ContentType") == _FOOTNOTES]


def _compile_part(raw: bytes, env: Environment, kind: str) -> _Part:
    """Serialise as docxtpl does (lxml, so the patch regexes see the same text), patch once, compile once.

    Footnotes are patched as stored, as docxtpl patches them. Entities inside tags are decoded once:
    a tag is Jinja source, not XML text (``{{ x|default("A&amp;B") }}`` in the XML means ``"A&B"``).
    """
    from lxml import etree

    if kind == "footnotes":
        whole = raw.decode("utf-8")
        start, end = 0, len(whole)
        head = ""
    else:
        parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)  # python-docx's, as docxtpl reads parts
        whole = str(etree.tostring(etree.fromstring(raw, parser), encoding="unicode"))
        start, end = 0, len(whole)  # headers and footers are templated whole
        if kind == "body":  # of the document, docxtpl templates the <w:body> element only
            start = whole.index("<w:body")
            end = whole.rindex("</w:body>") + len("</w:body>")
        head = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + whole[:start]
    source = _decode_tag_entities(patcher().patch_xml(whole[start:end]))
    template = env.from_string(_PARA_START.sub(r"\n<w:p\1", source))
    return _Part(head, template, whole[end:], kind, grid=kind == "body" and _grid_may_change(source))


def _decode_tag_entities(source: str) -> str:
    """Decode the XML entities left inside ``{{ }}`` and ``{% %}`` (docxtpl decodes only ``&lt;`` and ``&gt;``).

    They are left where a part is patched as stored (footnotes: LibreOffice writes quotes in tags as
    ``&apos;`` and ``&quot;``) and where the author typed ``&``, ``<`` or ``>``. A curly quote an entity
    spells (``&#8217;``) is straightened as docxtpl's patch straightens a typed one: decoding comes
    after that patch, so it is done here.
    """
    if "&" not in source:
        return source

    def entity(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in _NAMED:
            return _NAMED[name]
        char = chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
        return char.translate(_STRAIGHT)

    def tag(m: re.Match[str]) -> str:
        return _ENTITY.sub(entity, m.group(0)) if "&" in m.group(0) else m.group(0)

    return _TAG.sub(tag, source)


_GRID_TOKEN = re.compile(
    r"<(?P<close>/?)w:(?P<el>tbl|tr|tc|tcPr|tblGrid)(?=[\s/>])[^>]*?(?P<empty>/?)>"
    r"|(?P<col><w:gridCol\b)"
    r"|<w:gridSpan\b[^>]*?\bw:val=\"(?P<span>[^\"]*)\""
    r"|(?P<odd><w:(?:sdt|customXml|tblGridChange|tcPrChange)\b)"
    r"|\{%[-+]?\s*(?P<stmt>\w+)(?P<rest>.*?)%\}"
    r"|\{#.*?#\}",
    re.S,
)
_OPENERS = {"for", "if", "macro", "call", "filter", "with", "autoescape", "block", "trans"}


@dataclass
class _Row:
    depth: int
    unconditional: bool
    cells: int = 0
    span: int = 0
    cell_span: int = 1
    static: bool = True


@dataclass
class _Table:
    depth: int
    cols: int = 0
    grid: bool = False
    in_grid: bool = False
    in_tcpr: bool = False
    dynamic: bool = False
    row: _Row | None = None
    rows: list[_Row] = field(default_factory=list)

    def keeps_grid(self) -> bool:
        """Whether docxtpl's fix_tables leaves this table as it is, however its rows repeat: no row has more cells
        than the grid has columns, and a row always rendered spans the whole grid."""
        if self.dynamic or not self.grid or self.row is not None or not all(r.static for r in self.rows):
            return False
        return all(r.cells <= self.cols for r in self.rows) and any(r.unconditional and r.span >= self.cols for r in self.rows)


def _grid_may_change(source: str) -> bool:
    """Whether a table of this patched body can render with another shape than its grid, so that docxtpl's
    ``fix_tables`` changes it: True unless every table's rows provably render whole, as the template has them.

    A row keeps its cells when no Jinja block opens or closes between its cells (``{%tc for %}``,
    ``{% hm %}`` and cells in a condition do) and its spans are numbers (``{% colspan %}`` makes them
    Jinja); rows may repeat or vanish (``{%tr for %}``, ``{%tr if %}``), so a row outside every block
    of the table must span the grid. Nested tables, content controls and tracked grid changes are
    left to the fix.
    """
    if "<w:tbl" not in source:
        return False
    if re.search(r"\{%[-+]?\s*raw\b", source):
        return True
    depth = 0
    tables: list[_Table] = []
    for m in _GRID_TOKEN.finditer(source):
        if m["stmt"]:
            word = m["stmt"]
            opens = word in _OPENERS or (word == "set" and "=" not in m["rest"])
            closes = word.startswith("end")
            depth += 1 if opens else -1 if closes else 0
            if tables:
                t = tables[-1]
                t.dynamic |= t.in_grid or depth < t.depth or (word in ("else", "elif") and depth == t.depth)
                if t.row is not None and (depth < t.row.depth or (word in ("else", "elif") and depth == t.row.depth)):
                    t.row.static = False
            continue
        if not tables and m["el"] != "tbl":
            continue
        if m["odd"]:
            for t in tables:
                t.dynamic = True
            continue
        el, close, empty = m["el"], m["close"], m["empty"]
        if el == "tbl":
            if close:
                t = tables.pop()
                if depth != t.depth or not t.keeps_grid():
                    return True
            elif not empty:
                for t in tables:  # docxtpl counts a nested table's rows in its outer table too
                    t.dynamic = True
                tables.append(_Table(depth, dynamic=bool(tables)))
            continue
        t = tables[-1]
        row = t.row
        if m["col"]:
            t.cols += t.in_grid
        elif m["span"] is not None:
            if row is not None and t.in_tcpr:
                row.static &= m["span"].isdigit() and depth == row.depth
                row.cell_span = int(m["span"]) if m["span"].isdigit() else 1
        elif el == "tblGrid":
            t.dynamic |= t.grid and not close
            t.grid = True
            t.in_grid = not close and not empty
        elif el == "tcPr":
            t.in_tcpr = not close and not empty
        elif el == "tr":
            if close:
                if row is None:
                    t.dynamic = True
                else:
                    row.static &= depth == row.depth
                    t.rows.append(row)
                t.row = None
            elif not empty:
                t.dynamic |= row is not None
                t.row = _Row(depth, unconditional=depth == t.depth)
        elif el == "tc":
            if row is None:
                t.dynamic = True
            elif close:
                row.static &= depth == row.depth
                row.span += row.cell_span
            elif not empty:
                row.static &= depth == row.depth
                row.cells += 1
                row.cell_span = 1
    return bool(tables)


def _core_values(raw: bytes) -> dict[str, str]:
    from lxml import etree

    root = etree.fromstring(raw)
    found = {prop: root.find(tag, {"dc": _DC_NS}) for prop, tag in _CORE_TAGS.items()}
    return {prop: (element.text or "") if element is not None else "" for prop, element in found.items()}


@functools.cache
def patcher() -> Any:
    """A docxtpl template object used only for its text transformations (patch, listing, tables)."""
    from docxtpl import DocxTemplate

    return DocxTemplate(io.BytesIO())
