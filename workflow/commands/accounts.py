"""Accounts of the web application: who may sign in, as which person they act, and their password.

The accounts live in the store's shared data ``accounts`` (``Store.read_shared``/``update_shared``), one
JSON document for the whole store::

    {"v": 1, "accounts": {LOGIN: {"name": ..., "acts_as": [...], "admin": false, "disabled": false,
                                  "generation": 1, "created": ISO, "hash": "$argon2id$...",
                                  "failures": 0, "locked_until": null}}}

Passwords are kept only as Argon2id hashes (argon2-cffi's ``PasswordHasher`` defaults), rehashed at a
successful sign-in when the parameters have grown. ``authenticate`` gives one and the same error for a
wrong password, an unknown and a disabled account, so that it never tells whether an account exists;
after ``FAILURES_BEFORE_LOCK`` consecutive failures an account is locked for ``FIRST_LOCK``, doubling with
each further failure up to ``LONGEST_LOCK``, even for the right password. ``generation`` grows with each
new password and when the account is disabled: a web session made under an older generation is void.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from workflow.errors import (
    AccountError,
    AccountExists,
    AccountLocked,
    AccountUnknown,
    InvalidLogin,
    LoginRefused,
    WeakPassword,
)
from workflow.i18n import _

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from workflow.records.store import Store

SHARED = "accounts"
"""The name of the store's shared data holding the accounts."""

VERSION = 1
LOGIN = re.compile(r"[a-z][a-z0-9._-]{2,31}")
MIN_PASSWORD = 10
FAILURES_BEFORE_LOCK = 5
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(minutes=15)


@dataclass(frozen=True)
class Account:
    """One account, as a front end sees it (never its password hash)."""

    login: str
    name: str
    acts_as: tuple[str, ...]  # the people (names in `people:` of agreements) the account acts as
    admin: bool
    disabled: bool
    generation: int  # grows with each new password and when disabled: sessions of an older one are void
    created: str  # ISO 8601, UTC


# --- the use cases --------------------------------------------------------------------------------


def add_user(store: Store, login: str, *, name: str, acts_as: Iterable[str], password: str, admin: bool = False) -> Account:
    """Add an account; every value is checked before anything is written, an existing login is refused."""
    check_login(login)
    name = name.strip()
    if not name:
        raise AccountError(_("the account needs a name (the person who signs in)"), rule="account.name", field="name")
    people = _people(acts_as)
    check_password(password)
    if login in _read(store):
        raise AccountExists(login)  # before hashing; checked again under the lock
    record = {
        "name": name,
        "acts_as": list(people),
        "admin": bool(admin),
        "disabled": False,
        "generation": 1,
        "created": _iso(datetime.now(UTC)),
        "hash": _hasher().hash(password),
        "failures": 0,
        "locked_until": None,
    }

    def change(accounts: dict[str, dict[str, Any]]) -> None:
        if login in accounts:
            raise AccountExists(login)
        accounts[login] = record

    _update(store, change)
    return _account(login, record)


def list_users(store: Store) -> list[Account]:
    """Every account, disabled ones too, sorted by login name."""
    accounts = _read(store)
    return [_account(login, accounts[login]) for login in sorted(accounts)]


def get_user(store: Store, login: str) -> Account | None:
    """The account of ``login``, or None if there is none; ``InvalidLogin`` if ``login`` cannot name one."""
    record = _read(store).get(check_login(login))
    return None if record is None else _account(login, record)


def disable_user(store: Store, login: str) -> Account:
    """Disable an account: it can no longer sign in, and its sessions end (its generation grows)."""

    def change(accounts: dict[str, dict[str, Any]]) -> None:
        record = _existing(accounts, login)
        record["disabled"] = True
        record["generation"] = int(record["generation"]) + 1

    return _account(login, _update(store, change)[login])


def set_password(store: Store, login: str, password: str) -> Account:
    """Give an account a new password: its sessions end (its generation grows) and a lock is lifted."""
    check_password(password)
    if get_user(store, login) is None:
        raise AccountUnknown(login)  # before hashing: an unknown login costs no work
    hashed = _hasher().hash(password)

    def change(accounts: dict[str, dict[str, Any]]) -> None:
        record = _existing(accounts, login)
        record.update(hash=hashed, failures=0, locked_until=None, generation=int(record["generation"]) + 1)

    return _account(login, _update(store, change)[login])


def authenticate(store: Store, login: str, password: str, *, now: datetime | None = None) -> Account:
    """The account of ``login`` if ``password`` is its password, else ``LoginRefused`` (also for an unknown or
    disabled account: the same message) or ``AccountLocked`` (after repeated failures, whatever the password).

    A failure is counted in the account; a success resets the count and rehashes the password when the
    hasher's parameters have changed. ``now`` (UTC) is the time of the attempt (default: the clock).
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    now = datetime.now(UTC) if now is None else now if now.tzinfo else now.replace(tzinfo=UTC)
    login = login.strip().lower()
    record = _read(store).get(login)
    locked = _locked_until(record)
    if record is not None and not record.get("disabled") and locked is not None and locked > now:
        raise AccountLocked(locked, max(1, math.ceil((locked - now).total_seconds())))
    hasher = _hasher()
    stored = str(record["hash"]) if record is not None else _dummy_hash()
    try:
        right: bool = hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        right = False
    if record is None or record.get("disabled"):
        raise LoginRefused  # the hash was checked all the same: the answer takes as long as for an account
    if not right:
        _update(store, lambda accounts: _failed(accounts, login, stored, now))
        raise LoginRefused
    rehashed = hasher.hash(password) if hasher.check_needs_rehash(stored) else None
    if record.get("failures") or record.get("locked_until") or rehashed:

        def change(accounts: dict[str, dict[str, Any]]) -> None:
            current = accounts.get(login)
            if current is None or current.get("hash") != stored:
                return  # the password changed meanwhile: leave the account to that change
            current.update(failures=0, locked_until=None)
            if rehashed:
                current["hash"] = rehashed

        record = _update(store, change).get(login, record)
    return _account(login, record)


# --- the checks, also for a front end that asks before a password is typed --------------------------


def check_login(login: str) -> str:
    """``login`` if it can name an account, else ``InvalidLogin``."""
    if not LOGIN.fullmatch(login):
        raise InvalidLogin(login)
    return login


def check_password(password: str) -> str:
    """``password`` if it is long enough, else ``WeakPassword``."""
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(MIN_PASSWORD)
    return password


def lock_for(failures: int) -> timedelta | None:
    """How long an account is locked after ``failures`` consecutive failures (None: not locked)."""
    if failures < FAILURES_BEFORE_LOCK:
        return None
    seconds = FIRST_LOCK.total_seconds() * 2 ** min(failures - FAILURES_BEFORE_LOCK, 16)
    return min(timedelta(seconds=seconds), LONGEST_LOCK)


# --- the stored document ----------------------------------------------------------------------------


def _people(acts_as: Iterable[str]) -> tuple[str, ...]:
    if isinstance(acts_as, str):
        acts_as = [acts_as]
    people: list[str] = []
    for person in acts_as:
        person = " ".join(str(person).split())
        if not person:
            raise AccountError(_("a person the account acts as has an empty name"), rule="account.acts_as", field="acts_as")
        if person not in people:
            people.append(person)
    if not people:
        raise AccountError(
            _("the account must act as at least one person (a name in people: of an agreement)"),
            rule="account.acts_as",
            field="acts_as",
        )
    return tuple(people)


def _existing(accounts: dict[str, dict[str, Any]], login: str) -> dict[str, Any]:
    record = accounts.get(login)
    if record is None:
        raise AccountUnknown(login)
    return record


def _failed(accounts: dict[str, dict[str, Any]], login: str, stored: str, now: datetime) -> None:
    """Count one failure of ``login`` (unless its password changed meanwhile) and lock it when due."""
    record = accounts.get(login)
    if record is None or record.get("hash") != stored:
        return
    record["failures"] = failures = int(record.get("failures") or 0) + 1
    lock = lock_for(failures)
    record["locked_until"] = (now + lock).astimezone(UTC).isoformat() if lock is not None else None


def _locked_until(record: dict[str, Any] | None) -> datetime | None:
    value = (record or {}).get("locked_until")
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _account(login: str, record: dict[str, Any]) -> Account:
    return Account(
        login=login,
        name=str(record["name"]),
        acts_as=tuple(str(p) for p in record["acts_as"]),
        admin=bool(record.get("admin")),
        disabled=bool(record.get("disabled")),
        generation=int(record["generation"]),
        created=str(record["created"]),
    )


def _parse(data: bytes | None, where: str) -> dict[str, dict[str, Any]]:
    if data is None:
        return {}
    try:
        document = json.loads(data)
        accounts = document["accounts"]
        if document.get("v") != VERSION or not isinstance(accounts, dict):
            raise ValueError(document.get("v"))
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise AccountError(
            _("the accounts of the store {store} cannot be read ({reason})").format(store=where, reason=type(err).__name__),
            rule="account.store",
        ) from err
    return accounts


def _dump(accounts: dict[str, dict[str, Any]]) -> bytes:
    document = {"v": VERSION, "accounts": {login: accounts[login] for login in sorted(accounts)}}
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _read(store: Store) -> dict[str, dict[str, Any]]:
    return _parse(store.read_shared(SHARED), store.url)


def _update(store: Store, change: Callable[[dict[str, dict[str, Any]]], None]) -> dict[str, dict[str, Any]]:
    """Apply ``change`` to the accounts under the store's lock; returns the accounts as written."""

    def apply(data: bytes | None) -> bytes:
        accounts = _parse(data, store.url)
        change(accounts)
        return _dump(accounts)

    return _parse(store.update_shared(SHARED, apply), store.url)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()  # Argon2id, the library's current defaults


@cache
def _dummy_hash() -> str:
    """A hash no password matches in practice: checked for an unknown login, so that it answers as slowly."""
    import secrets

    return _hasher().hash(secrets.token_urlsafe(32))
