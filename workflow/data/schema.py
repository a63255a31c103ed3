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

from workflow.data.yaml import Document, join
from workflow.errors import InvalidData, Problem

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
    """What a value of type ``tp`` looks like, in words, for error messages and the schema page."""
    base = strip_optional(tp)
    if base is str:
        return "text"
    if base is int:
        return "a whole number"
    if base is bool:
        return "true or false"
    if base is Decimal:
        return "a number"
    if base is date:
        return "a date YYYY-MM-DD"
    if get_origin(base) is Literal:
        return "one of " + ", ".join(str(a) for a in get_args(base))
    if get_origin(base) is list:
        return f"a list of {describe(get_args(base)[0])}"
    if dataclasses.is_dataclass(base):
        return "a mapping"
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
                [Problem(self.doc.path, None, "", "is empty, expected the fields of an agreement (see `mou schema`)")]
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
            self.fail(fpath, f"is empty, expected {describe(tp)}")
            return None
        base = strip_optional(tp)
        if dataclasses.is_dataclass(base):
            return self.record(typing.cast(type, base), raw, fpath)
        if get_origin(base) is list:
            if not isinstance(raw, list):
                self.fail(fpath, f"{_shown(raw)} is not a list, expected {describe(base)}")
                return None
            (item_tp,) = get_args(base)
            return [self.value(item_tp, item, join(fpath, i), md) for i, item in enumerate(raw, 1)]
        if get_origin(base) is Literal:
            allowed = get_args(base)
            if raw not in allowed:
                self.fail(fpath, f"{_shown(raw)} is not allowed, expected {describe(base)}")
                return None
            return raw
        if base is str:
            return self.text(raw, fpath)
        if base is int:
            return self.integer(raw, fpath, md)
        if base is bool:
            if not isinstance(raw, bool):
                self.fail(fpath, f"{_shown(raw)} is not true or false, expected true or false")
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
            self.fail(fpath or "(top level)", f"{_shown(raw)} is not a mapping, expected a mapping of fields")
            return None
        hints, fields = _layout(cls)
        for key in raw:
            if key not in fields:
                near = difflib.get_close_matches(key, fields, n=1)
                hint = f"did you mean '{near[0]}'? " if near else ""
                self.fail(join(fpath, key), f"unknown field, {hint}expected one of: {', '.join(fields)}")
        kwargs: dict[str, Any] = {}
        ok = True
        for name, f in fields.items():
            child = join(fpath, name)
            if name not in raw:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    hint = " (leave it empty if not yet known)" if is_optional(hints[name]) else ""
                    self.problems.append(
                        Problem(
                            self.doc.path,
                            self.doc.line(fpath),
                            child,
                            f"missing, expected {describe(hints[name])}{hint}",
                        )
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
            self.fail(
                fpath,
                f"{_shown(raw)} is a {'boolean' if isinstance(raw, bool) else 'number'}, expected text (put it in quotes)",
            )
            return None
        if not isinstance(raw, str):
            self.fail(fpath, f"{_shown(raw)} is not text, expected text")
            return None
        if not raw.strip():
            self.fail(fpath, "is blank, expected text (leave the field empty only where it may be unknown)")
            return None
        bad = _XML_INVALID.search(raw)
        if bad:
            self.fail(
                fpath,
                f"contains the control character U+{ord(bad.group()):04X} at position {bad.start() + 1}, expected printable text",
            )
            return None
        if len(raw) > MAX_TEXT:
            self.fail(fpath, f"is {len(raw):,} characters long, expected at most {MAX_TEXT:,}")
            return None
        return raw.strip()

    def integer(self, raw: Any, fpath: str, md: Mapping[str, Any]) -> int | None:
        """A whole number within the field's bounds."""
        lo, hi = md.get("lo"), md.get("hi")
        if lo is not None and hi is not None:
            want = f"a whole number from {lo:,} to {hi:,}".replace(",", ".")
        else:
            want = "a whole number"
        if isinstance(raw, bool) or not isinstance(raw, int):
            extra = " without separators" if isinstance(raw, str | float) else ""
            self.fail(fpath, f"{_shown(raw)} is not a whole number, expected {want}{extra}")
            return None
        if (lo is not None and raw < lo) or (hi is not None and raw > hi):
            self.fail(fpath, f"{raw} is out of range, expected {want}")
            return None
        return raw

    def decimal(self, raw: Any, fpath: str) -> Decimal | None:
        """A non-negative decimal number (floats are read through their shortest text form)."""
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            self.fail(fpath, f"{_shown(raw)} is not a number, expected a number such as 1 or 0.5")
            return None
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            self.fail(fpath, f"{_shown(raw)} is not a number, expected a number such as 1 or 0.5")
            return None
        if not value.is_finite() or value < 0:
            self.fail(fpath, f"{_shown(raw)} is out of range, expected a number of at least 0")
            return None
        return value

    def date(self, raw: Any, fpath: str) -> date | None:
        """An ISO date that exists in the calendar."""
        if not isinstance(raw, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            self.fail(fpath, f"{_shown(raw)} is not a date, expected YYYY-MM-DD such as 2025-05-28")
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.fail(fpath, f"{raw} is not a day of the calendar, expected a real date YYYY-MM-DD")
            return None


def _shown(raw: Any) -> str:
    text = repr(raw) if isinstance(raw, str) else str(raw)
    if isinstance(raw, dict):
        text = "a mapping"
    elif isinstance(raw, list):
        text = "a list"
    return text if len(text) <= 40 else text[:37] + "..."
