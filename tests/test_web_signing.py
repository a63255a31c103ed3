"""The signature and archive page and the background jobs of the web application, as a user sees them.

One job per agreement at a time (a second one is refused, naming the first); a job's page is its
starter's (or an administrator's): anyone else gets 404; an upload that is no PDF is refused before
anything is written; a signature the library refuses shows every reason on the job's page, and nothing
is written; on the finished demo, the archive job packages the signed PKS and its .zip downloads.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import threading
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import Route

import workflow
from tests.conftest import SLUG, stand_in_pdfs, tree_hash, walk_to_review
from tests.webtools import PASSWORD, client, make_accounts, make_app, post
from workflow import i18n
from workflow.i18n import _
from workflow.web import create_app
from workflow.web.jobs import DONE, FAILED, RUNNING, Job, JobBusy

PAGE = f"/kerja-sama/{SLUG}/tanda-tangan"
TKKSD = "Bagian Kerja Sama Setda Kabupaten Buton"  # the hukum account acts as it (and as the Bagian Hukum)


def said(text: str, **figures: Any) -> str:
    """``text`` as the application (language "id") shows it, HTML-escaped as in the page."""
    from markupsafe import escape

    with i18n.use_language("id"):
        return str(escape(_(text).format(**figures)))


def job_id(response: Any) -> str:
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/tugas/([A-Za-z0-9_-]+)", response.headers["location"])
    assert found, response.headers["location"]
    return found.group(1)


def finished(app: Any, ident: str, timeout: float = 120) -> Job:
    job = app.state.site.jobs.wait(ident, timeout)
    assert job is not None and not job.running, job
    return job


def a_pdf() -> bytes:
    from workflow.commands.demo import stand_in_pdf

    return stand_in_pdf(["ditandatangani"])


def ready_to_sign(root: Path) -> None:
    """The example walked as the demo walks it, its unknown facts filled with [CONTOH] values: the KB may be signed."""
    from workflow.commands.demo import DEMO_DAY, HUKUM, fill_example_facts
    from workflow.commands.lifecycle import advance, record_render
    from workflow.records.store import FolderStore

    walk_to_review(root, approve=False, when=DEMO_DAY)
    store = FolderStore(root)
    fill_example_facts(store, SLUG)
    record_render(store, SLUG, ["draft_kb"], None, TKKSD)
    for event, actor in (("request_kb_review", TKKSD), ("approve_kb", HUKUM), ("ready_to_sign", TKKSD)):
        advance(store, SLUG, event, actor, when=DEMO_DAY)


@pytest.fixture
def app(root: Path):  # type: ignore[no-untyped-def]
    return make_app(root)


def test_the_page_lists_the_documents_the_process_signs(app) -> None:  # type: ignore[no-untyped-def]
    page = client(app, "hukum").get(PAGE)
    assert page.status_code == 200
    assert 'id="dok-kb"' in page.text and 'id="dok-pks"' in page.text and 'id="arsip"' in page.text
    assert "<script" not in page.text and "style=" not in page.text
    assert said("Nothing is signed yet.") in page.text


def test_a_second_job_on_the_same_agreement_is_refused(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    """While a job runs on the agreement, another start (from the library or from the page) is refused,
    naming the running job; once it ends, a new job may start."""
    jobs = app.state.site.jobs
    release = threading.Event()

    def slow(job: Job) -> str:
        job.report(0.5, "halfway")
        assert release.wait(30)
        return PAGE

    first = jobs.start("finalize", SLUG, slow, title="Naskah final kb", login="hukum", back=PAGE)
    try:
        with pytest.raises(JobBusy, match="Naskah final kb"):
            jobs.start("archive", SLUG, lambda job: None, login="dinas")
        hukum = client(app, "hukum")
        before = tree_hash(root)
        refused = post(hukum, PAGE, f"{PAGE}/arsip", {})
        assert refused.status_code == 409
        assert "Naskah final kb" in refused.text and 'class="error' in refused.text
        assert tree_hash(root) == before
        running = hukum.get(f"/tugas/{first.id}")
        assert running.status_code == 200
        assert '<meta http-equiv="refresh" content="2">' in running.text and running.headers["refresh"] == "2"
        assert first.state == RUNNING and "halfway" in running.text
        assert jobs.start("archive", "another-agreement", lambda job: None, login="hukum")  # other agreements go on
    finally:
        release.set()
    assert finished(app, first.id).state == DONE
    done = client(app, "hukum").get(f"/tugas/{first.id}")
    assert 'http-equiv="refresh"' not in done.text and "refresh" not in done.headers
    assert f'href="{PAGE}"' in done.text
    after = jobs.start("archive", SLUG, lambda job: None, login="hukum")  # the agreement is free again
    assert finished(app, after.id).state == DONE


def test_the_job_page_of_another_account_is_404(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    with workflow.open_store(str(root)) as store:
        workflow.add_user(store, "admin", name="Admin", acts_as=["Admin"], password=PASSWORD, admin=True)
    hukum = client(app, "hukum")
    ident = job_id(post(hukum, PAGE, f"{PAGE}/arsip", {}))
    job = finished(app, ident)
    assert job.state == FAILED and job.login == "hukum"  # nothing signed yet: the library's message
    page = hukum.get(f"/tugas/{ident}")
    assert page.status_code == 200
    assert said("{slug}: nothing signed yet", slug=SLUG) in page.text
    assert client(app, "dinas").get(f"/tugas/{ident}").status_code == 404
    assert client(app, "bpjs").get(f"/tugas/{ident}").status_code == 404
    assert client(app, "admin").get(f"/tugas/{ident}").status_code == 200
    assert client(app, "dinas").get("/tugas/no-such-job").status_code == 404
    assert ident in hukum.get("/tugas").text and ident not in client(app, "dinas").get("/tugas").text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"PK\x03\x04 a .docx, not a PDF",
            "the uploaded file is not a PDF (it does not begin with %PDF-): upload the signed scan or the e-signed PDF",
        ),
        (b"", "choose the signed PDF (the scan or the e-signed file) to upload"),
    ],
)
def test_a_non_pdf_upload_is_refused(app, root: Path, content: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    hukum = client(app, "hukum")
    before = tree_hash(root)
    refused = post(
        hukum,
        PAGE,
        f"{PAGE}/unggah",
        {"dokumen": "kb", "sebagai": TKKSD, "tanggal": "", "tempat": "", "meterai": "1"},
        files={"berkas": ("../../etc/kb-ttd.pdf", content, "application/pdf")},
    )
    assert refused.status_code == 400
    assert said(message) in refused.text
    assert "location" not in refused.headers  # no job started
    assert app.state.site.jobs.running_on(SLUG) is None
    assert tree_hash(root) == before


def test_a_refused_signature_shows_every_reason_and_writes_nothing(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    """Approved, then the data changed: the library refuses with every reason, each one in the list."""
    ready_to_sign(root)
    yaml_file = root / SLUG / "agreement.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(text.replace("place: Pasarwajo", "place: Baubau", 1), encoding="utf-8")
    hukum = client(app, "hukum")
    page = hukum.get(PAGE)
    assert "tanda-tangan/unggah" in page.text and f'value="{TKKSD}"' in page.text
    before = tree_hash(root)
    uploads = set(Path(tempfile.gettempdir()).glob("mou-upload-*"))
    ident = job_id(
        post(
            hukum,
            PAGE,
            f"{PAGE}/unggah",
            {"dokumen": "kb", "sebagai": TKKSD, "tanggal": "", "tempat": "", "meterai": "1"},
            files={"berkas": ("kb-ttd.pdf", a_pdf(), "application/pdf")},
        )
    )
    job = finished(app, ident)
    assert job.state == FAILED
    assert len(job.reasons) >= 2, job.reasons
    assert any("signing.place" in r or "changed since the approval" in r or "berubah" in r for r in job.reasons)
    shown = hukum.get(f"/tugas/{ident}").text
    items = re.findall(r"<li>(.*?)</li>", shown, re.S)
    from markupsafe import escape

    for reason in job.reasons:
        assert str(escape(reason)) in items
    assert tree_hash(root) == before
    assert not set(Path(tempfile.gettempdir()).glob("mou-upload-*")) - uploads  # the private copy is gone


def test_a_signature_in_the_wrong_state_is_refused(app, root: Path) -> None:  # type: ignore[no-untyped-def]
    hukum = client(app, "hukum")
    before = tree_hash(root)
    ident = job_id(
        post(
            hukum,
            PAGE,
            f"{PAGE}/unggah",
            {"dokumen": "kb", "sebagai": TKKSD, "tanggal": "2025-06-24"},
            files={"berkas": ("kb.pdf", a_pdf(), "application/pdf")},
        )
    )
    job = finished(app, ident)
    assert job.state == FAILED and "sign_kb" in (job.error or "")
    assert "sign_kb" in hukum.get(f"/tugas/{ident}").text
    assert tree_hash(root) == before


def test_a_signature_is_recorded_with_the_account(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole way through the page (LibreOffice replaced by a stand-in PDF): recorded by the account."""
    from workflow.commands.demo import SIGN_DAY

    stand_in_pdfs(monkeypatch)
    ready_to_sign(root)
    store = workflow.open_store(str(root))
    make_accounts(str(root))
    app = create_app(str(root), settings=workflow.Settings(root=root, language="id", today=SIGN_DAY))
    hukum = client(app, "hukum")
    ident = job_id(
        post(
            hukum,
            PAGE,
            f"{PAGE}/unggah",
            {"dokumen": "kb", "sebagai": TKKSD, "tanggal": SIGN_DAY.isoformat(), "tempat": "", "meterai": "1"},
            files={"berkas": ("C:\\Users\\x\\..\\scan kb.pdf", a_pdf(), "application/pdf")},
        )
    )
    job = finished(app, ident)
    assert job.state == DONE, (job.error, job.reasons)
    entry = workflow.entries(store, SLUG)[-1]
    assert entry["event"] == "sign_kb" and entry["actor"] == TKKSD
    assert entry["account"] == {"login": "hukum", "via": "web", "v": 1}
    assert any(a["path"].endswith("/ttd-1-kb-ditandatangani.pdf") for a in entry["artifacts"])  # our name, not the upload's
    page = hukum.get(PAGE).text
    assert f"/berkas/signed/kb-e{entry['seq']}/naskah-final.pdf" in page
    assert (
        date.fromisoformat(json.loads((root / SLUG / f"signed/kb-e{entry['seq']}/signature.json").read_text())["signed_on"])
        == SIGN_DAY
    )


@pytest.mark.slow
def test_on_the_demo_the_archive_job_completes_and_its_zip_downloads(demo_out: Path, tmp_path: Path) -> None:
    root = tmp_path / "agreements"
    shutil.copytree(demo_out / "agreements", root)
    app = make_app(root)
    hukum = client(app, "hukum")
    page = hukum.get(PAGE)
    assert "tanda-tangan/arsip" in page.text  # the signed PKS is not archived yet
    ident = job_id(post(hukum, PAGE, f"{PAGE}/arsip", {}))
    job = finished(app, ident)
    assert job.state == DONE, (job.error, job.reasons)
    zip_path = f"archive/{SLUG}-pks-e22.zip"
    assert job.result == f"/kerja-sama/{SLUG}/berkas/{zip_path}"
    shown = hukum.get(f"/tugas/{ident}").text
    assert f'href="{job.result}"' in shown
    entry = workflow.entries(workflow.open_store(str(root)), SLUG)[-1]
    assert entry["event"] == "archive" and entry["account"] == {"login": "hukum", "via": "web", "v": 1}
    assert entry["artifacts"][0]["path"] == zip_path
    assert f'href="{job.result}"' in hukum.get(PAGE).text  # listed with the earlier package
    stored = (root / SLUG / zip_path).read_bytes()
    assert zipfile.ZipFile(io.BytesIO(stored)).testzip() is None
    again = finished(app, job_id(post(hukum, PAGE, f"{PAGE}/arsip", {})))
    assert again.state == DONE and again.summary  # nothing left to package: it says so
    if not any(isinstance(r, Route) and r.path.startswith("/kerja-sama/{slug}/berkas/") for r in app.routes):
        pytest.skip("the download route (/kerja-sama/{slug}/berkas/{path}) is not in this build")
    download = hukum.get(job.result)
    assert download.status_code == 200
    assert download.content == stored
