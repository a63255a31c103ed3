"""Signed-version archives: BagIt packages anyone can validate, and tampering caught and named."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import cli
from tests.test_pdf import needs_soffice

pytestmark = [pytest.mark.slow, needs_soffice]
SLUG = "buton-bpjstk-2025"


@pytest.fixture
def demo_root(demo_out: Path) -> Path:
    """The session's demo run (see conftest)."""
    return demo_out / "agreements"


@pytest.fixture
def archived(demo_root: Path, tmp_path: Path) -> Path:
    """A private copy of the demo's agreements folder."""
    import shutil

    target = tmp_path / "agreements"
    shutil.copytree(demo_root, target)
    return target


def _run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli.main, ["--root", str(root), *args])


def _bag(root: Path) -> Path:
    (bag,) = (root / SLUG / "archive").glob("*-kb-e16")
    return bag


def test_bag_is_bagit_1_0_and_validates_with_the_command_line_tool(archived: Path) -> None:
    """`bagit.py --validate` passes; the bag declares 1.0 and carries the identifiers and every part."""
    bag = _bag(archived)
    tool = Path(sys.executable).with_name("bagit.py")
    proc = subprocess.run([str(tool), "--validate", str(bag)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert f"{bag} is valid" in proc.stderr
    assert (bag / "bagit.txt").read_text(encoding="utf-8") == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    for line in (
        "Nomor-Pihak-Kesatu: [CONTOH] 000.8.3.3/001/KB/2025",
        "Tanggal-Penandatanganan: 2025-06-24",
        "Tempat-Penandatanganan: Pasarwajo",
        "External-Identifier: buton-bpjstk-2025-kb-e16",
        "Jangka-Waktu: 2025-07-01/2027-06-30",
    ):
        assert line in info
    payload = sorted(str(p.relative_to(bag / "data")) for p in (bag / "data").rglob("*") if p.is_file())
    assert "signed/kb-e16/naskah-final.pdf" in payload
    assert "signed/kb-e16/ttd-1-CONTOH-scan-kb-ditandatangani.pdf" in payload
    assert "documents/draft_kb/rancangan-kb-v1.docx" in payload and "documents/draft_kb/rancangan-kb-v2.docx" in payload
    assert {"history.jsonl", "reviews.json", "process/ksdpk.yaml", "signed/kb-e16/agreement.yaml"} <= set(payload)
    reviews = json.loads((bag / "data" / "reviews.json").read_text(encoding="utf-8"))
    assert [r["event"] for r in reviews] == ["request_kb_changes", "approve_kb"]
    with zipfile.ZipFile(bag.with_suffix(".zip")) as zf:
        assert sorted(n.split("/", 1)[1] for n in zf.namelist()) == sorted(
            str(p.relative_to(bag)) for p in bag.rglob("*") if p.is_file()
        )


@pytest.mark.parametrize(
    "target",
    [
        "data/signed/kb-e16/ttd-1-CONTOH-scan-kb-ditandatangani.pdf",
        "data/signed/kb-e16/naskah-final.pdf",
        "data/signed/kb-e16/naskah-final.docx",
        "data/signed/kb-e16/agreement.yaml",
        "data/signed/kb-e16/fields.json",
        "data/documents/draft_kb/rancangan-kb-v1.docx",
        "data/history.jsonl",
        "data/reviews.json",
        "data/process/ksdpk.yaml",
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha512.txt",
    ],
)
def test_one_byte_changed_in_any_file_of_the_bag_is_named(target: str, archived: Path) -> None:
    """Flipping one byte anywhere in the bag makes verify exit 1, naming the file."""
    path = _bag(archived) / target
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    result = _run(archived, "verify", SLUG)
    assert result.exit_code == 1
    assert Path(target).name in result.stderr, result.stderr


def test_changed_zip_is_caught(archived: Path) -> None:
    """The .zip is recorded in the history too."""
    zipped = _bag(archived).with_suffix(".zip")
    data = bytearray(zipped.read_bytes())
    data[len(data) // 2] ^= 0x01
    zipped.write_bytes(bytes(data))
    result = _run(archived, "verify", SLUG)
    assert result.exit_code == 1
    assert f"{zipped}: does not match the SHA-256 recorded in entry 17" in result.stderr


def test_frozen_field_and_history_changes_are_caught_but_monitoring_data_is_free(archived: Path) -> None:
    """Editing a signed field or the history fails verify; editing the technical team's members does not."""
    yaml_file = archived / SLUG / "agreement.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(
        text.replace("    - Kepala Dinas Sosial Kabupaten Buton                # [I]", "    - Kepala Dinas Sosial"),
        encoding="utf-8",
    )
    assert _run(archived, "verify", SLUG).exit_code == 0
    yaml_file.write_text(text.replace("  copies: 2", "  copies: 3"), encoding="utf-8")
    result = _run(archived, "verify", SLUG)
    assert result.exit_code == 1
    assert "document.copies: signed as 2 in entry 16, now 3" in result.stderr
    yaml_file.write_text(text, encoding="utf-8")
    log = archived / SLUG / "history.jsonl"
    log.write_bytes(log.read_bytes().replace(b'"note":""', b'"note":" "', 1))
    result = _run(archived, "verify", SLUG)
    assert result.exit_code == 1
    assert "history.jsonl:1: entry 1:" in result.stderr


def test_archive_packages_each_signed_version_once(archived: Path) -> None:
    """The demo archived the KB; the PKS signed later gets its own bag; a third run adds nothing."""
    result = _run(archived, "archive", SLUG)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].endswith(f"archive/{SLUG}-pks-e22")
    again = _run(archived, "archive", SLUG)
    assert again.stdout == f"{SLUG}: every signed version is already archived.\n"
    assert _run(archived, "verify", SLUG).exit_code == 0


def test_jdih_export_lists_the_signed_document(archived: Path, tmp_path: Path) -> None:
    """`mou export --jdih` writes JSON and CSV with jenis, nomor, tanggal, para pihak, tentang, status."""
    result = _run(archived, "export", SLUG, "--jdih", "--out", str(tmp_path / "jdih"))
    assert result.exit_code == 0, result.stderr
    records = json.loads((tmp_path / "jdih" / "jdih.json").read_text(encoding="utf-8"))
    assert records[:1] == [
        {
            "jenis": "Kerja Sama Daerah",
            "judul": "Kesepakatan Bersama",
            "nomor": "[CONTOH] 000.8.3.3/001/KB/2025 ; [CONTOH] KB/001/KC-BAUBAU/2025",
            "tanggal": "2025-06-24",
            "tempat": "Pasarwajo",
            "para_pihak": "Pemerintah Kabupaten Buton ; Badan Penyelenggara Jaminan Sosial Ketenagakerjaan Kantor Cabang Baubau",
            "tentang": "Perlindungan Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan Miskin di Kabupaten Buton",
            "status": "Berlaku",
            "berlaku_mulai": "2025-07-01",
            "berlaku_sampai": "2027-06-30",
        }
    ]
    assert [r["judul"] for r in records] == ["Kesepakatan Bersama", "Perjanjian Kerja Sama"]
    with (tmp_path / "jdih" / "jdih.csv").open(encoding="utf-8") as fh:
        assert list(csv.DictReader(fh)) == [{k: str(v) for k, v in r.items()} for r in records]


def test_archive_before_signature_is_refused(root: Path, run: Callable[..., Result]) -> None:
    """Nothing signed, nothing to archive."""
    result = run("archive", SLUG)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {SLUG}: nothing signed yet\nHint: record a signature with mou sign first\n"
