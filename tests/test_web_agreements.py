"""The list of agreements and one agreement's page, as a signed-in user sees them: only the agreements
the account may see, the filters, overdue rows in red, firing an event (recorded with the account), a
refusal with every reason and nothing written, the documents the history recorded and nothing else."""

from __future__ import annotations

import html
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

import workflow
from tests.conftest import SLUG, tree_hash
from tests.webtools import client, make_app, post
from workflow import i18n

OTHER = "lain-mitra-2024"
"""A second agreement: another partner, OPD and year, whose people exclude the BPJS account's person."""
PAGE = f"/kerja-sama/{SLUG}"
DINAS = "Dinas Tenaga Kerja Kabupaten Buton"
KERJA_SAMA = "Bagian Kerja Sama Setda Kabupaten Buton"
FGD_FILE = "documents/fgd/undangan-fgd-v1.docx"


@pytest.fixture
def site_root(root: Path) -> Path:
    other = root / OTHER
    shutil.copytree(root / SLUG, other)
    text = (other / "agreement.yaml").read_text(encoding="utf-8")
    for old, new in [
        ("Musriati", "Orang Lain"),
        ("short_name: BPJS Ketenagakerjaan Cabang Baubau", "short_name: Mitra Lain"),
        ("Dinas Tenaga Kerja Kabupaten Buton", "Dinas Sosial Kabupaten Buton"),
        ("start: 2025-07-01", "start: 2024-07-01"),
    ]:
        assert old in text
        text = text.replace(old, new)
    (other / "agreement.yaml").write_text(text, encoding="utf-8")
    return root


def _render(root: Path, slug: str, actor: str = DINAS) -> None:
    with workflow.open_store(str(root)) as store:
        workflow.render(store, slug, ["fgd"], None, actor)


def _listed(text: str) -> set[str]:
    return set(re.findall(r'<td><a href="/kerja-sama/([a-z0-9-]+)">', text))


def _history(root: Path, slug: str = SLUG) -> list[dict]:  # type: ignore[type-arg]
    with workflow.open_store(str(root)) as store:
        return workflow.entries(store, slug)


def test_the_list_shows_only_the_agreements_the_account_may_see(site_root: Path) -> None:
    _render(site_root, OTHER, "Dinas Sosial Kabupaten Buton")
    app = make_app(site_root)
    bpjs, hukum = client(app, "bpjs"), client(app, "hukum")
    assert _listed(bpjs.get("/").text) == {SLUG}
    assert _listed(hukum.get("/").text) == {SLUG, OTHER}
    page = bpjs.get(f"/kerja-sama/{OTHER}")
    assert page.status_code == 404
    assert OTHER not in page.text
    assert bpjs.get(f"/kerja-sama/{OTHER}/berkas/{FGD_FILE}").status_code == 404
    assert hukum.get(f"/kerja-sama/{OTHER}/berkas/{FGD_FILE}").status_code == 200
    assert bpjs.get(PAGE).status_code == 200


FILTERS = [
    ("", {SLUG, OTHER}),
    ("?mitra=Mitra+Lain", {OTHER}),
    ("?mitra=BPJS+Ketenagakerjaan+Cabang+Baubau", {SLUG}),
    ("?opd=Dinas+Sosial+Kabupaten+Buton", {OTHER}),
    ("?opd=Dinas+Tenaga+Kerja+Kabupaten+Buton", {SLUG}),
    ("?tahun=2024", {OTHER}),
    ("?tahun=2025", {SLUG}),
    ("?q=LAIN", {OTHER}),
    ("?q=baubau", {SLUG}),
    ("?q=dijadwalkan", {SLUG, OTHER}),  # the state's title
    ("?status=fgd_scheduled", {SLUG, OTHER}),
    ("?status=kb_drafting", set()),
    ("?status=fgd_scheduled&tahun=2025&q=buton", {SLUG}),
    ("?tahun=1999&opd=nobody", set()),
]


def test_the_filters(site_root: Path) -> None:
    hukum = client(make_app(site_root), "hukum")
    for query, expected in FILTERS:
        page = hukum.get("/" + query)
        assert page.status_code == 200
        assert _listed(page.text) == expected, query
        assert '<option value="Dinas Sosial Kabupaten Buton"' in page.text  # a row filtered out still offers its OPD
    form = hukum.get("/?tahun=2024").text
    assert 'name="q"' in form and 'name="status"' in form and 'name="mitra"' in form
    assert '<option value="2024" selected>' in form


def test_an_overdue_deadline_is_red(root: Path) -> None:
    yaml_file = root / SLUG / "agreement.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(re.sub(r"(?m)^  date: *#.*$", "  date: 2025-06-20", text, count=1), encoding="utf-8")
    assert "date: 2025-06-20" in yaml_file.read_text(encoding="utf-8")
    late = client(make_app(root, today=date(2025, 7, 1)), "dinas")
    row = re.search(r"<tr( class=\"overdue\")?>\s*<td><a href=\"/kerja-sama/" + SLUG, late.get("/").text)
    assert row and row.group(1), "the row of an overdue signing is red"
    assert "20 Juni 2025" in late.get("/").text
    assert 'class="overdue"' in late.get(PAGE).text


def test_nothing_is_red_before_the_deadline(root: Path) -> None:
    page = client(make_app(root, today=date(2025, 6, 1)), "dinas").get("/")
    assert 'class="overdue"' not in page.text and _listed(page.text) == {SLUG}


def test_the_page_shows_what_may_happen_and_who_may_do_it(root: Path) -> None:
    app = make_app(root)
    page = client(app, "dinas").get(PAGE)
    assert page.status_code == 200
    titles = workflow.process_titles("ksdpk")
    assert titles.states["fgd_scheduled"] in page.text and "<code>fgd_scheduled</code>" in page.text
    assert titles.events["hold_fgd"] in page.text and titles.states["fgd_held"] in page.text
    with i18n.use_language("id"), workflow.open_store(str(root)) as store:
        blocker = next(e for e in workflow.status(store, SLUG).events if e.trigger == "hold_fgd").blockers[0]
    assert html.escape(blocker) in page.text
    assert 'name="event" value="hold_fgd"' in page.text  # the Dinas holds opd_teknis
    assert 'name="event" value="cancel"' not in page.text  # tkksd and bupati only
    for link in ("/data", "/rancangan", "/tanda-tangan", "/monitoring"):
        assert f'href="{PAGE}{link}"' in page.text
    bpjs = client(app, "bpjs").get(PAGE).text
    assert 'name="event"' not in bpjs  # Musriati holds bpjs_kc, which no event of this state needs
    assert DINAS in bpjs  # who may do it


def test_firing_an_event_records_it_with_the_account(root: Path) -> None:
    _render(root, SLUG)
    app = make_app(root)
    dinas = client(app, "dinas")
    done = post(dinas, PAGE, f"{PAGE}/tindakan", {"event": "hold_fgd", "note": "FGD selesai", "sebagai": DINAS})
    assert done.status_code == 303, done.text
    assert done.headers["location"] == PAGE
    last = _history(root)[-1]
    assert (last["event"], last["actor"], last["to"], last["note"]) == ("hold_fgd", DINAS, "fgd_held", "FGD selesai")
    assert last["account"] == {"login": "dinas", "via": "web", "v": 1}
    page = dinas.get(PAGE).text
    held = workflow.process_titles("ksdpk").states["fgd_held"]
    assert re.search(r'class="flash"[^>]*>[^<]*' + re.escape(held), page), "the flash names the new state"
    assert "[web: dinas]" in page and "FGD selesai" in page


def test_a_blocked_event_shows_every_reason_and_writes_nothing(root: Path) -> None:
    app = make_app(root)
    dinas = client(app, "dinas")
    dinas.get(PAGE)
    before = tree_hash(root / SLUG)
    refused = post(dinas, PAGE, f"{PAGE}/tindakan", {"event": "hold_fgd", "note": "terlalu cepat"})
    assert refused.status_code == 409
    with i18n.use_language("id"), workflow.open_store(str(root)) as store:
        blockers = next(e for e in workflow.status(store, SLUG).events if e.trigger == "hold_fgd").blockers
    assert blockers
    for reason in blockers:
        assert f"<li>{html.escape(reason)}</li>" in refused.text
    assert 'value="terlalu cepat"' in refused.text  # the note is kept in the form
    assert tree_hash(root / SLUG) == before
    assert not (root / SLUG / "history.jsonl").exists()


def test_an_account_without_the_role_is_refused_with_the_role_reason(root: Path) -> None:
    _render(root, SLUG)
    app = make_app(root)
    bpjs = client(app, "bpjs")
    before = tree_hash(root / SLUG)
    refused = post(bpjs, PAGE, f"{PAGE}/tindakan", {"event": "hold_fgd", "note": ""})
    assert refused.status_code == 409
    assert "Musriati" in refused.text and "opd_teknis" in refused.text
    unknown = post(bpjs, PAGE, f"{PAGE}/tindakan", {"event": "no_such_event"})
    assert unknown.status_code == 409 and "no_such_event" in unknown.text
    assert tree_hash(root / SLUG) == before


def test_documents_by_stage_newest_first_and_their_download(root: Path) -> None:
    _render(root, SLUG)
    _render(root, SLUG)  # v2
    app = make_app(root)
    page = client(app, "dinas").get(PAGE).text
    v1, v2 = (page.index(f'href="{PAGE}/berkas/documents/fgd/undangan-fgd-v{n}.docx"') for n in (1, 2))
    assert v2 < v1, "the newest version comes first"
    got = client(app, "bpjs").get(f"{PAGE}/berkas/{FGD_FILE}")
    assert got.status_code == 200
    assert got.content == (root / SLUG / FGD_FILE).read_bytes()
    assert got.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert got.headers["content-disposition"] == 'attachment; filename="undangan-fgd-v1.docx"'


UNRECORDED = [
    "../agreement.yaml",
    "%2e%2e/agreement.yaml",
    "documents/%2e%2e/%2e%2e/agreement.yaml",
    "documents/fgd/..%2f..%2fagreement.yaml",
    "agreement.yaml",  # exists, never recorded
    "history.jsonl",
    "documents/fgd/undangan-fgd-v9.docx",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "documents/fgd/undangan-fgd-v1.docx%00",
]


def test_only_a_recorded_file_is_served(root: Path) -> None:
    _render(root, SLUG)
    dinas = client(make_app(root), "dinas")
    for path in UNRECORDED:
        answer = dinas.get(f"{PAGE}/berkas/{path}")
        assert answer.status_code == 404, (path, answer.status_code)
        assert b"bpjs_kc" not in answer.content  # never the agreement's data
    assert dinas.get(f"{PAGE}/berkas/{FGD_FILE}").status_code == 200


def test_a_changed_recorded_file_is_not_served(root: Path) -> None:
    _render(root, SLUG)
    (root / SLUG / FGD_FILE).write_bytes(b"not the recorded bytes")
    answer = client(make_app(root), "dinas").get(f"{PAGE}/berkas/{FGD_FILE}")
    assert answer.status_code == 409 and b"not the recorded bytes" not in answer.content


def test_a_hostile_note_is_shown_escaped(root: Path) -> None:
    app = make_app(root)
    hukum = client(app, "hukum")
    hostile = "<script>alert(1)</script>"
    done = post(hukum, PAGE, f"{PAGE}/tindakan", {"event": "cancel", "note": hostile})
    assert done.status_code == 303, done.text
    last = _history(root)[-1]
    assert (last["actor"], last["note"], last["account"]["login"]) == (KERJA_SAMA, hostile, "hukum")
    page = hukum.get(PAGE).text
    assert html.escape(hostile) in page
    assert hostile not in page
    assert "[web: hukum]" in page


def _copies(root: Path, count: int) -> list[str]:
    slugs = [f"salinan-{i:03d}-2025" for i in range(count)]
    for slug in slugs:
        shutil.copytree(root / SLUG, root / slug)
    return sorted([SLUG, *slugs])


def test_a_long_list_is_shown_a_page_at_a_time_with_the_filters_kept(root: Path) -> None:
    from workflow.web.pages.agreements import PAGE_ROWS

    every = _copies(root, PAGE_ROWS + 4)  # 55 agreements: a full page and 5 on the second
    hukum = client(make_app(root), "hukum")
    first = hukum.get("/").text
    assert _listed(first) == set(every[:PAGE_ROWS])
    assert "Halaman 1 dari 2" in first
    assert f"{len(every)} dari {len(every)} kerja sama" in first
    assert 'href="/?halaman=2"' in first and 'rel="prev"' not in first
    second = hukum.get("/?halaman=2").text
    assert _listed(second) == set(every[PAGE_ROWS:])
    assert 'href="/?halaman=1"' in second and 'rel="next"' not in second
    assert _listed(hukum.get("/?halaman=99").text) == set(every[PAGE_ROWS:])  # past the end: the last page
    assert _listed(hukum.get("/?halaman=dua").text) == set(every[:PAGE_ROWS])  # nonsense: the first page
    found = hukum.get("/?q=salinan-05").text  # salinan-050..053: one page, no page links
    assert _listed(found) == {f"salinan-{i:03d}-2025" for i in range(50, 54)}
    assert "Halaman" not in found
    filtered = hukum.get("/?mitra=BPJS+Ketenagakerjaan+Cabang+Baubau").text
    assert 'href="/?mitra=BPJS%20Ketenagakerjaan%20Cabang%20Baubau&amp;halaman=2"' in filtered


def test_a_change_made_elsewhere_shows_on_the_agreement_page_at_once_and_in_the_list_within_a_second(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workflow.web.core as core

    dinas = client(make_app(root), "dinas")
    assert dinas.get(PAGE).status_code == 200 and dinas.get("/").status_code == 200  # both seen before the change
    _render(root, SLUG)  # another process (the CLI) renders the FGD documents and holds the FGD
    with workflow.open_store(str(root)) as store:
        workflow.advance(store, SLUG, "hold_fgd", actor=DINAS)
        (row,) = workflow.list_agreements(store)
    assert row.state != "fgd" and row.title
    assert row.title in html.unescape(dinas.get(PAGE).text)  # the agreement's own page looks at its head
    monkeypatch.setattr(core, "HEADS_FOR", 0.0)  # a second later, the list looks at the store again
    assert row.title in html.unescape(dinas.get("/").text)
