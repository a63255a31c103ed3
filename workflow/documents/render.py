"""Fill the Word templates of a stage from an agreement: strict, sandboxed, autoescaped.

Templates are filled in the one environment of ``workflow.documents.environment``. docxtpl, lxml and
Jinja are imported inside functions only (here, there and in workflow.documents.compiled), so commands
that do not render start fast.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workflow.data.catalogue import DocumentSpec, shown, templates_dir
from workflow.documents.environment import _FilterFailed, environment
from workflow.errors import TemplateProblem
from workflow.i18n import N_, _, language

if TYPE_CHECKING:
    from workflow.documents.compiled import Session

MADE_BY = {"monitoring": N_("the monitoring report of a period"), "santunan": N_("the record of a santunan handover")}
"""Stages whose documents need figures beyond agreement.yaml, and what makes them (it supplies those figures;
translated where shown: ``_(MADE_BY[stage])``)."""


def render_bytes(
    spec: DocumentSpec,
    context: dict[str, Any],
    images: Callable[[Session], dict[str, Any]] | None = None,
    values: Callable[[Session], dict[str, Any]] | None = None,
) -> bytes:
    """Render one catalogue document to .docx bytes (nothing is written).

    The template is compiled once per process (``workflow.documents.compiled``). ``images(tpl)`` returns
    the values of ``context["report"]["charts"]``, made with ``tpl.add(png, width_mm)``.
    ``values(tpl)`` returns values added to the context, made with ``tpl`` as docxtpl users make
    them with theirs: ``InlineImage(tpl, "logo.png", width=Mm(30))`` (body, headers, footers),
    ``RichText("situs", url_id=tpl.build_url_id(url))`` (body), ``Listing(text)``; it may also call
    ``tpl.replace_pic(name, file)``. What mou does not support is refused by name, nothing written.
    """
    from workflow.documents.compiled import compiled
    from workflow.errors import RenderRefused

    path = templates_dir() / spec.template
    name = shown(path)
    title = spec.title.removeprefix("Rancangan ") if context.get("final") else spec.title  # the text for signature is no draft
    core = {"title": title, "subject": str(context["document"]["subject"]), "author": "mou"}
    try:
        tpl = compiled(path, environment()).session()
    except Exception as err:
        _raise_problem(name, err)
        raise
    try:  # the callers' own errors pass through; what mou refuses is named with the template
        if images is not None:
            context["report"]["charts"] = images(tpl)
        if values is not None:
            context = {**context, **values(tpl)}
    except RenderRefused as err:
        raise TemplateProblem(name, "", str(err)) from err
    try:
        return tpl.render(context, core=core)
    except Exception as err:
        _raise_problem(name, err)
        raise


def _raise_problem(name: str, err: Exception) -> None:
    """Raise the ``TemplateProblem`` naming template ``name`` for what compiling or rendering it raised, if it is one."""
    from jinja2 import TemplateError, UndefinedError
    from jinja2.exceptions import SecurityError

    from workflow.documents.compiled import RenderedXmlInvalid, UnsafeTemplate
    from workflow.errors import RenderRefused

    if isinstance(err, RenderRefused | _FilterFailed | RenderedXmlInvalid | UnsafeTemplate):
        raise TemplateProblem(name, "", str(err)) from err
    if isinstance(err, SecurityError):
        raise TemplateProblem(name, "", _("unsafe expression refused: {error}").format(error=err)) from err
    if isinstance(err, UndefinedError):
        raise TemplateProblem(name, "", _("undefined value: {error}").format(error=err.message)) from err
    if isinstance(err, TemplateError):
        raise TemplateProblem(name, "", _("template error: {error}").format(error=err.message)) from err
    if isinstance(err, OverflowError):  # the sandbox bounds range(); a template asking for more is refused
        raise TemplateProblem(name, "", _("refused by the sandbox: {error}").format(error=err)) from err
    if isinstance(err, OSError | zipfile.BadZipFile | KeyError | UnicodeDecodeError | ValueError):
        raise TemplateProblem(name, "", _("cannot read the template: {error}").format(error=err)) from err


_CHECKED: dict[tuple[tuple[str, int, int], str, tuple[str, ...], str], list[Any]] = {}
"""Checks of templates by file, document and language (their messages are in the reader's language)."""


def checked(path: Path, spec: DocumentSpec) -> list[Any]:
    """``check_template`` of ``path``, from this process's cache while the file is unchanged (batches check once)."""
    from workflow.documents.check import check_template
    from workflow.documents.compiled import file_key

    try:
        key = (file_key(path), spec.name, tuple(spec.needs), language())
    except OSError:
        return check_template(path, spec)
    if key not in _CHECKED:
        _CHECKED[key] = check_template(path, spec)
    return _CHECKED[key]
