"""Read-only views remembered between runs: `mou status` and `mou list` answer from memory when nothing
they depend on changed.

A view is a pure function of the agreements' files, the process definitions and templates, the code, and
the settings (notably the day). Its text is kept in the per-user cache (``workflow.data.cache.memo``)
under a key made of all of these, gathered from file metadata only (``Store.inputs``,
``code_fingerprint``), so a repeated `mou status` reads no YAML, replays no history and imports neither
the model nor the process code: it starts about as fast as `mou --help`. Anything that changes an input
(a new entry, an edited agreement, another day, a new install) gives a new key and the view is computed
again. The memo never stands in for a check: `mou verify` always reads everything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from workflow import config, i18n, shipped
from workflow.data.cache import code_fingerprint, memo, memo_rows
from workflow.records.store import Store


def remembered(
    kind: str, store: Store, slug: str | None, variant: Sequence[str], build: Callable[[], str], code: Sequence[Path] = ()
) -> str:
    """The text ``build()`` gives for view ``kind`` of ``slug`` (None: every agreement), remembered.

    ``variant``: whatever else the text depends on (the output format); ``code``: files of the front
    end whose code makes the text (the CLI module), added to the package's own.
    """
    key = b"\0".join([_setting(code), store.inputs(slug), "\0".join([slug or "", *variant]).encode()])
    return memo(kind, key, lambda: build().encode("utf-8")).decode("utf-8")


def remembered_rows(
    kind: str, store: Store, variant: Sequence[str], build: Callable[[str], str], heads: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Per agreement of ``store``: the text ``build(slug)`` gave before while its data and history stayed the
    same (``Store.heads``, or ``heads`` when the caller has just read them), else built now: after one
    change, a view of 10.000 agreements builds one row."""
    key = b"\0".join([_setting(()), store.identity.encode(), "\0".join(variant).encode()])
    return memo_rows(kind, key, store.heads() if heads is None else heads, build)


def _setting(code: Sequence[Path]) -> bytes:
    """The code, process definitions, templates and settings (the day among them) a view is made with, and
    the language its words are in."""
    settings = config.current()
    folders = [shipped.processes(), settings.templates or shipped.templates()]
    if settings.processes is not None:
        folders.append(settings.processes)
    made = repr(settings.but(today=settings.day(), actor=None)) + "\0" + i18n.language()
    return code_fingerprint((*code, *folders)) + b"\0" + made.encode()
