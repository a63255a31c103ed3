"""The one error hierarchy of the library.

Every error the user can cause is a ``MouError``; its ``str()`` is the one line the CLI prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from workflow import i18n
from workflow.i18n import _


class MouError(Exception):
    """Base of every domain error; the CLI prints it as ``Error: <message>`` and exits 1.

    Besides the one-line message, an error carries what a front end needs to present it its own way
    (a web form marks the field, the CLI adds the command to run): ``file`` and ``line`` of the data at
    fault, ``field`` (a dotted path such as ``funding.months``), ``rule`` (a short stable name of the
    rule broken, e.g. ``role``, ``ledger.quota``) and ``figures`` (the numbers and names involved).
    Messages name facts and rules, never command-line flags.
    """

    file: Path | str | None = None
    line: int | None = None
    field: str | None = None
    rule: str | None = None
    figures: Mapping[str, Any] = MappingProxyType({})

    def __init__(
        self,
        message: str = "",
        *,
        file: Path | str | None = None,
        line: int | None = None,
        field: str | None = None,
        rule: str | None = None,
        figures: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        for name, value in (("file", file), ("line", line), ("field", field), ("rule", rule), ("figures", figures)):
            if value is not None:
                setattr(self, name, value)


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

    def __init__(self, slug: str, root: Path | str, known: Sequence[str]) -> None:
        self.slug, self.root = slug, root
        self.known = sorted(known)
        # A folder without its agreement.yaml (misnamed, or not yet written) is worth naming.
        known_text = _known_agreements(slug, self.known, self.LISTED)
        if isinstance(root, Path) and (root / slug).is_dir():
            message = _("no agreement '{slug}' in {root} ({folder} has no agreement.yaml); {known}").format(
                slug=slug, root=root, folder=root / slug, known=known_text
            )
        else:
            message = _("no agreement '{slug}' in {root}; {known}").format(slug=slug, root=root, known=known_text)
        super().__init__(message)


def _known_agreements(slug: str, known: list[str], limit: int) -> str:
    """``known agreements: a, b`` (or ``none yet``); past ``limit``, the closest few and a count."""
    if not known:
        return _("known agreements: none yet")
    if len(known) <= limit:
        return _("known agreements: {names}").format(names=", ".join(known))
    from difflib import get_close_matches

    some = get_close_matches(slug, known, n=5) or known[:5]
    return _("{count} known agreements, among them {names} (mou list shows them all)").format(
        count=len(known), names=", ".join(some)
    )


class AgreementExists(MouError):
    """Raised when `new` would overwrite an existing agreement."""

    def __init__(self, slug: str, root: Path | str) -> None:
        self.slug, self.root = slug, root
        super().__init__(_("agreement '{slug}' already exists in {root}; choose another slug").format(slug=slug, root=root))


class InvalidSlug(MouError):
    """Raised for a slug that is not a plain lower-case name (a path, dots, spaces, ...)."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(
            _(
                "invalid slug {slug}: use 3-64 lower-case letters, digits and single hyphens, "
                "starting with a letter (e.g. buton-bpjstk-2025)"
            ).format(slug=repr(slug))
        )


class UnknownStage(MouError):
    """Raised when a stage name is not in the template catalogue."""

    def __init__(self, stage: str, known: Sequence[str]) -> None:
        self.stage = stage
        super().__init__(_("unknown stage {stage}; known stages: {known}").format(stage=repr(stage), known=", ".join(known)))


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


class TransitionNotAllowed(MouError):
    """Raised for an event that the process does not allow in the current state."""

    def __init__(
        self, slug: str, event: str, state: str, allowed: list[str], *, known: bool, state_title: str | None = None
    ) -> None:
        self.slug, self.event, self.state = slug, event, state
        nxt = ", ".join(allowed) if allowed else _("none (a final state)")
        if known:
            message = _("{slug}: event '{event}' is not allowed in state {state}; allowed now: {allowed}").format(
                slug=slug, event=event, state=titled(state, state_title), allowed=nxt
            )
        else:
            message = _("{slug}: unknown event '{event}'; allowed now: {allowed}").format(slug=slug, event=event, allowed=nxt)
        super().__init__(message)


def titled(token: str, title: str | None) -> str:
    """A state (or event) as a message names it: its token in English; in Indonesian its title (already
    Indonesian in the process definition) with the token beside it, as the user types it."""
    if not title or i18n.language() == i18n.SOURCE:
        return token
    return f"{title} ({token})"  # i18n: not translated (the title is Indonesian, the token a name)


class Refused(MouError):
    """Raised when guards or roles refuse an event; lists every reason at once."""

    def __init__(self, event: str, dest: str | None, state: str, reasons: list[str], *, dest_title: str | None = None) -> None:
        self.event, self.state, self.reasons = event, state, reasons
        self.figures = {"event": event, "state": state, "dest": dest}
        if dest and dest != state:
            message = _("cannot move to {dest}: {reasons}").format(dest=titled(dest, dest_title), reasons="; ".join(reasons))
        else:
            title = dest_title if dest in (None, state) else None  # the title of the state the event stays in
            message = _("cannot {event} in {state}: {reasons}").format(
                event=event, state=titled(state, title), reasons="; ".join(reasons)
            )
        super().__init__(message)


class ActorUnknown(MouError):
    """Raised when nobody is named as the actor, or the name is not among the agreement's people."""


class HistoryBroken(MouError):
    """Raised when the history cannot be trusted: names the first broken entry and why."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        super().__init__(_("{path}:{line}: entry {line}: {reason}").format(path=path, line=line, reason=reason))


class RenderRefused(MouError):
    """A render that would not give what docxtpl gives: a feature mou does not support, named with its part."""


class ConversionFailed(MouError):
    """Raised when LibreOffice is missing, times out or produces no PDF."""


class RedlineFailed(MouError):
    """Raised when a redline would not give back both versions when its changes are accepted or rejected."""

    def __init__(self, document: str, which: str) -> None:
        self.document, self.which = document, which
        if "newer" in which:
            message = _(
                "{document}: the redline does not reproduce {which} when its changes are accepted; "
                "nothing written (please report this as a bug)"
            )
        else:
            message = _(
                "{document}: the redline does not reproduce {which} when its changes are rejected; "
                "nothing written (please report this as a bug)"
            )
        super().__init__(message.format(document=document, which=which))


class OutputExists(MouError):
    """Raised when an output file of a comparison already exists: a recorded file is never replaced."""

    def __init__(self, kind: str, path: Path) -> None:
        self.kind, self.path = kind, path
        self.rule = "output.exists"
        super().__init__(_("{path}: the file exists; a comparison never replaces a file").format(path=path))


class Refusal(MouError):
    """Raised when a milestone's figures fail their checks; lists every reason, one line each."""

    def __init__(self, kind: str, reasons: list[str]) -> None:
        self.reasons = list(reasons)
        super().__init__("\n".join(_("cannot log {kind}: {reason}").format(kind=kind, reason=reason) for reason in reasons))


class UnknownProcess(MouError):
    """Raised when an agreement names a process that has no definition file."""

    def __init__(self, name: str, known: list[str], folders: Sequence[Path]) -> None:
        self.name, self.known = name, known
        where = ", ".join(str(f) for f in folders)
        if known:
            message = _("unknown process {name}; known processes: {known} (in {folders})")
        else:
            message = _("unknown process {name}; known processes: none (in {folders})")
        super().__init__(message.format(name=repr(name), known=", ".join(known), folders=where))


class AgreementBusy(MouError):
    """Raised when another process holds the agreement's lock for too long."""

    def __init__(self, slug: str, timeout: float) -> None:
        super().__init__(
            _("agreement '{slug}' is busy: another mou command held its lock for {seconds} s; try again").format(
                slug=slug, seconds=f"{timeout:.0f}"
            )
        )


class MissingPackageData(MouError):
    """Raised when mou was installed without the data it ships (a broken build or a partial copy)."""

    def __init__(self, what: str, package: str) -> None:
        super().__init__(
            _("mou is installed without its {what} (package {package} not found); reinstall mou from its wheel").format(
                what=_(what), package=package
            )
        )


class SignatureNeedsFiles(MouError):
    """Raised when a signature event is fired as a plain event: a signature is recorded with its signed files."""

    def __init__(self, slug: str, event: str, document: str | None) -> None:
        self.slug, self.event, self.document = slug, event, document
        self.rule = "signature"
        self.figures = {"event": event, "document": document}
        super().__init__(
            _("{event} records a signature: it is recorded with the signed files and the signing date").format(event=event)
        )


class NoDocumentsHere(MouError):
    """Raised when the current state produces no documents and no stage was named."""

    def __init__(self, state: str, stages: Sequence[str]) -> None:
        self.state, self.stages = state, list(stages)
        self.rule = "stage"
        super().__init__(
            _("state {state} produces no documents; the stages are {stages}").format(state=state, stages=", ".join(stages))
        )


class UnknownDocument(MouError):
    """Raised when a signature names a document the agreement's process does not sign; names those it does."""

    def __init__(self, document: str, process: str, known: Sequence[str]) -> None:
        self.document, self.process, self.known = document, process, list(known)
        self.rule = "document"
        self.figures = {"document": document, "process": process, "known": list(known)}
        if known:
            message = _("unknown document {document}; expected one of {known}").format(
                document=repr(document), known=", ".join(known)
            )
        else:
            message = _("unknown document {document}; process {process} declares no signed document").format(
                document=repr(document), process=process
            )
        super().__init__(message)


class OutputRefused(MouError):
    """Raised when an output file of a comparison may not be written where it was asked; nothing is written.

    ``kind`` is the output's format (``docx`` or ``html``), ``path`` the file asked for; ``rule`` says why:
    ``output.suffix`` (wrong file name ending), ``output.agreement`` (inside another agreement's folder),
    ``output.same`` (both outputs name one file).
    """

    def __init__(self, kind: str, path: Path, reason: str, rule: str) -> None:
        self.kind, self.path = kind, path
        self.rule = rule
        self.figures = {"format": kind, "path": str(path)}
        super().__init__(f"{path}: {reason}")


class StoreUnavailable(MouError):
    """Raised when a store cannot be opened or reached: a bad URL, a database that refuses the connection."""


# --- accounts of the web application (workflow.commands.accounts) -----------------------------------


class AccountError(MouError):
    """Base of the errors about accounts of the web application; ``rule`` says which (``account.*``)."""


class InvalidLogin(AccountError):
    """Raised for a login name that is not 3-32 lower-case letters, digits, dots, hyphens or underscores."""

    def __init__(self, login: str) -> None:
        self.login = login
        super().__init__(
            _(
                "invalid login name {login}: use 3-32 lower-case letters, digits, '.', '-' and '_', "
                "starting with a letter (e.g. budi.santoso)"
            ).format(login=repr(login)),
            rule="account.login",
            field="login",
        )


class AccountExists(AccountError):
    """Raised when an account of that login name exists already (disabled ones too)."""

    def __init__(self, login: str) -> None:
        self.login = login
        super().__init__(
            _("an account '{login}' exists already; choose another login name").format(login=login),
            rule="account.exists",
            field="login",
            figures={"login": login},
        )


class AccountUnknown(AccountError):
    """Raised when an administrator names an account that does not exist (never by ``authenticate``)."""

    def __init__(self, login: str) -> None:
        self.login = login
        super().__init__(
            _("no account '{login}'").format(login=login), rule="account.unknown", field="login", figures={"login": login}
        )


class WeakPassword(AccountError):
    """Raised for a password shorter than the minimum; nothing is written."""

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum
        super().__init__(
            _("the password is too short: use at least {n} characters").format(n=minimum),
            rule="account.password.short",
            field="password",
            figures={"minimum": minimum},
        )


class LoginRefused(AccountError):
    """Raised by ``authenticate`` for a wrong password, an unknown or a disabled account: one message for
    all three, so that it never tells whether an account exists."""

    def __init__(self) -> None:
        super().__init__(_("wrong login name or password"), rule="account.password")


class AccountLocked(AccountError):
    """Raised by ``authenticate`` while an account is locked after repeated failures, even for the right
    password; ``until`` is when the lock ends (UTC), ``seconds`` how long that is from now."""

    def __init__(self, until: datetime, seconds: int) -> None:
        self.until, self.seconds = until, seconds
        super().__init__(
            _("too many failed sign-ins: try again in {seconds} s").format(seconds=seconds),
            rule="account.locked",
            figures={"until": until.isoformat(), "seconds": seconds},
        )
