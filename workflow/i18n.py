"""The language people read: gettext catalogs, the choice of language, and figures in that language.

Every sentence a person reads (messages, help, status, the skeleton's comments, the schema reference,
calendar reminders) is written in English in the code, marked with ``_()`` (or ``N_()`` where it is
only named, to be translated when shown), and looked up in the compiled catalog of the active
language under ``workflow/locale/<lang>/LC_MESSAGES/mou.mo``. ``make i18n`` extracts, updates and
compiles the catalogs with Babel.

The language: ``MOU_LANG`` (``id`` or ``en``); else the first language of ``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES`` or ``LANG`` that the tool speaks (``C``/``POSIX`` say nothing); else Indonesian (the
users' language; Windows sets none of these). A message missing from a catalog is shown in English.

The active language is a context variable: the CLI sets it once per command, a web server per request.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import cache
from pathlib import Path
from typing import Final

DOMAIN: Final = "mou"
LOCALE_DIR: Final = Path(__file__).with_name("locale")
SOURCE: Final = "en"  # the language the messages are written in
DEFAULT: Final = "id"  # without any language setting
LANGUAGES: Final = ("id", "en")
NAMES: Final = {"id": "Bahasa Indonesia", "en": "English"}
_ALIASES: Final = {"in": "id", "ind": "id", "indonesian": "id", "eng": "en", "english": "en"}

_active: ContextVar[str | None] = ContextVar("mou_language", default=None)


def normalize(value: str) -> str | None:
    """``id`` or ``en`` for a language setting (``id_ID.UTF-8``, ``en-US``, ``in``), else ``None``."""
    code = value.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    code = _ALIASES.get(code, code)
    return code if code in LANGUAGES else None


def choose_language(environ: Mapping[str, str]) -> str:
    """The language of ``environ``: ``MOU_LANG``, then the POSIX variables, then ``id``.

    ``MOU_LANG`` with a language the tool does not speak falls to the next rule, as does ``C``/``POSIX``.
    A POSIX setting naming only languages the tool does not speak (``fr_FR``) gives English, the
    source language, which such a reader more likely reads than Indonesian.
    """
    env = environ
    chosen = normalize(env.get("MOU_LANG", ""))
    if chosen:
        return chosen
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip()
        if not value or value in ("C", "POSIX") or value.startswith(("C.", "POSIX.")):
            continue
        for part in value.split(":"):  # LANGUAGE is a list: the first the tool speaks wins
            chosen = normalize(part)
            if chosen:
                return chosen
        if name != "LANGUAGE":  # LC_ALL/LANG named a language, one the tool does not speak
            return SOURCE
    return DEFAULT


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``language`` (English, the source, needs none)."""
    if language == SOURCE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


_default: list[Callable[[], str]] = [lambda: DEFAULT]


def default_language(source: Callable[[], str]) -> None:
    """Where the language comes from when none is active: ``workflow.config`` registers the settings' (the
    environment's), which keeps this module below the settings that translate their own errors."""
    _default[0] = source


def language() -> str:
    """The active language: set by ``use_language``/``activate``, else the settings' (the environment's)."""
    return _active.get() or _default[0]()


def activate(lang: str) -> None:
    """Make ``lang`` the active language of this context (the CLI does it once per command)."""
    _active.set(normalize(lang) or DEFAULT)


@contextmanager
def use_language(lang: str) -> Iterator[str]:
    """``lang`` active inside the block (a request, a test), the previous one after it."""
    token = _active.set(normalize(lang) or DEFAULT)
    try:
        yield _active.get() or DEFAULT
    finally:
        _active.reset(token)


def _(message: str) -> str:
    """``message`` in the active language (English when the catalog lacks it)."""
    return translations(language()).gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the active language (Indonesian has one form)."""
    return translations(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it now (translated where it is shown)."""
    return message


# --- figures in the reader's language ---------------------------------------------------------------


MONTHS: Final = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
"""The Indonesian month names (the documents' formatting uses the same: ``workflow.data.formatting.NAMA_BULAN``)."""


def number(n: int) -> str:
    """``1.000`` in Indonesian, ``1,000`` in English."""
    text = f"{n:,}"
    return text.replace(",", ".") if language() == "id" else text


def money(n: int) -> str:
    """Rupiah as both languages write them in this domain: ``Rp672.000`` (``-Rp5.000`` below zero)."""
    sign = "-" if n < 0 else ""
    return f"{sign}Rp{abs(n):,}".replace(",", ".")


def day(d: date) -> str:
    """``28 Mei 2025`` in Indonesian, ``2025-05-28`` in English (the form the data file uses)."""
    if language() == "id":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return d.isoformat()


def names(items: list[str] | tuple[str, ...]) -> str:
    """``a, b dan c`` / ``a, b and c``: a list in running text."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return _("{first} and {last}").format(first=", ".join(items[:-1]), last=items[-1])


# --- click's own strings ---------------------------------------------------------------------------


def install_click() -> None:
    """Route click's own strings ("Usage:", "Error:", option errors) through this module's catalog.

    click looks its messages up with ``gettext.gettext`` bound at import in each of its modules; the
    catalog holds them (``make i18n`` extracts them from click's sources).
    """
    import importlib

    for name in (
        "core",
        "decorators",
        "exceptions",
        "formatting",
        "parser",
        "termui",
        "types",
        "utils",
        "shell_completion",
        "_termui_impl",
    ):
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover - a click without that module
            continue
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
