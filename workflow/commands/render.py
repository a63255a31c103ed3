"""Render a stage's documents into an agreement (through the store) or to an export folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workflow.data.agreements import Loaded
from workflow.data.catalogue import load_catalogue, templates_dir
from workflow.documents.context import build_context
from workflow.documents.render import MADE_BY, checked, render_bytes
from workflow.errors import MouError, TemplateCheckFailed
from workflow.records.store import Artifact, Store, write_new


@dataclass(frozen=True)
class Rendered:
    """One document written: where it is, and (when written into an agreement) the Artifact recorded."""

    stage: str
    title: str
    path: Path
    version: int
    artifact: Artifact | None = None


def render_stage(store: Store, loaded: Loaded, stage_name: str, out: Path | None = None) -> list[Rendered]:
    """Render one stage's documents as new versions; return what was written.

    Templates are checked and every document rendered in memory first, so a failure writes nothing.
    Into the agreement (``out`` None) the files go through the store, and each ``Rendered`` carries its
    ``Artifact``; callers hold the agreement's lock (``workflow.commands.session``). With ``out`` the
    documents are an export to a folder of the user's choosing, not recorded.
    """
    stage = load_catalogue().stage(stage_name)
    if stage.name in MADE_BY:
        raise MouError(
            f"documents of stage {stage.name} are made with {MADE_BY[stage.name]}, which supplies their figures",
            rule=f"stage.made_by.{stage.name}",
        )
    issues = [i for d in stage.documents for i in checked(templates_dir() / d.template, d)]
    if issues:
        raise TemplateCheckFailed([str(i) for i in issues])
    for spec in stage.documents:
        if "amendments" in spec.needs and not loaded.agreement.amendments:
            raise MouError(f"{spec.title}: agreement.yaml describes no adendum (amendments: is empty)")
    rel_folder = f"documents/{stage.name}"
    taken = [Path(p).name for p in store.files(loaded.slug, rel_folder)] if out is None else _names_in(out / stage.name)
    planned: list[tuple[str, int, str, bytes]] = []
    for spec in stage.documents:
        version = next_version(taken, spec.name)
        data = render_bytes(spec, build_context(loaded.agreement, version=version))
        planned.append((f"{spec.name}-v{version}.docx", version, spec.title, data))
    written: list[Rendered] = []
    for name, version, title, data in planned:
        try:
            if out is None:
                artifact = store.write(loaded.slug, f"{rel_folder}/{name}", data)
                written.append(Rendered(stage.name, title, store.path(loaded.slug, artifact.path), version, artifact))
            else:
                write_new(out / stage.name / name, data)
                written.append(Rendered(stage.name, title, out / stage.name / name, version))
        except FileExistsError as err:  # only a writer outside mou's lock can get here
            raise MouError(f"{name} appeared while rendering; run the command again") from err
    return written


def _names_in(folder: Path) -> list[str]:
    """File names in an export folder outside the store."""
    return [p.name for p in folder.iterdir()] if folder.is_dir() else []


def next_version(names: list[str], stem: str) -> int:
    """The first draft number of ``stem`` not yet used among the file ``names`` of its folder."""
    prefix = f"{stem}-v"
    taken = [int(v) for n in names if n.startswith(prefix) and n.endswith(".docx") and (v := n[len(prefix) : -5]).isdigit()]
    return max(taken, default=0) + 1
