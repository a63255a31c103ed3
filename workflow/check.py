"""Static checks of Word templates: every variable path, curly quotes in tags, loops in tables.

docxtpl's own check sees only top-level names; this walks the Jinja syntax tree, follows loop
variables (``{% for p in fgd.invitees %}{{ p.name }}`` uses ``fgd.invitees[].name``) and compares
every path with the agreement model.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from workflow.catalogue import DocumentSpec, load_catalogue, shown, templates_dir
from workflow.compiled import UnsafeTemplate, patcher, safe_members
from workflow.context import schema_paths
from workflow.errors import InvalidData
from workflow.model import Agreement
from workflow.store import Store

_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_CURLY = "\u2018\u2019\u201c\u201d"
_CELL = re.compile(r"<w:tc[ >].*?</w:tc>", re.S)
_PLAIN_FOR = re.compile(r"\{%-?\s*for\s")
_LOOP = "@loop"
_PARA = re.compile(r"<w:p[ >].*?</w:p>", re.S)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


@dataclass(frozen=True)
class TemplateIssue:
    """One problem in one template."""

    template: str
    part: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.template} ({self.part})"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


def template_parts(path: Path) -> list[tuple[str, str, str]]:
    """(part name, raw XML, Jinja source cleaned as docxtpl cleans it) of every templated part."""
    with zipfile.ZipFile(path) as zf:
        safe_members(zf)
        names = sorted(n for n in zf.namelist() if _PARTS.match(n))
        raws = [(n, zf.read(n).decode("utf-8")) for n in names]
    return [(n, raw, patcher().patch_xml(raw)) for n, raw in raws]  # docxtpl's own clean-up


def _paragraph_texts(xml: str) -> list[str]:
    """The text of each paragraph as Word shows it (runs joined, markup dropped)."""
    return ["".join(_TEXT.findall(p)) for p in _PARA.findall(xml)]


def used_paths(source: str) -> tuple[list[str], list[str]]:
    """(variable paths, unsafe attribute uses) in one Jinja source."""
    from jinja2 import nodes

    from workflow.render import environment

    tree = environment().parse(source)
    found: list[str] = []
    unsafe: list[str] = []

    def path_of(node: Any, scope: dict[str, str]) -> str | None:
        if isinstance(node, nodes.Name):
            return scope.get(node.name, node.name)
        if isinstance(node, nodes.Getattr):
            base = path_of(node.node, scope)
            return None if base is None else f"{base}.{node.attr}"
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            base = path_of(node.node, scope)
            if base is None:
                return None
            key = node.arg.value
            return f"{base}[]" if isinstance(key, int) else f"{base}.{key}"
        return None

    def visit(node: Any, scope: dict[str, str]) -> None:
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            unsafe.append(node.attr)
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_"):
            unsafe.append(str(node.arg.value))
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            path = path_of(node, scope)
            if path is not None:
                if not path.startswith(_LOOP) and not (isinstance(node, nodes.Name) and node.ctx != "load"):
                    found.append(path)
                return
        if isinstance(node, nodes.For):
            visit(node.iter, scope)
            inner = dict(scope, loop=_LOOP)
            base = path_of(node.iter, scope)
            targets = [node.target] if isinstance(node.target, nodes.Name) else node.target.find_all(nodes.Name)
            for target in targets:
                inner[target.name] = f"{base}[]" if base else _LOOP
            for child in (*node.body, *([node.test] if node.test else [])):
                visit(child, inner)
            for child in node.else_:
                visit(child, scope)
            return
        if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
            visit(node.node, scope)
            base = path_of(node.node, scope)
            scope[node.target.name] = base if base else _LOOP
            return
        for child in node.iter_child_nodes():
            visit(child, scope)

    visit(tree, {})
    return found, unsafe


@cache
def _valid() -> frozenset[str]:
    return frozenset(schema_paths())


def check_template(path: Path, spec: DocumentSpec | None = None) -> list[TemplateIssue]:
    """Every problem of one template file; an empty list when it is sound."""
    from jinja2 import TemplateSyntaxError

    name = shown(path)
    issues: list[TemplateIssue] = []
    try:
        parts = template_parts(path)
    except UnsafeTemplate as err:
        return [TemplateIssue(name, "file", "", f"refused: {err}")]
    except (OSError, zipfile.BadZipFile, KeyError, UnicodeDecodeError) as err:
        return [TemplateIssue(name, "file", "", f"not a readable .docx ({err})")]
    valid = _valid()
    sections = set(Agreement.__dataclass_fields__)
    for part, raw, source in parts:
        # docxtpl straightens curly quotes itself, so look at what the author typed
        for tag in (t for text in _paragraph_texts(raw) for t in _TAG.findall(text)):
            if any(q in tag for q in _CURLY):
                issues.append(
                    TemplateIssue(name, part, "", f"curly quotes inside {_short(tag)}, expected straight quotes ' or \"")
                )
        for cell in _CELL.findall(source):
            for tag in _TAG.findall(cell):
                if _PLAIN_FOR.match(tag):
                    issues.append(
                        TemplateIssue(
                            name,
                            part,
                            "",
                            f"{_short(tag)} inside a table cell, expected {{%tr for ... %}} in a row of its own",
                        )
                    )
        try:
            paths, unsafe = used_paths(source)
        except TemplateSyntaxError as err:
            issues.append(TemplateIssue(name, part, "", f"template syntax error: {err.message}"))
            continue
        for attr in sorted(set(unsafe)):
            issues.append(TemplateIssue(name, part, attr, "access to underscore attributes is not allowed in templates"))
        for p in sorted(set(paths)):
            if p not in valid:
                near = difflib.get_close_matches(p, valid, n=1)
                hint = f", did you mean {near[0]}?" if near else ""
                issues.append(TemplateIssue(name, part, p, f"not in the agreement model{hint}"))
            elif spec is not None:
                top = p.split(".")[0].split("[")[0]
                if top in sections and top not in spec.needs:
                    issues.append(TemplateIssue(name, part, p, f"section {top} is not in the catalogue's needs for {spec.name}"))
    return issues


def check_templates() -> list[TemplateIssue]:
    """Check every template of the catalogue, and every .docx in templates/ not in it."""
    catalogue = load_catalogue()
    issues: list[TemplateIssue] = []
    listed = set()
    for _, spec in catalogue.documents():
        listed.add(spec.template)
        issues += check_template(templates_dir() / spec.template, spec)
    for path in sorted(templates_dir().glob("*.docx")):
        if path.name not in listed:
            issues.append(TemplateIssue(shown(path), "catalogue", "", "template is not listed in templates/catalogue.yaml"))
    return issues


def _short(tag: str) -> str:
    tag = " ".join(tag.split())
    return tag if len(tag) <= 50 else tag[:47] + "..."


@dataclass(frozen=True)
class Report:
    """What `check` looked at and every problem it found."""

    checked: list[str]
    problems: list[str]


def check_project(store: Store, slug: str | None = None) -> Report:
    """Validate agreements (one, or all under the root), process definitions, the catalogue and every template."""
    from workflow.agreements import load_file

    checked: list[str] = []
    problems: list[str] = []
    slugs = [slug] if slug else list(store.slugs())
    from workflow.signing import frozen_changes

    for s in slugs:
        path = store.agreement_file(s)
        try:
            load_file(path)
            problems += frozen_changes(store, s)
        except InvalidData as err:
            problems += [str(p) for p in err.problems]
        checked.append(str(path))
    from workflow.process import available, load_process

    for name in available():
        try:
            load_process(name)
            checked.append(f"process {name}")
        except InvalidData as err:
            problems += [str(p) for p in err.problems]
    try:
        issues = check_templates()
    except InvalidData as err:
        problems += [str(p) for p in err.problems]
    else:
        problems += [str(i) for i in issues]
        checked.append(f"{len(load_catalogue().documents())} templates in {templates_dir()}")
    return Report(checked, problems)
