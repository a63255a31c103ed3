"""Read and create agreements: ``agreement.yaml`` in, a validated ``Agreement`` out."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from workflow.data.model import Agreement
from workflow.data.schema import Reader, describe, is_optional, strip_optional
from workflow.data.yaml import load as load_yaml


def parse(path: Path, raw: bytes) -> Agreement:
    """Parse and validate the bytes of one ``agreement.yaml`` (``path`` names it in messages).

    The result is a pure function of the bytes, kept in the per-user cache (``workflow.data.cache``).
    Roles and process are checked a layer up, where processes are known.
    """
    from workflow.data.cache import cached
    from workflow.data.yaml import decode

    return cached("agreement", raw, lambda: Reader(load_yaml(path, decode(path, raw))).read(Agreement))


@dataclass(frozen=True)
class Loaded:
    """A validated agreement and the file it came from."""

    slug: str
    path: Path
    agreement: Agreement
    raw: bytes = b""
    """The bytes of agreement.yaml the agreement was read from (read once per command)."""

    @property
    def sha256(self) -> str:
        """SHA-256 of those bytes: the data version history entries are recorded against."""
        import hashlib

        return hashlib.sha256(self.raw).hexdigest()


def skeleton() -> str:
    """A commented ``agreement.yaml`` with every field of the model and nothing filled in.

    The comments are in the reader's language; the keys and the (empty) values are the data, the same in both.
    """
    from workflow.i18n import _

    header = _(
        "A new agreement. Fill in every field; leave a field empty only where the comment says\n"
        "it may be unknown (documents then show a [PLACEHOLDER]). `mou check SLUG` lists what is missing.\n"
        "`mou schema` describes every field."
    )
    lines = [f"# {line}".rstrip() for line in header.splitlines()] + [""]
    _skeleton(Agreement, 0, lines)
    return "\n".join(lines) + "\n"


def _skeleton(cls: type, indent: int, lines: list[str], first_prefix: str = "") -> None:
    from workflow.i18n import _

    hints = get_type_hints(cls)
    pad = " " * indent
    for i, f in enumerate(dataclasses.fields(cls)):
        tp = hints[f.name]
        lead = first_prefix if i == 0 and first_prefix else pad
        base = strip_optional(tp)
        note = f.metadata.get("doc", "")
        note = " ".join(_(note).split()) if note else ""  # the field's description, on the comment's one line
        if is_optional(tp) and f.default is dataclasses.MISSING:
            note = _("{description}; may be left empty while unknown").format(description=note)
        elif f.default is not dataclasses.MISSING:
            note = _("{description}; optional, may be left out").format(description=note)
        if dataclasses.is_dataclass(base):
            lines.append(f"{lead}{f.name}:  # {note}")
            _skeleton(typing.cast(type, base), indent + 2, lines)
        elif get_origin(base) is list and dataclasses.is_dataclass(get_args(base)[0]):
            lines.append(f"{lead}{f.name}:  # {note}")
            _skeleton(typing.cast(type, get_args(base)[0]), indent + 4, lines, " " * (indent + 2) + "- ")
        elif get_origin(base) is list:
            lines.append(f"{lead}{f.name}:  # {note}")
            lines.append(f"{pad}  -")
        else:
            lines.append(f"{lead}{f.name}:  # {describe(tp)}: {note}")


def as_plain(value: Any) -> Any:
    """A dataclass tree as plain dicts and lists (for --json output)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [as_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
