"""The monitoring pages: participant upload and list, milestone forms, KPIs and charts, the report, the
dashboard and the calendar of deadlines, over a copy of the finished demo (in implementation)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from starlette.applications import Starlette

import workflow
from tests import webtools
from tests.conftest import SLUG, tree_hash
from workflow.data.participants import mask, synthetic
from workflow.web import create_app

PAGE = f"/kerja-sama/{SLUG}/monitoring"
TODAY = date(2025, 12, 15)  # the months 2025-10..12 have begun; the demo paid 2025-07..09


@pytest.fixture
def root(demo_out: Path, tmp_path: Path) -> Path:
    """A private copy of the demo's agreements: implementation, 1.000 participants, a quarter paid."""
    target = tmp_path / "agreements"
    shutil.copytree(demo_out / "agreements", target)
    return target


@pytest.fixture
def app(root: Path) -> Starlette:
    webtools.make_accounts(str(root))
    return create_app(str(root), settings=workflow.Settings(root=root, language="id", today=TODAY))


def _history(root: Path) -> list[dict[str, object]]:
    lines = (root / SLUG / "history.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_a_csv_with_two_bad_rows_shows_both_and_imports_nothing(app: Starlette, root: Path) -> None:
    c = webtools.client(app, "dinas")
    rows = synthetic(2, date(2025, 7, 1)).splitlines()
    bad_date = rows[2].replace("2025-07-01", "1 Juli 2025")
    text = "\n".join([rows[0], rows[1], "123,Peserta X,Desa,Kec,Nelayan,2025-07-01", bad_date])
    before = tree_hash(root)
    page = webtools.post(c, PAGE, f"{PAGE}/peserta", {}, files={"csv": ("p3ke.csv", text.encode("utf-8"), "text/csv")})
    assert page.status_code == 400
    html = page.text
    table = html[html.index("<tbody>", html.index("mon-problems")) : html.index("</tbody>", html.index("mon-problems"))]
    cells = [re.sub(r"<[^>]+>", "", row).split("\n") for row in table.split("<tr>")[1:]]
    assert len(cells) == 2
    assert "<td>3</td><td><code>nik</code></td><td>" + mask("123") in table
    assert "tidak terdiri atas 16 angka" in table  # the library's reason, in Indonesian
    assert "<td>4</td><td><code>mulai</code></td><td>1 Juli 2025</td>" in table
    assert tree_hash(root) == before


def test_a_file_that_is_no_utf8_csv_is_refused_by_its_content(app: Starlette, root: Path) -> None:
    c = webtools.client(app, "dinas")
    before = tree_hash(root)
    page = webtools.post(c, PAGE, f"{PAGE}/peserta", {}, files={"csv": ("peserta.csv", b"\x89PNG\r\n\x1a\n\xff\xfe", "text/csv")})
    assert page.status_code == 400
    assert "UTF-8" in page.text
    assert tree_hash(root) == before


def test_three_payments_are_recorded_with_the_account(app: Starlette, root: Path) -> None:
    c = webtools.client(app, "dinas")
    for month, sp2d in (("2025-10", "SP2D-1010"), ("2025-11", "SP2D-1111"), ("2025-12", "SP2D-1212")):
        data = {"period": month, "workers": "1.000", "amount": "Rp16.800.000", "reference": sp2d, "date": f"{month}-10"}
        done = webtools.post(c, PAGE, f"{PAGE}/catat/payment", data)
        assert done.status_code == 303, done.text
        assert done.headers["location"].startswith(PAGE)
    payments = [e for e in _history(root) if e["event"] == "log:payment"][-3:]
    assert [e["data"]["period"] for e in payments] == ["2025-10", "2025-11", "2025-12"]  # type: ignore[index]
    for e in payments:
        assert e["actor"] == "Dinas Tenaga Kerja Kabupaten Buton"
        assert e["account"] == {"login": "dinas", "via": "web", "v": 1}
        assert e["data"]["amount"] == 16_800_000  # type: ignore[index]
    page = c.get(PAGE)
    assert "SP2D-1212" in page.text
    with workflow.open_store(str(root)) as store:
        assert workflow.verify(store, SLUG).problem is None


def test_a_payment_that_does_not_add_up_shows_every_reason_and_writes_nothing(app: Starlette, root: Path) -> None:
    c = webtools.client(app, "dinas")
    before = tree_hash(root)
    data = {"period": "2025-10", "workers": "1000", "amount": "60000000", "reference": "SP2D-1"}
    page = webtools.post(c, PAGE, f"{PAGE}/catat/payment", data)
    assert page.status_code == 400
    assert "tidak dapat mencatat payment: jumlah Rp60.000.000 ≠ 1.000 × Rp16.800 = Rp16.800.000" in page.text
    assert "Rp110.400.000" in page.text  # the second reason: the year's ceiling
    assert 'value="60000000"' in page.text  # what was typed is kept
    assert tree_hash(root) == before


def test_nik_is_masked_for_bpjs_who_cannot_see_it_in_full(app: Starlette, root: Path) -> None:
    c = webtools.client(app, "bpjs")
    page = c.get(PAGE)
    assert page.status_code == 200
    assert "7401**********01" in page.text
    assert "7401064202710001" not in page.text
    assert "/peserta/nik" not in page.text  # no button
    before = tree_hash(root)
    refused = webtools.post(c, PAGE, f"/kerja-sama/{SLUG}/peserta/nik", {})
    assert refused.status_code == 403
    assert "7401064202710001" not in refused.text
    assert tree_hash(root) == before


def test_the_full_nik_view_by_the_dinas_is_recorded(app: Starlette, root: Path) -> None:
    c = webtools.client(app, "dinas")
    assert "/peserta/nik" in c.get(PAGE).text
    page = webtools.post(c, PAGE, f"/kerja-sama/{SLUG}/peserta/nik", {})
    assert page.status_code == 200
    assert "7401064202710001" in page.text
    last = _history(root)[-1]
    assert last["event"] == "nik_view"
    assert last["role"] in ("opd_teknis", "tim_teknis")
    assert last["account"] == {"login": "dinas", "via": "web", "v": 1}
    assert last["data"] == {"count": 1000}
    assert "7401064202710001" not in c.get(PAGE).text  # once: the next page masks again


def test_the_calendar_parses_and_a_wrong_token_is_404(app: Starlette) -> None:
    from icalendar import Calendar

    c = webtools.client(app, "hukum")
    url = re.search(r"<code>(http[^<]+\.ics)</code>", c.get("/kalender").text)
    assert url
    path = url.group(1).split("testserver", 1)[1]
    anonymous = webtools.client(app)
    answer = anonymous.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(answer.content).walk("VEVENT")
    assert events and all(str(e["SUMMARY"]).startswith(SLUG) for e in events)
    token = path.removeprefix("/kalender/").removesuffix(".ics")
    other = token[:-1] + ("1" if token.endswith("0") else "0")
    assert anonymous.get(f"/kalender/{other}.ics").status_code == 404
    assert anonymous.get("/kalender/hukum.ics").status_code == 404


def test_the_report_is_drafted_and_downloads(app: Starlette, root: Path) -> None:
    c = webtools.client(app, "dinas")
    done = webtools.post(c, PAGE, f"{PAGE}/laporan", {"period": "2025-Q3", "recommendation": "dilanjutkan"})
    assert done.status_code == 303, done.text
    last = _history(root)[-1]
    assert last["event"] == "report" and last["account"] == {"login": "dinas", "via": "web", "v": 1}
    path = last["artifacts"][0]["path"]  # type: ignore[index]
    page = c.get(PAGE).text
    link = f"/kerja-sama/{SLUG}/berkas/{path}"
    assert link in page
    download = c.get(link)
    assert download.status_code == 200
    assert download.content.startswith(b"PK")  # a .docx


def test_the_charts_are_png_and_the_dashboard_passes_the_csp(app: Starlette) -> None:
    c = webtools.client(app, "bpjs")
    for name in ("kepesertaan", "anggaran"):
        png = c.get(f"{PAGE}/grafik/{name}.png")
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert c.get(f"{PAGE}/grafik/lain.png").status_code == 404
    board = c.get("/dasbor")
    assert board.status_code == 200
    assert SLUG in board.text and "style=" not in board.text and "<style" not in board.text
    download = c.get("/dasbor.html")
    assert download.headers["content-disposition"].startswith("attachment")
    assert SLUG in download.text


def test_the_pages_need_an_account_that_may_see_the_agreement(app: Starlette) -> None:
    anonymous = webtools.client(app)
    assert anonymous.get(PAGE).status_code == 303
    assert anonymous.get(f"{PAGE}/grafik/kepesertaan.png").status_code == 303
    assert anonymous.get("/dasbor").status_code == 303
