"""The schema reference page, generated from the model so it cannot drift from it."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, get_args, get_origin, get_type_hints

from workflow.data.model import Agreement
from workflow.data.schema import describe, is_optional, strip_optional
from workflow.i18n import _


def schema_reference() -> str:
    """Markdown describing every field of ``agreement.yaml`` and every derived value (in the reader's language)."""
    out = [
        _("# agreement.yaml reference"),
        "",
        _("Generated from `workflow/data/model.py` by `mou schema`; do not edit by hand."),
        "",
        _("- **required**: the key must be present with a value."),
        _(
            "- **may be unknown**: the key must be present; leave it empty while the fact is not known, and\n"
            "  documents show a visible `[PLACEHOLDER]` instead of inventing a value."
        ),
        _("- **optional**: the key may be left out."),
        "",
        _(
            "Dates are written `YYYY-MM-DD`; numbers without separators (`1000`, not `1.000`); text that\n"
            "looks like a number (a NIP) goes in quotes. Only `true`/`false` are booleans: `no`, `off` stay text."
        ),
        "",
        _("| field | type | status | meaning |"),
        "|---|---|---|---|",
    ]
    derived: list[str] = []
    _rows(Agreement, "", out, derived)
    out += [
        "",
        _("## Derived values (computed by the library; templates may use them)"),
        "",
        _("| value | meaning |"),
        "|---|---|",
    ]
    out += derived
    out += [_("| `version` | draft number of the document being rendered |"), ""]
    return "\n".join(out)


def _rows(cls: type, prefix: str, out: list[str], derived: list[str]) -> None:
    hints = get_type_hints(cls)
    for f in dataclasses.fields(cls):
        tp: Any = hints[f.name]
        path = f"{prefix}{f.name}"
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
            status = _("optional")
        elif is_optional(tp):
            status = _("may be unknown")
        else:
            status = _("required")
        doc = f.metadata.get("doc", "")
        doc = _(doc) if doc else ""  # the field's description (marked by field() in the model)
        bounds = ""
        if f.metadata.get("lo") is not None:
            bounds = f" ({f.metadata['lo']}–{f.metadata['hi']})"
        out.append(f"| `{path}` | {describe(tp)}{bounds} | {status} | {doc} |")
        base = strip_optional(tp)
        if get_origin(base) is list:
            base = get_args(base)[0]
            path += "[]"
        if dataclasses.is_dataclass(base):
            _rows(typing.cast(type, base), path + ".", out, derived)
    for name in dir(cls):
        attr = getattr(cls, name)
        if not name.startswith("_") and isinstance(attr, property):
            summary = _((attr.__doc__ or "").strip().splitlines()[0])  # make i18n extracts these first lines too
            derived.append(f"| `{prefix}{name}` | {summary} |")
