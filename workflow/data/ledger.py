"""The ledger rules: which money entries may be recorded, and what they add up to.

Money entries are the history events ``log:payment``, ``log:claim``, ``log:santunan`` and
``log:enrolment``. A mistake is never edited away: ``log:correction`` names the entry it corrects
(``corrects``: its seq), says why (``reason``) and carries the full corrected figures (``figures``);
``log:void`` names the entry it voids and says why. The ledger (:func:`book`) is the money entries
with their corrections and voids applied: a voided entry counts for nothing, a corrected one counts
with its latest corrected figures.

Everything here is a pure function of

* the terms in force (``Agreement.effective(n)`` for the adenda signed before the entry),
* the participant :class:`Roster` (every version of the list recorded before the entry),
* the earlier history entries (dicts as in ``history.jsonl``: ``seq``, ``event``, ``data``, ``ts``),
* today,

so the same rules check an entry when it is logged (``mou log``, through :func:`check_entry`) and
check a recorded history again later (``mou verify``, through :func:`replay`). Only
:func:`roster_of` reads the participant list versions named by the history, through the reader it is given.

Recorded figures by kind (``data`` of the history entry, besides ``date``):

* payment: ``period`` (YYYY-MM), ``workers``, ``amount`` (rupiah), ``reference`` (SP2D number);
* claim: ``programme``, ``cases``, ``amount``, ``nik`` (masked), ``participant`` (name), ``row``;
* santunan: ``heir``, ``amount``, ``nik`` (masked), ``participant`` (name), ``row``, ``reason`` (optional);
* enrolment: ``count``.

``row`` (``participants/peserta-v1.csv:419``: list version and CSV line) says who the participant is
without writing a full NIK into the history (UU 27/2022): the NIK is read back from that version.

The rules, by the name :func:`replay` gives them: ``required`` (figures present and whole numbers,
a payment's SP2D ``reference`` too), ``figures`` (no figure of another kind), ``positive``
(amount, workers, cases), ``term`` (the month paid for lies in the term), ``future`` (the month
paid for has begun on the entry's date; no entry dated after today), ``quota`` (workers, enrolment
count), ``participants`` (a list is imported; workers at most the participants active that month,
see :class:`Roster`), ``rate`` (amount = workers x the monthly rate in force), ``once`` (one payment
per month), ``reference`` (an SP2D number once, compared without case and surrounding blanks),
``allocation`` (the year's payments within :func:`allocation_for`), ``programme`` (a covered
programme), ``participant`` (a claim or santunan names a participant), ``claim`` (a santunan
follows the JKM claim of the same person; one JKM claim per person), ``santunan`` (one per person),
``benefit`` (the JKM benefit in force unless a reason is given), ``corrects`` (a correction or void
names a money entry not voided, changes something, and leaves no santunan without its JKM claim).
Payments, claims and santunan of voided entries free their month, SP2D number and person again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

from workflow import i18n
from workflow.data import formatting
from workflow.data.entries import LOG_PREFIX
from workflow.data.model import Agreement
from workflow.data.participants import IMPORT_EVENT, REPLACE_EVENT, Participant, from_csv, mask
from workflow.data.periods import end_of_month as _end_of
from workflow.i18n import N_, _

LOG = LOG_PREFIX
MONEY = ("enrolment", "payment", "claim", "santunan")
"""Kinds of money entry: what a correction or void may name."""
FIXES = ("correction", "void")
CHECKED = MONEY + FIXES
"""Kinds :func:`check_entry` has rules for; any other kind (meeting, note, ...) passes."""
REQUIRED = {
    "enrolment": ("count",),
    "payment": ("period", "workers", "amount", "reference"),
    "claim": ("programme", "cases", "amount", "nik"),
    "santunan": ("heir", "amount", "nik"),
}
FIGURES = {
    "enrolment": ("count",),
    "payment": ("period", "workers", "amount", "reference"),
    "claim": ("programme", "cases", "amount", "nik", "participant", "row"),
    "santunan": ("heir", "amount", "nik", "participant", "row", "reason"),
}
"""Figures each kind may carry (``participant`` and ``row`` are filled in from the list, never typed)."""
WHOLE = ("count", "workers", "amount", "cases")
NAMES = {
    "enrolment": N_("an enrolment"),
    "payment": N_("a payment"),
    "claim": N_("a claim"),
    "santunan": N_("a santunan"),
}
"""Each kind of money entry as a reason names it (translated where shown)."""


def allocation_for(a: Agreement, year: int) -> int:
    """The APBD allocation for the contributions of budget year ``year``: the ceiling of that year's payments.

    A funded year's allocation is rate x workers x the funded months in that year (a funding period
    may start in any month and span budget years: ``Budget.allocations``); another year of the term
    falls back to the yearly cost (twelve months). Every rule and KPI asks this function.
    """
    return a.budget.allocations.get(year, a.budget.annual)


# --- the participant list over time -------------------------------------------------------------


@dataclass(frozen=True)
class ListVersion:
    """One version of the participant list, as recorded by the history entry ``seq`` on ``on``."""

    seq: int
    on: date
    path: str  # relative to the agreement folder: participants/peserta-vN.csv
    people: tuple[Participant, ...]
    replacement: bool = False  # made by `mou participants replace` (dated); else by an import


@dataclass(frozen=True)
class Member:
    """A participant over time: on the list from ``mulai``; ``removed`` is the date of the
    replacement that took them off (None while they are on the list in force)."""

    nik: str
    nama: str
    mulai: date
    removed: date | None
    row: str  # where they are last listed: participants/peserta-vN.csv:LINE


@dataclass(frozen=True)
class Roster:
    """Every version of the participant list, in history order.

    *The participants* are those of the latest import plus everyone the replacements after it
    brought in, including those they took off. An import is the list itself: a later import
    replaces the list for every month, as a corrected list (an entry logged before it was checked
    against the list known then, see :meth:`before`); a replacement is dated.

    *Active in a month* (what a payment's ``workers`` may not exceed): a participant is active in
    month M when their ``mulai`` is on or before the last day of M and they were not replaced before
    the first day of M. A worker replaced during M (``mou participants replace``) therefore counts in
    M together with the one who takes their place (whose ``mulai`` is in or before M); from the next
    month on only the newcomer counts.
    """

    versions: tuple[ListVersion, ...] = ()

    def before(self, seq: int) -> Roster:
        """The roster as known when history entry ``seq`` was recorded (versions of earlier entries)."""
        return Roster(tuple(v for v in self.versions if v.seq < seq))

    @cached_property
    def members(self) -> dict[str, Member]:
        """The participants (see the class docstring), by NIK."""
        imports = [i for i, v in enumerate(self.versions) if not v.replacement]
        out: dict[str, Member] = {}
        previous: set[str] = set()
        for v in self.versions[imports[-1] if imports else 0 :]:
            now = {p.nik: Member(p.nik, p.nama, p.mulai, None, f"{v.path}:{i}") for i, p in enumerate(v.people, 2)}
            for nik in previous - now.keys():
                if out[nik].removed is None:
                    out[nik] = replace(out[nik], removed=v.on)
            out.update(now)
            previous = set(now)
        return out

    @cached_property
    def rows(self) -> dict[str, Member]:
        """Every row of every version, by row reference (participants/peserta-vN.csv:LINE)."""
        return {
            f"{v.path}:{i}": Member(p.nik, p.nama, p.mulai, None, f"{v.path}:{i}")
            for v in self.versions
            for i, p in enumerate(v.people, 2)
        }

    def find(self, nik: str) -> Member | None:
        """The participant with this (full) NIK, on the list in force or replaced."""
        return self.members.get(nik)

    def at(self, row: str) -> Member | None:
        """Who a recorded ``row`` reference names (even if a later import left them out)."""
        listed = self.rows.get(row)
        return self.members.get(listed.nik, listed) if listed else None

    def active(self, month: date) -> int:
        """Participants active in the month starting on ``month`` (see the class docstring)."""
        last = _end_of(month)
        return sum(1 for m in self.members.values() if m.mulai <= last and (m.removed is None or m.removed >= month))


def roster_of(read: Callable[[str], bytes | None], entries: Sequence[Mapping[str, Any]]) -> Roster:
    """The roster from the list versions the history records (imports and replacements), in order.

    ``read(path)`` gives the bytes of a recorded file of the agreement, None when it is missing; a
    missing version, or one whose bytes are not those recorded, is left out (``mou verify`` reports
    the missing or changed file itself).
    """
    import hashlib

    versions = []
    for e in entries:
        if e["event"] not in (IMPORT_EVENT, REPLACE_EVENT):
            continue
        for artifact in e["artifacts"]:
            raw = read(artifact["path"])
            if raw is None or hashlib.sha256(raw).hexdigest() != artifact["sha256"]:
                continue
            people = tuple(from_csv(raw.decode("utf-8")))
            versions.append(ListVersion(e["seq"], _on(e), artifact["path"], people, e["event"] == REPLACE_EVENT))
    return Roster(tuple(versions))


# --- the ledger: money entries with corrections and voids applied --------------------------------


@dataclass
class Item:
    """One money entry as it stands: its latest figures, whether it was voided and by which entries."""

    seq: int
    kind: str
    on: date
    figures: dict[str, Any]
    voided_by: int | None = None
    corrected_by: list[int] = field(default_factory=list)


def book(entries: Sequence[Mapping[str, Any]]) -> dict[int, Item]:
    """Every money entry of ``entries`` by seq, with the corrections and voids among them applied.

    A correction or void that names no money entry, or one already voided, changes nothing
    (:func:`replay` reports it). Corrections apply whatever their date: they fix the record, they do
    not happen in the world.
    """
    items: dict[int, Item] = {}
    for e in entries:
        kind = _kind(e["event"])
        data = e["data"]
        if kind in MONEY:
            items[e["seq"]] = Item(e["seq"], kind, _on(e), _figures_of(data))
        elif kind in FIXES:
            target = items.get(data.get("corrects", -1))
            if target is None or target.voided_by is not None:
                continue
            if kind == "void":
                target.voided_by = e["seq"]
            elif isinstance(data.get("figures"), dict):
                target.figures = dict(data["figures"])
                target.corrected_by.append(e["seq"])
    return items


def live(entries: Sequence[Mapping[str, Any]]) -> list[Item]:
    """The money entries that count (not voided), with their corrected figures, in history order."""
    return [i for i in book(entries).values() if i.voided_by is None]


# --- the rules -----------------------------------------------------------------------------------

Breach = tuple[str, str]  # (rule, reason)


def check_entry(
    kind: str,
    data: Mapping[str, Any],
    terms: Agreement,
    roster: Roster,
    earlier: Sequence[Mapping[str, Any]],
    today: date,
) -> list[str]:
    """Why the money entry ``data`` of ``kind`` may not follow ``earlier``; empty when it may.

    ``kind``: payment, claim, santunan, enrolment, correction or void (``log:`` prefix allowed); any
    other kind gets no reasons. ``data``: the figures as recorded (see the module docstring) plus
    ``date`` (YYYY-MM-DD, the day it happened; today when missing); a new claim or santunan may give
    the full ``nik`` instead of ``row`` (:func:`finalize` then records it masked). A correction's
    ``data`` is ``{"corrects": seq, "reason": text, "kind": kind, "figures": {all corrected figures}}``
    (see :func:`draft`), a void's ``{"corrects": seq, "reason": text}``. ``terms``: the agreement's
    terms in force when the entry is recorded. ``roster``: the participant list versions recorded
    before it. ``earlier``: every history entry before it, in order. ``today``: the day it is
    checked. Each reason names the rule and the figures, in the active language.
    """
    return [reason for _rule, reason in breaches(kind, data, terms, roster, earlier, today)]


def replay(
    entries: Sequence[Mapping[str, Any]],
    agreement: Agreement,
    roster: Roster,
    today: date,
    terms_of: Callable[[int, Agreement], Agreement] | None = None,
    amending: frozenset[str] = frozenset(),
) -> list[tuple[int, str]]:
    """(seq, "rule: reason") for every recorded money entry, correction or void that breaks a rule.

    Each entry is checked as :func:`check_entry` checked it when it was logged: against the entries
    before it (all of them, rule-breaking or not: the history is what happened), the roster as known
    before it (``roster.before(seq)``) and the terms in force then. ``agreement`` is the signed
    text; by default the terms are ``agreement.effective(adenda signed before the entry)`` (the
    events in ``amending`` sign an adendum: the process says which, ``Process.amending``), or
    ``terms_of(index, agreement)`` when given (e.g. the data version the entry was recorded
    against). ``today``: the day of the check (an entry dated after it breaks the ``future`` rule).
    A rewritten history (an amount, a period or a reference changed after the fact) shows up here.
    """
    out: list[tuple[int, str]] = []
    for index, e in enumerate(entries):
        kind = _kind(e["event"])
        if kind not in CHECKED:
            continue
        earlier = entries[:index]
        if terms_of is not None:
            terms = terms_of(index, agreement)
        else:
            terms = agreement.effective(sum(1 for x in earlier if x["event"] in amending))
        out += [
            (e["seq"], f"{rule}: {reason}")
            for rule, reason in breaches(kind, e["data"], terms, roster.before(e["seq"]), earlier, today)
        ]
    return out


def breaches(
    kind: str,
    data: Mapping[str, Any],
    terms: Agreement,
    roster: Roster,
    earlier: Sequence[Mapping[str, Any]],
    today: date,
) -> list[Breach]:
    """:func:`check_entry` with the rule of each reason: (rule, reason) pairs."""
    kind = _kind(kind)
    if kind not in CHECKED:
        return []
    try:
        on = date.fromisoformat(str(data["date"])) if data.get("date") else today
    except ValueError:
        return [("required", _("date {value} is not a date, expected YYYY-MM-DD").format(value=repr(data["date"])))]
    out: list[Breach] = []
    if on > today:
        out.append(("future", _("date {date} is after today ({today})").format(date=i18n.day(on), today=i18n.day(today))))
    if kind in FIXES:
        return out + _fix(kind, data, terms, roster, earlier, on)
    foreign = [k for k in data if k != "date" and k not in FIGURES[kind]]
    if foreign:
        return out + [("figures", _("--{key} is not a figure of {what}").format(key=k, what=_(NAMES[kind]))) for k in foreign]
    return out + _rules(kind, dict(data), terms, roster, book(earlier), on, exclude=None, explained=False)


def _fix(
    kind: str,
    data: Mapping[str, Any],
    terms: Agreement,
    roster: Roster,
    earlier: Sequence[Mapping[str, Any]],
    on: date,
) -> list[Breach]:
    out: list[Breach] = []
    seq = data.get("corrects")
    if seq is None:
        out.append(("required", _("--corrects is required")))
    elif not isinstance(seq, int) or isinstance(seq, bool):
        out.append(("required", _("--corrects {value} is not an entry number").format(value=repr(seq))))
    if not str(data.get("reason") or "").strip():
        out.append(("required", _("--reason is required")))
    if out:
        return out
    assert isinstance(seq, int)
    items = book(earlier)
    entry = next((e for e in earlier if e["seq"] == seq), None)
    if entry is None:
        # "entries" whatever the count: the English text as it has always been
        return [
            ("corrects", _("entry {seq} does not exist (the history has {count} entries)").format(seq=seq, count=len(earlier)))
        ]
    named = _kind(entry["event"])
    if named in FIXES:
        if kind == "correction":
            text = _("entry {seq} is a {named}; name the entry it corrects ({corrects})")
        else:
            text = _("entry {seq} is a {named}; name the entry it voids ({corrects})")
        return [("corrects", text.format(seq=seq, named=named, corrects=entry["data"].get("corrects")))]
    if named not in MONEY:
        return [
            (
                "corrects",
                _("entry {seq} is {event}, not a payment, claim, santunan or enrolment").format(seq=seq, event=entry["event"]),
            )
        ]
    target = items[seq]
    if target.voided_by is not None:
        return [("corrects", _("entry {seq} is already voided by entry {by}").format(seq=seq, by=target.voided_by))]
    figures: dict[str, Any] = dict(data.get("figures") or {})
    if kind == "void" and figures:
        return [
            ("figures", _("--{key} is not taken by a void, which only names the entry and the reason").format(key=k))
            for k in figures
        ]
    if kind == "correction":
        if data.get("kind", target.kind) != target.kind:
            return [
                (
                    "corrects",
                    _("entry {seq} is {what}, the correction is of {kind}").format(
                        seq=seq, what=_(NAMES[target.kind]), kind=data.get("kind")
                    ),
                )
            ]
        foreign = [k for k in figures if k not in FIGURES[target.kind]]
        if foreign:
            return [
                ("figures", _("--{key} is not a figure of {what}").format(key=k, what=_(NAMES[target.kind]))) for k in foreign
            ]
        if _same(figures, target.figures, roster):
            return [("corrects", _("the figures are those of entry {seq} already; nothing to correct").format(seq=seq))]
    out += _dependants(target, figures if kind == "correction" else None, items, roster)
    if kind == "correction":
        out += _rules(target.kind, figures, terms, roster, items, target.on, exclude=seq, explained=True)
    return out


def _same(new: Mapping[str, Any], old: Mapping[str, Any], roster: Roster) -> bool:
    """Equal figures, a full NIK being the same person as a recorded row."""

    def plain(f: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in f.items() if k not in ("nik", "row", "participant")}
        if "nik" in f or "row" in f:
            out["person"] = _person_nik(f, roster)
        if "period" in f:
            out["period"] = _period(f["period"]) or f["period"]
        if "reference" in f:
            out["reference"] = str(f["reference"]).strip()
        return out

    return plain(new) == plain(old)


def _dependants(target: Item, figures: Mapping[str, Any] | None, items: dict[int, Item], roster: Roster) -> list[Breach]:
    """A JKM claim that a santunan follows keeps its programme and person while that santunan counts."""
    if target.kind != "claim" or target.figures.get("programme") != "JKM":
        return []
    person = _person_nik(target.figures, roster)
    if person is None:
        return []
    if figures is not None and figures.get("programme") == "JKM" and _person_nik(figures, roster) == person:
        return []
    return [
        (
            "corrects",
            _("santunan entry {seq} follows the JKM claim in entry {claim}; void or correct entry {seq} first").format(
                seq=i.seq, claim=target.seq
            ),
        )
        for i in items.values()
        if i.kind == "santunan" and i.voided_by is None and _person_nik(i.figures, roster) == person
    ]


def _rules(
    kind: str,
    f: dict[str, Any],
    terms: Agreement,
    roster: Roster,
    items: dict[int, Item],
    on: date,
    *,
    exclude: int | None,
    explained: bool,
) -> list[Breach]:
    """The rules of one money entry's figures ``f``, dated ``on``, after ``items`` (less ``exclude``)."""
    out: list[Breach] = [("required", _("--{key} is required").format(key=k)) for k in REQUIRED[kind] if f.get(k) in (None, "")]
    out += [
        ("required", _("--{key} {value} is not a whole number").format(key=k, value=repr(f[k])))
        for k in WHOLE
        if k in f and (not isinstance(f[k], int) or isinstance(f[k], bool))
    ]
    if out:
        return out
    others = [i for i in items.values() if i.voided_by is None and i.seq != exclude]
    if "amount" in f and f["amount"] <= 0:
        out.append(("positive", _("amount {amount} must be positive").format(amount=f["amount"])))
    if kind == "payment":
        out += _payment(f, terms, roster, others, on)
    elif kind == "claim":
        out += _claim(f, terms, roster, others)
    elif kind == "santunan":
        out += _santunan(f, terms, roster, others, explained)
    elif not 0 < f["count"] <= terms.coverage.workers:
        out.append(
            (
                "quota",
                _("count {count} must be from 1 to the quota of {quota}").format(count=f["count"], quota=terms.coverage.workers),
            )
        )
    return out


def _payment(f: dict[str, Any], a: Agreement, roster: Roster, others: list[Item], on: date) -> list[Breach]:
    out: list[Breach] = []
    period = _period(f["period"])
    if period is None:
        return [("period", _("{value} is not a month, expected YYYY-MM such as 2025-07").format(value=repr(f["period"])))]
    label, workers, amount = f"{period:%Y-%m}", f["workers"], f["amount"]
    rp = i18n.money  # Rp figures without decimals
    if workers < 1:
        out.append(("positive", _("workers {workers} must be at least 1").format(workers=workers)))
    if not date(a.term.start.year, a.term.start.month, 1) <= period <= a.term.end:
        out.append(
            (
                "term",
                _("period {period} is outside the term {start} to {end}").format(
                    period=label, start=i18n.day(a.term.start), end=i18n.day(a.term.end)
                ),
            )
        )
    if period > on:
        out.append(
            (
                "future",
                _("period {period} has not begun on {date}; a month is payable from its first day").format(
                    period=label, date=i18n.day(on)
                ),
            )
        )
    if workers > a.coverage.workers:
        out.append(
            (
                "quota",
                _("{workers} workers paid for, more than the quota of {quota}").format(
                    workers=formatting.angka(workers), quota=formatting.angka(a.coverage.workers)
                ),
            )
        )
    if not roster.versions:
        out.append(("participants", _("no participants imported; import the list first (mou participants import)")))
    elif workers > (active := roster.active(period)):
        out.append(
            (
                "participants",
                _("{workers} workers paid for {period}, more than the {active} participants active that month").format(
                    workers=formatting.angka(workers), period=label, active=formatting.angka(active)
                ),
            )
        )
    rate = a.coverage.monthly_per_worker
    if workers >= 1 and amount > 0 and amount != workers * rate:
        out.append(
            (
                "rate",
                _("amount {amount} ≠ {workers} × {rate} = {total}").format(
                    amount=rp(amount), workers=formatting.angka(workers), rate=rp(rate), total=rp(workers * rate)
                ),
            )
        )
    payments = [i for i in others if i.kind == "payment"]
    for i in payments:
        if _period(i.figures.get("period")) == period:
            ref = i.figures.get("reference") or _("no reference")
            out.append(
                (
                    "once",
                    _("period {period} is already paid by entry {seq} ({reference}); correct or void that entry instead").format(
                        period=label, seq=i.seq, reference=ref
                    ),
                )
            )
    reference = _ref(f["reference"])
    for i in payments:
        if _ref(i.figures.get("reference")) == reference:
            out.append(
                (
                    "reference",
                    _("reference {reference} is already used by entry {seq} (payment for {period})").format(
                        reference=f["reference"], seq=i.seq, period=i.figures.get("period")
                    ),
                )
            )
    if amount > 0:
        paid = sum(
            i.figures.get("amount", 0)
            for i in payments
            if (p := _period(i.figures.get("period"))) is not None and p.year == period.year
        )
        ceiling = allocation_for(a, period.year)
        if paid + amount > ceiling:
            out.append(
                (
                    "allocation",
                    _("payments of {year} would reach {total}, above the ceiling of {ceiling}").format(
                        year=period.year, total=rp(paid + amount), ceiling=rp(ceiling)
                    ),
                )
            )
    return out


def _claim(f: dict[str, Any], a: Agreement, roster: Roster, others: list[Item]) -> list[Breach]:
    out: list[Breach] = []
    codes = [p.code for p in a.coverage.programmes]
    if f["programme"] not in codes:
        out.append(
            (
                "programme",
                _("programme {programme} is not covered, expected one of {codes}").format(
                    programme=f["programme"], codes=", ".join(codes)
                ),
            )
        )
    if f["cases"] <= 0:
        out.append(("positive", _("cases {cases} must be at least 1").format(cases=f["cases"])))
    member, problem = _person(f, roster)
    if problem:
        out.append(("participant", problem))
    elif member is not None and f["programme"] == "JKM":
        out += [
            ("claim", _("a JKM claim for {nik} is already recorded in entry {seq}").format(nik=mask(member.nik), seq=i.seq))
            for i in others
            if i.kind == "claim" and i.figures.get("programme") == "JKM" and _person_nik(i.figures, roster) == member.nik
        ]
    return out


def _santunan(f: dict[str, Any], a: Agreement, roster: Roster, others: list[Item], explained: bool) -> list[Breach]:
    out: list[Breach] = []
    member, problem = _person(f, roster)
    if problem:
        out.append(("participant", problem))
    elif member is not None:
        who = f"{mask(member.nik)} ({member.nama})"
        mine = [i for i in others if _person_nik(i.figures, roster) == member.nik]
        if not any(i.kind == "claim" and i.figures.get("programme") == "JKM" for i in mine):
            out.append(
                (
                    "claim",
                    _("no JKM claim is recorded for {who}; a santunan follows the JKM claim of the same participant").format(
                        who=who
                    ),
                )
            )
        out += [
            ("santunan", _("the santunan for {who} was already handed over in entry {seq}").format(who=who, seq=i.seq))
            for i in mine
            if i.kind == "santunan"
        ]
    benefit = a.coverage.jkm_benefit
    if f["amount"] > 0 and f["amount"] != benefit and not (explained or str(f.get("reason") or "").strip()):
        out.append(
            (
                "benefit",
                _("amount {amount} ≠ the JKM benefit of {benefit}; give --reason to explain a different amount").format(
                    amount=i18n.money(f["amount"]), benefit=i18n.money(benefit)
                ),
            )
        )
    return out


def _person(f: Mapping[str, Any], roster: Roster) -> tuple[Member | None, str | None]:
    """The participant a claim or santunan names: by recorded ``row``, or by the full ``nik`` of a new entry."""
    row = f.get("row")
    if row:
        member = roster.at(str(row))
        if member is None:
            return None, _("participant {nik} ({row}) is on no participant list recorded before this entry").format(
                nik=f.get("nik", "?"), row=row
            )
        return member, None
    nik = str(f.get("nik", ""))
    if len(nik) != 16 or not nik.isdigit():
        return None, _("NIK {nik} is not 16 digits").format(nik=mask(nik))
    if not roster.versions:
        return None, _("no participants imported; import the list first (mou participants import)")
    member = roster.find(nik)
    if member is None:
        return None, _("NIK {nik} is not on the participant list").format(nik=mask(nik))
    return member, None


def _person_nik(f: Mapping[str, Any], roster: Roster) -> str | None:
    member, _problem = _person(f, roster)
    return member.nik if member else None


# --- from what the user typed to what is recorded -------------------------------------------------


def draft(kind: str, given: Mapping[str, Any], earlier: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The entry's ``data`` from what was typed, ready for :func:`check_entry` (a new NIK still in full).

    A correction takes the figures of the entry it names as they stand and replaces those given
    (``--amount 672000`` alone corrects the amount); a new ``nik`` replaces the participant.
    """
    kind = _kind(kind)
    given = {k: v for k, v in given.items() if v is not None}
    if kind not in FIXES:
        return given
    head: dict[str, Any] = {k: given[k] for k in ("corrects", "reason", "date") if k in given}
    if kind == "void":
        extra = sorted(k for k in given if k not in head)
        return {**head, "figures": {k: given[k] for k in extra}} if extra else head
    typed = {k: v for k, v in given.items() if k not in head}
    target = book(earlier).get(given.get("corrects", -1))
    if target is None:
        return {**head, "figures": typed}
    base = dict(target.figures)
    if "nik" in typed:
        base.pop("row", None)
        base.pop("participant", None)
    return {**head, "kind": target.kind, "figures": {**base, **typed}}


def finalize(kind: str, data: Mapping[str, Any], roster: Roster) -> dict[str, Any]:
    """What is recorded for a checked entry: the NIK masked, with the participant's name and ``row``; the period as YYYY-MM."""
    kind = _kind(kind)
    out = dict(data)
    if kind == "correction" and isinstance(out.get("figures"), dict):
        out["figures"] = finalize(str(out.get("kind")), out["figures"], roster)
        return out
    if kind == "payment":
        period = _period(out.get("period"))
        if period is not None:
            out["period"] = f"{period:%Y-%m}"
        if "reference" in out:
            out["reference"] = str(out["reference"]).strip()
    if kind in ("claim", "santunan") and not out.get("row"):
        member = roster.find(str(out.get("nik")))
        if member is not None:
            out.update(nik=mask(member.nik), participant=member.nama, row=member.row)
    return out


# --- small helpers ----------------------------------------------------------------------------------


def _kind(event: str) -> str:
    return event[len(LOG) :] if event.startswith(LOG) else event


def _on(e: Mapping[str, Any]) -> date:
    return date.fromisoformat(str(e["data"].get("date") or e["ts"][:10]))


def _figures_of(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "date"}


def _period(text: Any) -> date | None:
    try:
        year, month = str(text).split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def _ref(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()
