"""What every page shares: the request as handlers see it, the session cookie, CSRF, access, rendering.

A handler is a plain function ``def handler(req: Req) -> Response`` run in a worker thread with the
request's settings (its account) and language active. ``page`` turns it into a Starlette endpoint that
opens the store, reads the session, checks the CSRF token of every POST and the size of every body,
and turns the library's refusals into pages: a ``MouError`` is shown in the page it came from, with
every reason, and changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

import workflow
from workflow import i18n
from workflow.i18n import _

HERE = Path(__file__).parent
SESSION_COOKIE = "mou_sesi"
ANON_COOKIE = "mou_csrf"  # the CSRF token of a visitor not yet signed in (the login form)
FLASH_COOKIE = "mou_pesan"
SESSION_HOURS = 12
MAX_BODY = 25 * 1024 * 1024
"""The largest request body accepted (an upload: a signed scan, a participants CSV, a marked-up .docx)."""
SECRET_NAME = "web-secret"
HEADS_FOR = 1.0
"""Seconds the list of every agreement's head is shared between requests (``Site.heads``)."""


# --- the per-process state of the application ---------------------------------------------------------


@dataclass
class Site:
    """What the application holds between requests: where the store is, its settings, the signing key."""

    store_url: str
    settings: workflow.Settings
    secret: bytes = b""
    templates: Environment = field(init=False)
    _people: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)
    _heads: tuple[float, dict[str, str]] | None = None
    _heads_lock: Lock = field(default_factory=Lock)
    _looking: bool = False
    jobs: Any = None  # workflow.web.jobs.Jobs, set by create_app

    def __post_init__(self) -> None:
        env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=False)  # type: ignore[attr-defined]
        env.globals.update(day=i18n.day, money=i18n.money, number=i18n.number, quote=quote)
        self.templates = env

    @contextmanager
    def store(self) -> Iterator[workflow.Store]:
        store = workflow.open_store(self.store_url)
        try:
            yield store
        finally:
            store.close()

    def heads(self, store: workflow.Store) -> dict[str, str]:
        """Every agreement's head (``Store.heads``) as seen at most ``HEADS_FOR`` seconds ago: the pages over
        every agreement (the list, the dashboard) share one look at the store instead of one each. A page
        of one agreement asks for its own head (``Req.head``), and a change made by this process is seen at
        once (``forget_heads``); a change made elsewhere shows in the list within ``HEADS_FOR`` seconds.
        While one request looks again, the others answer from the previous look rather than wait."""
        with self._heads_lock:
            known, now = self._heads, time.monotonic()
            if known is not None and (now - known[0] <= HEADS_FOR or self._looking):
                return known[1]
            self._looking = True
        try:
            fresh = store.heads()
        finally:
            with self._heads_lock:
                self._looking = False
        with self._heads_lock:
            self._heads = (now, fresh)
        return fresh

    def forget_heads(self) -> None:
        with self._heads_lock:
            self._heads = None

    def people_of(self, store: workflow.Store, slug: str, head: str) -> frozenset[str]:
        """The names in ``people:`` of ``slug``, remembered while its head stays the same."""
        with self._lock:
            known = self._people.get(slug)
        if known and known[0] == head:
            return known[1]
        try:
            names = frozenset(p.name for p in workflow.load(store, slug).agreement.people)
        except workflow.MouError:
            names = frozenset()  # an agreement whose data is broken is seen by administrators only
        with self._lock:
            self._people[slug] = (head, names)
        return names


# --- the session cookie: signed, with the account's generation and a CSRF token ------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_session(secret: bytes, login: str, generation: int, csrf: str, *, now: float | None = None) -> str:
    payload = json.dumps({"l": login, "g": generation, "c": csrf, "e": int((now or time.time()) + SESSION_HOURS * 3600)})
    body = _b64(payload.encode())
    mac = _b64(hmac.new(secret, body.encode(), hashlib.sha256).digest())
    return f"{body}.{mac}"


def read_session(secret: bytes, cookie: str | None, *, now: float | None = None) -> dict[str, Any] | None:
    """The session a cookie carries, or None when it is missing, forged, malformed or expired."""
    if not cookie or cookie.count(".") != 1:
        return None
    body, mac = cookie.split(".")
    expected = _b64(hmac.new(secret, body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(mac, expected):
        return None
    try:
        data = json.loads(_unb64(body))
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("e"), int) or data["e"] < (now or time.time()):
        return None
    return data


# --- the request as a handler sees it -------------------------------------------------------------------


@dataclass
class Req:
    """One request: who asks (``account``), the store, the form (its CSRF token already checked)."""

    request: Request
    site: Site
    store: workflow.Store
    account: Any  # workflow.Account | None
    csrf: str
    form: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, UploadFile] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    new_cookies: list[tuple[str, str, int | None]] = field(default_factory=list)

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def query(self) -> Mapping[str, str]:
        return self.request.query_params

    def require_account(self) -> Any:
        if self.account is None:
            raise Redirect("/masuk?lanjut=" + quote(self.request.url.path))
        return self.account

    def visible(self, slug: str, head: str | None = None) -> bool:
        """Whether the account may see ``slug`` (whose head is ``head``, if the caller knows it): an
        administrator sees all; others the agreements whose ``people:`` name someone the account acts as."""
        account = self.account
        if account is None:
            return False
        if account.admin:
            return True
        head = self.head(slug) if head is None else head
        return bool(set(account.acts_as) & self.site.people_of(self.store, slug, head))

    def heads(self) -> Mapping[str, str]:
        """Every agreement's head, shared with other requests for up to ``HEADS_FOR`` seconds (the list)."""
        return self.site.heads(self.store)

    def head(self, slug: str) -> str:
        """The head of ``slug`` now ("" when there is no such agreement), looked up once per request."""
        known: dict[str, str] = self.__dict__.setdefault("_head", {})
        if slug not in known:
            known[slug] = self.store.head(slug)
        return known[slug]

    def agreement(self, slug: str) -> str | None:
        """The person the account acts as in ``slug`` (None for an administrator who is none of them);
        404 when the agreement does not exist or the account may not see it: a URL reveals nothing."""
        account = self.require_account()
        head = self.head(slug)
        if not head or not self.visible(slug, head):
            raise HTTPException(404)
        mine = [n for n in account.acts_as if n in self.site.people_of(self.store, slug, head)]
        chosen = self.form.get("sebagai") or self.query.get("sebagai")
        if chosen and chosen in mine:
            return chosen
        return mine[0] if mine else None


class Redirect(Exception):
    """Raised by a handler to answer with a redirect (303 after a POST)."""

    def __init__(self, url: str, flash: str = "") -> None:
        super().__init__(url)
        self.url, self.flash = url, flash


def redirect(url: str, flash: str = "") -> Response:
    """See other: ``url``, with a one-line message shown on the next page."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, quote(flash), max_age=60, httponly=True, samesite="lax")
    return response


def render(req: Req, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """The page ``template`` with ``context``, the account, the CSRF field and any one-line message."""
    flash = req.request.cookies.get(FLASH_COOKIE)
    from urllib.parse import unquote

    html = req.site.templates.get_template(template).render(
        req=req,
        account=req.account,
        csrf=req.csrf,
        flash=unquote(flash) if flash else "",
        lang=i18n.language(),
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    if flash:
        response.delete_cookie(FLASH_COOKIE)
    return response


def error_page(site: Site, request: Request, status: int, message: str) -> HTMLResponse:
    html = site.templates.get_template("error.html").render(
        req=None, account=None, csrf="", flash="", lang=i18n.language(), status=status, message=message
    )
    return HTMLResponse(html, status_code=status)


Handler = Callable[[Req], Response]


def page(site: Site, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """The Starlette endpoint of ``handler``: session, CSRF, body limit, settings and language, errors."""

    async def endpoint(request: Request) -> Response:
        length = request.headers.get("content-length")
        if length and (not length.isdigit() or int(length) > MAX_BODY):
            return error_page(site, request, 413, _("The upload is larger than {limit} MB.").format(limit=MAX_BODY // 2**20))
        form: dict[str, str] = {}
        lists: dict[str, list[str]] = {}
        files: dict[str, UploadFile] = {}
        if request.method == "POST":
            try:
                data = await request.form(max_files=5, max_fields=200, max_part_size=MAX_BODY)
            except Exception:  # a malformed multipart body: refused, nothing changes
                return error_page(site, request, 400, _("The form could not be read."))
            for key, value in data.multi_items():
                if isinstance(value, UploadFile):
                    files[key] = value
                else:
                    form.setdefault(key, value)
                    lists.setdefault(key, []).append(value)
            try:
                file_bytes = {k: await f.read(MAX_BODY + 1) for k, f in files.items()}
            finally:
                await data.close()  # the spooled temporary files, closed here rather than by the collector
        else:
            file_bytes = {}
        return await run_in_threadpool(_run, site, handler, request, form, lists, files, file_bytes)

    return endpoint


def _run(
    site: Site,
    handler: Handler,
    request: Request,
    form: dict[str, str],
    lists: dict[str, list[str]],
    files: dict[str, UploadFile],
    file_bytes: dict[str, bytes],
) -> Response:
    with i18n.use_language(site.settings.language), site.store() as store:
        account, session = _account(site, store, request)
        anon = request.cookies.get(ANON_COOKIE) or ""
        csrf = session["c"] if session else (anon or secrets.token_urlsafe(24))
        if request.method == "POST":
            given = form.get("csrf", "")
            if not given or not hmac.compare_digest(given, csrf if (session or anon) else "\0"):
                return error_page(
                    site,
                    request,
                    403,
                    _("The form was refused: its security token is missing or out of date. Open the page again."),
                )
        req = Req(request, site, store, account, csrf, form, lists, files, dict(request.path_params))
        req.uploads = file_bytes  # type: ignore[attr-defined]
        settings = site.settings.but(account=account.login if account else None)
        try:
            with workflow.use_settings(settings):
                response = handler(req)
        except Redirect as r:
            response = redirect(r.url, r.flash)
        except HTTPException as e:
            detail = _("Page not found.") if e.status_code == 404 else _("Access denied.")
            response = error_page(site, request, e.status_code, detail)
        finally:
            if request.method == "POST":
                site.forget_heads()  # what this request changed shows in the next list at once
        if session is None and not anon:
            response.set_cookie(ANON_COOKIE, csrf, httponly=True, samesite="lax", secure=_secure(request))
        for name, value, age in req.new_cookies:
            if value:
                response.set_cookie(name, value, max_age=age, httponly=True, samesite="lax", secure=_secure(request))
            else:
                response.delete_cookie(name)
        return response


def _secure(request: Request) -> bool:
    """Cookies are Secure behind TLS (uvicorn's proxy headers give the https scheme behind a proxy)."""
    return request.url.scheme == "https"


def _account(site: Site, store: workflow.Store, request: Request) -> tuple[Any, dict[str, Any] | None]:
    """The signed-in account of the request and its session, or (None, None)."""
    session = read_session(site.secret, request.cookies.get(SESSION_COOKIE))
    if session is None:
        return None, None
    account = workflow.get_user(store, session["l"])
    if account is None or account.disabled or account.generation != session["g"]:
        return None, None  # disabled, password changed, or removed: every session of it ends
    return account, session


def sign_in(req: Req, account: Any) -> None:
    """Give ``req``'s response a new session for ``account`` (a new CSRF token too)."""
    csrf = secrets.token_urlsafe(24)
    req.new_cookies.append(
        (SESSION_COOKIE, sign_session(req.site.secret, account.login, account.generation, csrf), SESSION_HOURS * 3600)
    )


def sign_out(req: Req) -> None:
    req.new_cookies.append((SESSION_COOKIE, "", None))


def load_secret(store: workflow.Store) -> bytes:
    """The key that signs session cookies: made once per store, kept in it (shared by every server process)."""

    def keep(old: bytes | None) -> bytes:
        return old if old and len(old) >= 32 else secrets.token_bytes(32)

    return store.update_shared(SECRET_NAME, keep)
