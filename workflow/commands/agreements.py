"""Agreements in a store: load one (validated against its process), create one."""

from __future__ import annotations

from pathlib import Path

from workflow.data.agreements import Loaded, parse, skeleton
from workflow.data.model import Agreement
from workflow.data.yaml import MAX_BYTES, decode, read_bytes
from workflow.data.yaml import load as load_yaml
from workflow.errors import AgreementExists, InvalidData, MouError, Problem, UnknownProcess
from workflow.i18n import _, number
from workflow.process.definition import load_process
from workflow.records.store import AGREEMENT_FILE, Store, check_slug


def load_file(path: Path, raw: bytes | None = None) -> Agreement:
    """Parse and validate one ``agreement.yaml``, its process and people's roles included.

    Raises InvalidData listing every problem. A file read before with the same bytes comes from the
    per-user cache (``workflow.data.cache``); its process and roles are checked every time.
    """
    raw = read_bytes(path) if raw is None else raw
    agreement = parse(path, raw)
    check_roles(agreement, path, raw)
    return agreement


def check_roles(agreement: Agreement, path: Path, raw: bytes) -> None:
    """The agreement's process exists and every role its people hold is one the process declares."""
    try:
        roles = {r.name for r in load_process(agreement.process).roles}
    except UnknownProcess as err:
        raise InvalidData([Problem(path, load_yaml(path, decode(path, raw)).line("process"), "process", str(err))]) from err
    bad = [
        (i, j, role)
        for i, person in enumerate(agreement.people, 1)
        for j, role in enumerate(person.roles, 1)
        if role not in roles
    ]
    if bad:
        doc = load_yaml(path, decode(path, raw))  # only now are line numbers needed
        raise InvalidData(
            [
                Problem(
                    path,
                    doc.line(f"people[{i}].roles[{j}]"),
                    f"people[{i}].roles[{j}]",
                    _("{role} is not a role of process {process}, expected one of {roles}").format(
                        role=role, process=agreement.process, roles=", ".join(sorted(roles))
                    ),
                )
                for i, j, role in bad
            ]
        )


def load(store: Store, slug: str) -> Loaded:
    """Load the agreement ``slug`` from ``store``."""
    path = store.agreement_file(slug)
    size = store.size(slug, AGREEMENT_FILE)
    if size > MAX_BYTES:  # refused before it is read, as any other oversized YAML file
        too_big = _("file is {size} bytes, expected at most {limit}").format(size=number(size), limit=number(MAX_BYTES))
        raise InvalidData([Problem(path, None, "", too_big)])
    raw = store.read(slug, AGREEMENT_FILE)
    return Loaded(slug, path, load_file(path, raw), raw)


def new(store: Store, slug: str, from_slug: str | None = None, extends: str | None = None) -> Path:
    """Create ``ROOT/SLUG/agreement.yaml``: a copy of another agreement's file, or a commented skeleton.

    ``extends`` starts a new cycle of an existing agreement: its data is copied (unless ``from_slug``
    says otherwise) and ``extends: OLD`` is added, linking the two.
    """
    check_slug(slug)
    if store.exists(slug, AGREEMENT_FILE):
        raise AgreementExists(slug, store.url)  # the cache folder of a database store means nothing to a user
    source = from_slug or extends
    if source is not None:
        store.agreement_file(source)  # an unknown source is named with the agreements there are
    text = store.read(source, AGREEMENT_FILE) if source is not None else skeleton().encode()
    if extends is not None:
        if b"\nextends:" in b"\n" + text:
            raise MouError(_("{slug} already has an extends: line; write the new agreement.yaml by hand").format(slug=source))
        # i18n: not translated (written into agreement.yaml: stored bytes do not depend on the reader's language)
        text = text.rstrip(b"\n") + f"\n\n# A new cycle of {extends} (mou new --extends).\nextends: {extends}\n".encode()
    return store.create(slug, text)
