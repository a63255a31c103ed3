"""The data page (/kerja-sama/{slug}/data): a form generated from the schema and a YAML editor, both saved through
``workflow.data_put`` (the validation of `mou check`), written in place so agreement.yaml keeps its comments."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import workflow
from tests.conftest import SLUG, tree_hash
from tests.webtools import PASSWORD, client, csrf_of, make_app
from workflow.web.pages.data import edit, scalar

URL = f"/kerja-sama/{SLUG}/data"


@pytest.fixture
def app(root: Path):  # type: ignore[no-untyped-def]
    return make_app(root)


class FormReader(HTMLParser):
    """The fields a browser submits with the first form of a page, as it fills them in."""

    def __init__(self, part: str) -> None:
        super().__init__()
        self.part, self.fields, self.inside, self.done = part, [], False, False
        self.textarea: str | None = None
        self.select: str | None = None
        self.buffer = ""
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done:
            self.inside, self.fields = True, []
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self.textarea, self.buffer = a["name"], ""
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.buffer += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea is not None:
            text = self.buffer[1:] if self.buffer.startswith("\n") else self.buffer  # the parser drops that newline
            self.fields.append((self.textarea, text.replace("\n", "\r\n")))  # browsers send CRLF
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form" and self.inside:
            self.inside = False
            if dict(self.fields).get("bagian") == self.part:
                self.done = True


def browser_form(page: str, part: str = "form") -> dict[str, list[str]]:
    reader = FormReader(part)
    reader.feed(page)
    assert reader.done, f"no form {part}"
    out: dict[str, list[str]] = {}
    for name, value in reader.fields:
        out.setdefault(name, []).append(value)
    return out


def submit(c: TestClient, changes: dict[str, str], part: str = "form"):  # type: ignore[no-untyped-def]
    """Open the page, change ``changes`` in the form ``part`` as a person would, and send it as the browser does."""
    fields = browser_form(c.get(URL).text, part)
    for name, value in changes.items():
        fields[name] = [value]
    return c.post(URL, data=fields)  # type: ignore[arg-type]


def entries(root: Path) -> list[dict[str, object]]:
    path = root / SLUG / "history.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_the_form_shows_the_current_values(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    page = client(app, "hukum").get(URL)
    assert page.status_code == 200
    text = page.text
    assert 'name="parties.pemda.name" type="text" value="Pemerintah Kabupaten Buton"' in text
    assert 'name="parties.partner.representative.name" type="text" value="Musriati"' in text
    assert 'name="term.start" type="date" value="2025-07-01"' in text
    assert re.search(r'name="coverage.workers" type="number"[^>]* value="1000"', text)
    assert re.search(r'<option value="quarterly" selected>', text)  # monitoring.cadence, a Literal
    assert 'name="dprd.budgeted" value="true" checked' in text
    assert "Kepala Dinas Sosial Kabupaten Buton" in text.split('name="technical_team.members"')[1].split("</textarea>")[0]
    assert "nomor kerja sama dari pihak ini" in text  # the description of parties.*.nomor, in Indonesian
    assert "hari pertama berlaku" in text  # term.start
    # a field the file does not have is shown disabled, with where to add it
    assert re.search(r'name="funding.months"[^>]*disabled', text)
    assert 'name="parties.pemda.representative.id.number"' not in text  # a whole section the file lacks: its heading says so
    assert "NIP atau NPK" in text
    assert "Tidak ada di agreement.yaml" in text
    # the YAML editor holds the whole file, comments too
    yaml_text = browser_form(text, "yaml")["yaml"][0].replace("\r\n", "\n")
    assert yaml_text == (root / SLUG / "agreement.yaml").read_text(encoding="utf-8")


def test_a_nomor_saved_by_the_form_is_recorded_and_the_comments_stay(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    before = (root / SLUG / "agreement.yaml").read_text(encoding="utf-8").splitlines()
    c = client(app, "hukum")
    done = submit(c, {"parties.pemda.nomor": "180/12/KB/2025", "note": "nomor dari Bagian Hukum"})
    assert done.status_code == 303, done.text
    assert done.headers["location"] == URL
    shown = c.get(URL).text
    assert "Data disimpan" in shown and "parties.pemda.nomor" in shown
    last = entries(root)[-1]
    assert last["event"] == "data"
    assert last["data"] == {"fields": ["parties.pemda.nomor"]}
    assert last["account"] == {"login": "hukum", "via": "web", "v": 1}
    assert last["actor"] == "Bagian Hukum Setda Kabupaten Buton"
    assert last["note"] == "nomor dari Bagian Hukum"
    after = (root / SLUG / "agreement.yaml").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        (
            "    nomor:                            # issued by the Bagian Hukum at signature",
            "    nomor: 180/12/KB/2025             # issued by the Bagian Hukum at signature",
        )
    ]
    with workflow.open_store(str(root)) as store:
        workflow.verify(store, SLUG)  # the chain, with the account, verifies


def test_saving_the_form_unchanged_changes_nothing(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    before = tree_hash(root / SLUG)
    c = client(app, "hukum")
    done = submit(c, {})
    assert done.status_code == 303
    assert "Tidak ada yang berubah" in c.get(URL).text
    assert tree_hash(root / SLUG) == before


def test_a_list_a_checkbox_and_texts_that_need_quotes(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    c = client(app, "hukum")
    members = browser_form(c.get(URL).text)["technical_team.members"][0].split("\r\n")
    members[0] = "Kepala BKAD: Bidang Anggaran #1"
    fields = browser_form(c.get(URL).text)
    fields["technical_team.members"] = ["\r\n".join(members)]
    fields["dprd.budgeted"] = ["false"]  # the checkbox unticked: only the hidden field is sent
    fields["parties.pemda.address"] = ["Jl. Protokol No. 1: Takawa, Pasarwajo"]
    fields["parties.partner.nomor"] = ["0042"]
    done = c.post(URL, data=fields)  # type: ignore[arg-type]
    assert done.status_code == 303, done.text
    assert entries(root)[-1]["data"] == {
        "fields": [
            "dprd.budgeted",
            "parties.partner.nomor",
            "parties.pemda.address",
            "technical_team.members[0]",
        ]
    }
    text = (root / SLUG / "agreement.yaml").read_text(encoding="utf-8")
    assert '    - "Kepala BKAD: Bidang Anggaran #1"\n' in text
    assert "    - Kepala Dinas Sosial Kabupaten Buton                # [I]\n" in text  # untouched items keep their comments
    assert '    nomor: "0042"' in text  # a text that looks like a number stays text
    assert "  budgeted: false                     # [I] the 2025" in text
    agreement = workflow.load(workflow.open_store(str(root)), SLUG).agreement
    assert agreement.parties.pemda.address == "Jl. Protokol No. 1: Takawa, Pasarwajo"
    assert agreement.technical_team.members[0] == "Kepala BKAD: Bidang Anggaran #1"
    assert agreement.dprd.budgeted is False


def test_an_impossible_date_in_the_yaml_editor_is_refused_with_its_line(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    before = tree_hash(root)
    c = client(app, "hukum")
    fields = browser_form(c.get(URL).text, "yaml")
    fields["yaml"] = [fields["yaml"][0].replace("start: 2025-07-01", "start: 2025-02-30")]
    refused = c.post(URL, data=fields)  # type: ignore[arg-type]
    assert refused.status_code == 400
    text = html.unescape(refused.text)
    assert "Tidak ada yang disimpan" in text
    assert "baris 158: term.start: 2025-02-30 tidak ada di kalender, seharusnya tanggal yang nyata YYYY-MM-DD" in text
    assert "start: 2025-02-30" in text  # the editor keeps what was typed, and the message shows the line
    assert tree_hash(root) == before


def test_an_impossible_value_in_the_form_is_refused_at_its_field(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    before = tree_hash(root)
    refused = submit(client(app, "hukum"), {"term.end": "2025-01-01", "coverage.workers": "0"})
    assert refused.status_code == 400
    text = html.unescape(refused.text)
    assert "coverage.workers: 0 di luar rentang, seharusnya bilangan bulat dari 1 sampai 10.000.000" in text
    assert "term.end: 1 Januari 2025 tidak sesudah tanggal mulai 1 Juli 2025" in text
    assert '<small class="bad">0 di luar rentang' in text  # beside its input too
    assert 'value="2025-01-01"' in text  # what was typed stays in the form
    assert tree_hash(root) == before


def test_a_field_the_file_lacks_is_left_to_the_yaml_editor(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    before = tree_hash(root)
    refused = submit(client(app, "hukum"), {"parties.pemda.representative.id.number": "19690806 199603 1 003"})
    assert refused.status_code == 400
    assert "parties.pemda.representative.id.number: tidak ada di agreement.yaml" in html.unescape(refused.text)
    assert tree_hash(root) == before


def test_a_hostile_value_is_stored_as_text_and_shown_escaped(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    c = client(app, "hukum")
    hostile = '<script>alert("x")</script>'
    assert submit(c, {"parties.partner.short_name": hostile}).status_code == 303
    assert workflow.load(workflow.open_store(str(root)), SLUG).agreement.parties.partner.short_name == hostile
    page = c.get(URL).text
    assert hostile not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_an_account_without_access_gets_404(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    with workflow.open_store(str(root)) as store:
        workflow.add_user(store, "luar", name="Orang Luar", acts_as=["Orang Lain"], password=PASSWORD)
    before = tree_hash(root / SLUG)
    c = client(app, "luar")
    assert c.get(URL).status_code == 404
    token = csrf_of(c.get("/akun").text)
    assert c.post(URL, data={"csrf": token, "bagian": "form", "parties.pemda.nomor": "x"}).status_code == 404
    assert tree_hash(root / SLUG) == before


def test_a_forged_post_is_refused(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    before = tree_hash(root / SLUG)
    c = client(app, "hukum")
    fields = browser_form(c.get(URL).text)
    del fields["csrf"]
    fields["parties.pemda.nomor"] = ["palsu"]
    assert c.post(URL, data=fields).status_code == 403  # type: ignore[arg-type]
    assert tree_hash(root / SLUG) == before


def test_a_page_opened_before_someone_else_saved_saves_nothing(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    c = client(app, "hukum")
    fields = browser_form(c.get(URL).text)
    assert submit(client(app, "dinas"), {"signing.place": "Baubau"}).status_code == 303
    before = tree_hash(root / SLUG)
    fields["parties.pemda.nomor"] = ["180/1"]
    stale = c.post(URL, data=fields)  # type: ignore[arg-type]
    assert stale.status_code == 409
    assert "diubah oleh orang lain" in stale.text
    assert tree_hash(root / SLUG) == before


def test_the_yaml_editor_saves_and_keeps_every_byte(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    c = client(app, "hukum")
    fields = browser_form(c.get(URL).text, "yaml")
    new = fields["yaml"][0].replace("  opd: 45", "  opd: 46   # corrected")
    fields["yaml"] = [new]
    assert c.post(URL, data=fields).status_code == 303  # type: ignore[arg-type]
    assert (root / SLUG / "agreement.yaml").read_bytes() == new.replace("\r\n", "\n").encode()
    assert entries(root)[-1]["data"] == {"fields": ["existing_coverage.opd"]}


@pytest.mark.parametrize(
    "value",
    [
        "plain text",
        "a: b",
        "ends with:",
        "x #1",
        "123",
        "1.5",
        "true",
        "null",
        "- item",
        "'quoted'",
        '"dq"',
        "tab\there",
        "Ä ü ©",
    ],
)
def test_a_scalar_reads_back_as_written(value: str) -> None:
    text = "a:\n  b: old   # note\n"
    new = edit(text, {"a.b": ("text", value)})
    from workflow.data.yaml import parse

    assert parse(Path("x.yaml"), new).data == {"a": {"b": value}}
    assert new.endswith("# note\n")
    assert scalar(value, "text")
