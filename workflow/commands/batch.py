"""Render the documents of many agreements in one run: templates compiled once, optional worker processes.

Each agreement is rendered and recorded exactly as a render of that one agreement does it (its own session,
all of its documents or none); one agreement failing does not stop the others, and the run reports
every failure at the end. With ``workers > 1`` the templates are compiled in the parent before the
workers fork, so no worker compiles them again.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from workflow import i18n
from workflow.errors import MouError
from workflow.i18n import _
from workflow.records.store import Store


@dataclass(frozen=True)
class Outcome:
    """What happened to one agreement of a batch."""

    slug: str
    documents: list[tuple[str, int, str]]  # (title, version, path)
    error: str | None = None
    skipped: str | None = None  # the current state, when it produces no documents: nothing to render, no failure


def warm(stages: list[str] | None) -> None:
    """Check and compile every template the stages use (all stages when None), in this process."""
    from workflow.data.catalogue import load_catalogue, templates_dir
    from workflow.documents.compiled import compiled
    from workflow.documents.environment import environment
    from workflow.documents.render import MADE_BY, checked

    catalogue = load_catalogue()
    for stage in catalogue.stages:
        if (stages is None or stage.name in stages) and stage.name not in MADE_BY:
            for spec in stage.documents:
                path = templates_dir() / spec.template
                if not checked(path, spec):
                    compiled(path, environment())


_OPEN: dict[str, Store] = {}
"""The store each worker process opened, by location: one connection per worker, not one per agreement."""


def _one(location: str, slug: str, stages: list[str] | None, actor: str | None, language: str) -> Outcome:
    """One agreement in a worker process, on the store the worker opened once, its messages in ``language``."""
    from workflow.records.stores import open_store

    with i18n.use_language(language):  # a spawned worker does not inherit the parent's active language
        store = _OPEN.get(location) or _OPEN.setdefault(location, open_store(location))
        return _render_one(store, slug, stages, actor)


def _render_one(store: Store, slug: str, stages: list[str] | None, actor: str | None) -> Outcome:
    from workflow.commands.lifecycle import record_render

    try:
        docs = record_render(store, slug, stages, None, actor)
    except MouError as err:
        state = None if stages else _state_without_documents(store, slug)
        if state is not None:
            return Outcome(slug, [], skipped=state)
        return Outcome(slug, [], str(err).splitlines()[0])
    return Outcome(slug, [(d.title, d.version, str(d.path)) for d in docs])


def _state_without_documents(store: Store, slug: str) -> str | None:
    """The current state of ``slug`` if it produces no documents (so a render of it has nothing to do), else None.

    Asked only after a render failed, so a run where every agreement renders reads no history twice.
    """
    from workflow.commands.session import snapshot

    try:
        snap = snapshot(store, slug)
    except MouError:
        return None
    return snap.state if snap.process.state(snap.state).stage is None else None


def render_all(
    store: Store,
    slugs: list[str],
    stages: list[str] | None,
    actor: str | None,
    *,
    workers: int = 1,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Render every agreement of ``slugs``; ``progress`` is called as each one finishes."""
    if workers < 1:
        raise MouError(
            _("the number of worker processes must be at least 1, got {workers}").format(workers=workers),
            rule="workers",
            figures={"workers": workers},
        )
    if stages:
        from workflow.data.catalogue import load_catalogue

        for stage in stages:
            load_catalogue().stage(stage)  # an unknown stage is refused before anything is written
    warm(stages)
    outcomes: list[Outcome] = []
    for outcome in _run(store, slugs, stages, actor, min(workers, max(len(slugs), 1))):
        outcomes.append(outcome)
        if progress is not None:
            progress(outcome)
    return sorted(outcomes, key=lambda o: o.slug)


def _run(store: Store, slugs: list[str], stages: list[str] | None, actor: str | None, workers: int) -> Iterator[Outcome]:
    if workers == 1:
        for slug in slugs:
            yield _render_one(store, slug, stages, actor)
        return
    root = store.location
    # fork keeps the compiled templates of the parent; where fork does not exist the workers compile their own
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        chunk = max(1, len(slugs) // (workers * 8))
        n = len(slugs)
        yield from pool.map(_one, [root] * n, slugs, [stages] * n, [actor] * n, [i18n.language()] * n, chunksize=chunk)
