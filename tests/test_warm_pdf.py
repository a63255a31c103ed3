"""The warm LibreOffice (workflow/documents/warm.py): one soffice, many conversions, the same PDF/A as a cold start."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from workflow.documents import pdf
from workflow.documents.warm import SYSTEM_PYTHON, WarmOffice, to_pdf_warm
from workflow.errors import ConversionFailed

HAVE_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice")) and bool(shutil.which("pdftotext"))
HAVE_UNO = (
    Path(SYSTEM_PYTHON).is_file()
    and subprocess.run([SYSTEM_PYTHON, "-I", "-c", "import uno"], capture_output=True, check=False).returncode == 0
)
if not (HAVE_SOFFICE and HAVE_UNO) and os.environ.get("MOU_REQUIRE_TOOLS"):
    raise RuntimeError("MOU_REQUIRE_TOOLS is set but LibreOffice, pdftotext or python3-uno is missing")
needs_warm = pytest.mark.skipif(
    not (HAVE_SOFFICE and HAVE_UNO), reason="LibreOffice, poppler-utils and python3-uno (for /usr/bin/python3) not installed"
)


def _text(pdf_file: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf_file), "-"], capture_output=True, text=True, check=True).stdout


def _group(pgid: int) -> list[str]:
    """Live (not zombie) processes of the process group ``pgid``."""
    out = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-g", str(pgid)], capture_output=True, text=True, check=False)
    return [line for line in out.stdout.splitlines() if line.split()[1:2] != ["Z"] and "<defunct>" not in line]


def _dead(pid: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while _group(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _group(pid) == []


@pytest.fixture(scope="module")
def kb(demo_out: Path) -> Path:
    """The demo's Kesepakatan Bersama draft (rancangan-kb), as the web application converts it."""
    return sorted((demo_out / "agreements").glob("*/documents/draft_kb/rancangan-kb-v*.docx"))[-1]


@pytest.fixture
def office() -> Iterator[WarmOffice]:
    warm = WarmOffice()
    try:
        yield warm
    finally:
        warm.close()


@pytest.mark.slow
@needs_warm
def test_warm_conversion_is_pdfa_with_the_cold_text(kb: Path, office: WarmOffice, tmp_path: Path) -> None:
    """The warm PDF declares PDF/A-2b and holds the cold PDF's text, laid out alike (the same content hash)."""
    (cold,) = pdf.to_pdf([kb], tmp_path / "cold", pdfa=True)
    warm = office.convert(kb, tmp_path / "warm" / "kb.pdf")
    assert pdf.pdfa_part(warm) == pdf.pdfa_part(cold) == "2B"
    assert "KESEPAKATAN BERSAMA" in _text(warm)
    assert _text(warm) == _text(cold)
    assert pdf.content_sha256(warm) == pdf.content_sha256(cold)
    plain = office.convert(kb, tmp_path / "plain.pdf", pdfa=False)
    assert pdf.pdfa_part(plain) is None


@pytest.mark.slow
@needs_warm
def test_to_pdf_goes_through_the_office_it_is_given(kb: Path, office: WarmOffice, tmp_path: Path) -> None:
    """``pdf.use_warm`` makes ``pdf.to_pdf`` and ``to_pdf_warm`` convert through the one office; None restores cold."""
    before = pdf.use_warm(office)
    try:
        (first,) = pdf.to_pdf([kb], tmp_path / "a", pdfa=True)
        second = to_pdf_warm(kb, tmp_path / "b" / "kb.pdf")
        assert office.conversions == 2 and office.starts == 1
        assert first == tmp_path / "a" / (kb.stem + ".pdf")
        assert pdf.pdfa_part(first) == pdf.pdfa_part(second) == "2B"
    finally:
        assert pdf.use_warm(before) is office
    pdf.to_pdf([kb], tmp_path / "c", pdfa=True)
    assert office.conversions == 2  # cold again


@pytest.mark.slow
@needs_warm
def test_five_conversions_reuse_one_soffice(kb: Path, office: WarmOffice, tmp_path: Path) -> None:
    """Five conversions in a row run in one LibreOffice process."""
    pids = []
    for i in range(5):
        office.convert(kb, tmp_path / f"kb{i}.pdf")
        pids.append(office.pid)
    assert len(set(pids)) == 1 and pids[0] is not None
    assert office.starts == 1 and office.conversions == 5


@pytest.mark.slow
@needs_warm
def test_a_killed_soffice_is_started_again(kb: Path, office: WarmOffice, tmp_path: Path) -> None:
    """LibreOffice killed between conversions: the next conversion starts it again and succeeds."""
    office.convert(kb, tmp_path / "one.pdf")
    pid = office.pid
    assert pid is not None
    os.killpg(pid, signal.SIGKILL)
    _dead(pid)
    again = office.convert(kb, tmp_path / "two.pdf")
    assert pdf.pdfa_part(again) == "2B"
    assert office.starts == 2 and office.pid not in (None, pid)


@pytest.mark.slow
@needs_warm
def test_a_conversion_in_flight_fails_clearly_and_the_next_works(kb: Path, office: WarmOffice, tmp_path: Path) -> None:
    """LibreOffice killed during a conversion: that one fails with a clear message, the next one works."""
    from tests.conftest import make_docx

    big = make_docx(tmp_path / "panjang.docx", [f"paragraf {i} " * 20 for i in range(3000)])  # several seconds
    office.start()
    pid = office.pid
    assert pid is not None
    failed: list[str] = []

    def convert() -> None:
        try:
            office.convert(big, tmp_path / "panjang.pdf")
        except ConversionFailed as err:
            failed.append(str(err))

    worker = threading.Thread(target=convert)
    worker.start()
    time.sleep(0.5)
    os.killpg(pid, signal.SIGKILL)
    worker.join(60)
    assert failed == ["LibreOffice stopped while converting panjang.docx; the next conversion starts it again"]
    assert pdf.pdfa_part(office.convert(kb, tmp_path / "kb.pdf")) == "2B"
    assert office.starts == 2


@pytest.mark.slow
@needs_warm
def test_a_timeout_ends_that_conversion_only(kb: Path, office: WarmOffice, tmp_path: Path) -> None:
    """A conversion over its time limit is refused with the cold path's message; the next one works."""
    from tests.conftest import make_docx

    big = make_docx(tmp_path / "panjang.docx", [f"paragraf {i} " * 20 for i in range(3000)])
    with pytest.raises(ConversionFailed, match=r"^LibreOffice did not finish within 1 s$"):
        office.convert(big, tmp_path / "panjang.pdf", timeout=1)
    assert pdf.pdfa_part(office.convert(kb, tmp_path / "kb.pdf")) == "2B"


@pytest.mark.slow
@needs_warm
def test_a_document_libreoffice_cannot_open_leaves_the_office_running(kb: Path, office: WarmOffice, tmp_path: Path) -> None:
    """A source LibreOffice cannot load fails with its reason; the same LibreOffice converts the next one."""
    office.start()
    pid = office.pid
    with pytest.raises(ConversionFailed, match=r"^LibreOffice could not convert hilang\.docx: "):
        office.convert(tmp_path / "hilang.docx", tmp_path / "hilang.pdf")
    assert not (tmp_path / "hilang.pdf").exists()
    office.convert(kb, tmp_path / "kb.pdf")
    assert office.pid == pid and office.starts == 1


@pytest.mark.slow
@needs_warm
def test_two_threads_converting_at_once_both_succeed(office: WarmOffice, tmp_path: Path) -> None:
    """Conversions from two threads at once take turns in the one LibreOffice and both give their own PDF."""
    from tests.conftest import make_docx

    docs = [make_docx(tmp_path / f"d{i}.docx", [f"dokumen {i}"]) for i in range(2)]
    with ThreadPoolExecutor(2) as pool:
        outs = list(pool.map(lambda d: office.convert(d, tmp_path / "out" / f"{d.stem}.pdf"), docs))
    assert [_text(o).strip() for o in outs] == ["dokumen 0", "dokumen 1"]
    assert office.starts == 1


@pytest.mark.slow
@needs_warm
def test_close_leaves_no_soffice(kb: Path, tmp_path: Path) -> None:
    """close() ends LibreOffice (oosplash and soffice.bin, its whole process group) and removes its profile."""
    office = WarmOffice()
    office.convert(kb, tmp_path / "kb.pdf")
    pid = office.pid
    assert pid is not None and _group(pid)
    work = office._work  # its profile and the bridge's log
    assert work is not None and (work / "profile").is_dir()
    office.close()
    _dead(pid, seconds=2)
    assert office.pid is None and not office.running()
    assert not work.exists()
    with pytest.raises(ConversionFailed, match=r"^the warm LibreOffice was closed$"):
        office.convert(kb, tmp_path / "again.pdf")


OWNER = """
import sys
from workflow.documents.warm import WarmOffice

office = WarmOffice().start()
print(office.pid, office._work, flush=True)
sys.stdin.readline()  # keep it until killed
"""


@pytest.mark.slow
@needs_warm
def test_a_killed_owner_leaves_no_soffice(tmp_path: Path) -> None:
    """When the process that started the warm LibreOffice is killed (no close(), no atexit), the bridge sees
    its stdin close and ends LibreOffice's whole process group and removes its profile: nothing is left running."""
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER],
        cwd=Path(__file__).resolve().parent.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert owner.stdout is not None
        pid_text, work_text = owner.stdout.readline().split()
        pid, work = int(pid_text), Path(work_text)
        assert _group(pid) and (work / "profile").is_dir()
        owner.kill()
        owner.wait(10)
        _dead(pid, seconds=15)
        deadline = time.monotonic() + 5
        while work.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not work.exists()
    finally:
        if owner.poll() is None:
            owner.kill()
        if owner.stdin is not None:
            owner.stdin.close()
        if owner.stdout is not None:
            owner.stdout.close()
        owner.wait(10)


def test_without_the_system_python_the_message_says_what_to_install(tmp_path: Path) -> None:
    """A Python without uno (here: none at all) is refused with the package to install; nothing is started."""
    office = WarmOffice(python=str(tmp_path / "python3"))
    try:
        with pytest.raises(ConversionFailed) as err:
            office.convert(tmp_path / "x.docx", tmp_path / "x.pdf")
        assert str(err.value) == (
            f"the warm LibreOffice needs {tmp_path / 'python3'} with the uno module; "
            "install it with: sudo apt-get install --no-install-recommends python3-uno"
        )
        assert office.pid is None
    finally:
        office.close()
