"""Convert .docx to PDF with LibreOffice headless, one isolated profile per call."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from workflow.errors import MouError

INSTALL_HINT = "install it with: sudo apt-get install --no-install-recommends libreoffice-writer-nogui fonts-liberation2"


class ConversionFailed(MouError):
    """Raised when LibreOffice is missing, times out or produces no PDF."""


def soffice() -> str:
    """Path of the LibreOffice binary, or raise with how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ConversionFailed(f"LibreOffice (soffice) is not installed; {INSTALL_HINT}")


PDFA_2B = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
"""LibreOffice >= 7.4 filter options for PDF/A-2b; the older `SelectPdfVersion=2` form is silently ignored."""


def pdfa_part(pdf: Path) -> str | None:
    """The PDF/A part and conformance the file declares in its XMP metadata ('2B'), or None."""
    data = pdf.read_bytes()
    part = re.search(rb"pdfaid:part(?:>|=\")(\d)", data)
    conformance = re.search(rb"pdfaid:conformance(?:>|=\")([A-Za-z])", data)
    if not part:
        return None
    return part.group(1).decode() + (conformance.group(1).decode().upper() if conformance else "")


def to_pdf(sources: list[Path], outdir: Path, *, timeout: float = 300, pdfa: bool = False) -> list[Path]:
    """Convert ``sources`` to PDF (PDF/A-2b with ``pdfa``) in ``outdir`` in one LibreOffice call."""
    binary = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mou-soffice-") as profile:
        cmd = [
            binary,
            f"-env:UserInstallation=file://{profile}",  # parallel calls must not share a profile
            "--headless",
            "--norestore",
            "--convert-to",
            PDFA_2B if pdfa else "pdf",
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as err:
            raise ConversionFailed(f"LibreOffice did not finish within {timeout:.0f} s") from err
    pdfs = [outdir / (s.stem + ".pdf") for s in sources]
    missing = [p.name for p in pdfs if not p.is_file()]
    if proc.returncode != 0 or missing:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise ConversionFailed(
            f"LibreOffice failed (exit {proc.returncode}); missing {', '.join(missing) or 'nothing'}"
            + (f": {detail[-1]}" if detail else "")
        )
    if pdfa:
        for pdf in pdfs:
            if pdfa_part(pdf) != "2B":
                raise ConversionFailed(
                    f"{pdf} does not declare PDF/A-2b (got {pdfa_part(pdf)}); LibreOffice 7.4 or newer is needed"
                )
    return pdfs


def content_sha256(pdf: Path) -> str | None:
    """SHA-256 of the PDF's text as poppler's pdftotext lays it out, or None without poppler.

    LibreOffice never writes the same PDF bytes twice (creation date, document ID, random font-subset
    tags), so a PDF re-derived from an archived .docx is compared through this hash instead.
    """
    import hashlib

    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    proc = subprocess.run([tool, "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=120, check=False)
    return hashlib.sha256(proc.stdout).hexdigest() if proc.returncode == 0 else None
