"""Turn parsed YAML into frozen dataclasses, reporting every problem with file, line and field.

The dataclasses in ``workflow.data.model`` are the schema: their type hints say what a field holds,
their metadata says what it means. This module is the one generic reader of that schema.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import types
import typing
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from workflow import i18n
from workflow.data.yaml import Document, join
from workflow.errors import InvalidData, Problem
from workflow.i18n import _

T = TypeVar("T")

MAX_TEXT = 4000
# XML 1.0 allows tab, newline and carriage return among the C0 controls, and nothing in the
# surrogate range or U+FFFE/U+FFFF; any of these would make the .docx unreadable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def meta(doc: str, *, label: str = "", lo: int | None = None, hi: int | None = None) -> dict[str, Any]:
    """Field metadata: what it means, its placeholder label when unknown, and integer bounds."""
    return {"doc": doc, "label": label, "lo": lo, "hi": hi}


def field(doc: str, *, label: str = "", lo: int | None = None, hi: int | None = None, **kw: Any) -> Any:
    """A dataclass field carrying schema metadata."""
    return dataclasses.field(metadata=meta(doc, label=label, lo=lo, hi=hi), **kw)


@functools.cache
def _layout(cls: type) -> tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]:
    """(type hints, init fields) of a model class, resolved once per process: resolving is slow."""
    return get_type_hints(cls), {f.name: f for f in dataclasses.fields(cls) if f.init}


def is_optional(tp: Any) -> bool:
    """True when ``tp`` admits None."""
    return _is_union(tp) and type(None) in get_args(tp)


def strip_optional(tp: Any) -> Any:
    """``X | None`` -> ``X``; anything else unchanged."""
    if _is_union(tp):
        args = [a for a in get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else Union[tuple(args)]  # noqa: UP007 - runtime construction
    return tp


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def describe(tp: Any) -> str:
    """What a value of type ``tp`` looks like, in words (active language), for messages and the schema page."""
    base = strip_optional(tp)
    if base is str:
        return _("text")
    if base is int:
        return _("a whole number")
    if base is bool:
        return _("true or false")
    if base is Decimal:
        return _("a number")
    if base is date:
        return _("a date YYYY-MM-DD")
    if get_origin(base) is Literal:
        return _("one of {values}").format(values=", ".join(str(a) for a in get_args(base)))
    if get_origin(base) is list:
        return _("a list of {items}").format(items=describe(get_args(base)[0]))
    if dataclasses.is_dataclass(base):
        return _("a mapping")
    return str(base)


class Reader:
    """Builds dataclasses from a parsed YAML document, collecting problems instead of stopping."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def fail(self, fpath: str, message: str) -> None:
        """Record one problem at ``fpath``."""
        self.problems.append(Problem(self.doc.path, self.doc.line(fpath), fpath, message))

    def read(self, cls: type[T]) -> T:
        """Build ``cls`` from the whole document or raise InvalidData listing every problem."""
        if self.doc.data is None:
            raise InvalidData(
                [Problem(self.doc.path, None, "", _("is empty, expected the fields of an agreement (see `mou schema`)"))]
            )
        value = self.value(cls, self.doc.data, "", {})
        if self.problems:
            raise InvalidData(sorted(self.problems, key=lambda p: (p.line or 0, p.field)))
        return typing.cast(T, value)

    def value(self, tp: Any, raw: Any, fpath: str, md: Mapping[str, Any]) -> Any:
        """Check and convert one value against type ``tp``; None on failure (problem recorded)."""
        if raw is None:
            if is_optional(tp):
                return None
            self.fail(fpath, _("is empty, expected {expected}").format(expected=describe(tp)))
            return None
        base = strip_optional(tp)
        if dataclasses.is_dataclass(base):
            return self.record(typing.cast(type, base), raw, fpath)
        if get_origin(base) is list:
            if not isinstance(raw, list):
                self.fail(
                    fpath, _("{value} is not a list, expected {expected}").format(value=_shown(raw), expected=describe(base))
                )
                return None
            (item_tp,) = get_args(base)
            return [self.value(item_tp, item, join(fpath, i), md) for i, item in enumerate(raw, 1)]
        if get_origin(base) is Literal:
            allowed = get_args(base)
            if raw not in allowed:
                self.fail(
                    fpath, _("{value} is not allowed, expected {expected}").format(value=_shown(raw), expected=describe(base))
                )
                return None
            return raw
        if base is str:
            return self.text(raw, fpath)
        if base is int:
            return self.integer(raw, fpath, md)
        if base is bool:
            if not isinstance(raw, bool):
                self.fail(fpath, _("{value} is not true or false, expected true or false").format(value=_shown(raw)))
                return None
            return raw
        if base is Decimal:
            return self.decimal(raw, fpath)
        if base is date:
            return self.date(raw, fpath)
        raise TypeError(f"schema type {base!r} at {fpath} has no reader")  # a bug in the model

    def record(self, cls: type, raw: Any, fpath: str) -> Any:
        """Build one dataclass; unknown keys and missing required keys are problems."""
        if not isinstance(raw, dict):
            self.fail(
                fpath or _("(top level)"), _("{value} is not a mapping, expected a mapping of fields").format(value=_shown(raw))
            )
            return None
        hints, fields = _layout(cls)
        for key in raw:
            if key not in fields:
                near = difflib.get_close_matches(key, fields, n=1)
                if near:
                    message = _("unknown field, did you mean '{near}'? expected one of: {fields}")
                else:
                    message = _("unknown field, expected one of: {fields}")
                self.fail(join(fpath, key), message.format(near=near[0] if near else "", fields=", ".join(fields)))
        kwargs: dict[str, Any] = {}
        ok = True
        for name, f in fields.items():
            child = join(fpath, name)
            if name not in raw:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    if is_optional(hints[name]):
                        message = _("missing, expected {expected} (leave it empty if not yet known)")
                    else:
                        message = _("missing, expected {expected}")
                    self.problems.append(
                        Problem(self.doc.path, self.doc.line(fpath), child, message.format(expected=describe(hints[name])))
                    )
                    ok = False
                continue
            before = len(self.problems)
            kwargs[name] = self.value(hints[name], raw[name], child, f.metadata)
            ok = ok and len(self.problems) == before
        if not ok:
            return None
        obj = cls(**kwargs)
        for sub, message in getattr(obj, "problems", list)():
            self.fail(join(fpath, sub) if sub else fpath, message)
        return obj

    def text(self, raw: Any, fpath: str) -> str | None:
        """Non-empty text without characters that XML 1.0 forbids."""
        if isinstance(raw, bool | int | float):
            if isinstance(raw, bool):
                message = _("{value} is a boolean, expected text (put it in quotes)")
            else:
                message = _("{value} is a number, expected text (put it in quotes)")
            self.fail(fpath, message.format(value=_shown(raw)))
            return None
        if not isinstance(raw, str):
            self.fail(fpath, _("{value} is not text, expected text").format(value=_shown(raw)))
            return None
        if not raw.strip():
            self.fail(fpath, _("is blank, expected text (leave the field empty only where it may be unknown)"))
            return None
        bad = _XML_INVALID.search(raw)
        if bad:
            self.fail(
                fpath,
                _("contains the control character {char} at position {position}, expected printable text").format(
                    char=f"U+{ord(bad.group()):04X}", position=bad.start() + 1
                ),
            )
            return None
        if len(raw) > MAX_TEXT:
            self.fail(
                fpath,
                _("is {length} characters long, expected at most {most}").format(
                    length=i18n.number(len(raw)), most=i18n.number(MAX_TEXT)
                ),
            )
            return None
        return raw.strip()

    def integer(self, raw: Any, fpath: str, md: Mapping[str, Any]) -> int | None:
        """A whole number within the field's bounds."""
        lo, hi = md.get("lo"), md.get("hi")
        if lo is not None and hi is not None:  # bounds written as the documents write numbers: 10.000.000
            want = _("a whole number from {lo} to {hi}").format(lo=f"{lo:,}".replace(",", "."), hi=f"{hi:,}".replace(",", "."))
        else:
            want = _("a whole number")
        if isinstance(raw, bool) or not isinstance(raw, int):
            if isinstance(raw, str | float):
                message = _("{value} is not a whole number, expected {expected} without separators")
            else:
                message = _("{value} is not a whole number, expected {expected}")
            self.fail(fpath, message.format(value=_shown(raw), expected=want))
            return None
        if (lo is not None and raw < lo) or (hi is not None and raw > hi):
            self.fail(fpath, _("{value} is out of range, expected {expected}").format(value=raw, expected=want))
            return None
        return raw

    def decimal(self, raw: Any, fpath: str) -> Decimal | None:
        """A non-negative decimal number (floats are read through their shortest text form)."""
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            self.fail(fpath, _("{value} is not a number, expected a number such as 1 or 0.5").format(value=_shown(raw)))
            return None
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            self.fail(fpath, _("{value} is not a number, expected a number such as 1 or 0.5").format(value=_shown(raw)))
            return None
        if not value.is_finite() or value < 0:
            self.fail(fpath, _("{value} is out of range, expected a number of at least 0").format(value=_shown(raw)))
            return None
        return value

    def date(self, raw: Any, fpath: str) -> date | None:
        """An ISO date that exists in the calendar."""
        if not isinstance(raw, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            self.fail(fpath, _("{value} is not a date, expected YYYY-MM-DD such as 2025-05-28").format(value=_shown(raw)))
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.fail(fpath, _("{value} is not a day of the calendar, expected a real date YYYY-MM-DD").format(value=raw))
            return None


def _shown(raw: Any) -> str:
    text = repr(raw) if isinstance(raw, str) else str(raw)
    if isinstance(raw, dict):
        text = _("a mapping")
    elif isinstance(raw, list):
        text = _("a list")
    return text if len(text) <= 40 else text[:37] + "..."
