"""The web application's security rules, for every route the application has (found by walking them):
sign-in required, no other agreement reachable by editing a URL, no POST without its CSRF token,
the headers (CSP without inline script, nosniff, no framing), cookies HttpOnly/SameSite, a hostile value
shown escaped, and the login throttled. A route added later is held to the same rules without a change here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.conftest import SLUG, tree_hash
from tests.webtools import PASSWORD, client, csrf_of, make_app

HIDDEN = "rahasia-bpjstk-2025"  # an agreement the BPJS account is not among the people of
PUBLIC = {"/masuk"}  # the only pages a visitor may open without signing in
TOKEN_ROUTES = {"/kalender/{token}.ics"}  # reached by a secret token, not by a session
SAMPLE = {"slug": SLUG, "path": "documents/fgd/undangan-fgd-v1.docx", "id": "nosuchjob", "token": "x", "name": "x"}


@pytest.fixture
def site_root(root: Path) -> Path:
    """The example and a second agreement whose people exclude the BPJS account's person."""
    hidden = root / HIDDEN
    shutil.copytree(root / SLUG, hidden)
    data = (hidden / "agreement.yaml").read_text(encoding="utf-8")
    (hidden / "agreement.yaml").write_text(data.replace("Musriati", "Orang Lain"), encoding="utf-8")
    return root


@pytest.fixture
def app(site_root: Path):  # type: ignore[no-untyped-def]
    return make_app(site_root)


def _routes(app) -> list[tuple[str, set[str]]]:  # type: ignore[no-untyped-def]
    return [(r.path, set(r.methods or ())) for r in app.routes if isinstance(r, Route)]


def _url(path: str, slug: str = SLUG) -> str:
    def fill(m: re.Match[str]) -> str:
        name = m.group(1).split(":")[0]
        return slug if name == "slug" else SAMPLE.get(name, "x")

    return re.sub(r"\{([^}]+)\}", fill, path)


def test_the_walk_finds_the_pages(app) -> None:  # type: ignore[no-untyped-def]
    paths = {p for p, _m in _routes(app)}
    assert {"/", "/masuk", "/keluar", "/akun", "/kerja-sama/{slug}"} <= paths


def test_every_page_needs_a_signed_in_account(app) -> None:  # type: ignore[no-untyped-def]
    """A visitor without a session is sent to the login page from every GET, and every POST is refused."""
    visitor = TestClient(app, follow_redirects=False)
    for path, methods in _routes(app):
        if path in PUBLIC or path in TOKEN_ROUTES:
            continue
        url = _url(path)
        if "GET" in methods:
            got = visitor.get(url)
            assert got.status_code in (303, 404), (url, got.status_code)
            if got.status_code == 303:
                assert got.headers["location"].startswith("/masuk"), url
        if "POST" in methods:
            token = csrf_of(visitor.get("/masuk").text)
            sent = visitor.post(url, data={"csrf": token})
            assert sent.status_code in (303, 403, 404), (url, sent.status_code)
            if sent.status_code == 303:
                assert sent.headers["location"].startswith("/masuk"), url


def test_no_other_agreement_by_editing_the_url(app, site_root: Path) -> None:  # type: ignore[no-untyped-def]
    """The BPJS account opens every agreement route of the agreement it is not among the people of: 404."""
    bpjs = client(app, "bpjs")
    before = tree_hash(site_root)
    token = csrf_of(bpjs.get("/akun").text)
    checked = 0
    for path, methods in _routes(app):
        if "{slug}" not in path:
            continue
        url = _url(path, HIDDEN)
        if "GET" in methods:
            assert bpjs.get(url).status_code == 404, url
            checked += 1
        if "POST" in methods:
            assert bpjs.post(url, data={"csrf": token, "event": "hold_fgd", "note": "x"}).status_code == 404, url
            checked += 1
    assert checked >= 2
    assert bpjs.get(f"/kerja-sama/{SLUG}").status_code == 200  # its own agreement opens
    assert tree_hash(site_root) == before


def test_a_forged_post_is_refused_with_403(app, site_root: Path) -> None:  # type: ignore[no-untyped-def]
    """Every POST route, signed in but without the form's CSRF token (or with a wrong one): 403, nothing written."""
    dinas = client(app, "dinas")
    before = tree_hash(site_root)
    for path, methods in _routes(app):
        if "POST" not in methods or path == "/masuk":
            continue
        url = _url(path)
        assert dinas.post(url, data={"event": "hold_fgd"}).status_code == 403, url
        assert dinas.post(url, data={"csrf": "forged", "event": "hold_fgd"}).status_code == 403, url
    assert tree_hash(site_root) == before


def test_headers_and_cookies(app) -> None:  # type: ignore[no-untyped-def]
    visitor = TestClient(app, follow_redirects=False)
    page = visitor.get("/masuk")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert "<script" not in page.text and "style=" not in page.text
    done = visitor.post("/masuk", data={"csrf": csrf_of(page.text), "login": "dinas", "password": PASSWORD})
    cookie = next(v for k, v in done.headers.multi_items() if k == "set-cookie" and v.startswith("mou_sesi="))
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain HTTP here; behind TLS the cookie is Secure (next test)
    tls = TestClient(app, base_url="https://mou.example", follow_redirects=False)
    page = tls.get("/masuk")
    done = tls.post("/masuk", data={"csrf": csrf_of(page.text), "login": "dinas", "password": PASSWORD})
    cookie = next(v for k, v in done.headers.multi_items() if k == "set-cookie" and v.startswith("mou_sesi="))
    assert "secure" in cookie.lower()


def test_a_tampered_session_cookie_signs_nobody_in(app) -> None:  # type: ignore[no-untyped-def]
    dinas = client(app, "dinas")
    value = dinas.cookies["mou_sesi"]
    body, mac = value.split(".")
    forged = TestClient(app, follow_redirects=False)
    forged.cookies.set("mou_sesi", body[:-2] + ("AA" if not body.endswith("AA") else "BB") + "." + mac)
    assert forged.get("/").status_code == 303


def test_login_is_throttled_and_says_nothing_about_accounts(app) -> None:  # type: ignore[no-untyped-def]
    visitor = TestClient(app, follow_redirects=False)
    token = csrf_of(visitor.get("/masuk").text)
    unknown = visitor.post("/masuk", data={"csrf": token, "login": "siapa", "password": "salah-salah-1"})
    wrong = visitor.post("/masuk", data={"csrf": token, "login": "dinas", "password": "salah-salah-1"})
    assert unknown.status_code == wrong.status_code == 401
    message = re.compile(r'<p class="error"[^>]*>(.*?)</p>', re.S)
    assert message.search(unknown.text).group(1) == message.search(wrong.text).group(1)  # type: ignore[union-attr]
    for _attempt in range(5):
        visitor.post("/masuk", data={"csrf": token, "login": "dinas", "password": "salah-salah-1"})
    right = visitor.post("/masuk", data={"csrf": token, "login": "dinas", "password": PASSWORD})
    assert right.status_code == 401  # locked for a while, even with the right password


def test_a_hostile_value_is_shown_escaped(app, site_root: Path) -> None:  # type: ignore[no-untyped-def]
    """Values from the data (a partner's name) and from people (a note) never become markup."""
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    data = yaml.safe_load((site_root / SLUG / "agreement.yaml").read_text(encoding="utf-8"))
    text = (site_root / SLUG / "agreement.yaml").read_text(encoding="utf-8")
    partner = data["parties"]["partner"]["name"]
    (site_root / SLUG / "agreement.yaml").write_text(text.replace(partner, hostile.replace("'", "''"), 1), encoding="utf-8")
    hukum = client(app, "hukum")
    for url in ("/", f"/kerja-sama/{SLUG}"):
        page = hukum.get(url)
        assert page.status_code == 200, url
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, url
        assert "&lt;script&gt;" in page.text or "&lt;img" in page.text or url == "/", url
