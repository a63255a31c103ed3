"""The one error hierarchy of the library.

Every error the user can cause is a ``MouError``; its ``str()`` is the one line the CLI prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class MouError(Exception):
    """Base of every domain error; the CLI prints it as ``Error: <message>`` and exits 1."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file: where it is and what was expected."""

    path: Path | str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class InvalidData(MouError):
    """Raised when a YAML file is malformed or does not match its schema; lists every problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class AgreementNotFound(MouError):
    """Raised when no agreement folder exists for a slug; the one-line message names the agreements that do.

    ``known``: the agreements that do exist under ``root`` (the store lists them when it raises this).
    """

    LISTED = 10  # more known agreements than this: name the closest few and point to `mou list`

    def __init__(self, slug: str, root: Path, known: Sequence[str]) -> None:
        self.slug, self.root = slug, root
        self.known = sorted(known)
        # A folder without its agreement.yaml (misnamed, or not yet written) is worth naming.
        bare = f" ({root / slug} has no agreement.yaml)" if (root / slug).is_dir() else ""
        super().__init__(f"no agreement '{slug}' in {root}{bare}; {_known_agreements(slug, self.known, self.LISTED)}")


def _known_agreements(slug: str, known: list[str], limit: int) -> str:
    """``known agreements: a, b`` (or ``none yet``); past ``limit``, the closest few and a count."""
    if not known:
        return "known agreements: none yet"
    if len(known) <= limit:
        return f"known agreements: {', '.join(known)}"
    from difflib import get_close_matches

    some = get_close_matches(slug, known, n=5) or known[:5]
    return f"{len(known)} known agreements, among them {', '.join(some)} (mou list shows them all)"


class AgreementExists(MouError):
    """Raised when `new` would overwrite an existing agreement."""

    def __init__(self, slug: str, root: Path) -> None:
        self.slug, self.root = slug, root
        super().__init__(f"agreement '{slug}' already exists in {root}; choose another slug")


class InvalidSlug(MouError):
    """Raised for a slug that is not a plain lower-case name (a path, dots, spaces, ...)."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(
            f"invalid slug {slug!r}: use 3-64 lower-case letters, digits and single hyphens, "
            "starting with a letter (e.g. buton-bpjstk-2025)"
        )


class UnknownStage(MouError):
    """Raised when a stage name is not in the template catalogue."""

    def __init__(self, stage: str, known: Sequence[str]) -> None:
        self.stage = stage
        super().__init__(f"unknown stage {stage!r}; known stages: {', '.join(known)}")


class TemplateProblem(MouError):
    """Raised when a template cannot be parsed or rendered; names the template and the field."""

    def __init__(self, template: str, field: str, message: str) -> None:
        self.template, self.field = template, field
        where = f"{template}: {field}" if field else template
        super().__init__(f"{where}: {message}")


class TemplateCheckFailed(MouError):
    """Raised by `check` when templates use fields the model lacks or break docxtpl rules."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))
