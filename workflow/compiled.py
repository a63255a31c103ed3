"""Word templates compiled once, rendered straight to .docx bytes: the one render path of mou.

Stock docxtpl re-reads the template, re-patches and re-compiles its Jinja source on every render,
then parses the rendered body back into python-docx and serialises the whole package again; at
10.000 lampiran rows most of its time goes into a quadratic lxml move and regex passes that find
nothing (PERFORMANCE.md). Here a template is read, patched with docxtpl's own ``patch_xml`` (so the
tag syntax is exactly docxtpl's) and compiled once per process; a render is then Jinja alone, the
same text post-processing docxtpl applies (skipped when it provably has nothing to do), one
well-formedness check by expat, and a zip of the parts. ``tests/test_render.py`` proves the text
equals what stock docxtpl produces from the same template and data.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment, Template

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_PARA_START = re.compile(r"<w:p([ >])")
_PARA_MARK = re.compile(r"\n<w:p([ >])")
_DOCPR = re.compile(r"(<wp:docPr\b[^>]*?\bid=\")(\d+)(\")")
_TABLE_TAGS = re.compile(r"\{%-?\s*(tc|colspan|cellbg|vm|hm)\b")
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
        raise UnsafeTemplate(f"member name {unsafe[0]!r} points outside the document")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise UnsafeTemplate(f"unpacks to {total:,} bytes, expected at most {MAX_UNPACKED:,} (a zip bomb?)")
    return infos


@dataclass
class _Part:
    """One templated XML part: text before the templated element, its compiled body, text after."""

    head: str
    template: Template
    tail: str
    fix_tables: bool


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
        rendered: dict[str, bytes] = {}
        for name, part in self.parts.items():
            xml = _postprocess(part.template.render(context))
            if part.fix_tables:
                xml = _fix_tables(xml)
            if name == "word/document.xml" and "<wp:docPr" in xml:  # unique drawing ids, numbered as docxtpl does
                xml = _renumber_drawings(xml)
            data = (part.head + xml + part.tail).encode("utf-8")
            _well_formed(name, data)
            rendered[name] = data
        if self.core_xml is not None:
            values = {prop: template.render(context) for prop, template in self.props.items()}
            values.update(core or {})
            rendered["docProps/core.xml"] = _core_xml(self.core_xml, values)
        extra: list[tuple[str, bytes]] = []
        if pictures and pictures.items:
            rendered["word/_rels/document.xml.rels"] = pictures.relationships(dict(self.members)["word/_rels/document.xml.rels"])
            rendered["[Content_Types].xml"] = pictures.content_types(dict(self.members)["[Content_Types].xml"])
            extra = [(f"word/{target}", png) for _rid, target, png in pictures.items]
        packed = [_Packed.of(name, rendered[name]) if name in rendered else self.packed[name] for name, _raw in self.members]
        return _zip(packed + [_Packed.of(name, data) for name, data in extra])

    @functools.cached_property
    def packed(self) -> dict[str, _Packed]:
        """Every member compressed once: a render compresses only the parts it changed."""
        return {name: _Packed.of(name, raw) for name, raw in self.members}


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
    xml = _PARA_MARK.sub(r"<w:p\1", xml)
    if "{_" in xml or "_}" in xml:
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if any(c in xml for c in _LISTING):  # newlines, tabs, page breaks in values become Word breaks
        xml = patcher().resolve_listing(xml)
    return xml


def _fix_tables(xml: str) -> str:
    """docxtpl's column fix-up for templates whose ``{%tc %}`` loops change a table's column count."""
    from lxml import etree

    tree = patcher().fix_tables(xml)
    return str(etree.tostring(tree, encoding="unicode"))


def _well_formed(name: str, data: bytes) -> None:
    """Refuse a rendered part that Word could not open (expat: fast, no tree built)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as err:
        raise RenderedXmlInvalid(f"{name}: the rendered XML is not well-formed ({err}); check the template's tags") from err


class RenderedXmlInvalid(Exception):
    """The template produced XML that no word processor would open."""


def _core_xml(raw: bytes, values: dict[str, str]) -> bytes:
    from lxml import etree

    ns = {"dc": _DC_NS}
    root = etree.fromstring(raw)
    for prop, value in values.items():
        tag = _CORE_TAGS[prop]
        element = root.find(tag, ns)
        if element is None:
            if not value:
                continue
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
            raise ValueError("only PNG images can be placed")
        width, height = struct.unpack(">II", png[16:24])
        rid = f"rIdMou{len(self.items) + 1}"
        self.items.append((rid, f"media/mou-image{len(self.items) + 1}.png", png))
        cx = round(width_mm * EMU_PER_MM)
        return Picture(rid, cx, round(cx * height / width), len(self.items))

    def relationships(self, raw: bytes) -> bytes:
        rels = "".join(f'<Relationship Id="{rid}" Type="{_IMAGE}" Target="{target}"/>' for rid, target, _ in self.items)
        text = raw.decode("utf-8")
        at = text.rindex("</Relationships>")
        return (text[:at] + rels + text[at:]).encode("utf-8")

    @staticmethod
    def content_types(raw: bytes) -> bytes:
        text = raw.decode("utf-8")
        if 'Extension="png"' in text:
            return raw
        at = text.index(">", text.index("<Types")) + 1
        return (text[:at] + '<Default Extension="png" ContentType="image/png"/>' + text[at:]).encode("utf-8")


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
    """Read ``path`` once: keep every zip member, patch and compile the body, headers and footers."""
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in safe_members(zf) if not i.is_dir()]
    raw = dict(members)
    targets = ["word/document.xml", *_header_footer_parts(raw.get("word/_rels/document.xml.rels", b""))]
    parts: dict[str, _Part] = {}
    for name in targets:
        if name in raw:
            parts[name] = _compile_part(raw[name], env, body=name == "word/document.xml")
    props: dict[str, Template] = {}
    core = raw.get("docProps/core.xml")
    if core is not None:
        props = {prop: env.from_string(value) for prop, value in _core_values(core).items()}
    return Compiled(members, parts, props, core)


def _header_footer_parts(rels: bytes) -> list[str]:
    from lxml import etree

    if not rels:
        return []
    root = etree.fromstring(rels)
    return [
        "word/" + rel.get("Target", "").lstrip("/").removeprefix("word/")
        for rel in root.iter(f"{{{_R_NS}}}Relationship")
        if rel.get("Type") in (_HEADER, _FOOTER) and rel.get("TargetMode") != "External"
    ]


def _compile_part(raw: bytes, env: Environment, *, body: bool) -> _Part:
    """Serialise as docxtpl does (lxml, so the patch regexes see the same text), patch once, compile once."""
    from lxml import etree

    root = etree.fromstring(raw)
    whole = str(etree.tostring(root, encoding="unicode"))
    start, end = 0, len(whole)  # headers and footers are templated whole
    if body:  # of the document, docxtpl templates the <w:body> element only
        start = whole.index("<w:body")
        end = whole.rindex("</w:body>") + len("</w:body>")
    head = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + whole[:start]
    source = patcher().patch_xml(whole[start:end])
    template = env.from_string(_PARA_START.sub(r"\n<w:p\1", source))
    return _Part(head, template, whole[end:], fix_tables=bool(_TABLE_TAGS.search(source)))


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
