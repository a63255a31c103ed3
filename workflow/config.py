"""Settings: the environment read once, in one place.

Nothing else in the library reads ``os.environ``. A front end builds one ``Settings`` per command (the
CLI from its options and the environment, a web request from the server's settings and the signed-in
account) and activates it with ``use``; the layers below ask ``current()`` for what they need (where
templates, process definitions and the cache live, what day it is, who acts) instead of each reading a
variable of its own. Used as a library without activation, ``current()`` reads the environment afresh.

Variables (all optional):

==================  =====================================================================
``MOU_ROOT``        the agreements folder (default ``./agreements``)
``MOU_STORE``       the store instead: a folder, ``sqlite:///path/mou.db`` or ``postgresql://...``
``MOU_TEMPLATES``   a Pemda's own templates folder (default: the shipped templates)
``MOU_PROCESSES``   a folder of extra process definitions, looked up before the shipped ones
``MOU_TODAY``       the day to act as of, ``YYYY-MM-DD`` (to ask "what if", and in tests)
``MOU_ACTOR``       who acts when ``--as`` is not given (default: the login name)
``MOU_CACHE``       the parse cache folder; ``off`` turns it off (default under ``XDG_CACHE_HOME``)
``MOU_REVIEW_DAYS`` days a draft may wait for its reviewer before `mou due` lists it (default 14)
``MOU_LANG``        language of messages (``id`` or ``en``), else ``LANGUAGE``/``LC_ALL``/``LANG``
``MOU_TRUST``       a folder of trusted root certificates (PEM/DER) for e-signed PDFs; none by default
==================  =====================================================================
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from workflow import i18n
from workflow.errors import MouError
from workflow.i18n import _

REVIEW_WAIT_DAYS = 14
"""A draft waiting this many days for its reviewer is listed by `mou due` (MOU_REVIEW_DAYS changes it)."""


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know about where and when it runs."""

    root: Path = Path("agreements")
    store: str | None = None
    """Where agreements live when not the ``root`` folder: ``sqlite:///path/mou.db`` or ``postgresql://...``."""
    templates: Path | None = None
    """A Pemda's own templates folder; None: the shipped templates."""
    processes: Path | None = None
    """A folder of extra process definitions, looked up before the shipped ones."""
    today: date | None = None
    """The day to act as of; None: the real date."""
    actor: str | None = None
    """Who acts when a command is not told; None: the login name."""
    cache: Path | None = None
    """The parse cache folder; None: no cache."""
    review_days: int = REVIEW_WAIT_DAYS
    language: str = "id"
    trust: Path | None = None
    """A folder of the root certificates (PEM or DER) an e-signed PDF must chain to; None: none trusted."""
    account: str | None = None
    """The login the web authenticated for this request; None on the command line. Never read from the
    environment: only a front end that checked a password sets it. History entries then carry
    ``"account": {"login": ..., "via": "web", "v": 1}`` beside the actor."""

    def store_location(self) -> str:
        """The store to open: ``store`` when set, else the ``root`` folder."""
        return self.store or str(self.root)

    def day(self) -> date:
        """Today, or the day the settings act as of."""
        return self.today or date.today()

    def who(self, actor: str | None = None) -> str:
        """Who acts, one rule for every command: the name given, else the settings' actor, else the login name."""
        if actor:
            return actor
        if self.actor:
            return self.actor
        import getpass

        return getpass.getuser()

    def but(self, **changes: Any) -> Settings:
        """A copy with some settings changed (a command-line option over the environment)."""
        return replace(self, **changes)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``MOU_*`` variables (see the module's table); a malformed value is refused by name."""
        env = os.environ if environ is None else environ
        today = env.get("MOU_TODAY") or None
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as err:
            raise MouError(
                _("MOU_TODAY={value} is not a date, expected YYYY-MM-DD").format(value=repr(today)), field="MOU_TODAY"
            ) from err
        days = env.get("MOU_REVIEW_DAYS") or None
        if days is not None and not (days.isdigit() and 0 < int(days) <= 3650):
            raise MouError(
                _("MOU_REVIEW_DAYS={value} is not a number of days (1 to 3650)").format(value=repr(days)),
                field="MOU_REVIEW_DAYS",
            )
        return cls(
            root=Path(env.get("MOU_ROOT") or "agreements"),
            store=env.get("MOU_STORE") or None,
            templates=Path(env["MOU_TEMPLATES"]) if env.get("MOU_TEMPLATES") else None,
            processes=Path(env["MOU_PROCESSES"]) if env.get("MOU_PROCESSES") else None,
            today=day,
            actor=env.get("MOU_ACTOR") or None,
            cache=_cache_folder(env),
            review_days=int(days) if days else REVIEW_WAIT_DAYS,
            language=i18n.choose_language(env),
            trust=Path(env["MOU_TRUST"]) if env.get("MOU_TRUST") else None,
        )


def _cache_folder(env: Mapping[str, str]) -> Path | None:
    chosen = env.get("MOU_CACHE")
    if chosen:
        return None if chosen.lower() in {"0", "off", "no", "false"} else Path(chosen)
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mou"


def pass_on(name: str, value: str) -> None:
    """Set the setting ``name`` for the processes this one starts (a server's worker processes build
    their settings from the environment they inherit)."""
    os.environ[name] = value


def prepare_matplotlib() -> None:
    """Before matplotlib is first imported: no display needed, its font cache in the user's cache folder."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("MPLCONFIGDIR", os.path.join(os.path.expanduser("~"), ".cache", "mou-matplotlib"))


_ACTIVE: ContextVar[Settings | None] = ContextVar("mou_settings", default=None)


def current() -> Settings:
    """The active settings: those given to ``use``, else the environment as it is now."""
    active = _ACTIVE.get()
    return active if active is not None else Settings.from_environment()


def current_account() -> str | None:
    """The authenticated login of the active settings; None without activation (never from the environment)."""
    active = _ACTIVE.get()
    return active.account if active is not None else None


def current_language() -> str:
    """The language of the active settings, else of the environment; never refused (errors are shown in it)."""
    active = _ACTIVE.get()
    return active.language if active is not None else i18n.choose_language(os.environ)


i18n.default_language(current_language)  # the library used without a command: the settings decide


@contextmanager
def use(settings: Settings) -> Iterator[Settings]:
    """Activate ``settings`` for the code run inside the block (one command, one web request)."""
    token = _ACTIVE.set(settings)
    try:
        yield settings
    finally:
        _ACTIVE.reset(token)


def activate(settings: Settings) -> None:
    """Activate ``settings`` for the rest of the process (the CLI, one command per process)."""
    _ACTIVE.set(settings)
