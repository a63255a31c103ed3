"""Pages: an agreement's data (``/kerja-sama/{slug}/data``): a form of its everyday fields and a YAML editor.

The form is generated from the schema (the dataclasses of ``workflow.data.model``, labelled with their
translated descriptions). Both save through ``workflow.data_put``: the same validation as `mou check`,
an entry ``data`` naming the fields changed. The form never rewrites the file: each changed value is
written in place on its own line of ``agreement.yaml``, so comments and layout stay as people wrote them.
A field the file does not have is not added by the form (where it goes is a person's choice): the YAML
editor is for that.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args, get_origin
from urllib.parse import quote

from starlette.responses import Response

import workflow
from workflow.data.model import Agreement
from workflow.data.schema import is_optional, strip_optional
from workflow.data.yaml import Document
from workflow.data.yaml import parse as parse_yaml
from workflow.i18n import N_, _
from workflow.web.core import Req, redirect, render

FILE = "agreement.yaml"

SECTIONS: list[tuple[str, list[tuple[str, tuple[str, ...] | None]]]] = [
    (N_("Parties"), [("parties.pemda", None), ("parties.partner", None)]),
    (N_("Signing"), [("signing", None), ("pks", None)]),
    (N_("FGD"), [("fgd", ("date", "time", "timezone", "venue", "topic"))]),
    (
        N_("Coverage"),
        [("coverage", ("workers", "segment", "category", "data_source", "data_source_name", "income_base", "jkm_benefit"))],
    ),
    (N_("Funding and term"), [("funding", None), ("term", None)]),
    (N_("Technical team"), [("technical_team", None)]),
    (N_("Monitoring and DPRD"), [("monitoring", None), ("dprd", None)]),
]
"""The form's sections: (title, [(path of a section of agreement.yaml, the fields shown or None for all)])."""

SKIPPED = {"logo", "logo_pemda", "logo_partner"}
"""Fields left to the YAML editor: paths of pictures."""

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL = re.compile(r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- the form, generated from the schema --------------------------------------------------------------------


@dataclass
class Item:
    """One line of the form: a heading (``kind == "heading"``) or an input named by its field path."""

    kind: str  # heading, text, number, date, select, check, lines
    path: str
    label: str
    choices: tuple[str, ...] = ()
    optional: bool = False
    lo: int | None = None
    hi: int | None = None
    present: bool = True
    hidden: bool = False  # under a section the file does not have: its heading says so
    value: Any = ""  # what the input shows: text, or a bool for a checkbox
    error: str = ""


def _kind(tp: Any) -> tuple[str, tuple[str, ...]] | None:
    """The input of a scalar type (and its choices), or None for what the form leaves to the YAML editor."""
    base = strip_optional(tp)
    if base is str or base is Decimal:
        return "text", ()
    if base is int:
        return "number", ()
    if base is bool:
        return "check", ()
    if base is date:
        return "date", ()
    if get_origin(base) is Literal:
        return "select", tuple(str(a) for a in get_args(base))
    if get_origin(base) is list and get_args(base)[0] is str:
        return "lines", ()
    return None


def _walk(cls: type, prefix: str, only: tuple[str, ...] | None, out: list[Item]) -> None:
    """The inputs of ``cls`` at ``prefix``: its own values first, then each part that is a section of its own."""
    hints = typing.get_type_hints(cls)
    nested: list[tuple[type, str, str]] = []
    for f in dataclasses.fields(cls):
        if f.name in SKIPPED or (only is not None and f.name not in only):
            continue
        tp = hints[f.name]
        path = f"{prefix}.{f.name}"
        doc = f.metadata.get("doc", "")
        label = _(doc) if doc else f.name  # the field's description, as `mou schema` shows it
        base = strip_optional(tp)
        if dataclasses.is_dataclass(base):
            nested.append((typing.cast(type, base), path, label))
            continue
        kind = _kind(tp)
        if kind is None:
            continue
        has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        out.append(
            Item(
                kind[0],
                path,
                label,
                kind[1],
                optional=is_optional(tp) or has_default,
                lo=f.metadata.get("lo"),
                hi=f.metadata.get("hi"),
            )
        )
    for sub, path, label in nested:
        out.append(Item("heading", path, label))
        _walk(sub, path, None, out)


def _section_type(path: str) -> tuple[type, str]:
    """The dataclass at ``path`` of the agreement and the description of its field."""
    tp: Any = Agreement
    doc = ""
    for part in path.split("."):
        base = typing.cast(type, strip_optional(tp))
        f = next(x for x in dataclasses.fields(base) if x.name == part)
        tp, doc = typing.get_type_hints(base)[part], f.metadata.get("doc", "")
    return typing.cast(type, strip_optional(tp)), doc


def form_sections() -> list[tuple[str, list[Item]]]:
    """The form's sections with their items (no values yet), in the reader's language."""
    out = []
    for title, parts in SECTIONS:
        items: list[Item] = []
        for path, only in parts:
            cls, doc = _section_type(path)
            if len(parts) > 1:
                items.append(Item("heading", path, _(doc) if doc else path))
            _walk(cls, path, only, items)
        out.append((_(title), items))
    return out


def _inputs(sections: list[tuple[str, list[Item]]]) -> list[Item]:
    return [i for _title, items in sections for i in items if i.kind != "heading"]


# --- values of the YAML text --------------------------------------------------------------------------------


def _raw(doc: Document, path: str) -> Any:
    value: Any = doc.data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _shown(kind: str, raw: Any) -> Any:
    """What an input shows for the value ``raw`` of the file."""
    if kind == "check":
        return raw is True
    if kind == "lines":
        return "\n".join("" if v is None else str(v) for v in raw) if isinstance(raw, list) else ""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def _fill(sections: list[tuple[str, list[Item]]], doc: Document) -> None:
    absent: list[str] = []
    for _title, items in sections:
        for item in items:
            item.present = item.path in doc.lines
            item.hidden = any(item.path.startswith(a + ".") for a in absent)
            if item.kind == "heading":
                if not item.present and not item.hidden:
                    absent.append(item.path)
                continue
            item.value = _shown(item.kind, _raw(doc, item.path))


def _submitted(item: Item, req: Req) -> Any:
    """What the form sent for ``item`` (None: the field was not in the form)."""
    values = req.lists.get(item.path)
    if values is None:
        return None
    if item.kind == "check":
        return "true" in values
    text = values[0].replace("\r\n", "\n")
    if item.kind == "lines":
        return "\n".join(line.strip() for line in text.split("\n") if line.strip())
    return text.strip()


# --- writing a value into the YAML text, on its own line -----------------------------------------------------


class NotInPlace(Exception):
    """The form cannot write this value in place: the YAML editor can."""


def scalar(text: str | bool, kind: str) -> str:
    """``text`` as a YAML scalar the strict reader reads back as the same value."""
    if isinstance(text, bool):
        return "true" if text else "false"
    if text == "":
        return ""
    if kind == "number" and _INT.match(text):
        return str(int(text))
    if kind == "date" and _DAY.match(text):
        return text
    plain = (
        text == text.strip()
        and not re.search(r"[\x00-\x1f\x7f\u0085\u2028\u2029\ufeff]", text)
        and text[0] not in "-?:,[]{}#&*!|>'\"%@`"
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and not (_INT.match(text) or _FLOAT.match(text) or _SPECIAL.match(text))
    )
    return text if plain else json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _node(root: Any, path: str) -> tuple[Any, Any]:
    """(key node, value node) of ``path`` in a composed YAML tree."""
    from yaml.nodes import MappingNode

    node, key = root, None
    for part in path.split("."):
        if not isinstance(node, MappingNode):
            raise NotInPlace(path)
        found = [(k, v) for k, v in node.value if getattr(k, "value", None) == part]
        if len(found) != 1:
            raise NotInPlace(path)
        key, node = found[0]
    return key, node


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _keep_comment_column(text: str, start: int, old_end: int, new: str) -> tuple[int, str]:
    """Widen the replacement of ``text[start:old_end]`` by ``new`` over the spaces before a comment on the same
    line, so the comment keeps its column where it can (one space at least)."""
    line_end = _line_end(text, old_end)
    rest = text[old_end:line_end]
    gap = len(rest) - len(rest.lstrip(" "))
    if not rest[gap:].startswith("#") or gap == 0:
        return old_end, new
    room = (old_end - start) + gap - len(new)
    return old_end + gap, new + " " * max(room, 1)


def edit(text: str, changes: dict[str, tuple[str, str | bool]]) -> str:
    """``text`` with each field path set to its value (kind, value), written on the value's own line."""
    import yaml
    from yaml.nodes import ScalarNode, SequenceNode

    root = yaml.compose(text, Loader=yaml.SafeLoader)  # only the positions are used; values come from the strict reader
    nl = "\r\n" if "\r\n" in text else "\n"
    spans: list[tuple[int, int, str]] = []
    for path, (kind, value) in changes.items():
        key, node = _node(root, path)
        if kind == "lines":
            spans.append(_list_span(text, path, key, node, str(value), nl))
            continue
        if not isinstance(node, ScalarNode) or node.style in ("|", ">") or isinstance(node, SequenceNode):
            raise NotInPlace(path)
        start, end = node.start_mark.index, node.end_mark.index
        if node.start_mark.line != node.end_mark.line and node.value not in ("", None):
            raise NotInPlace(path)  # a value written over several lines
        new = scalar(value, kind)
        if start == end:  # an empty value: right after the colon
            new = " " + new if new else ""
        elif not new:
            start = key.end_mark.index + 1  # back to nothing after the colon
        end, new = _keep_comment_column(text, start, end, new)
        spans.append((start, end, new))
    spans.sort(reverse=True)
    for (start, end, new), later in zip(spans, [None, *spans], strict=False):
        if later is not None and end > later[0]:
            raise NotInPlace("")  # overlapping edits: never guess
        text = text[:start] + new + text[end:]
    return text


def _list_span(text: str, path: str, key: Any, node: Any, value: str, nl: str) -> tuple[int, int, str]:
    """The edit setting the list of texts at ``path`` to the lines of ``value``: unchanged items keep their lines."""
    from yaml.nodes import ScalarNode, SequenceNode

    items = value.split("\n") if value else []
    if not isinstance(node, SequenceNode) or any(not isinstance(n, ScalarNode) for n in node.value):
        raise NotInPlace(path)
    if node.flow_style or not node.value:
        flow = "[" + ", ".join(scalar(i, "text") for i in items) + "]"
        if not node.value and not node.flow_style:
            raise NotInPlace(path)
        return node.start_mark.index, node.end_mark.index, flow
    first = node.value[0]
    start = _line_start(text, first.start_mark.index)
    prefix = text[start : first.start_mark.index]
    if not re.fullmatch(r" *- ", prefix):
        raise NotInPlace(path)
    end = _line_end(text, node.value[-1].end_mark.index)
    if not items:
        return key.end_mark.index + 1, end, " []"
    old = [n.value for n in node.value]
    lines: list[str] = []
    for i, item in enumerate(items):
        if i < len(old) and old[i] == item:
            n = node.value[i]
            lines.append(text[_line_start(text, n.start_mark.index) : _line_end(text, n.end_mark.index)])
        else:
            lines.append(prefix + scalar(item, "text"))
    return start, end, nl.join(lines)


# --- the page ------------------------------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8-sig", errors="replace")


def _encode(text: str, like: bytes) -> bytes:
    return (b"\xef\xbb\xbf" if like.startswith(b"\xef\xbb\xbf") else b"") + text.encode("utf-8")


@dataclass
class Reason:
    """One reason of a refusal, and the line of the text it points at (shown under it)."""

    message: str
    line: int | None = None
    source: str = ""


def _reasons(err: workflow.MouError, text: str = "") -> list[Reason]:
    """Every reason of a refusal: line and field first where the data says them, with that line of ``text``."""
    problems = getattr(err, "problems", None)
    if not isinstance(err, workflow.InvalidData) or not problems:
        reasons = getattr(err, "reasons", None)
        return [Reason(str(r)) for r in reasons] if reasons else [Reason(m) for m in str(err).splitlines() or [str(err)]]
    lines = text.splitlines()
    out = []
    for p in problems:
        if p.line and p.field:
            message = _("line {line}: {field}: {message}").format(line=p.line, field=p.field, message=p.message)
        elif p.line:
            message = _("line {line}: {message}").format(line=p.line, message=p.message)
        else:
            message = f"{p.field}: {p.message}" if p.field else p.message
        source = lines[p.line - 1] if p.line and 0 < p.line <= len(lines) else ""
        out.append(Reason(message, p.line, source))
    return out


def _show(
    req: Req,
    slug: str,
    person: str | None,
    raw: bytes,
    *,
    status: int = 200,
    errors: list[Reason] | None = None,
    yaml_text: str | None = None,
    submitted: bool = False,
    field_errors: dict[str, str] | None = None,
    where: str = "",
    note: str = "",
) -> Response:
    text = _decode(raw)
    sections: list[tuple[str, list[Item]]] = []
    broken: list[Reason] = []
    try:
        doc = parse_yaml(Path(FILE), text)
    except workflow.InvalidData as err:
        broken = _reasons(err, text)
    else:
        sections = form_sections()
        _fill(sections, doc)
        for item in _inputs(sections):
            if submitted:
                sent = _submitted(item, req)
                if sent is not None:
                    item.value = sent
            item.error = (field_errors or {}).get(item.path, "")
    return render(
        req,
        "data.html",
        status=status,
        slug=slug,
        person=person,
        sebagai=req.form.get("sebagai") or req.query.get("sebagai") or "",
        sections=sections,
        broken=broken,
        errors=errors or [],
        where=where,
        yaml_text=text if yaml_text is None else yaml_text,
        base=hashlib.sha256(raw).hexdigest(),
        note=note,
    )


def data_page(req: Req) -> Response:
    slug = req.params["slug"]
    person = req.agreement(slug)
    raw = req.store.read(slug, FILE)
    if req.method == "GET":
        return _show(req, slug, person, raw)
    part = req.form.get("bagian", "")
    note = req.form.get("note", "").strip()
    if part == "yaml":
        return _save_yaml(req, slug, person, raw, note)
    return _save_form(req, slug, person, raw, note)


def _stale(req: Req, raw: bytes) -> bool:
    return req.form.get("dasar", "") != hashlib.sha256(raw).hexdigest()


STALE = N_(
    "The data was changed by someone else since this page was opened; nothing was saved. "
    "The page now shows the current data: make your change again."
)


def _save_yaml(req: Req, slug: str, person: str | None, raw: bytes, note: str) -> Response:
    sent = req.form.get("yaml", "").replace("\r\n", "\n")
    if "\r\n" in _decode(raw):
        sent = sent.replace("\n", "\r\n")
    if _stale(req, raw):
        return _show(req, slug, person, raw, status=409, errors=[Reason(_(STALE))], where="yaml", note=note)
    new = _encode(sent, raw)
    return _put(req, slug, person, new, note, where="yaml", yaml_text=sent, raw=raw, source=sent)


def _save_form(req: Req, slug: str, person: str | None, raw: bytes, note: str) -> Response:
    if _stale(req, raw):
        return _show(req, slug, person, raw, status=409, errors=[Reason(_(STALE))], where="form", note=note)
    text = _decode(raw)
    try:
        doc = parse_yaml(Path(FILE), text)
    except workflow.InvalidData as err:
        return _show(req, slug, person, raw, status=400, errors=_reasons(err, text), where="form", note=note)
    sections = form_sections()
    _fill(sections, doc)
    changes: dict[str, tuple[str, str | bool]] = {}
    absent: dict[str, str] = {}
    for item in _inputs(sections):
        sent = _submitted(item, req)
        if sent is None or sent == item.value:
            continue
        if not item.present:
            message = _("is not in agreement.yaml: add it with the YAML editor below, where it belongs in the file")
            absent[item.path] = message
            continue
        changes[item.path] = (item.kind, sent)
    if absent:
        return _refuse_form(req, slug, person, raw, absent, note)
    if not changes:
        return redirect(_url(req, slug), _("Nothing changed."))
    try:
        new_text = edit(text, changes)
        _check_written(new_text, changes)
    except NotInPlace as err:
        message = _("cannot be changed in place by the form: change it with the YAML editor below")
        return _refuse_form(req, slug, person, raw, {str(err): message}, note)
    return _put(req, slug, person, _encode(new_text, raw), note, where="form", raw=raw, source=new_text)


def _refuse_form(req: Req, slug: str, person: str | None, raw: bytes, problems: dict[str, str], note: str) -> Response:
    """The form again, as it was sent, with each field's problem beside it and listed above; nothing written."""
    errors = [Reason(f"{path}: {message}" if path else message) for path, message in problems.items()]
    return _show(
        req, slug, person, raw, status=400, errors=errors, submitted=True, field_errors=problems, where="form", note=note
    )


def _check_written(text: str, changes: dict[str, tuple[str, str | bool]]) -> None:
    """The edited text reads back with each changed value as the form gave it (else the form writes nothing)."""
    try:
        doc = parse_yaml(Path(FILE), text)
    except workflow.InvalidData:
        raise NotInPlace("") from None
    for path, (kind, value) in changes.items():
        if _shown(kind, _raw(doc, path)) != value:
            raise NotInPlace(path)


def _put(
    req: Req,
    slug: str,
    person: str | None,
    new: bytes,
    note: str,
    *,
    where: str,
    raw: bytes,
    source: str,
    yaml_text: str | None = None,
) -> Response:
    try:
        done = workflow.data_put(req.store, slug, new, actor=person, note=note, name=Path(FILE))
    except workflow.MouError as err:
        field_errors = {p.field: p.message for p in getattr(err, "problems", []) if p.field}
        return _show(
            req,
            slug,
            person,
            raw,
            status=400,
            errors=_reasons(err, source),
            yaml_text=yaml_text,
            submitted=where == "form",
            field_errors=field_errors,
            where=where,
            note=note,
        )
    if done.entry is None:
        return redirect(_url(req, slug), _("Nothing changed."))
    if not done.fields:
        return redirect(_url(req, slug), _("The data is saved: only comments or layout changed."))
    return redirect(_url(req, slug), _("The data is saved. Fields changed: {fields}.").format(fields=", ".join(done.fields)))


def _url(req: Req, slug: str) -> str:
    url = f"/kerja-sama/{quote(slug)}/data"
    chosen = req.form.get("sebagai")
    return f"{url}?sebagai={quote(chosen)}" if chosen else url


ROUTES: list[tuple[str, Any, list[str]]] = [
    ("/kerja-sama/{slug}/data", data_page, ["GET", "POST"]),
]
