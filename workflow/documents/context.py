"""The data a template sees: the agreement as plain values, derived figures, and placeholders.

``build_context`` and ``schema_paths`` walk the same model, so the paths ``mou check`` accepts are
exactly the values a render provides.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from datetime import date
from typing import Any, get_args, get_origin, get_type_hints

from workflow.data.extras import Report, Santunan
from workflow.data.model import Agreement, Amendment, Identifier
from workflow.data.schema import strip_optional

# Who a placeholder belongs to, by field path, so an unknown NIP reads "[NIP NOTULIS]".
_OWNERS = {
    "parties.pemda": "{pihak_kesatu}",
    "parties.partner": "PIHAK KEDUA",
    "fgd.chair": "PIMPINAN FGD",
    "fgd.minutes_taker": "NOTULIS",
    "fgd.invitation.signer": "PENANDA TANGAN",
    "technical_team.signer": "KETUA TIM TEKNIS",
}
EXTRA_NAMES: dict[str, Any] = {"version": int, "final": bool, "adendum": Amendment, "report": Report, "santunan": Santunan}
"""Values a render adds beside the agreement: the draft version number, whether it is the text for
signature, and the adendum being drafted (the last of ``amendments``)."""
_DATE_ATTRS = ("year", "month", "day")


class Placeholder:
    """A fact not yet known; renders as a visible ``[LABEL]`` and passes through every filter."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label

    def __str__(self) -> str:
        return f"[{self.label}]"

    def __repr__(self) -> str:
        return f"Placeholder({self.label!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Placeholder) and other.label == self.label

    def __hash__(self) -> int:
        return hash(self.label)


EXAMPLE_MARK = "[CONTOH]"


class Example:
    """An invented value (listed in ``examples:``): prints as ``[CONTOH] value`` through every filter."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __str__(self) -> str:
        return mark_example(str(self.value))

    def __repr__(self) -> str:
        return f"Example({self.value!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Example) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.value, name)


def mark_example(text: str) -> str:
    """``text`` with the [CONTOH] mark in front (once)."""
    return text if text.startswith(EXAMPLE_MARK) else f"{EXAMPLE_MARK} {text}"


def build_context(agreement: Agreement, *, version: int = 1, final: bool = False) -> dict[str, Any]:
    """The template context of ``agreement``: fields, derived properties, placeholders and marked examples."""
    ctx = typing.cast(dict[str, Any], _convert(agreement, "", "", agreement))
    for path in agreement.examples:
        *parents, leaf = path.split(".")
        holder: Any = ctx
        for part in parents:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if isinstance(holder, dict) and holder.get(leaf) is not None and not isinstance(holder[leaf], Placeholder):
            holder[leaf] = Example(holder[leaf])
    ctx["version"] = version
    ctx["final"] = final
    ctx["adendum"] = ctx["amendments"][-1] if ctx["amendments"] else Placeholder("ADENDUM")
    return ctx


def resolve(ctx: dict[str, Any], path: str) -> Any:
    """The value at a template path in a context: ``fgd.invitees[].position`` gives a list."""
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    index = re.fullmatch(r"(\w+)\[(\d+)\]", head)
    if index:  # amendments[2]: one element, 1-based
        items = ctx.get(index.group(1)) if isinstance(ctx, dict) else None
        n = int(index.group(2))
        value = items[n - 1] if isinstance(items, list) and 0 < n <= len(items) else None
        return resolve(value, rest) if rest and isinstance(value, dict) else (value if not rest else None)
    value = ctx.get(head.removesuffix("[]")) if isinstance(ctx, dict) else None
    if not rest:
        return value
    if many or isinstance(value, list):
        return [resolve(item, rest) for item in (value or [])]
    return resolve(value, rest) if isinstance(value, dict) else None


def plain(value: Any) -> Any:
    """A context value as JSON: dates as ISO text, placeholders as their visible text."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Example):
        return plain(value.value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _convert(obj: Any, path: str, owner: str, agreement: Agreement) -> Any:
    if isinstance(obj, list):
        return [_convert(item, path + "[]", owner, agreement) for item in obj]
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return obj
    owner = _OWNERS.get(path, owner).format(pihak_kesatu=agreement.pihak_kesatu)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        child = f"{path}.{f.name}" if path else f.name
        if value is None and f.default is dataclasses.MISSING:
            kind = obj.kind if isinstance(obj, Identifier) else ""
            label = f.metadata["label"].format(owner=owner, kind=kind).strip()
            out[f.name] = Placeholder(label)
        else:
            out[f.name] = _convert(value, child, owner, agreement)
    for name in _properties(type(obj)):
        child = f"{path}.{name}" if path else name
        out[name] = _convert(getattr(obj, name), child, owner, agreement)
    return out


def _properties(cls: type) -> list[str]:
    return [n for n in dir(cls) if not n.startswith("_") and isinstance(getattr(cls, n), property)]


def schema_paths() -> set[str]:
    """Every value path a template may use: ``fgd.date``, ``fgd.invitees[].position``, ``budget.annual``..."""
    paths: set[str] = set()
    _walk(Agreement, "", paths)
    for name, tp in EXTRA_NAMES.items():
        _walk(tp, name, paths)
    return paths


def _walk(tp: Any, path: str, paths: set[str]) -> None:
    tp = strip_optional(tp)
    if path:
        paths.add(path)
    if get_origin(tp) is list:
        _walk(get_args(tp)[0], path + "[]", paths)
    elif dataclasses.is_dataclass(tp):
        cls = typing.cast(type, tp)
        hints = get_type_hints(cls)
        for f in dataclasses.fields(cls):
            _walk(hints[f.name], f"{path}.{f.name}" if path else f.name, paths)
        for name in _properties(cls):
            ret = get_type_hints(getattr(cls, name).fget).get("return")
            _walk(ret, f"{path}.{name}" if path else name, paths)
    elif tp is date:
        paths.update(f"{path}.{a}" for a in _DATE_ATTRS)


def leaf_types() -> dict[str, Any]:
    """Field path -> type hint for every declared field (used by the schema reference)."""
    out: dict[str, Any] = {}

    def walk(tp: Any, path: str) -> None:
        base = strip_optional(tp)
        if get_origin(base) is list:
            walk(get_args(base)[0], path + "[]")
        elif dataclasses.is_dataclass(base):
            cls = typing.cast(type, base)
            hints = get_type_hints(cls)
            for f in dataclasses.fields(cls):
                child = f"{path}.{f.name}" if path else f.name
                out[child] = hints[f.name]
                walk(hints[f.name], child)

    walk(Agreement, "")
    return out
