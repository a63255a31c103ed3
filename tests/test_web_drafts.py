"""The drafts page (Rancangan dan telaah): render a draft, download it, compare two versions side by side and
as a Word redline, and the reviewer's decision with comments and the marked-up .docx kept with it.

The application runs in Indonesian; an expected message is the catalog's text in that language (``said``),
so a test reads what the user reads whether or not a message is translated yet.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

import workflow
from tests.conftest import SLUG, tree_hash
from tests.webtools import client, make_app, post
from workflow import i18n
from workflow.i18n import _

PAGE = f"/kerja-sama/{SLUG}/rancangan"
DAY = date(2025, 6, 16)
DINAS = "Dinas Tenaga Kerja Kabupaten Buton"
TKKSD = "Bagian Kerja Sama Setda Kabupaten Buton"
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def esc(text: str) -> str:
    """``text`` as the templates escape it."""
    return str(escape(text))


def said(msgid: str, **figures: Any) -> str:
    """``msgid`` as the page shows it: in Indonesian, with ``figures`` filled in, HTML-escaped."""
    with i18n.use_language("id"):
        text = _(msgid)
    return esc(text.format(**figures) if figures else text)


def history(root: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (root / SLUG / "history.jsonl").read_text(encoding="utf-8").splitlines()]


def errors_of(page: str) -> str:
    found = re.search(r'<div class="error drafts-refusal" role="alert">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


# --- rendering and downloading ---------------------------------------------------------------------------


def test_render_a_draft_records_it_with_the_account_and_it_downloads(root: Path) -> None:
    app = make_app(root)
    dinas = client(app, "dinas")
    page = dinas.get(PAGE)
    assert page.status_code == 200
    assert 'action="/kerja-sama/buton-bpjstk-2025/rancangan/susun"' in page.text
    assert '<option value="fgd" selected>' in page.text  # the current state's stage is the default
    done = post(dinas, PAGE, f"{PAGE}/susun", {"tahap": "fgd"})
    assert done.status_code == 303 and done.headers["location"] == PAGE
    entry = history(root)[-1]
    assert entry["event"] == "render" and entry["stage"] == "fgd" and entry["actor"] == DINAS
    assert entry["account"] == {"login": "dinas", "via": "web", "v": 1}
    shown = dinas.get(PAGE).text
    link = f"/kerja-sama/{SLUG}/berkas/documents/fgd/undangan-fgd-v1.docx"
    assert f'href="{link}"' in shown
    got = dinas.get(link)
    assert got.status_code == 200
    assert got.content == (root / SLUG / "documents" / "fgd" / "undangan-fgd-v1.docx").read_bytes()
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(got.content)).namelist()
    # A second render is v2 of each, and the page offers to compare them.
    post(dinas, PAGE, f"{PAGE}/susun", {"tahap": ""})  # empty: the current state's stage
    shown = dinas.get(PAGE).text
    assert "undangan-fgd-v2.docx" in shown and 'name="dokumen" value="undangan-fgd"' in shown
    assert workflow.verify(workflow.open_store(str(root)), SLUG).problem is None


def test_a_refused_render_shows_why_and_writes_nothing(root: Path) -> None:
    app = make_app(root)
    dinas = client(app, "dinas")
    before = tree_hash(root)
    refused = post(dinas, PAGE, f"{PAGE}/susun", {"tahap": "tidak-ada"})
    assert refused.status_code == 400
    assert "tidak-ada" in errors_of(refused.text)
    assert tree_hash(root) == before


# --- comparing two versions ------------------------------------------------------------------------------------


@pytest.fixture
def demo_root(demo_out: Path, tmp_path: Path) -> Path:
    shutil.copytree(demo_out / "agreements", tmp_path / "agreements")
    return tmp_path / "agreements"


def test_compare_v1_and_v2_side_by_side_and_as_a_tracked_changes_docx(demo_root: Path) -> None:
    app = make_app(demo_root)
    hukum = client(app, "hukum")
    listed = hukum.get(PAGE).text
    assert 'name="dokumen" value="rancangan-kb"' in listed
    before = tree_hash(demo_root)
    page = hukum.get(f"{PAGE}/banding?dokumen=rancangan-kb&a=v1&b=v2")
    assert page.status_code == 200
    text = page.text
    deleted = " ".join(re.findall(r"<del>(.*?)</del>", text))
    inserted = " ".join(re.findall(r"<ins>(.*?)</ins>", text))
    assert "PENANDATANGANAN" in deleted and "v1" in deleted  # [TANGGAL PENANDATANGANAN], the header's version
    assert "CONTOH] 000.8.3.3/001/KB/2025" in inserted and "CONTOH] 000000" in inserted and "v2" in inserted
    # The library's page, fit for the Content-Security-Policy: no inline style, no script.
    assert "style=" not in text and "<style" not in text and "<script" not in text
    assert '<div class="redline">' in text and '<col width="47%">' in text
    # The tracked-changes .docx: made now, sent as a download, nothing written to the agreement.
    link = f"{PAGE}/banding.docx?dokumen=rancangan-kb&amp;a=v1&amp;b=v2"
    assert link in text
    got = hukum.get(html.unescape(link))
    assert got.status_code == 200
    assert got.headers["content-disposition"] == 'attachment; filename="rancangan-kb-v1-v2-redline.docx"'
    body = zipfile.ZipFile(io.BytesIO(got.content)).read("word/document.xml").decode()
    assert "<w:ins " in body and "<w:del " in body
    from docx import Document

    Document(io.BytesIO(got.content))  # python-docx opens it
    assert tree_hash(demo_root) == before


def test_a_bad_comparison_says_what_is_wrong(demo_root: Path) -> None:
    hukum = client(make_app(demo_root), "hukum")
    for query, figure in (
        ("dokumen=rancangan-kb&a=v1&b=v9", "'v9'"),
        ("dokumen=tidak-ada&a=v1&b=v2", "'tidak-ada'"),
        ("dokumen=rancangan-kb&a=v2&b=v2", ""),
    ):
        page = hukum.get(f"{PAGE}/banding?{query}")
        assert page.status_code == 400, query
        assert '<p class="error" role="alert">' in page.text and esc(figure) in page.text
        assert hukum.get(f"{PAGE}/banding.docx?{query}").status_code == 400


# --- the review ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def in_review(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example walked to kb_legal_review (the KB draft v1 waits for the Bagian Hukum), once for the module."""
    out = tmp_path_factory.mktemp("review") / "agreements"
    shutil.copytree(Path(__file__).resolve().parent.parent / "agreements" / SLUG, out / SLUG)
    with workflow.open_store(str(out)) as store, workflow.use_settings(workflow.Settings(root=out, language="en")):
        steps: list[tuple[str, str]] = [
            ("render:fgd", DINAS),
            ("hold_fgd", DINAS),
            ("start_preparation", DINAS),
            ("render:preparation", DINAS),
            ("submit_to_tkksd", DINAS),
            ("render:tkksd", TKKSD),
            ("tkksd_feasible", TKKSD),
            ("render:offer", TKKSD),
            ("start_kb_draft", TKKSD),
            ("request_kb_review", TKKSD),
        ]
        for step, actor in steps:
            if step.startswith("render:"):
                workflow.render(store, SLUG, [step.split(":")[1]], None, actor)
            else:
                workflow.advance(store, SLUG, step, actor, when=DAY)
        assert workflow.status(store, SLUG).state == "kb_legal_review"
    return out


@pytest.fixture
def review_root(in_review: Path, tmp_path: Path) -> Path:
    shutil.copytree(in_review, tmp_path / "agreements")
    return tmp_path / "agreements"


def _draft(root: Path) -> bytes:
    return (root / SLUG / "documents" / "draft_kb" / "rancangan-kb-v1.docx").read_bytes()


def test_request_changes_with_the_marked_up_draft_attached(review_root: Path) -> None:
    app = make_app(review_root)
    hukum = client(app, "hukum")
    page = hukum.get(PAGE).text
    assert 'enctype="multipart/form-data"' in page and 'name="lampiran"' in page
    assert 'name="event" value="request_kb_changes"' in page and 'name="event" value="approve_kb"' in page
    assert "Bagian Hukum meminta perubahan" in page  # the event's Indonesian title on its button
    marked = _draft(review_root)
    note = "Lengkapi NPK dan alamat para pihak; lihat catatan pada lampiran."
    done = post(
        hukum,
        PAGE,
        f"{PAGE}/telaah",
        {"event": "request_kb_changes", "note": note},
        files={"lampiran": ("../../../etc/markup BPJS.docx", marked, "application/octet-stream")},
    )
    assert done.status_code == 303, errors_of(done.text)
    entry = history(review_root)[-1]
    assert entry["event"] == "request_kb_changes" and entry["note"] == note and entry["to"] == "kb_drafting"
    assert entry["account"] == {"login": "hukum", "via": "web", "v": 1}
    seq = entry["seq"]
    kept = f"reviews/attachments/e{seq}-1.docx"  # a name of the tool's, never the uploaded one
    assert [a["path"] for a in entry["artifacts"]] == [kept]
    assert entry["data"] == {"attachments": [{"path": kept, "name": "markup BPJS.docx"}]}
    assert (review_root / SLUG / kept).read_bytes() == marked
    assert not (review_root / "etc").exists() and not (review_root.parent / "etc").exists()
    with workflow.open_store(str(review_root)) as store:
        assert workflow.verify(store, SLUG).problem is None
    shown = hukum.get(PAGE).text
    assert note in shown and "markup BPJS.docx" in shown
    assert f'href="/kerja-sama/{SLUG}/berkas/{kept}"' in shown
    assert hukum.get(f"/kerja-sama/{SLUG}/berkas/{kept}").content == marked
    assert 'name="event"' not in shown  # back in drafting: no decision to take
    # `mou verify` on the command line agrees.
    from click.testing import CliRunner

    import cli

    result = CliRunner().invoke(cli.main, ["--root", str(review_root), "verify", SLUG])
    assert result.exit_code == 0, result.output


def test_approve_with_an_attachment_keeps_the_approved_data_first(review_root: Path) -> None:
    hukum = client(make_app(review_root), "hukum")
    done = post(
        hukum,
        PAGE,
        f"{PAGE}/telaah",
        {"event": "approve_kb", "note": "Disetujui."},
        files={
            "lampiran": (
                "paraf.docx",
                _draft(review_root),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        },
    )
    assert done.status_code == 303, errors_of(done.text)
    entry = history(review_root)[-1]
    seq = entry["seq"]
    assert [a["path"] for a in entry["artifacts"]] == [
        f"reviews/agreement-approved-e{seq}.yaml",
        f"reviews/attachments/e{seq}-1.docx",
    ]
    with workflow.open_store(str(review_root)) as store:
        assert workflow.verify(store, SLUG).problem is None
        ready = next(e for e in workflow.status(store, SLUG).events if e.trigger == "ready_to_sign")
        assert not any("agreement.yaml changed" in b for b in ready.blockers)  # the approved copy is still found


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "a PDF"),
        (bytes(range(256)) * 40, "random bytes"),
        (b"PK\x05\x06" + b"\0" * 18, "an empty zip"),
    ],
)
def test_an_attachment_that_is_not_a_docx_is_refused(review_root: Path, content: bytes, kind: str) -> None:
    hukum = client(make_app(review_root), "hukum")
    before = tree_hash(review_root)
    refused = post(
        hukum,
        PAGE,
        f"{PAGE}/telaah",
        {"event": "request_kb_changes", "note": "lihat lampiran"},
        files={"lampiran": ("x.docx", content, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")},
    )
    assert refused.status_code == 400, kind
    assert said("the attachment {name} is not a Word document (.docx)", name="x.docx") in errors_of(refused.text), kind
    assert "lihat lampiran" in refused.text  # the comments are kept in the form
    assert tree_hash(review_root) == before


def test_the_partner_is_no_reviewer_and_a_forged_decision_is_refused(review_root: Path) -> None:
    bpjs = client(make_app(review_root), "bpjs")
    page = bpjs.get(PAGE)
    assert page.status_code == 200
    assert 'name="event"' not in page.text and 'name="lampiran"' not in page.text
    waits = said(
        "The draft waits for the decision of {roles}; your account is not a reviewer of it.",
        roles="Bagian Hukum Sekretariat Daerah",
    )
    assert waits in page.text
    before = tree_hash(review_root)
    forged = post(bpjs, PAGE, f"{PAGE}/telaah", {"event": "request_kb_changes", "note": "ubah semuanya"})
    assert forged.status_code == 409
    with i18n.use_language("id"):
        reason = _("{name} holds {roles}, but {what} needs {needs}").format(
            name="Musriati", roles="bpjs_kc", what="request_kb_changes", needs="bag_hukum"
        )
    assert esc(reason) in errors_of(forged.text)
    not_review = post(bpjs, PAGE, f"{PAGE}/telaah", {"event": "ready_to_sign", "note": ""})
    assert not_review.status_code == 400
    assert said("{event} is not a reviewer's decision on a draft", event="'ready_to_sign'") in errors_of(not_review.text)
    assert tree_hash(review_root) == before


def test_a_hostile_note_is_shown_escaped(review_root: Path) -> None:
    hukum = client(make_app(review_root), "hukum")
    done = post(hukum, PAGE, f"{PAGE}/telaah", {"event": "request_kb_changes", "note": HOSTILE})
    assert done.status_code == 303
    page = hukum.get(PAGE).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert esc(HOSTILE) in page


def test_the_library_checks_attachments_too(review_root: Path) -> None:
    """workflow.advance itself refuses a file that is not a .docx, and attachments on an event that is no review."""
    before = tree_hash(review_root)
    with (
        workflow.open_store(str(review_root)) as store,
        workflow.use_settings(workflow.Settings(root=review_root, language="en")),
    ):
        with pytest.raises(workflow.MouError, match=r"not a Word document") as err:
            workflow.advance(
                store, SLUG, "request_kb_changes", "Bagian Hukum Setda Kabupaten Buton", attachments=[("a.docx", b"x")]
            )
        assert err.value.rule == "review.attachment.type"
        with pytest.raises(workflow.MouError, match=r"is not a review") as err:
            workflow.advance(store, SLUG, "ready_to_sign", TKKSD, attachments=[("a.docx", _draft(review_root))])
        assert err.value.rule == "review.attachment"
    assert tree_hash(review_root) == before
