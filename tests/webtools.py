"""What the web tests share: the application over a copy of the example, three accounts, a signed-in client.

The accounts are those of `make serve`: the Dinas (opd_teknis, tim_teknis), the Setda (Bagian Hukum and
Bagian Kerja Sama: bag_hukum, tkksd) and the BPJS branch (bpjs_kc). ``client(app, "hukum")`` is a
starlette TestClient signed in as that account; ``form(client, url)`` reads the CSRF token of a page.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from starlette.applications import Starlette
from starlette.testclient import TestClient

import workflow
from workflow.web import create_app

PASSWORD = "rahasia-uji-123"
ACCOUNTS = {
    "dinas": ("Dinas Tenaga Kerja Kabupaten Buton", ["Dinas Tenaga Kerja Kabupaten Buton"]),
    "hukum": (
        "Bagian Hukum Setda Kabupaten Buton",
        ["Bagian Hukum Setda Kabupaten Buton", "Bagian Kerja Sama Setda Kabupaten Buton"],
    ),
    "bpjs": ("BPJS Ketenagakerjaan Cabang Baubau", ["Musriati"]),
}


def make_accounts(store_url: str, *, admin: str | None = None) -> None:
    with workflow.open_store(store_url) as store:
        for login, (name, people) in ACCOUNTS.items():
            workflow.add_user(store, login, name=name, acts_as=people, password=PASSWORD, admin=login == admin)


def make_app(root: Path, *, today: date | None = None) -> Starlette:
    """The application over ``root`` (an agreements folder) with the three accounts; ``today`` as MOU_TODAY."""
    make_accounts(str(root))
    return create_app(str(root), settings=workflow.Settings(root=root, language="id", today=today))


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def client(app: Starlette, login: str | None = None) -> TestClient:
    """A browser-like client; signed in as ``login`` when given."""
    c = TestClient(app, follow_redirects=False)
    if login:
        page = c.get("/masuk")
        done = c.post("/masuk", data={"csrf": csrf_of(page.text), "login": login, "password": PASSWORD, "lanjut": "/"})
        assert done.status_code == 303, done.text
    return c


def post(c: TestClient, page_url: str, url: str, data: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None):  # type: ignore[no-untyped-def]
    """POST ``data`` to ``url`` with the CSRF token read from ``page_url``, as a browser submits a form."""
    token = csrf_of(c.get(page_url).text)
    return c.post(url, data={"csrf": token, **data}, files=files)
