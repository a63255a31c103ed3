"""Pages: signing in and out, and changing one's password."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

import workflow
from workflow.i18n import _
from workflow.web.core import Redirect, Req, redirect, render, sign_in, sign_out


def _next(value: str | None) -> str:
    """Where to go after signing in: a path of this site only (never another host)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def login(req: Req) -> Response:
    if req.method == "GET":
        if req.account is not None:
            raise Redirect("/")
        return render(req, "login.html", login="", error="", next=_next(req.query.get("lanjut")))
    login_name = req.form.get("login", "").strip()
    try:
        account = workflow.authenticate(req.store, login_name, req.form.get("password", ""))
    except workflow.MouError as err:
        return render(req, "login.html", status=401, login=login_name, error=str(err), next=_next(req.form.get("lanjut")))
    sign_in(req, account)
    return redirect(_next(req.form.get("lanjut")))


def logout(req: Req) -> Response:
    sign_out(req)
    return redirect("/masuk", _("You are signed out."))


def account_page(req: Req) -> Response:
    account = req.require_account()
    if req.method == "GET":
        return render(req, "account.html", error="")
    old, new, again = (req.form.get(k, "") for k in ("password", "new", "again"))
    try:
        workflow.authenticate(req.store, account.login, old)
        if new != again:
            raise workflow.MouError(_("the new password and its repetition differ"))
        changed = workflow.set_password(req.store, account.login, new)
    except workflow.MouError as err:
        return render(req, "account.html", status=400, error=str(err))
    sign_in(req, changed)  # the old sessions ended with the change; this one goes on
    return redirect("/akun", _("Your password is changed; other sessions of your account are signed out."))


ROUTES: list[tuple[str, Any, list[str]]] = [
    ("/masuk", login, ["GET", "POST"]),
    ("/keluar", logout, ["POST"]),
    ("/akun", account_page, ["GET", "POST"]),
]
