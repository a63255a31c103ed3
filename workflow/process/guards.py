"""Named guards: functions over the agreement data and its history that say why an event must wait.

Each guard returns None when it passes and a reason (one short clause, in the reader's language) when it fails.
Process definitions name them; `mou advance` lists every failing reason at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from workflow import i18n
from workflow.data.model import Agreement, Official, Party
from workflow.i18n import _


@dataclass(frozen=True)
class GuardContext:
    """What a guard may look at: the agreement's data and history, and two questions only the store can answer."""

    slug: str
    agreement: Agreement
    """The terms in force (the signed text plus its signed adenda)."""
    data_sha256: str
    entries: list[dict[str, Any]]
    state: str
    stage: str | None
    today: date
    approvals: frozenset[str]
    """The process's approval events (``kind: approval``)."""
    signed_adenda: int
    changes_since: Callable[[dict[str, Any]], str]
    """'agreement.yaml changed since the approval in entry N: field, ...' for an approval entry."""
    extended_by: Callable[[], list[str]]
    """Slugs of the other agreements whose ``extends:`` names this one."""


Guard = Callable[[GuardContext], str | None]
GUARDS: dict[str, Guard] = {}


def guard(fn: Guard) -> Guard:
    """Register ``fn`` under its name."""
    GUARDS[fn.__name__] = fn
    return fn


def today() -> date:
    """Today, or ``MOU_TODAY`` (YYYY-MM-DD) to ask "what if" and to test date rules."""
    from workflow import config

    return config.current().day()


def since_entering(ctx: GuardContext) -> list[dict[str, Any]]:
    """History entries from the one that moved the agreement into its current state, inclusive."""
    for i in range(len(ctx.entries) - 1, -1, -1):
        e = ctx.entries[i]
        if e["to"] == ctx.state and e["from"] != ctx.state:
            return ctx.entries[i:]
    return list(ctx.entries)


def _renders_since_entering(ctx: GuardContext) -> list[dict[str, Any]]:
    return [e for e in since_entering(ctx) if e["artifacts"] and e.get("stage") == ctx.stage]


@guard
def stage_documents_rendered(ctx: GuardContext) -> str | None:
    """The documents of the current stage have been rendered at least once."""
    if ctx.stage is None:
        return None
    if any(e.get("stage") == ctx.stage and e["artifacts"] for e in ctx.entries):
        return None
    return _("documents of stage {stage} not rendered yet (mou render {slug})").format(stage=ctx.stage, slug=ctx.slug)


@guard
def draft_rendered(ctx: GuardContext) -> str | None:
    """A draft was rendered in this drafting round (since entering the current state)."""
    if _renders_since_entering(ctx):
        return None
    return _("no draft rendered since entering {state} (mou render {slug})").format(state=ctx.state, slug=ctx.slug)


def _approval(ctx: GuardContext) -> dict[str, Any] | None:
    approvals = [e for e in since_entering(ctx) if e["from"] == e["to"] == ctx.state and e["event"] in ctx.approvals]
    return approvals[-1] if approvals else None


@guard
def review_approved(ctx: GuardContext) -> str | None:
    """A reviewer approved the draft in this review round."""
    return None if _approval(ctx) else _("review not approved")


def _approval_led_here(ctx: GuardContext) -> dict[str, Any] | None:
    """The approval recorded in the review round the agreement left to enter its current state (a review
    that ended in ``kb_ready_to_sign``): what a signature there signs."""
    for i in range(len(ctx.entries) - 1, -1, -1):
        entered = ctx.entries[i]
        if entered["to"] == ctx.state and entered["from"] != ctx.state:
            before = entered["from"]
            for e in reversed(ctx.entries[:i]):
                if e["from"] != before or e["to"] != before:
                    break  # the start of that round
                if e["event"] in ctx.approvals:
                    approval: dict[str, Any] = e
                    return approval
            return None
    return None


@guard
def data_unchanged_since_approval(ctx: GuardContext) -> str | None:
    """agreement.yaml is byte for byte what the reviewer approved (in this round, or in the round that led here)."""
    approval = _approval(ctx) or _approval_led_here(ctx)
    if approval is None or approval["data_sha256"] == ctx.data_sha256:
        return None
    return _("{changes}; render and review again").format(changes=ctx.changes_since(approval))


@guard
def nomor_present(ctx: GuardContext) -> str | None:
    """Both parties have reserved their nomor."""
    missing = [label for label, party in _parties(ctx) if party.nomor is None]
    return "; ".join(_("nomor of {party} missing").format(party=label) for label in missing) or None


@guard
def signatories_complete(ctx: GuardContext) -> str | None:
    """Each signatory has a name, NIP/NPK where they hold one, and a basis of appointment."""
    reasons: list[str] = []
    for label, party in _parties(ctx):
        gaps = _official_gaps(party.representative)
        if party.appointment is None:
            gaps.append(_("basis of appointment"))
        if party.address is None:
            gaps.append(_("address"))
        if gaps:
            reasons.append(_("signatory of {party} incomplete: {gaps}").format(party=label, gaps=", ".join(gaps)))
    return "; ".join(reasons) or None


def _official_gaps(person: Official) -> list[str]:
    gaps = []
    if person.name is None:
        gaps.append(_("name"))
    if person.id is not None and person.id.number is None:
        gaps.append(person.id.kind)
    return gaps


def _parties(ctx: GuardContext) -> list[tuple[str, Party]]:
    a = ctx.agreement
    return [(a.pihak_kesatu, a.parties.pemda), (a.pihak_kedua, a.parties.partner)]


@guard
def signing_date_set(ctx: GuardContext) -> str | None:
    """The signing date is fixed and not in the past."""
    when = ctx.agreement.signing.date
    if when is None:
        return _("signing date not set (signing.date)")
    if when < ctx.today:
        return _("signing date {date} is in the past").format(date=i18n.day(when))
    return None


@guard
def dprd_required(ctx: GuardContext) -> str | None:
    """DPRD approval is needed: the agreement burdens the public or its money is not budgeted."""
    return (
        None
        if ctx.agreement.dprd.required
        else _("DPRD approval not required (dprd.burdens_public is false and dprd.budgeted is true)")
    )


@guard
def dprd_not_required(ctx: GuardContext) -> str | None:
    """No DPRD approval is needed."""
    if not ctx.agreement.dprd.required:
        return None
    return _("DPRD approval required first (request_dprd_approval)")


@guard
def pks_signer_authorised(ctx: GuardContext) -> str | None:
    """The PKS signer is the Bupati or holds a surat kuasa from the Bupati."""
    pks = ctx.agreement.pks
    if pks is None:
        return _("PKS signatory not set (pks.signer)")
    gaps = _official_gaps(pks.signer)
    bupati = pks.signer.position.lower().startswith("bupati")
    if not bupati and pks.surat_kuasa is None:
        gaps.append(_("surat kuasa from the Bupati ({position} is not the Bupati)").format(position=pks.signer.position))
    return _("PKS signatory not authorised: {gaps} missing").format(gaps=", ".join(gaps)) if gaps else None


@guard
def term_started(ctx: GuardContext) -> str | None:
    """The term has begun."""
    start = ctx.agreement.term.start
    return None if start <= ctx.today else _("term starts on {date}").format(date=i18n.day(start))


@guard
def within_90_days_of_end(ctx: GuardContext) -> str | None:
    """The end of the term is 90 days away or less (the first reminder of SIKERJA)."""
    end = ctx.agreement.term.end
    return (
        None
        if end - timedelta(days=90) <= ctx.today
        else _("term ends on {date}, more than 90 days away").format(date=i18n.day(end))
    )


@guard
def term_ended(ctx: GuardContext) -> str | None:
    """The last day of the term has passed."""
    end = ctx.agreement.term.end
    return None if end < ctx.today else _("term runs until {date}").format(date=i18n.day(end))


@guard
def extension_created(ctx: GuardContext) -> str | None:
    """Another agreement in the folder names this one in `extends:` (the new cycle)."""
    if ctx.extended_by():
        return None
    return _("no agreement extends {slug} yet (mou new NEW --extends {slug})").format(slug=ctx.slug)


@guard
def amendment_described(ctx: GuardContext) -> str | None:
    """agreement.yaml describes an adendum not yet signed (the last entry of amendments:)."""
    signed = ctx.signed_adenda
    if len(ctx.agreement.amendments) > signed:
        return None
    return _("no new adendum described in agreement.yaml (amendments: has {described}, {signed} signed)").format(
        described=len(ctx.agreement.amendments), signed=signed
    )
