"""mou: documents and workflow for Memoranda of Understanding of Indonesian regional governments.

The library is the product; ``cli.py`` is a thin shell over it, and a web application uses the same
names. ``__all__`` is the public API: the use cases (one function per command), the types a front end
handles, the error classes and the formatting helpers a front end prints with::

    import workflow

    store = workflow.open_store("agreements")  # or sqlite:///srv/mou.db, postgresql://...
    with workflow.use_settings(workflow.Settings.from_environment()):
        entry = workflow.advance(store, "buton-bpjstk-2025", "hold_fgd", "Dinas Tenaga Kerja Kabupaten Buton")

Importing this package is cheap: each name is imported on first use (PEP 562), so ``import workflow``
loads no module of the library, and docxtpl, lxml and Jinja load only when a document is rendered or a
template checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workflow import config as config  # light (no third-party import); it tells workflow.i18n where the language comes from

__version__ = "0.1.0"

# Public name -> "module" (the same name there) or "module:name" (a different one).
_WHERE = {
    # agreements: create, load, describe
    "new": "workflow.commands.agreements",
    "load": "workflow.commands.agreements",
    "load_file": "workflow.commands.agreements",
    "skeleton": "workflow.data.agreements",
    "schema_reference": "workflow.data.reference",
    # the lifecycle
    "advance": "workflow.commands.lifecycle",
    "status": "workflow.commands.lifecycle",
    "process_titles": "workflow.commands.lifecycle",
    "Titles": "workflow.commands.lifecycle",
    "remembered": "workflow.commands.views",
    "render": "workflow.commands.lifecycle:record_render",
    "list_agreements": "workflow.commands.lifecycle",
    "entries": "workflow.commands.lifecycle",
    "diagram": "workflow.commands.lifecycle",
    "due_of": "workflow.commands.lifecycle",
    "render_all": "workflow.commands.batch",
    "verify": "workflow.commands.verify",
    "make_checkpoint": "workflow.commands.checkpoint",
    "verify_checkpoint": "workflow.commands.checkpoint",
    "new_checkpoint_key": "workflow.commands.checkpoint:new_key",
    "find_checkpoint": "workflow.commands.checkpoint",
    "open_checkpoint": "workflow.commands.checkpoint",
    "stored_checkpoints": "workflow.commands.checkpoint",
    "Checkpoint": "workflow.commands.checkpoint",
    "check_project": "workflow.commands.check",
    "sign": "workflow.commands.signing",
    "finalize": "workflow.commands.finalize",
    "archive": "workflow.commands.archive",
    "export_jdih": "workflow.commands.export",
    "compare": "workflow.commands.diff",
    # participants and monitoring
    "import_participants": "workflow.commands.participants",
    "replace_participant": "workflow.commands.participants",
    "load_participants": "workflow.commands.participants",
    "reveal_participants": "workflow.commands.participants",
    "mask": "workflow.commands.participants",
    "log": "workflow.commands.monitoring",
    "due": "workflow.commands.monitoring",
    "ics": "workflow.commands.monitoring",
    "kpis": "workflow.commands.monitoring",
    "report": "workflow.commands.report",
    "write_dashboard": "workflow.commands.dashboard",
    "demo": "workflow.commands.demo",
    # stores
    "copy_agreements": "workflow.commands.stores",
    "data_get": "workflow.commands.stores",
    "data_put": "workflow.commands.stores",
    # accounts of the web application
    "Account": "workflow.commands.accounts",
    "add_user": "workflow.commands.accounts",
    "list_users": "workflow.commands.accounts",
    "get_user": "workflow.commands.accounts",
    "disable_user": "workflow.commands.accounts",
    "set_password": "workflow.commands.accounts",
    "authenticate": "workflow.commands.accounts",
    # what the use cases stand on
    "session": "workflow.commands.session",
    "Store": "workflow.records.store",
    "FolderStore": "workflow.records.store",
    "open_store": "workflow.records.stores",
    "Artifact": "workflow.records.store",
    "Agreement": "workflow.data.model",
    "Settings": "workflow.config",
    "activate": "workflow.config",
    "use_settings": "workflow.config:use",
    # formatting a front end prints with
    "angka": "workflow.data.formatting",
    "rupiah": "workflow.data.formatting",
    # errors: MouError and every subclass a front end may tell apart
    "MouError": "workflow.errors",
    "Problem": "workflow.errors",
    "InvalidData": "workflow.errors",
    "AgreementNotFound": "workflow.errors",
    "AgreementExists": "workflow.errors",
    "AgreementBusy": "workflow.errors",
    "StoreUnavailable": "workflow.errors",
    "InvalidSlug": "workflow.errors",
    "UnknownStage": "workflow.errors",
    "UnknownProcess": "workflow.errors",
    "NoDocumentsHere": "workflow.errors",
    "TemplateProblem": "workflow.errors",
    "TemplateCheckFailed": "workflow.errors",
    "RenderRefused": "workflow.errors",
    "ConversionFailed": "workflow.errors",
    "RedlineFailed": "workflow.errors",
    "OutputExists": "workflow.errors",
    "TransitionNotAllowed": "workflow.errors",
    "Refused": "workflow.errors",
    "Refusal": "workflow.errors",
    "ActorUnknown": "workflow.errors",
    "SignatureNeedsFiles": "workflow.errors",
    "HistoryBroken": "workflow.errors",
    "MissingPackageData": "workflow.errors",
    "UnknownDocument": "workflow.errors",
    "OutputRefused": "workflow.errors",
    "AccountError": "workflow.errors",
    "InvalidLogin": "workflow.errors",
    "AccountExists": "workflow.errors",
    "AccountUnknown": "workflow.errors",
    "WeakPassword": "workflow.errors",
    "LoginRefused": "workflow.errors",
    "AccountLocked": "workflow.errors",
}

__all__ = [
    "Account",
    "AccountError",
    "AccountExists",
    "AccountLocked",
    "AccountUnknown",
    "ActorUnknown",
    "Agreement",
    "AgreementBusy",
    "AgreementExists",
    "AgreementNotFound",
    "Artifact",
    "Checkpoint",
    "ConversionFailed",
    "FolderStore",
    "HistoryBroken",
    "InvalidData",
    "InvalidLogin",
    "InvalidSlug",
    "LoginRefused",
    "MissingPackageData",
    "MouError",
    "NoDocumentsHere",
    "OutputExists",
    "OutputRefused",
    "Problem",
    "RedlineFailed",
    "Refusal",
    "Refused",
    "RenderRefused",
    "Settings",
    "SignatureNeedsFiles",
    "Store",
    "StoreUnavailable",
    "TemplateCheckFailed",
    "TemplateProblem",
    "Titles",
    "TransitionNotAllowed",
    "UnknownDocument",
    "UnknownProcess",
    "UnknownStage",
    "WeakPassword",
    "__version__",
    "activate",
    "add_user",
    "advance",
    "angka",
    "archive",
    "authenticate",
    "check_project",
    "compare",
    "copy_agreements",
    "data_get",
    "data_put",
    "demo",
    "diagram",
    "disable_user",
    "due",
    "due_of",
    "entries",
    "export_jdih",
    "finalize",
    "find_checkpoint",
    "get_user",
    "ics",
    "import_participants",
    "kpis",
    "list_agreements",
    "list_users",
    "load",
    "load_file",
    "load_participants",
    "log",
    "make_checkpoint",
    "mask",
    "new",
    "new_checkpoint_key",
    "open_checkpoint",
    "open_store",
    "process_titles",
    "remembered",
    "render",
    "render_all",
    "replace_participant",
    "report",
    "reveal_participants",
    "rupiah",
    "schema_reference",
    "session",
    "set_password",
    "sign",
    "skeleton",
    "status",
    "stored_checkpoints",
    "use_settings",
    "verify",
    "verify_checkpoint",
    "write_dashboard",
]

if TYPE_CHECKING:  # the same names for type checkers and editors; never imported at run time
    from workflow.commands.accounts import Account, add_user, authenticate, disable_user, get_user, list_users, set_password
    from workflow.commands.agreements import load, load_file, new
    from workflow.commands.archive import archive
    from workflow.commands.batch import render_all
    from workflow.commands.check import check_project
    from workflow.commands.checkpoint import (
        Checkpoint,
        find_checkpoint,
        make_checkpoint,
        open_checkpoint,
        stored_checkpoints,
        verify_checkpoint,
    )
    from workflow.commands.checkpoint import new_key as new_checkpoint_key
    from workflow.commands.dashboard import write_dashboard
    from workflow.commands.demo import demo
    from workflow.commands.diff import compare
    from workflow.commands.export import export_jdih
    from workflow.commands.finalize import finalize
    from workflow.commands.lifecycle import Titles, advance, diagram, due_of, entries, list_agreements, process_titles, status
    from workflow.commands.lifecycle import record_render as render
    from workflow.commands.monitoring import due, ics, kpis, log
    from workflow.commands.participants import (
        import_participants,
        load_participants,
        mask,
        replace_participant,
        reveal_participants,
    )
    from workflow.commands.report import report
    from workflow.commands.session import session
    from workflow.commands.signing import sign
    from workflow.commands.verify import verify
    from workflow.commands.views import remembered
    from workflow.config import Settings, activate
    from workflow.config import use as use_settings
    from workflow.data.agreements import skeleton
    from workflow.data.formatting import angka, rupiah
    from workflow.data.model import Agreement
    from workflow.data.reference import schema_reference
    from workflow.errors import (
        AccountError,
        AccountExists,
        AccountLocked,
        AccountUnknown,
        ActorUnknown,
        AgreementBusy,
        AgreementExists,
        AgreementNotFound,
        ConversionFailed,
        HistoryBroken,
        InvalidData,
        InvalidLogin,
        InvalidSlug,
        LoginRefused,
        MissingPackageData,
        MouError,
        NoDocumentsHere,
        OutputExists,
        OutputRefused,
        Problem,
        RedlineFailed,
        Refusal,
        Refused,
        RenderRefused,
        SignatureNeedsFiles,
        StoreUnavailable,
        TemplateCheckFailed,
        TemplateProblem,
        TransitionNotAllowed,
        UnknownDocument,
        UnknownProcess,
        UnknownStage,
        WeakPassword,
    )
    from workflow.records.store import Artifact, FolderStore, Store
    from workflow.records.stores import open_store


def __getattr__(name: str) -> Any:
    """The public names, imported on first use: ``import workflow.errors`` stays cheap (PEP 562)."""
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'workflow' has no attribute {name!r}")
    import importlib

    module, _, attr = where.partition(":")
    return getattr(importlib.import_module(module), attr or name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
