"""`mou verify`: every hash, the chain, the replay, the rules each entry had to follow, every recorded file.

Above signing and archive (it re-checks their records), so that they need not import it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflow.commands.agreements import load, load_file
from workflow.commands.session import DATA_DIR, reader
from workflow.data.agreements import Loaded
from workflow.data.model import Agreement
from workflow.errors import HistoryBroken, MouError
from workflow.i18n import _
from workflow.process.definition import Process, load_process
from workflow.process.machine import ARCHIVE_EVENT, LOG_PREFIX, REPORT_EVENT, replay
from workflow.records.store import Store, slashed


@dataclass(frozen=True)
class Verified:
    """Result of verifying one agreement."""

    slug: str
    entries: int
    state: str
    problem: str | None = None
    documents: int = 0
    frozen: list[str] = field(default_factory=list)


def verify(store: Store, slug: str) -> Verified:
    """Check every hash, the chain, the head, the replay and every recorded document's bytes."""
    loaded = load(store, slug)
    path = store.history_path(slug)
    process = load_process(loaded.agreement.process)
    try:
        found = store.history(slug)
        state = replay(process, found, path)
    except HistoryBroken as err:
        return Verified(slug, 0, "?", str(err))
    recorded: dict[str, str] = {}
    for n, e in enumerate(found, 1):
        for a in e["artifacts"]:
            if e["event"] == ARCHIVE_EVENT:
                continue  # checked with the bag below
            rel = slashed(a["path"])
            if not store.exists(slug, rel):
                return Verified(
                    slug, len(found), state, _("{path}:{n}: entry {n}: {file} is missing").format(path=path, n=n, file=a["path"])
                )
            if store.sha256(slug, rel) != a["sha256"]:
                return Verified(
                    slug,
                    len(found),
                    state,
                    _("{path}:{n}: entry {n}: {file} does not match its recorded SHA-256").format(path=path, n=n, file=a["path"]),
                )
            recorded[rel] = a["sha256"]
    broken = rule_problems(store, loaded, process, found)  # after the files: a changed file is named, not what it then breaks
    if broken:
        return Verified(slug, len(found), state, broken[0])
    unrecorded = [
        rel
        for sub in ("documents", "signed", "final", "reviews", "participants")
        for rel in store.files(slug, sub)
        if rel not in recorded
    ]
    if unrecorded:
        return Verified(
            slug,
            len(found),
            state,
            _("{folder}: {file} is not recorded in the history").format(folder=store.path(slug), file=min(unrecorded)),
        )
    from workflow.commands.archive import verify_archives
    from workflow.commands.signing import frozen_changes
    from workflow.commands.tte import electronic_problems

    electronic = electronic_problems(store, slug, found)  # every e-signature validated again, offline
    if electronic:
        return Verified(slug, len(found), state, electronic[0], len(recorded), electronic[1:])
    archived = verify_archives(store, slug, found)
    if archived:
        return Verified(slug, len(found), state, archived[0], len(recorded), archived[1:])
    return Verified(slug, len(found), state, None, len(recorded), frozen_changes(store, slug, found))


def rule_problems(store: Store, loaded: Loaded, process: Process, entries: list[dict[str, Any]]) -> list[str]:
    """Every rule a recorded history breaks, even when each hash is consistent, as ``FILE:N: entry N: rule: ...``.

    Entry by entry: time never goes backwards; the recorded role is one the event allows and one the
    actor held per the data the entry was recorded against (``data/<sha256>.yaml``, else the current
    file when it is that version); a signature carries its signed files; the ledger rules hold for
    every payment, claim, santunan and correction (``workflow.data.ledger``).
    """
    slug = loaded.slug
    path = store.history_path(slug)
    out: list[str] = []
    versions: dict[str, Agreement | None] = {loaded.sha256: loaded.agreement}

    def people_of(sha: str) -> Agreement | None:
        if sha not in versions:
            kept = f"{DATA_DIR}/{sha}.yaml"
            try:
                raw = store.read(slug, kept) if store.exists(slug, kept) else None
                ok = raw is not None and hashlib.sha256(raw).hexdigest() == sha
                versions[sha] = load_file(store.path(slug, kept), raw) if ok else None
            except MouError:
                versions[sha] = None
        return versions[sha]

    events = {ev.trigger: ev for ev in process.events}  # one lookup per entry: verify reads 100.000 entries in ~1 s
    holders: dict[str, dict[str, list[str]] | None] = {}

    def roles_then(sha: str) -> dict[str, list[str]] | None:
        if sha not in holders:
            then = people_of(sha)
            holders[sha] = {p.name: p.roles for p in then.people} if then is not None else None
        return holders[sha]

    shown = str(path)
    signatures = {trigger for trigger, ev in events.items() if ev.is_signature}
    milestone_roles = process.milestone_roles
    previous = ""
    for n, e in enumerate(entries, 1):  # the hot loop of `verify`: work is done only for what needs it
        name, ts = e["event"], e["ts"]
        if ts < previous:
            out.append(
                _("{path}:{n}: entry {n}: time order: recorded at {ts}, before entry {before} at {previous}").format(
                    path=shown, n=n, ts=ts, before=n - 1, previous=previous
                )
            )
        elif ts > previous:
            previous = ts
        event = events.get(name)
        if event is not None:
            allowed, what = event.roles, name
        elif name.startswith(LOG_PREFIX) or name == REPORT_EVENT:  # monitoring work (data/entries.is_monitoring)
            allowed, what = milestone_roles, name
        else:
            allowed, what = [], ""  # render, redline, archive: no role needed
        role = e.get("role")
        if what and role not in allowed:
            out.append(
                _("{path}:{n}: entry {n}: role: {event} recorded under role {role}, but it needs {roles}").format(
                    path=shown, n=n, event=name, role=role, roles=_(" or ").join(allowed)
                )
            )
        if role is not None:
            people = roles_then(e["data_sha256"])
            held = people.get(e["actor"]) if people is not None else None
            if people is not None and (held is None or role not in held):
                had = ", ".join(held) if held else _("no role (not among the people)")
                out.append(
                    _("{path}:{n}: entry {n}: role: {actor} did not hold {role} when it was recorded (held {had})").format(
                        path=shown, n=n, actor=e["actor"], role=role, had=had
                    )
                )
        if name in signatures:
            paths = [a["path"] for a in e["artifacts"]]
            if not any(p.endswith("/signature.json") for p in paths) or not any("/ttd-" in p for p in paths):
                out.append(
                    _("{path}:{n}: entry {n}: signature: {event} recorded without its signed file and signature.json").format(
                        path=shown, n=n, event=name
                    )
                )
    out += _ledger_problems(store, loaded, process, entries, people_of)
    return out


def _ledger_problems(
    store: Store, loaded: Loaded, process: Process, entries: list[dict[str, Any]], version: Callable[[str], Agreement | None]
) -> list[str]:
    """The ledger rules (``workflow.data.ledger``) re-checked over every money entry, correction and void.

    Each entry is judged against the data it was recorded against (else the current data) with the
    adenda signed before it, and the participant list as known before it. The "not after today" rule
    is left to the day of recording: a what-if day (MOU_TODAY) cannot be judged afterwards.
    """
    if not any(e["event"].startswith(LOG_PREFIX) for e in entries):
        return []
    from workflow.data import ledger

    amending = process.amending()

    def terms_of(index: int, agreement: Agreement) -> Agreement:
        then = version(entries[index]["data_sha256"]) or agreement
        return then.effective(sum(1 for x in entries[:index] if x["event"] in amending))

    roster = ledger.roster_of(reader(store, loaded.slug), entries)
    path = store.history_path(loaded.slug)
    return [
        _("{path}:{n}: entry {n}: {reason}").format(path=path, n=seq, reason=reason)
        for seq, reason in ledger.replay(entries, loaded.agreement, roster, date.max, terms_of)
    ]
