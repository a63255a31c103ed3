"""The demo's whole story in a real browser (Debian's Chromium driven by Playwright) against `mou serve`.

Three accounts, as `make serve` makes them: the Dinas Tenaga Kerja, the Setda (Bagian Hukum and Bagian
Kerja Sama) and the BPJS branch office. They walk the FGD documents, KB drafts v1 and v2 with a review
asking for changes between them (with the partner's marked-up .docx attached), the partner reading the
redline, approval, the signature upload, the archive, the participants' upload (a bad list first, its
rows shown), the PKS, three payments, a claim and its santunan, and the monitoring report. Every page
visited is saved as a numbered screenshot in tests/artifacts/browser/.

One test, one story: each step needs the ones before it, and a failure names the step it stopped at.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.browser import Server, Shots, launch, require_chromium
from tests.conftest import EXAMPLE, SLUG
from tests.webtools import ACCOUNTS, PASSWORD, make_accounts
from workflow.commands.demo import DEMO_DAY, PKS_SIGNER, SIGN_DAY, stand_in_pdf, with_examples
from workflow.data.participants import synthetic

pytestmark = pytest.mark.slow

HUKUM = "Bagian Hukum Setda Kabupaten Buton"
TKKSD = "Bagian Kerja Sama Setda Kabupaten Buton"
AGREEMENT = f"/kerja-sama/{SLUG}"


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root = tmp_path / "agreements"
    (root / SLUG).mkdir(parents=True)
    (root / SLUG / "agreement.yaml").write_bytes((EXAMPLE / "agreement.yaml").read_bytes())
    make_accounts(str(root))  # the three accounts of `make serve`, as the HTTP tests have them
    running = Server(root, tmp_path / "serve.log")
    running.start(DEMO_DAY)
    try:
        yield running
    finally:
        running.stop()


class Person:
    """One account in its own browser context (its own cookies), with the story's screenshots."""

    def __init__(self, browser: Any, server: Server, shots: Shots, login: str) -> None:
        self.context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900}, accept_downloads=True)
        self.page = self.context.new_page()
        self.server = server
        self.shots = shots
        self.login = login

    def go(self, path: str, shot: str | None = None) -> Any:
        answer = self.page.goto(self.server.url + path)
        assert answer is not None and answer.status == 200, f"{path}: {answer.status if answer else 'no answer'}"
        if shot:
            self.shots.take(self.page, f"{self.login}-{shot}")
        return answer

    def sign_in(self) -> None:
        self.go("/masuk", "masuk")
        self.page.fill("input[name=login]", self.login)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("form[action='/masuk'] button[type=submit]")
        self.page.wait_for_load_state()
        assert self.page.url.rstrip("/") == self.server.url, self.page.url
        assert self.login in self.text() or ACCOUNTS[self.login][0] in self.text()

    def text(self) -> str:
        return str(self.page.inner_text("body"))

    def flash(self) -> str:
        found = self.page.locator(".flash")
        return str(found.first.inner_text()) if found.count() else ""

    def refusal(self) -> str:
        found = self.page.locator(".error")
        return " | ".join(found.nth(i).inner_text() for i in range(found.count()))

    def fire(self, event: str, *, person: str | None = None, note: str = "", shot: str | None = None) -> str:
        """Press the button of ``event`` on the agreement page (acting as ``person``); the flash after it."""
        self.go(AGREEMENT)
        form = self.page.locator(f"form.fire:has(input[name=event][value={event}])")
        assert form.count() == 1, f"no button for {event} on the page of {self.login}:\n{self.text()}"
        if person and form.locator("select[name=sebagai]").count():
            form.locator("select[name=sebagai]").select_option(person)
        if note:
            form.locator("input[name=note]").fill(note)
        form.locator("button[type=submit]").click()
        self.page.wait_for_load_state()
        if shot:
            self.shots.take(self.page, f"{self.login}-{shot}")
        message = self.flash()
        assert message, f"{event}: no confirmation; refused: {self.refusal()}"
        return message

    def render(self, stage: str, *, person: str | None = None, shot: str | None = None) -> str:
        path = f"{AGREEMENT}/rancangan" + (f"?sebagai={person}" if person else "")
        self.go(path)
        self.page.select_option("form.drafts-render select[name=tahap]", stage)
        self.page.click("form.drafts-render button[type=submit]")
        self.page.wait_for_load_state()
        if shot:
            self.shots.take(self.page, f"{self.login}-{shot}")
        message = self.flash()
        assert message, f"render {stage}: no confirmation; refused: {self.refusal()}"
        return message

    def review(self, event: str, note: str, attachment: tuple[str, bytes] | None = None, shot: str | None = None) -> str:
        self.go(f"{AGREEMENT}/rancangan?sebagai={HUKUM}")
        form = self.page.locator(f"form:has(button[name=event][value={event}])")
        form.locator("textarea[name=note]").fill(note)
        if attachment:
            name, data = attachment
            form.locator("input[name=lampiran]").set_input_files(
                files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
            )
        form.locator(f"button[name=event][value={event}]").click()
        self.page.wait_for_load_state()
        if shot:
            self.shots.take(self.page, f"{self.login}-{shot}")
        message = self.flash()
        assert message, f"{event}: no confirmation; refused: {self.refusal()}"
        return message

    def edit_yaml(self, change: Any, note: str, shot: str | None = None) -> str:
        self.go(f"{AGREEMENT}/data")
        box = self.page.locator("textarea[name=yaml]")
        box.fill(change(box.input_value()))
        self.page.locator("form.data-yaml input[name=note]").fill(note)
        self.page.click("form.data-yaml button[type=submit]")
        self.page.wait_for_load_state()
        if shot:
            self.shots.take(self.page, f"{self.login}-{shot}")
        message = self.flash()
        assert "Data disimpan" in message, f"YAML not saved: {self.refusal()}"
        return message

    def until_done(self, shot: str) -> str:
        """Wait on a job's page (it refreshes itself) until the job ends; its text then."""
        assert "/tugas/" in self.page.url, self.page.url
        for _attempt in range(240):
            state = self.page.locator(".jobstate").inner_text().lower()
            if "selesai" in state or "gagal" in state:
                break
            self.page.wait_for_timeout(500)
            self.page.reload()
        self.shots.take(self.page, f"{self.login}-{shot}")
        text = self.text()
        assert "selesai" in self.page.locator(".jobstate").inner_text().lower(), f"job did not finish:\n{text}"
        return text

    def download(self, link: Any) -> bytes:
        with self.page.expect_download() as info:
            link.click()
        path = info.value.path()
        return Path(path).read_bytes()

    def close(self) -> None:
        self.context.close()


def _kb_marked_up(docx: bytes) -> bytes:
    """The partner's marked-up copy of draft v1: the same .docx with a comment line in its body text."""
    import docx as python_docx

    document = python_docx.Document(io.BytesIO(docx))
    document.add_paragraph("Catatan BPJS Ketenagakerjaan: mohon nomor dan tanggal penandatanganan dilengkapi.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_whole_story_in_the_browser(playwright: Any, server: Server) -> None:
    shots = Shots()
    browser = launch(playwright)
    dinas = Person(browser, server, shots, "dinas")
    hukum = Person(browser, server, shots, "hukum")
    bpjs = Person(browser, server, shots, "bpjs")
    try:
        _walk(server, shots, dinas, hukum, bpjs)
    finally:
        for person in (dinas, hukum, bpjs):
            person.close()
        browser.close()
    assert len(shots.taken) >= 30 and all(p.stat().st_size > 5000 for p in shots.taken)


def _walk(server: Server, shots: Shots, dinas: Person, hukum: Person, bpjs: Person) -> None:
    # -- the Dinas: the list, the FGD documents, the preparation --------------------------------------
    dinas.sign_in()
    dinas.go("/", "daftar")
    assert "BPJS Ketenagakerjaan" in dinas.text() and "FGD dijadwalkan" in dinas.text()
    dinas.go(AGREEMENT, "kerja-sama-awal")
    assert "Dokumen FGD belum disusun" in dinas.text() or "dokumen" in dinas.text().lower()
    assert "Dokumen" in dinas.render("fgd", shot="susun-fgd") or True
    docs = dinas.page.locator("a[href$='.docx']")
    assert docs.count() >= 1, "the FGD documents are not offered for download"
    assert dinas.download(docs.first)[:2] == b"PK"
    assert "FGD dilaksanakan" in dinas.fire("hold_fgd", shot="fgd-dilaksanakan")
    dinas.fire("start_preparation")
    dinas.render("preparation", shot="susun-kak")
    dinas.fire("submit_to_tkksd")

    # -- the Setda as the Bagian Kerja Sama: TKKSD, offer, KB draft v1, legal review requested ----------
    hukum.sign_in()
    hukum.render("tkksd", person=TKKSD)
    hukum.fire("tkksd_feasible", person=TKKSD)
    hukum.render("offer", person=TKKSD)
    hukum.fire("start_kb_draft", person=TKKSD, shot="rancangan-kb-v1")
    hukum.fire("request_kb_review", person=TKKSD)

    # -- the partner reads draft v1 and hands in a marked-up copy (through the Bagian Hukum's review) ----
    bpjs.sign_in()
    bpjs.go("/", "daftar")
    bpjs.go(f"{AGREEMENT}/rancangan", "rancangan")
    v1 = bpjs.page.locator("a[href*='rancangan-kb'][href$='.docx']")
    assert v1.count() >= 1, bpjs.text()
    marked_up = _kb_marked_up(bpjs.download(v1.first))
    assert bpjs.page.locator("form:has(button[name=event])").count() == 0  # the partner decides nothing here

    # -- the Bagian Hukum asks for changes, attaching the partner's copy --------------------------------
    said = hukum.review(
        "request_kb_changes",
        "Nomor dan tanggal penandatanganan belum diisi; lihat catatan BPJS terlampir.",
        ("rancangan-kb-v1-catatan-bpjs.docx", marked_up),
        shot="telaah-minta-perubahan",
    )
    assert "Bagian Hukum meminta perubahan" in said
    hukum.go(AGREEMENT, "kerja-sama-perubahan")
    assert "rancangan-kb-v1-catatan-bpjs.docx" in hukum.text()

    # a blocked event shows the library's reasons: a review asked of no new draft is refused, nothing moves
    hukum.go(AGREEMENT)
    blocked = hukum.page.locator("form.fire:has(input[name=event][value=request_kb_review])")
    assert blocked.locator("[name=sebagai]").first.get_attribute("value") == TKKSD  # the one of its people who may
    blocked.locator("button[type=submit]").click()
    hukum.page.wait_for_load_state()
    shots.take(hukum.page, "hukum-ditolak")
    assert "belum ada rancangan yang disusun sejak memasuki kb_drafting" in hukum.refusal(), hukum.text()
    assert not hukum.flash()
    hukum.go(AGREEMENT)
    assert "Penyusunan rancangan Kesepakatan Bersama" in hukum.page.locator(".state-line").inner_text()

    # -- the missing facts are filled in the YAML editor, draft v2 is rendered and reviewed -------------
    saved = hukum.edit_yaml(with_examples, "Nomor dan tanggal penandatanganan (CONTOH)", shot="data-disimpan")
    assert "signing.date" in saved or "nomor" in saved
    hukum.render("draft_kb", person=TKKSD, shot="rancangan-kb-v2")
    hukum.fire("request_kb_review", person=TKKSD)
    hukum.go(f"{AGREEMENT}/rancangan?sebagai={HUKUM}")
    compare = hukum.page.locator("form.compare:has(input[name=dokumen][value^='rancangan-kb'])").first
    compare.locator("select[name=a]").select_option("v1")
    compare.locator("select[name=b]").select_option("v2")
    compare.locator("button[type=submit]").click()
    hukum.page.wait_for_load_state()
    shots.take(hukum.page, "hukum-banding-v1-v2")
    assert hukum.page.locator("ins").count() >= 1, "the redline shows no insertion between v1 and v2"
    tracked = hukum.download(hukum.page.locator("a[href*='banding.docx']").first)
    with zipfile.ZipFile(io.BytesIO(tracked)) as docx:
        assert "<w:ins " in docx.read("word/document.xml").decode("utf-8")

    # the partner sees the same redline
    bpjs.go(hukum.page.url.removeprefix(server.url), "banding-v1-v2")
    assert bpjs.page.locator("ins").count() >= 1

    # -- approval and the signing date set ----------------------------------------------------------------
    assert "menyetujui" in hukum.review("approve_kb", "Rancangan v2 sudah sesuai.", shot="telaah-setuju")
    hukum.fire("ready_to_sign", person=TKKSD, shot="siap-tanda-tangan")

    # -- the signature on the day set: the scan uploaded, the job's progress, the archive ----------------
    server.restart(SIGN_DAY)
    hukum.go(f"{AGREEMENT}/tanda-tangan", "tanda-tangan")
    upload = hukum.page.locator("form[action$='/tanda-tangan/unggah']:has(input[name=dokumen][value=kb])")
    scan = stand_in_pdf(["CONTOH - BUKAN DOKUMEN ASLI", "Pindaian Kesepakatan Bersama yang ditandatangani"])
    upload.locator("input[name=berkas]").set_input_files(
        files=[{"name": "scan-kb.pdf", "mimeType": "application/pdf", "buffer": scan}]
    )
    upload.locator("input[name=tanggal]").fill(SIGN_DAY.isoformat())
    upload.locator("button[type=submit]").click()
    hukum.page.wait_for_load_state()
    hukum.until_done("tanda-tangan-kb-selesai")
    hukum.go(f"{AGREEMENT}/tanda-tangan")
    hukum.page.click("form[action$='/tanda-tangan/arsip'] button[type=submit]")
    hukum.page.wait_for_load_state()
    hukum.until_done("arsip-selesai")
    package = hukum.download(hukum.page.locator("a.button[href$='.zip']"))
    with zipfile.ZipFile(io.BytesIO(package)) as bag:
        names = bag.namelist()
    assert any(n.endswith("bagit.txt") for n in names) and any(n.endswith("manifest-sha256.txt") for n in names)

    # -- the Dinas: participants (a bad list first), the PKS -----------------------------------------------
    listing = synthetic(1000, date(2025, 7, 1))
    rows = listing.splitlines()
    bad = "\n".join([rows[0], rows[1], "123" + rows[2][rows[2].index(",") :], rows[3]]) + "\n"
    dinas.go(f"{AGREEMENT}/monitoring")
    dinas.page.locator("#form-csv input[name=csv]").set_input_files(
        files=[{"name": "peserta-salah.csv", "mimeType": "text/csv", "buffer": bad.encode("utf-8")}]
    )
    dinas.page.click("#form-csv button[type=submit]")
    dinas.page.wait_for_load_state()
    shots.take(dinas.page, "dinas-peserta-ditolak")
    problems = dinas.page.locator(".mon-problems tbody tr")
    assert problems.count() == 1 and "16 angka" in problems.first.inner_text()
    dinas.page.locator("#form-csv input[name=csv]").set_input_files(
        files=[{"name": "peserta-p3ke.csv", "mimeType": "text/csv", "buffer": listing.encode("utf-8")}]
    )
    dinas.page.click("#form-csv button[type=submit]")
    dinas.page.wait_for_load_state()
    shots.take(dinas.page, "dinas-peserta-diimpor")
    assert "1.000" in dinas.flash(), dinas.refusal()

    dinas.edit_yaml(lambda text: text + PKS_SIGNER, "Penandatangan PKS: Kepala Dinas dengan surat kuasa (CONTOH)")
    dinas.fire("start_pks_draft", shot="rancangan-pks")
    dinas.fire("request_pks_review")
    hukum.fire("approve_pks", person=HUKUM)
    dinas.go(f"{AGREEMENT}/tanda-tangan")
    upload = dinas.page.locator("form[action$='/tanda-tangan/unggah']:has(input[name=dokumen][value=pks])")
    upload.locator("input[name=berkas]").set_input_files(
        files=[{"name": "scan-pks.pdf", "mimeType": "application/pdf", "buffer": stand_in_pdf(["CONTOH PKS"])}]
    )
    upload.locator("input[name=tanggal]").fill(SIGN_DAY.isoformat())
    upload.locator("button[type=submit]").click()
    dinas.page.wait_for_load_state()
    dinas.until_done("tanda-tangan-pks-selesai")
    dinas.render("tim_teknis")

    # -- implementation: the term has begun -------------------------------------------------------------
    server.restart(date(2025, 7, 1))
    dinas.fire("start_implementation", shot="pelaksanaan")
    server.restart(date(2025, 9, 30))  # the quarter's payments, claim and santunan, recorded at its end
    for month, paid in (("2025-07", "2025-07-15"), ("2025-08", "2025-08-15"), ("2025-09", "2025-09-15")):
        dinas.go(f"{AGREEMENT}/monitoring")
        form = dinas.page.locator("#form-payment")
        form.locator("input[name=period]").fill(month)
        form.locator("input[name=workers]").fill("1000")
        form.locator("input[name=amount]").fill("16800000")
        form.locator("input[name=reference]").fill(f"CONTOH-SP2D-{month}")
        form.locator("input[name=date]").fill(paid)
        form.locator("button[type=submit]").click()
        dinas.page.wait_for_load_state()
        assert dinas.flash(), f"payment {month} refused: {dinas.refusal()}"
    shots.take(dinas.page, "dinas-pembayaran")

    nik = rows[417].split(",")[0]  # Peserta Contoh 0417, as in the demo
    form = dinas.page.locator("#form-claim")
    form.locator("select[name=programme]").select_option("JKM")
    form.locator("input[name=amount]").fill("42000000")
    form.locator("input[name=nik]").fill(nik)
    form.locator("input[name=date]").fill("2025-08-20")
    form.locator("input[name=note]").fill("Peserta Contoh 0417 meninggal dunia")
    form.locator("button[type=submit]").click()
    dinas.page.wait_for_load_state()
    assert dinas.flash(), f"claim refused: {dinas.refusal()}"
    form = dinas.page.locator("#form-santunan")
    form.locator("input[name=heir]").fill("Ahli Waris Contoh")
    form.locator("input[name=amount]").fill("42000000")
    form.locator("input[name=nik]").fill(nik)
    form.locator("input[name=date]").fill("2025-09-03")
    form.locator("button[type=submit]").click()
    dinas.page.wait_for_load_state()
    shots.take(dinas.page, "dinas-santunan")
    assert dinas.flash(), f"santunan refused: {dinas.refusal()}"

    # -- the quarter is over: the monitoring report -------------------------------------------------------
    server.restart(date(2025, 10, 1))
    dinas.go(f"{AGREEMENT}/monitoring")
    dinas.page.select_option("#form-report select[name=period]", "2025-Q3")
    dinas.page.click("#form-report button[type=submit]")
    dinas.page.wait_for_load_state()
    shots.take(dinas.page, "dinas-laporan-monev")
    assert "2025-Q3" in dinas.flash(), dinas.refusal()
    report = dinas.page.locator("a[href*='laporan'][href$='.docx']")
    assert report.count() >= 1
    assert dinas.download(report.first)[:2] == b"PK"
    assert "Rp50.400.000" in dinas.text() or "50.400.000" in dinas.text()  # three months paid

    # -- where it stands, for everyone -------------------------------------------------------------------
    for person in (dinas, hukum, bpjs):
        person.go(AGREEMENT, "kerja-sama-akhir")
        assert "Pelaksanaan" in person.text() or "pelaksanaan" in person.text()
        person.go("/dasbor", "dasbor")
    bpjs.go(f"{AGREEMENT}/monitoring", "monitoring")
    cells = bpjs.page.locator(".mon-nik-cell")
    assert cells.count() == 1000
    assert re.fullmatch(r"\d{4}\*{10}\d{2}", cells.first.text_content().strip()), "the partner sees a full NIK"
    assert nik not in bpjs.page.content()
