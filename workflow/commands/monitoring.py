"""Implementation monitoring: milestones in the history, KPIs for any date, what is due.

Milestones are history events ``log:<kind>`` with their figures in ``data``: same chain, same
verify. KPIs are computed from them and from the participant list, never stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from workflow import config, i18n
from workflow.commands.lifecycle import due_of
from workflow.commands.participants import load_participants
from workflow.commands.session import Session, Snapshot, reader, role_for, session, snapshot
from workflow.data import formatting, ledger
from workflow.data.kpis import Kpis, kpis_of
from workflow.data.model import Agreement
from workflow.data.periods import month_of as _month
from workflow.errors import MouError, Refusal
from workflow.i18n import N_, _
from workflow.process.deadlines import Due
from workflow.process.machine import LOG_PREFIX
from workflow.records.store import Artifact, Store

KINDS = ("enrolment", "payment", "claim", "santunan", "correction", "void", "meeting", "issue", "note")
MONEY_KINDS = {"enrolment", "payment", "claim", "santunan", "correction", "void"}  # checked by workflow.data.ledger
PARTICULARS = ("nomor", "relationship", "kpj", "died", "scholarship", "witnesses")
"""What a santunan's Berita Acara states beside the ledger's figures (heir, amount, participant): its own
nomor, the heir's relationship to the deceased, the KPJ number, the date of death, a scholarship paid with
it (rupiah) and the witnesses. They are facts of the document, not money: recorded with the Berita Acara
as ``santunan/ba-santunan-jkm-vN.json`` (an artifact of the entry, so `mou verify` checks it), and a
correction of the santunan starts from them."""
PARTICULARS_DIR = "santunan"


def log(
    store: Store,
    slug: str,
    kind: str,
    *,
    actor: str | None = None,
    note: str = "",
    when: date | None = None,
    **figures: Any,
) -> dict[str, Any]:
    """Record a milestone after checking its figures; returns the history entry.

    Figures by kind: enrolment (count), payment (period YYYY-MM, workers, amount, reference),
    claim (programme, cases, amount, nik), santunan (heir, amount, nik, reason when the amount is not
    the JKM benefit; and for its Berita Acara the :data:`PARTICULARS` nomor, relationship, kpj, died
    (a date), scholarship (rupiah) and witnesses (each 'name | position' or 'name | position | NIP', or a
    mapping with those keys), any of which may be left out and then shows as a placeholder), correction
    (corrects, reason and the figures that change; of a santunan also its particulars), void (corrects,
    reason), meeting/issue/note (none). Money entries follow the rules of ``workflow.data.ledger``; a
    claim's or santunan's NIK is recorded masked, with the participant's name and list row.
    """
    if kind not in KINDS:
        raise MouError(
            _("unknown milestone {kind}; expected one of {kinds}").format(kind=repr(kind), kinds=", ".join(KINDS)),
            field="kind",
            rule="milestone",
            figures={"kinds": KINDS},
        )
    with session(store, slug, actor) as s:
        snap = s.snap
        today = s.settings.day()
        when = when or today
        terms = snap.terms
        reasons: list[str] = []
        # the one actor rule: a role the person holds and the process lets record milestones
        role, refusal = role_for(terms, slug, s.actor, snap.process.milestone_roles, _("a milestone"))
        if refusal:
            reasons.append(refusal)
        if kind in MONEY_KINDS and not snap.process.state(snap.state).implementing:
            reasons.append(
                _("{kind} is logged during implementation, the agreement is in {state}").format(kind=kind, state=snap.state)
            )
        data = {k: v for k, v in figures.items() if v is not None and k not in PARTICULARS}
        given = {k: v for k, v in figures.items() if k in PARTICULARS and v not in (None, (), [])}  # () : none given
        data = _check(kind, {**data, "date": when.isoformat()}, terms, snap.entries, reader(store, slug), today, reasons)
        of_santunan = kind == "santunan" or (kind == "correction" and data.get("kind") == "santunan")
        problems: list[tuple[str, str, str]] = []  # (rule, field, reason) of the Berita Acara's particulars
        particulars: dict[str, Any] = {}
        if of_santunan:
            previous = {} if kind == "santunan" else _particulars_of(s, data["corrects"])
            handed = when if kind == "santunan" else ledger.book(snap.entries)[data["corrects"]].on
            figures_now = data if kind == "santunan" else data["figures"]
            member = _member(s, figures_now) if not reasons else None
            particulars = _particulars({**previous, **given}, terms, member, handed, problems)
        elif given:
            what = ", ".join(sorted(given))
            problems.append(
                (
                    "santunan.particulars",
                    sorted(given)[0],
                    _("{keys}: facts of a santunan's Berita Acara, not of {kind}").format(keys=what, kind=kind),
                )
            )
        reasons += [reason for _rule, _field, reason in problems]
        if reasons:
            refused = Refusal(kind, reasons)
            if problems:  # name the first rule of the Berita Acara's particulars broken, for a front end to mark
                refused.rule, refused.field = problems[0][0], problems[0][1]
                refused.figures = {"particulars": [reason for _, _, reason in problems]}
            raise refused
        artifacts: list[Artifact] = []
        if kind == "santunan":
            artifacts = _berita_acara(s, data, when, particulars)
        elif of_santunan:  # the Berita Acara shows the corrected figures
            artifacts = _berita_acara(s, data["figures"], handed, particulars)
        return s.record(s.entry(LOG_PREFIX + kind, role=role, note=note, artifacts=artifacts, data=data))


def _check(
    kind: str,
    data: dict[str, Any],
    terms: Agreement,
    entries: Sequence[Mapping[str, Any]],
    read: Callable[[str], bytes | None],
    today: date,
    reasons: list[str],
) -> dict[str, Any]:
    """The entry's data as recorded; the ledger's reasons (workflow.data.ledger) go into ``reasons``."""
    if kind not in ledger.CHECKED:
        return data
    if "period" in data:
        _month(data["period"])  # a malformed month stops here, before any other check
    roster = ledger.roster_of(read, entries)
    drafted = ledger.draft(kind, data, entries)
    reasons += ledger.check_entry(kind, drafted, terms, roster, entries, today)
    return ledger.finalize(kind, drafted, roster)


def _member(s: Session, figures: Mapping[str, Any]) -> ledger.Member | None:
    """The participant a checked santunan names (by its recorded row, or its full NIK)."""
    roster = ledger.roster_of(reader(s.store, s.slug), s.snap.entries)
    row = figures.get("row")
    return roster.at(str(row)) if row else roster.find(str(figures.get("nik", "")))


def _particulars_of(s: Session, seq: int) -> dict[str, Any]:
    """The particulars recorded with the latest Berita Acara of santunan entry ``seq`` (or of a correction of it)."""
    found: dict[str, Any] = {}
    for e in s.snap.entries:
        if e["seq"] == seq or (e["event"] == LOG_PREFIX + "correction" and e["data"].get("corrects") == seq):
            for a in e["artifacts"]:
                if a["path"].startswith(PARTICULARS_DIR + "/") and a["path"].endswith(".json"):
                    found = json.loads(s.store.read(s.slug, a["path"]).decode("utf-8"))
    return found


def _particulars(
    given: Mapping[str, Any],
    terms: Agreement,
    member: ledger.Member | None,
    handed: date,
    problems: list[tuple[str, str, str]],
) -> dict[str, Any]:
    """The Berita Acara's particulars as recorded (JSON values); what is wrong with them goes into ``problems``."""
    out: dict[str, Any] = {}
    for key in ("nomor", "relationship"):
        if key in given:
            text = " ".join(str(given[key]).split())
            if not text:
                problems.append((f"santunan.{key}", key, _("{key} is blank, expected text").format(key=key)))
            out[key] = text
    if "kpj" in given:
        kpj = "".join(str(given["kpj"]).split())
        if not (kpj.isdigit() and 6 <= len(kpj) <= 20):
            problems.append(
                (
                    "santunan.kpj",
                    "kpj",
                    _("KPJ number {value} is not a card number, expected 6 to 20 digits").format(value=repr(given["kpj"])),
                )
            )
        out["kpj"] = kpj
    died = _died(given.get("died"), terms, member, handed, problems)
    if died is not None:
        out["died"] = died.isoformat()
    if "scholarship" in given:
        amount = given["scholarship"]
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            problems.append(
                (
                    "santunan.beasiswa",
                    "scholarship",
                    _("scholarship {value} is not a positive whole rupiah amount").format(value=repr(amount)),
                )
            )
        else:
            years = terms.coverage.jkm_rules.scholarship_years
            if member is not None and _full_years(member.mulai, died or handed) < years:
                problems.append(
                    (
                        "santunan.beasiswa",
                        "scholarship",
                        _(
                            "a scholarship needs {years} years of iuran; {name} was a participant from {start}, "
                            "{full} full years before {date}"
                        ).format(
                            years=years,
                            name=member.nama,
                            start=i18n.day(member.mulai),
                            full=_full_years(member.mulai, died or handed),
                            date=i18n.day(died or handed),
                        ),
                    )
                )
        out["scholarship"] = amount
    if "witnesses" in given:
        out["witnesses"] = _witnesses(given["witnesses"], problems)
    return out


def _died(
    raw: Any, terms: Agreement, member: ledger.Member | None, handed: date, problems: list[tuple[str, str, str]]
) -> date | None:
    """The date of death, checked: in the term, not before the person was a participant, not after the handover."""
    if raw is None:
        return None
    try:
        died = raw.date() if isinstance(raw, datetime) else raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        problems.append(
            ("santunan.died", "died", _("date of death {value} is not a date, expected YYYY-MM-DD").format(value=repr(raw)))
        )
        return None
    if died > handed:
        problems.append(
            (
                "santunan.died",
                "died",
                _("date of death {died} is after the handover on {handed}").format(died=i18n.day(died), handed=i18n.day(handed)),
            )
        )
    if not terms.term.start <= died <= terms.term.end:
        problems.append(
            (
                "santunan.died",
                "died",
                _("date of death {died} is outside the term {start} to {end}").format(
                    died=i18n.day(died), start=i18n.day(terms.term.start), end=i18n.day(terms.term.end)
                ),
            )
        )
    elif member is not None and died < member.mulai:
        problems.append(
            (
                "santunan.died",
                "died",
                _("date of death {died} is before {name} was a participant ({start})").format(
                    died=i18n.day(died), name=member.nama, start=i18n.day(member.mulai)
                ),
            )
        )
    return died


def _witnesses(raw: Any, problems: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    """Witnesses as recorded: each with a name and a position, and a NIP when given."""
    items = [raw] if isinstance(raw, str | Mapping) else list(raw)
    out: list[dict[str, str]] = []
    for n, item in enumerate(items, 1):
        if isinstance(item, Mapping):
            parts = [str(item.get(k) or "") for k in ("name", "position", "nip")]
        else:
            parts = [*str(item).split("|"), "", ""][:3] if str(item).count("|") <= 2 else []
        if not parts:
            problems.append(
                (
                    "santunan.witness",
                    "witnesses",
                    _("witness {n} {value} has more than three parts").format(n=n, value=repr(item)),
                )
            )
            continue
        name, position, nip = (" ".join(p.split()) for p in parts)
        missing = [what for what, value in (("name", name), ("position", position)) if not value]
        if missing:
            problems.append(
                (
                    "santunan.witness",
                    "witnesses",
                    _(_WITNESS_MISSING[tuple(missing)]).format(n=n, value=repr(item)),
                )
            )
            continue
        out.append({"name": name, "position": position, **({"nip": nip} if nip else {})})
    return out


_WITNESS_MISSING = {
    ("name",): N_("witness {n} {value} has no name, expected 'name | position' or 'name | position | NIP'"),
    ("position",): N_("witness {n} {value} has no position, expected 'name | position' or 'name | position | NIP'"),
    ("name", "position"): N_(
        "witness {n} {value} has no name and no position, expected 'name | position' or 'name | position | NIP'"
    ),
}
"""What a witness lacks, by the parts missing."""


def _full_years(start: date, end: date) -> int:
    """Whole years from ``start`` to ``end``."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _berita_acara(s: Session, data: dict[str, Any], when: date, particulars: Mapping[str, Any]) -> list[Artifact]:
    """Render the Berita Acara Penyerahan Santunan JKM for this handover, as the next version, with its particulars."""
    from workflow.commands.render import next_version
    from workflow.data.catalogue import load_catalogue
    from workflow.documents.context import Placeholder, build_context
    from workflow.documents.render import render_bytes

    stage = load_catalogue().stage("santunan")
    spec = stage.documents[0]
    terms = s.snap.terms
    ctx = build_context(s.snap.agreement)
    rules = terms.coverage.jkm_rules
    amount = int(data["amount"])
    if sum(p.amount for p in rules.parts) == amount:
        parts = [{"name": p.name, "note": p.note, "amount": p.amount} for p in rules.parts]
    else:  # another amount, explained by the entry's reason
        parts = [{"name": "Santunan Jaminan Kematian", "note": None, "amount": amount}]
    scholarship = particulars.get("scholarship")
    died = date.fromisoformat(particulars["died"]) if "died" in particulars else None
    if scholarship:
        parts.append({"name": "Beasiswa pendidikan anak", "note": None, "amount": scholarship})
        eligibility = ""
    else:
        member = _member(s, data)
        years = rules.scholarship_years
        eligible = member is not None and _full_years(member.mulai, died or when) >= years
        eligibility = (
            "belum diajukan"
            if eligible
            else f"tidak memenuhi syarat (masa iuran kurang dari {formatting.bilangan(years, 'tahun')})"
        )
    witnesses = [
        {
            "name": w["name"],
            "position": w["position"],
            "id": {"kind": "NIP", "number": w["nip"]} if "nip" in w else None,
            "rank": None,
        }
        for w in particulars.get("witnesses", [])
    ] or [ctx["technical_team"]["signer"]]  # by default the chair of the tim teknis (the Kepala Dinas) witnesses
    ctx["santunan"] = {
        "nomor": particulars.get("nomor") or Placeholder("NOMOR BERITA ACARA"),
        "heir": data["heir"],
        "relationship": particulars.get("relationship") or Placeholder("HUBUNGAN DENGAN PESERTA"),
        "participant": data.get("participant", "-"),
        "nik": data.get("nik", "-"),
        "kpj": particulars.get("kpj") or Placeholder("NOMOR KPJ"),
        "died": died or Placeholder("TANGGAL MENINGGAL"),
        "date": when,
        "amount": amount,
        "parts": parts,
        "total": sum(p["amount"] for p in parts),
        "scholarship": eligibility,
        "reason": data.get("reason") or "",
        "basis": rules.source,
        "segment": f"{terms.coverage.category} {terms.coverage.segment}",
        "witnesses": witnesses,
    }
    folder = f"documents/{stage.name}"
    version = next_version([rel.rsplit("/", 1)[-1] for rel in s.store.files(s.slug, folder)], spec.name)
    ctx["version"] = version
    document = s.write(f"{folder}/{spec.name}-v{version}.docx", render_bytes(spec, ctx))
    if not particulars:
        return [document]
    record = json.dumps(dict(sorted(particulars.items())), ensure_ascii=False, indent=1).encode("utf-8")
    return [document, s.write(f"{PARTICULARS_DIR}/{spec.name}-v{version}.json", record)]


def kpis(store: Store, slug: str, as_of: date | None = None) -> Kpis:
    """KPIs from the participant list and the milestones up to ``as_of`` (default today)."""
    return kpis_at(snapshot(store, slug), as_of or config.current().day())


def kpis_at(snap: Snapshot, as_of: date) -> Kpis:
    """KPIs of a snapshot read (``workflow.data.kpis.kpis_of``): its terms in force, its history and
    the participant list in force, read through its store."""
    return kpis_of(snap.terms, snap.entries, load_participants(snap.store, snap.slug), as_of)


def due(store: Store, within: int = 90, as_of: date | None = None) -> list[Due]:
    """What is due within ``within`` days, and everything overdue, across every agreement.

    Each agreement's items come from ``workflow.process.deadlines`` (via ``lifecycle.due_of``), the rule
    `mou status`, `mou list` and the dashboard use too.
    """
    as_of = as_of or config.current().day()
    out: list[Due] = []
    for slug in store.slugs():
        try:
            snap = snapshot(store, slug)
        except MouError:
            continue
        out += [d for d in due_of(snap, as_of) if d.overdue or (d.when - as_of).days <= within]
    return sorted(out, key=lambda d: (d.when, d.slug))


ICS_PRODID = "-//mou//tenggat kerja sama daerah//ID"
ICS_REMINDERS = (30, 7)
"""Days before a due item that its calendar event reminds (one VALARM each)."""
ICS_LINE_OCTETS = 75
"""RFC 5545 §3.1: content lines are folded to at most 75 octets, CRLF excluded."""


def ics(items: list[Due], stamp: date | None = None) -> bytes:
    """An RFC 5545 iCalendar file with one all-day event per item, each with reminders 30 and 7 days before.

    The same items give the same bytes: DTSTAMP is 00:00:00 UTC of ``stamp`` (default: the day the
    settings act as of, ``MOU_TODAY``), and an event's UID is a hash of the agreement, the sort of item
    and its date (``Due.kind``, never its words), so a calendar that imports the file again updates the
    event instead of adding a second one. Written here rather than by a library, so that every byte is
    ours; the tests read it back with the ``icalendar`` library.
    """
    stamp = stamp or config.current().day()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{ICS_PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for item in items:
        summary = f"{item.slug}: {item.text}"  # i18n: not translated (the slug, then the item in words)
        details = _("{summary}, due {date}; details: mou status {slug}").format(
            summary=summary, date=i18n.day(item.when), slug=item.slug
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{ics_uid(item)}",
            f"DTSTAMP:{stamp:%Y%m%d}T000000Z",
            f"DTSTART;VALUE=DATE:{item.when:%Y%m%d}",
            f"DTEND;VALUE=DATE:{item.when + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(summary)}",
            f"DESCRIPTION:{_ics_text(details)}",
            "TRANSP:TRANSPARENT",
        ]
        for days in ICS_REMINDERS:
            reminder = _("in {days} days: {summary}").format(days=days, summary=summary)
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{_ics_text(reminder)}",
                f"TRIGGER:-P{days}D",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return b"".join(_ics_fold(line) for line in lines)


def ics_uid(item: Due) -> str:
    """The UID of a due item's event: the same agreement, sort of item and date give the same UID in every run."""
    import hashlib

    key = "\0".join([item.slug, item.kind or item.what, item.when.isoformat()])
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@mou"


def _ics_text(value: str) -> str:
    """An RFC 5545 TEXT value (§3.3.11): backslash, semicolon, comma and newline escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _ics_fold(line: str) -> bytes:
    """One content line in UTF-8 ending in CRLF, folded so that no line exceeds 75 octets: each
    continuation starts with one space, and a fold never splits a character's bytes."""
    out = bytearray()
    width = 0  # octets on the current physical line
    for char in line:
        octets = char.encode("utf-8")
        if width + len(octets) > ICS_LINE_OCTETS:
            out += b"\r\n "
            width = 1
        out += octets
        width += len(octets)
    return bytes(out + b"\r\n")
