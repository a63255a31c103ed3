"""The template catalogue: which stage produces which documents, and which data each needs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from workflow import shipped
from workflow.data.model import RENDERED_NEEDS, Agreement
from workflow.data.schema import Reader, field
from workflow.data.yaml import load as load_yaml
from workflow.errors import InvalidData, Problem, UnknownStage
from workflow.i18n import _

CATALOGUE_FILE = "catalogue.yaml"


def templates_dir() -> Path:
    """The templates folder: the settings' own (``MOU_TEMPLATES``, a Pemda's templates), else the shipped one."""
    from workflow import config

    return config.current().templates or shipped.templates()


def shown(path: Path) -> str:
    """A template's name in messages: shipped ones as ``templates/x.docx``, a Pemda's own by full path."""
    try:
        return str(Path("templates") / path.relative_to(shipped.templates()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class DocumentSpec:
    """One document a stage produces."""

    name: str = field("file name stem of the output, e.g. rancangan-kb")
    template: str = field("template file in templates/")
    title: str = field("title of the document, in Indonesian")
    needs: list[str] = field("top-level sections of agreement.yaml the document uses, and logos/participants a render adds")
    companion: bool = field(
        "a sheet that goes with the stage's main document (a lembar paraf): rendered with every draft, "
        "left out when drafts are compared unless named",
        default=False,
    )


@dataclass(frozen=True)
class Stage:
    """A process stage and its documents."""

    name: str = field("stage name used by --stage")
    title: str = field("what happens in this stage, in Indonesian")
    documents: list[DocumentSpec] = field("documents produced in this stage")


@dataclass(frozen=True)
class Catalogue:
    """Every stage that produces documents, in process order."""

    stages: list[Stage] = field("stages in process order")

    def problems(self) -> list[tuple[str, str]]:
        """Unique names, templates that exist, needs that are sections of the model."""
        out: list[tuple[str, str]] = []
        sections = set(Agreement.__dataclass_fields__) | set(RENDERED_NEEDS)
        seen: set[str] = set()
        for i, stage in enumerate(self.stages, 1):
            if stage.name in seen:
                message = _("{stage} is listed twice, expected unique stage names").format(stage=stage.name)
                out.append((f"stages[{i}].name", message))
            seen.add(stage.name)
            for j, doc in enumerate(stage.documents, 1):
                where = f"stages[{i}].documents[{j}]"
                if "/" in doc.template or "\\" in doc.template or not (templates_dir() / doc.template).is_file():
                    message = _("{template} is not a file in {folder}").format(template=doc.template, folder=templates_dir())
                    out.append((f"{where}.template", message))
                for k, need in enumerate(doc.needs, 1):
                    if need not in sections:
                        message = _("{need} is not a section of agreement.yaml, expected one of {sections}")
                        out.append((f"{where}.needs[{k}]", message.format(need=need, sections=", ".join(sorted(sections)))))
        return out

    def stage(self, name: str) -> Stage:
        """The stage called ``name``."""
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise UnknownStage(name, [s.name for s in self.stages])

    def documents(self) -> list[tuple[Stage, DocumentSpec]]:
        """Every (stage, document) pair, in process order."""
        return [(s, d) for s in self.stages for d in s.documents]


def load_catalogue() -> Catalogue:
    """Read and check ``catalogue.yaml`` of the templates folder."""
    return _load(templates_dir() / CATALOGUE_FILE)


@cache
def _load(path: Path) -> Catalogue:
    catalogue = Reader(load_yaml(path)).read(Catalogue)
    if not catalogue.stages:
        raise InvalidData([Problem(path, None, "stages", _("is empty, expected at least one stage"))])
    return catalogue
