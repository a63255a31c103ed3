"""Which store a user means: a folder path, ``sqlite:`` or ``postgresql://`` (see ``open_store``)."""

from __future__ import annotations

import re
from pathlib import Path

from workflow.errors import StoreUnavailable
from workflow.i18n import _
from workflow.records.store import FolderStore, Store

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def open_store(url: str | Path) -> Store:
    """The store ``url`` names.

    - a folder path (no scheme): one sub-folder per agreement (the default, ``./agreements``);
    - ``sqlite:///abs/path/mou.db`` or ``sqlite:mou.db``: one SQLite file, documents beside it;
    - ``postgresql://user@host/db`` (or ``postgres://``): a PostgreSQL database, libpq conventions; an
      empty ``postgresql://`` takes everything from the ``PG*`` environment variables.

    A Windows path such as ``C:\\agreements`` is a folder, not a scheme.
    """
    if isinstance(url, Path):
        return FolderStore(url)
    text = url.strip()
    if not text:
        raise StoreUnavailable(_("the store is empty; give a folder, sqlite:///path/mou.db or postgresql://..."))
    found = _SCHEME.match(text)
    if found is None or len(found.group(1)) == 1:  # "C:" is a drive letter
        return FolderStore(Path(text))
    scheme = found.group(1).lower()
    if scheme == "sqlite":
        from workflow.records.sqlite import SqliteStore

        rest = text[len("sqlite:") :]
        path = rest[2:] if rest.startswith("//") else rest  # sqlite:///abs -> /abs, sqlite:rel.db -> rel.db
        if not path:
            raise StoreUnavailable(_("{store}: no database file named; e.g. sqlite:///srv/mou/mou.db").format(store=text))
        return SqliteStore(Path(path))
    if scheme in {"postgresql", "postgres"}:
        from workflow.records.postgres import PostgresStore

        return PostgresStore(text)
    if scheme == "file":
        return FolderStore(Path(text[len("file:") :].removeprefix("//")))
    raise StoreUnavailable(
        _("{store}: unknown kind of store {scheme}; give a folder, sqlite:///path/mou.db or postgresql://user@host/db").format(
            store=text, scheme=repr(scheme)
        )
    )
