"""Between stores, and the data of an agreement in a database store: `mou store copy`, `mou data get/put`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workflow.data.entries import DATA_EVENT
from workflow.errors import AgreementExists, MouError
from workflow.i18n import _
from workflow.records.store import AGREEMENT_FILE, Store


@dataclass(frozen=True)
class Copied:
    """One agreement copied: how many entries and files went with it."""

    slug: str
    entries: int
    files: int
    size: int


def copy_agreements(
    source: Store, target: Store, slugs: Sequence[str] = (), *, progress: Callable[[Copied], None] | None = None
) -> list[Copied]:
    """Copy agreements (all when ``slugs`` is empty) with their whole history and every file.

    Each history is checked before it leaves (a broken chain is refused, naming its entry) and after it
    arrives (the bytes must be the same). An agreement the target already holds is refused before
    anything is copied: nothing is merged or overwritten.
    """
    chosen = list(slugs) or list(source.slugs())
    if not chosen:
        raise MouError(_("no agreements in {store} to copy").format(store=source.url), rule="store.empty")
    for slug in chosen:
        source.agreement_file(slug)  # an unknown slug is named with those there are
    taken = sorted(set(chosen) & set(target.slugs()))
    if taken:
        raise AgreementExists(taken[0], target.url)
    done = []
    for slug in chosen:
        source.history(slug)  # the chain, the hashes and the head checked: a broken history is not copied
        history = source.history_bytes(slug)
        files = {rel: source.read(slug, rel) for rel in source.files(slug)}
        target.import_agreement(slug, files, history)
        if target.history_bytes(slug) != history:
            raise MouError(
                _("{target}: the history of {slug} arrived different from {source}; nothing else is copied").format(
                    target=target.url, slug=slug, source=source.url
                )
            )
        copied = Copied(slug, history.count(b"\n"), len(files), sum(len(b) for b in files.values()) + len(history))
        done.append(copied)
        if progress is not None:
            progress(copied)
    return done


def data_get(store: Store, slug: str) -> bytes:
    """The current ``agreement.yaml`` of an agreement, as stored."""
    store.agreement_file(slug)
    return store.read(slug, AGREEMENT_FILE)


@dataclass(frozen=True)
class DataChange:
    """What `mou data put` changed: the fields, and the entry that records it (None: nothing changed)."""

    fields: list[str]
    entry: dict[str, Any] | None


def data_put(
    store: Store, slug: str, raw: bytes, actor: str | None = None, note: str = "", *, name: Path | None = None
) -> DataChange:
    """Replace an agreement's data with ``raw`` after validating it as `mou check` does, and record it.

    The new text must parse and pass every rule (InvalidData lists each problem with its line, naming
    ``name``: the file the user gave); the
    actor must be among the people of the new data. The entry (``data``) names the fields changed and
    keeps the new version under ``data/<sha256>.yaml``; identical bytes change and record nothing.
    """
    import hashlib

    from workflow import config
    from workflow.commands.agreements import load_file
    from workflow.commands.session import DATA_DIR, Entry, role_for
    from workflow.process.definition import load_process
    from workflow.process.machine import replay

    shown = name or Path(_("{slug}/{file} (new)").format(slug=slug, file=AGREEMENT_FILE))
    who = config.current().who(actor)
    # Not through `session`: the current data may be the very thing that is broken (a fresh skeleton)
    # and must not stand in the way of its fix; the new data is what is checked.
    with store.writing(slug):
        new = load_file(shown, raw)
        old_raw = store.read(slug, AGREEMENT_FILE)
        if raw == old_raw:
            return DataChange([], None)
        held = [role for person in new.people for role in person.roles]
        role, _refusal = role_for(new, slug, who, held, _("changing the data"))  # ActorUnknown unless among the people
        entries = store.history(slug)
        state = replay(load_process(new.process), entries, store.history_path(slug))
        fields = changed_fields(old_raw, raw)
        sha = hashlib.sha256(raw).hexdigest()
        store.replace(slug, AGREEMENT_FILE, raw)
        kept = f"{DATA_DIR}/{sha}.yaml"
        artifacts = [] if store.exists(slug, kept) else [store.write(slug, kept, raw)]
        entry = Entry(who, role, DATA_EVENT, state, state, sha, note, None, tuple(artifacts), {"fields": fields})
        return DataChange(fields, store.append(slug, entries, entry.as_record()))


def changed_fields(old: bytes, new: bytes) -> list[str]:
    """The dotted paths of every value that differs between two YAML texts (``term.end``, ``people[2].nip``)."""
    import yaml

    before, after = _leaves(yaml.safe_load(old), ""), _leaves(yaml.safe_load(new), "")
    return sorted(k for k in before.keys() | after.keys() if before.get(k, _MISSING) != after.get(k, _MISSING))


_MISSING = object()


def _leaves(value: Any, prefix: str) -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_leaves(v, f"{prefix}.{k}" if prefix else str(k)))
        return out or {prefix: {}}
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value):
            out.update(_leaves(v, f"{prefix}[{i}]"))
        return out or {prefix: []}
    return {prefix: value}
