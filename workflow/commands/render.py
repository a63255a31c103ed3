"""Render a stage's documents into an agreement (through the store) or to an export folder."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workflow import shipped
from workflow.data.agreements import Loaded
from workflow.data.catalogue import DocumentSpec, load_catalogue, templates_dir
from workflow.data.model import Agreement
from workflow.documents.context import Placeholder, build_context
from workflow.documents.render import MADE_BY, checked, render_bytes
from workflow.errors import MouError, TemplateCheckFailed
from workflow.i18n import _
from workflow.records.store import Artifact, Store, write_new

if TYPE_CHECKING:
    from workflow.documents.compiled import Session

PKS_DOCUMENT = "pks"
"""The catalogue document that is the Perjanjian Kerja Sama (it requires a pks: section)."""
LOGO_HEIGHT_MM = 22
LOGOS = {
    "pemda": ("logo_pemda", "logo-pemda.png", "contoh-logo-pemda.png", "LOGO PIHAK KESATU"),
    "partner": ("logo_partner", "logo-mitra.png", "contoh-logo-mitra.png", "LOGO PIHAK KEDUA"),
}
"""Per party: the older pks field naming its file (still read when ``parties.<side>.logo`` is left out), the file of
a Pemda's own templates folder (MOU_TEMPLATES), the shipped placeholder marked CONTOH LOGO, and the visible text if
none is found. Never the Garuda: it belongs to the Bupati's kop jabatan, not to a KB/PKS (DOCUMENTS.md §1.3)."""


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
            _("documents of stage {stage} are made with {maker}, which supplies their figures").format(
                stage=stage.name, maker=_(MADE_BY[stage.name])
            ),
            rule=f"stage.made_by.{stage.name}",
        )
    issues = [i for d in stage.documents for i in checked(templates_dir() / d.template, d)]
    if issues:
        raise TemplateCheckFailed([str(i) for i in issues])
    for spec in stage.documents:
        if "amendments" in spec.needs and not loaded.agreement.amendments:
            raise MouError(_("{title}: agreement.yaml describes no adendum (amendments: is empty)").format(title=spec.title))
        if spec.name == PKS_DOCUMENT and loaded.agreement.pks is None:
            raise MouError(
                _(
                    "{title}: agreement.yaml has no pks: section, expected at least pks.signer and the (possibly empty) "
                    "keys surat_kuasa, nomor_pemda, nomor_partner and date"
                ).format(title=spec.title),
                field="pks",
            )
    rel_folder = f"documents/{stage.name}"
    taken = [Path(p).name for p in store.files(loaded.slug, rel_folder)] if out is None else _names_in(out / stage.name)
    planned: list[tuple[str, int, str, bytes]] = []
    for spec in stage.documents:
        version = next_version(taken, spec.name)
        context = build_context(loaded.agreement, version=version)
        data = render_bytes(spec, context, values=document_values(store, loaded.slug, loaded.agreement, spec, context))
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
            raise MouError(_("{name} appeared while rendering; run the command again").format(name=name)) from err
    return written


def _names_in(folder: Path) -> list[str]:
    """File names in an export folder outside the store."""
    return [p.name for p in folder.iterdir()] if folder.is_dir() else []


def next_version(names: list[str], stem: str) -> int:
    """The first draft number of ``stem`` not yet used among the file ``names`` of its folder."""
    prefix = f"{stem}-v"
    taken = [int(v) for n in names if n.startswith(prefix) and n.endswith(".docx") and (v := n[len(prefix) : -5]).isdigit()]
    return max(taken, default=0) + 1


def document_values(
    store: Store, slug: str, agreement: Agreement, spec: DocumentSpec, context: dict[str, Any]
) -> Callable[[Session], dict[str, Any]] | None:
    """What a render of ``spec`` adds to ``context`` beyond agreement.yaml, as ``render_bytes(values=...)`` takes it.

    Decided by what the catalogue says the document needs (``RENDERED_NEEDS``):

    - ``logos``: each party's logo as ``parties.<side>.logo_picture`` (and, for older templates, ``pks.logos.<side>``):
      ``parties.<side>.logo`` in the agreement's folder or the templates folder, else the older ``pks.logo_<side>``
      in the agreement's folder, else logo-pemda.png/logo-mitra.png of the Pemda's templates folder, else the
      shipped placeholders marked CONTOH LOGO;
    - ``participants`` (with a pks: section): Lampiran I of the PKS from the participant list in force (NIK
      masked unless ``pks.show_nik``) as ``pks.peserta``.

    Nothing needed: None. A caller rendering a final text (``mou sign``) passes it the same way, so the signed
    text is the text that was reviewed.
    """
    wants_logos = "logos" in spec.needs
    pks = agreement.pks
    rows: list[dict[str, Any]] | None = None
    if "participants" in spec.needs and pks is not None:
        from workflow.commands.participants import load_participants, mask

        rows = [
            {
                "nik": p.nik if pks.show_nik else mask(p.nik),
                "nama": p.nama,
                "desa": p.desa,
                "kecamatan": p.kecamatan,
                "pekerjaan": p.pekerjaan,
                "mulai": p.mulai,
            }
            for p in load_participants(store, slug)
        ]
    if not wants_logos and rows is None:
        return None
    pictures = {side: party_logo(store, slug, agreement, side) for side in LOGOS} if wants_logos else {}

    def values(tpl: Session) -> dict[str, Any]:
        from docx.shared import Mm
        from docxtpl import InlineImage

        def picture(side: str, height: int) -> Any:
            data = pictures[side]
            return Placeholder(LOGOS[side][3]) if data is None else InlineImage(tpl, io.BytesIO(data), height=Mm(height))

        out: dict[str, Any] = {}
        if wants_logos:
            parties = context["parties"]
            out["parties"] = {
                **parties,
                **{side: {**parties[side], "logo_picture": picture(side, LOGO_HEIGHT_MM)} for side in LOGOS},
            }
        if isinstance(context.get("pks"), dict):
            extra: dict[str, Any] = {}
            if rows is not None:
                extra["peserta"] = rows
            if wants_logos:
                extra["logos"] = {side: picture(side, LOGO_HEIGHT_MM) for side in LOGOS}
            out["pks"] = {**context["pks"], **extra}
        return out

    return values


def party_logo(store: Store, slug: str, agreement: Agreement, side: str) -> bytes | None:
    """The bytes of one party's logo, or None when neither the data nor any templates folder give one."""
    key, own, placeholder, _label = LOGOS[side]
    rel: str | None = getattr(agreement.parties, side).logo
    if rel is not None:
        try:
            return store.read(slug, rel)
        except (OSError, ValueError):
            path = templates_dir() / rel
            if ".." not in Path(rel).parts and path.is_file():
                return path.read_bytes()
            raise MouError(
                _(
                    "{field}: cannot read {file} in the agreement's folder nor in the templates folder "
                    "{folder}, expected a PNG or JPEG file there"
                ).format(field=f"parties.{side}.logo", file=rel, folder=templates_dir()),
                field=f"parties.{side}.logo",
                rule="logo",
            ) from None
    old = getattr(agreement.pks, key) if agreement.pks is not None else None
    if old is not None:
        try:
            return store.read(slug, old)
        except (OSError, ValueError) as err:
            raise MouError(
                _("{field}: cannot read {file} in the agreement's folder ({error}), expected a PNG or JPEG file there").format(
                    field=f"pks.{key}", file=old, error=err
                ),
                field=f"pks.{key}",
                rule="logo",
            ) from err
    for path in (templates_dir() / own, shipped.templates() / placeholder):
        if path.is_file():
            return path.read_bytes()
    return None
