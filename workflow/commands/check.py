"""Check a project: agreements (one, or all in the store), process definitions, the catalogue and every template.

The template checks themselves are ``workflow.documents.check``; this command adds what needs the
store: each agreement's data, read through it, and the fields a signed text froze.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.commands.agreements import load
from workflow.commands.signing import frozen_changes
from workflow.data.catalogue import load_catalogue, templates_dir
from workflow.documents.check import check_templates
from workflow.errors import InvalidData, Problem
from workflow.i18n import _
from workflow.process.definition import available, load_process
from workflow.records.store import Store


@dataclass(frozen=True)
class Report:
    """What `check` looked at and every problem it found."""

    checked: list[str]
    problems: list[str]


def check_project(store: Store, slug: str | None = None) -> Report:
    """Validate agreements (one, or all in the store), process definitions, the catalogue and every template."""
    checked: list[str] = []
    problems: list[str] = []
    for s in [slug] if slug else list(store.slugs()):
        path = store.agreement_file(s)
        problems += _agreement_problems(store, s)
        checked.append(str(path))
    for name in available():
        try:
            load_process(name)
            checked.append(_("process {name}").format(name=name))
        except InvalidData as err:
            problems += [str(p) for p in err.problems]
    try:
        issues = check_templates()
    except InvalidData as err:
        problems += [str(p) for p in err.problems]
    else:
        problems += [str(i) for i in issues]
        checked.append(_("{count} templates in {folder}").format(count=len(load_catalogue().documents()), folder=templates_dir()))
    return Report(checked, problems)


def _agreement_problems(store: Store, slug: str) -> list[str]:
    """Every problem of one agreement's data (read through the store), and each field changed since its signature."""
    try:
        load(store, slug)  # agreement.yaml read through the store and validated by load_file
    except OSError as err:  # an unreadable file is a problem of the data, as any other
        unreadable = _("cannot read file: {reason}").format(reason=err.strerror)
        return [str(Problem(store.agreement_file(slug), None, "", unreadable))]
    except InvalidData as err:
        return [str(p) for p in err.problems]
    try:
        return frozen_changes(store, slug)
    except InvalidData as err:
        return [str(p) for p in err.problems]
