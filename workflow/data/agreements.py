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
from workflow.data.yaml import read_bytes
from workflow.errors import AgreementExists, InvalidData, MouError, Problem
from workflow.records.store import AGREEMENT_FILE, Store, check_slug, write_new


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


def load_file(path: Path, raw: bytes | None = None) -> Agreement:
    """Parse and validate one ``agreement.yaml``, its process and people's roles included.

    Raises InvalidData listing every problem. A file read before with the same bytes comes from the
    per-user cache (``workflow.data.cache``); its process and roles are checked every time.
    """
    from workflow.data.cache import cached
    from workflow.data.yaml import decode
    from workflow.errors import UnknownProcess
    from workflow.process.definition import load_process

    raw = read_bytes(path) if raw is None else raw
    agreement = cached("agreement", raw, lambda: Reader(load_yaml(path, decode(path, raw))).read(Agreement))
    try:
        roles = {r.name for r in load_process(agreement.process).roles}
    except UnknownProcess as err:
        raise InvalidData([Problem(path, load_yaml(path).line("process"), "process", str(err))]) from err
    bad = [
        (i, j, role)
        for i, person in enumerate(agreement.people, 1)
        for j, role in enumerate(person.roles, 1)
        if role not in roles
    ]
    if bad:
        doc = load_yaml(path)  # only now are line numbers needed
        raise InvalidData(
            [
                Problem(
                    path,
                    doc.line(f"people[{i}].roles[{j}]"),
                    f"people[{i}].roles[{j}]",
                    f"{role} is not a role of process {agreement.process}, expected one of {', '.join(sorted(roles))}",
                )
                for i, j, role in bad
            ]
        )
    return agreement


def load(store: Store, slug: str) -> Loaded:
    """Load the agreement ``slug`` from ``store``."""
    path = store.agreement_file(slug)
    raw = read_bytes(path)
    return Loaded(slug, path, load_file(path, raw), raw)


def new(store: Store, slug: str, from_slug: str | None = None, extends: str | None = None) -> Path:
    """Create ``ROOT/SLUG/agreement.yaml``: a copy of another agreement's file, or a commented skeleton.

    ``extends`` starts a new cycle of an existing agreement: its data is copied (unless ``from_slug``
    says otherwise) and ``extends: OLD`` is added, linking the two.
    """
    check_slug(slug)
    target = store.folder(slug) / AGREEMENT_FILE
    if target.exists():
        raise AgreementExists(slug, store.root)
    source = from_slug or extends
    text = store.agreement_file(source).read_bytes() if source is not None else skeleton().encode()
    if extends is not None:
        if b"\nextends:" in b"\n" + text:
            raise MouError(f"{source} already has an extends: line; write the new agreement.yaml by hand")
        text = text.rstrip(b"\n") + f"\n\n# A new cycle of {extends} (mou new --extends).\nextends: {extends}\n".encode()
    try:
        write_new(target, text)
    except FileExistsError as err:
        raise AgreementExists(slug, store.root) from err
    return target


def skeleton() -> str:
    """A commented ``agreement.yaml`` with every field of the model and nothing filled in."""
    lines = [
        "# A new agreement. Fill in every field; leave a field empty only where the comment says",
        "# it may be unknown (documents then show a [PLACEHOLDER]). `mou check SLUG` lists what is missing.",
        "# `mou schema` describes every field.",
        "",
    ]
    _skeleton(Agreement, 0, lines)
    return "\n".join(lines) + "\n"


def _skeleton(cls: type, indent: int, lines: list[str], first_prefix: str = "") -> None:
    hints = get_type_hints(cls)
    pad = " " * indent
    for i, f in enumerate(dataclasses.fields(cls)):
        tp = hints[f.name]
        lead = first_prefix if i == 0 and first_prefix else pad
        base = strip_optional(tp)
        note = f.metadata.get("doc", "")
        if is_optional(tp) and f.default is dataclasses.MISSING:
            note += "; may be left empty while unknown"
        elif f.default is not dataclasses.MISSING:
            note += "; optional, may be left out"
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
