"""Pages: monitoring of an agreement being carried out, the dashboard and the calendar of deadlines.

- ``/kerja-sama/{slug}/monitoring``: the KPIs with their charts, forms (made for a phone: one column,
  big inputs, a numeric keyboard for amounts) that record payments, claims, santunan and other
  milestones (``workflow.log``), the participant list (NIK masked) and its CSV upload
  (``workflow.import_participants``), and the Laporan Monev of a period (``workflow.report``).
- ``/kerja-sama/{slug}/peserta/nik``: the list with full NIK, once, for the tim teknis or the OPD
  teknis; each view is recorded in the history (``workflow.reveal_participants``).
- ``/kerja-sama/{slug}/monitoring/grafik/{name}.png``: the report's charts, drawn on the fly and kept
  while the agreement's history stays the same.
- ``/dasbor`` (and ``/dasbor.html``, the library's self-contained page as a download: it carries inline
  styles the Content-Security-Policy forbids): every agreement the account may see.
- ``/kalender/{token}.ics``: the deadlines of the agreements an account may see, for a calendar app
  (no cookie there): the token is an HMAC of the login, so it proves the account and reveals nothing.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from threading import Lock
from typing import Any, cast

from starlette.exceptions import HTTPException
from starlette.responses import Response

import workflow
from workflow import config
from workflow.commands.participants import COLUMNS, NIK_ROLES
from workflow.i18n import N_, _
from workflow.web.core import MAX_BODY, Redirect, Req, redirect, render

KINDS = ("payment", "claim", "santunan", "milestone")
"""The forms of the page, each a small form posted to ``.../monitoring/catat/{kind}``."""
NOTE_KINDS = ("meeting", "issue", "note")
"""What the general milestone form records: a meeting, a problem met, a note."""
NOTE_KIND_TITLES = {"meeting": N_("Meeting"), "issue": N_("Problem met"), "note": N_("Note")}
KIND_TITLES = {
    "payment": N_("Payment of iuran"),
    "claim": N_("Claim"),
    "santunan": N_("Santunan handed over"),
    "milestone": N_("Meeting, problem or note"),
}
RECOMMENDATIONS = {
    "dilanjutkan": N_("continued"),
    "diperluas": N_("extended"),
    "dihentikan": N_("stopped"),
}
CHARTS = {"kepesertaan": 0, "anggaran": 1}
"""The charts served by name: enrolment against the quota, budget realised against the allocation."""
CALENDAR_DAYS = 400
"""How far ahead the calendar of deadlines reaches (everything overdue is in it too)."""
_CACHE_SIZE = 32


# --- the monitoring page ---------------------------------------------------------------------------


def monitoring_page(req: Req) -> Response:
    slug = req.params["slug"]
    person = req.agreement(slug)
    return render(req, "monitoring.html", **_context(req, slug, person))


def _context(req: Req, slug: str, person: str | None, **given: Any) -> dict[str, Any]:
    """What the monitoring page shows; ``given`` overrides (errors and values of a refused form, full NIK)."""
    from workflow.commands.monitoring import kpis_at
    from workflow.commands.report import describe
    from workflow.commands.session import snapshot
    from workflow.data.entries import IMPORT_EVENT, REPLACE_EVENT, REPORT_EVENT

    snap = snapshot(req.store, slug)
    today = config.current().day()
    terms = snap.terms
    roles = next((p.roles for p in snap.agreement.people if p.name == person), [])
    k = kpis_at(snap, today)
    people = workflow.load_participants(req.store, slug)
    logs = [e for e in snap.entries if e["event"].startswith("log:") and e["event"] not in (IMPORT_EVENT, REPLACE_EVENT)]
    recent = [
        {
            "seq": e["seq"],
            "date": date.fromisoformat(e["data"].get("date", e["ts"][:10])),
            "kind": e["event"].removeprefix("log:"),
            "text": describe(e),
            "files": [a["path"] for a in e["artifacts"] if not a["path"].endswith(".json")],
            "account": (e.get("account") or {}).get("login", ""),
        }
        for e in reversed(logs[-12:])
    ]
    reports = [
        {"seq": e["seq"], "period": e["data"].get("period", ""), "label": e["note"], "path": a["path"], "ts": e["ts"][:10]}
        for e in reversed(snap.entries)
        if e["event"] == REPORT_EVENT
        for a in e["artifacts"]
    ]
    period = k.unpaid[0] if k.unpaid else f"{today:%Y-%m}"
    workers = k.active or k.enrolled
    on = today.isoformat()
    values = {
        "payment": {
            "period": period,
            "workers": str(workers or ""),
            "amount": str(workers * k.monthly_per_worker or ""),
            "date": on,
        },
        "claim": {"date": on},
        "santunan": {"amount": str(terms.coverage.jkm_benefit or ""), "date": on},
        "milestone": {"kind": "meeting", "date": on},
        "report": {"period": _default_period(terms.term.start, today), "recommendation": "dilanjutkan"},
    }
    for key, changed in given.pop("values", {}).items():
        values[key] = {**values.get(key, {}), **changed}
    head = req.head(slug)
    context: dict[str, Any] = {
        "slug": slug,
        "person": person,
        "state_title": snap.process.state(snap.state).title,
        "state": snap.state,
        "implementing": snap.process.state(snap.state).implementing,
        "can_log": any(r in snap.process.milestone_roles for r in roles),
        "can_see_nik": any(r in NIK_ROLES for r in roles),
        "milestone_roles": snap.process.milestone_roles,
        "k": k,
        "head": head[:16],
        "people": people,
        "full_nik": False,
        "mask": workflow.mask,
        "recent": recent,
        "reports": reports,
        "programmes": [p.code for p in terms.coverage.programmes],
        "periods": _periods(terms.term.start, min(today, terms.term.end)),
        "values": values,
        "errors": {},
        "problems": [],
        "note_kinds": [(kind, _(NOTE_KIND_TITLES[kind])) for kind in NOTE_KINDS],
        "kind_titles": {kind: _(title) for kind, title in KIND_TITLES.items()},
        "recommendations": [(value, _(title)) for value, title in RECOMMENDATIONS.items()],
        "today": today,
        "term": terms.term,
    }
    context.update(given)
    return context


def _periods(start: date, until: date) -> list[tuple[str, str]]:
    """(period, label) of the quarters and months begun between ``start`` and ``until``, newest first."""
    from workflow.data.periods import period_bounds

    out: list[tuple[str, str]] = []
    year, month = until.year, until.month
    while (year, month) >= (start.year, start.month):
        if month % 3 == 0 or (year, month) == (until.year, until.month):
            quarter = f"{year}-Q{(month - 1) // 3 + 1}"
            if not any(p == quarter for p, _label in out):
                out.append((quarter, period_bounds(quarter)[2]))
        text = f"{year}-{month:02d}"
        out.append((text, period_bounds(text)[2]))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def _default_period(start: date, today: date) -> str:
    """The period a report is most likely for: the last quarter ended by ``today`` (else the current one)."""
    quarter = (today.month - 1) // 3  # the quarters ended this year
    year = today.year if quarter else today.year - 1
    quarter = quarter or 4
    if (year, 3 * quarter) < (start.year, start.month):
        return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    return f"{year}-Q{quarter}"


# --- recording milestones ----------------------------------------------------------------------------

_GROUPED = re.compile(r"\d{1,3}([.,\s]\d{3})+|\d+")


def _whole(form: Mapping[str, str], key: str, label: str, problems: list[str]) -> int | None:
    """A whole number typed in the form (thousands grouped with dots, commas or spaces, 'Rp' allowed)."""
    raw = form.get(key, "").strip()
    if not raw:
        return None
    text = re.sub(r"^rp\.?\s*", "", raw, flags=re.IGNORECASE).replace("\u00a0", " ").strip()
    if not _GROUPED.fullmatch(text):
        problems.append(_("{field}: {value} is not a whole number").format(field=label, value=repr(raw)))
        return None
    return int(re.sub(r"\D", "", text))


def _day(form: Mapping[str, str], key: str, label: str, problems: list[str]) -> date | None:
    raw = form.get(key, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(_("{field}: {value} is not a date, expected YYYY-MM-DD").format(field=label, value=repr(raw)))
        return None


def _text(form: Mapping[str, str], key: str) -> str | None:
    value = " ".join(form.get(key, "").split())
    return value or None


def _figures(kind: str, form: Mapping[str, str], problems: list[str]) -> tuple[str, dict[str, Any]]:
    """The library's kind and figures of a posted form; what cannot be read goes into ``problems``."""
    if kind == "payment":
        return "payment", {
            "period": _text(form, "period"),
            "workers": _whole(form, "workers", _("workers"), problems),
            "amount": _whole(form, "amount", _("amount"), problems),
            "reference": _text(form, "reference"),
        }
    if kind == "claim":
        return "claim", {
            "programme": _text(form, "programme"),
            "cases": _whole(form, "cases", _("cases"), problems),
            "amount": _whole(form, "amount", _("amount"), problems),
            "nik": "".join(form.get("nik", "").split()) or None,
        }
    if kind == "santunan":
        witnesses = [line.strip() for line in form.get("witnesses", "").splitlines() if line.strip()]
        died = _day(form, "died", _("date of death"), problems)
        return "santunan", {
            "heir": _text(form, "heir"),
            "amount": _whole(form, "amount", _("amount"), problems),
            "nik": "".join(form.get("nik", "").split()) or None,
            "reason": _text(form, "reason"),
            "nomor": _text(form, "nomor"),
            "relationship": _text(form, "relationship"),
            "kpj": _text(form, "kpj"),
            "died": died,
            "scholarship": _whole(form, "scholarship", _("scholarship"), problems),
            "witnesses": witnesses or None,
        }
    chosen = form.get("kind", "")
    if chosen not in NOTE_KINDS:
        problems.append(_("choose what to record: a meeting, a problem met or a note"))
    if not _text(form, "note"):
        problems.append(_("write what happened"))
    return chosen, {}


def log_milestone(req: Req) -> Response:
    slug, kind = req.params["slug"], req.params["kind"]
    person = req.agreement(slug)
    if kind not in KINDS:
        raise HTTPException(404)
    problems: list[str] = []
    library_kind, figures = _figures(kind, req.form, problems)
    when = _day(req.form, "date", _("date"), problems)
    problems += _not_acting(person)
    note = (req.form.get("note") or "").strip()
    if not problems:
        try:
            entry = workflow.log(
                req.store,
                slug,
                library_kind,
                actor=person,
                note=note,
                when=when,
                **{k: v for k, v in figures.items() if v is not None},
            )
        except workflow.MouError as err:
            problems = str(err).splitlines()
        else:
            title = _(KIND_TITLES[kind]) if kind != "milestone" else _(NOTE_KIND_TITLES[library_kind])
            flash = _("{what} recorded (history entry {seq}).").format(what=title, seq=entry["seq"])
            return redirect(f"/kerja-sama/{slug}/monitoring#catat", flash)
    context = _context(req, slug, person, errors={kind: problems}, values={kind: dict(req.form)}, focus=kind)
    return render(req, "monitoring.html", status=400, **context)


def _not_acting(person: str | None) -> list[str]:
    """Why the account cannot record here: it acts as none of the agreement's people (an administrator)."""
    if person is None:
        return [_("Your account acts as none of the people of this agreement; only they record its monitoring.")]
    return []


# --- the participant list ----------------------------------------------------------------------------


def upload_participants(req: Req) -> Response:
    """Check the uploaded CSV and make it the list in force; on any problem nothing is imported and
    every bad row is shown (row, column, the value as typed (NIK masked), the reason)."""
    slug = req.params["slug"]
    person = req.agreement(slug)
    data: bytes = cast(Any, req).uploads.get("csv", b"")
    upload = req.files.get("csv")
    name = _safe_name(upload.filename if upload else None)
    for spooled in req.files.values():  # read already (req.uploads): the spooled copies go now
        spooled.file.close()
    refusal = next(iter(_not_acting(person)), None) or _csv_refusal(data)
    problems: list[dict[str, str]] = []
    if refusal is None:
        text = data.decode("utf-8-sig")
        with tempfile.TemporaryDirectory(prefix="mou-peserta-") as folder:
            source = Path(folder) / name
            source.write_bytes(data)
            try:
                people = workflow.import_participants(req.store, slug, source, person)
            except workflow.InvalidData as err:
                problems = _rows_of(err.problems, text)
                refusal = _("Nothing was imported: {n} problems in the file.").format(n=len(problems))
            except workflow.MouError as err:
                refusal = str(err)
            else:
                flash = _("{n} participants imported; this list is now in force.").format(n=workflow.angka(len(people)))
                return redirect(f"/kerja-sama/{slug}/monitoring#peserta", flash)
    context = _context(req, slug, person, errors={"csv": [refusal] if refusal else []}, problems=problems, focus="csv")
    return render(req, "monitoring.html", status=400, **context)


def _csv_refusal(data: bytes) -> str | None:
    """Why ``data`` is not a participants CSV by its content (never by its name or declared type), or None."""
    if not data:
        return _("Choose the CSV file of the participants (exported from P3KE) to upload.")
    if len(data) > MAX_BODY:
        return _("The upload is larger than {limit} MB.").format(limit=MAX_BODY // 2**20)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _("The file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8 and upload it again.")
    if "\x00" in text:
        return _("The file is not a CSV text file (it holds binary data).")
    first = text.split("\n", 1)[0].strip().lower().replace(";", ",")
    if [h.strip() for h in first.split(",")] != list(COLUMNS):
        return _("The first line of the file must be the header {columns}.").format(columns=",".join(COLUMNS))
    return None


def _safe_name(filename: str | None) -> str:
    """A plain file name for the history note ('N peserta dari NAME'): never a path."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip("._")
    base = base[:80] or "peserta"
    return base if base.lower().endswith(".csv") else base + ".csv"


def _rows_of(problems: list[Any], text: str) -> list[dict[str, str]]:
    """The import problems as table rows, with the value of the cell (NIK masked) read from the CSV."""
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    cells: dict[int, dict[str, str]] = {}
    for row_no, raw in enumerate(reader, start=2):
        cells[row_no] = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
    rows = []
    for p in problems:
        column = p.field or ""
        if column == "header":
            value = first.strip()
        else:
            value = cells.get(p.line or 0, {}).get(column, "")
            if column == "nik" and value:
                value = workflow.mask(value)
        rows.append({"row": str(p.line) if p.line else "-", "column": column or "-", "value": value, "reason": p.message})
    return rows


def show_nik(req: Req) -> Response:
    """The list with full NIK, shown once and recorded in the history; for the tim teknis and OPD teknis."""
    slug = req.params["slug"]
    person = req.agreement(slug)
    if person is None:
        raise HTTPException(403)
    try:
        people = workflow.reveal_participants(req.store, slug, person)
    except workflow.MouError as err:
        context = _context(req, slug, person, errors={"nik": str(err).splitlines()}, focus="nik")
        return render(req, "monitoring.html", status=403, **context)
    context = _context(req, slug, person, people=people, full_nik=True, focus="nik")
    return render(req, "monitoring.html", **context)


# --- the report and its charts -----------------------------------------------------------------------


def make_report(req: Req) -> Response:
    slug = req.params["slug"]
    person = req.agreement(slug)
    period = req.form.get("period", "").strip()
    recommendation = req.form.get("recommendation", "dilanjutkan")
    try:
        if person is None:
            raise workflow.MouError(_not_acting(person)[0])
        document, _k = workflow.report(req.store, slug, period, recommendation=recommendation, actor=person)
    except workflow.MouError as err:
        context = _context(
            req,
            slug,
            person,
            errors={"report": str(err).splitlines()},
            values={"report": {"period": period, "recommendation": recommendation}},
            focus="report",
        )
        return render(req, "monitoring.html", status=400, **context)
    flash = _("The monitoring report {period} (version {version}) is ready to download.").format(
        period=period, version=document.version
    )
    raise Redirect(f"/kerja-sama/{slug}/monitoring#laporan", flash)


_charts: dict[tuple[str, str, str], tuple[bytes, bytes]] = {}
_charts_lock = Lock()  # matplotlib's pyplot is not thread-safe: one drawing at a time, and each once


def chart(req: Req) -> Response:
    """One of the report's charts as PNG, drawn for today's KPIs and kept while the history stays the same."""
    slug, name = req.params["slug"], req.params["name"]
    req.agreement(slug)
    if name not in CHARTS:
        raise HTTPException(404)
    today = config.current().day()
    key = (slug, req.head(slug), today.isoformat())
    with _charts_lock:
        pictures = _charts.get(key)
        if pictures is None:
            from workflow.documents.charts import charts

            pictures = charts(workflow.kpis(req.store, slug, today))
            if len(_charts) >= _CACHE_SIZE:
                _charts.pop(next(iter(_charts)))
            _charts[key] = pictures
    etag = '"' + hashlib.sha256(pictures[CHARTS[name]]).hexdigest()[:32] + '"'
    headers = {"cache-control": "private, max-age=300", "etag": etag}
    if req.request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(pictures[CHARTS[name]], media_type="image/png", headers=headers)


# --- the dashboard ----------------------------------------------------------------------------------


class _Only:
    """The store seen through the agreements an account may see: ``slugs()`` lists only those."""

    def __init__(self, store: workflow.Store, slugs: list[str]) -> None:
        self._store, self._slugs = store, slugs

    def slugs(self) -> list[str]:
        return list(self._slugs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def _cards(req: Req) -> list[Any]:
    from workflow.commands.dashboard import cards

    visible = [slug for slug, head in req.heads().items() if req.visible(slug, head)]
    return cards(cast(workflow.Store, _Only(req.store, visible)), config.current().day())


def dashboard(req: Req) -> Response:
    req.require_account()
    return render(req, "monitoring_dashboard.html", cards=_cards(req), today=config.current().day())


def dashboard_download(req: Req) -> Response:
    """The library's self-contained dashboard page (inline styles: a download, never shown under our CSP)."""
    from workflow.commands.dashboard import html

    req.require_account()
    today = config.current().day()
    page = html(_cards(req), today).encode("utf-8")
    name = f"dasbor-kerja-sama-{today.isoformat()}.html"
    return Response(
        page, media_type="text/html; charset=utf-8", headers={"content-disposition": f'attachment; filename="{name}"'}
    )


# --- the calendar of deadlines ----------------------------------------------------------------------


def calendar_token(secret: bytes, login: str) -> str:
    """The token of ``login``'s calendar address: it proves the account without a cookie and reveals nothing."""
    return hmac.new(secret, b"mou-kalender\0" + login.encode("utf-8"), hashlib.sha256).hexdigest()[:40]


def calendar_url(req: Req) -> str:
    """The full address of the signed-in account's calendar (for the account page)."""
    account = req.require_account()
    return str(req.request.base_url).rstrip("/") + f"/kalender/{calendar_token(req.site.secret, account.login)}.ics"


def calendar_page(req: Req) -> Response:
    return render(req, "monitoring_calendar.html", url=calendar_url(req))


def calendar(req: Req) -> Response:
    token = req.params["token"]
    found = None
    for account in workflow.list_users(req.store):
        if hmac.compare_digest(calendar_token(req.site.secret, account.login), token):
            found = account
    if found is None or found.disabled:
        raise HTTPException(404)
    heads = req.heads()
    mine = set(found.acts_as)
    visible = [s for s, head in heads.items() if found.admin or mine & req.site.people_of(req.store, s, head)]
    items = workflow.due(cast(workflow.Store, _Only(req.store, visible)), CALENDAR_DAYS)
    return Response(
        workflow.ics(items),
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": 'inline; filename="tenggat-kerja-sama.ics"'},
    )


ROUTES: list[tuple[str, Any, list[str]]] = [
    ("/kerja-sama/{slug}/monitoring", monitoring_page, ["GET"]),
    ("/kerja-sama/{slug}/monitoring/peserta", upload_participants, ["POST"]),
    ("/kerja-sama/{slug}/monitoring/catat/{kind}", log_milestone, ["POST"]),
    ("/kerja-sama/{slug}/monitoring/laporan", make_report, ["POST"]),
    ("/kerja-sama/{slug}/monitoring/grafik/{name}.png", chart, ["GET"]),
    ("/kerja-sama/{slug}/peserta/nik", show_nik, ["POST"]),
    ("/dasbor", dashboard, ["GET"]),
    ("/dasbor.html", dashboard_download, ["GET"]),
    ("/kalender", calendar_page, ["GET"]),
    ("/kalender/{token}.ics", calendar, ["GET"]),
]
