"""Redlines: `mou diff --docx` gives a Word file whose tracked changes turn the older draft into the newer one."""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import cli
from tests.conftest import SLUG, tree_hash, walk_to_review
from workflow.documents.redline import redline, resolve
from workflow.documents.textdiff import document_lines
from workflow.records import history

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ACTOR = "Bagian Hukum Setda Kabupaten Buton"
HAVE_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))
if not HAVE_SOFFICE and os.environ.get("MOU_REQUIRE_TOOLS"):
    raise RuntimeError("MOU_REQUIRE_TOOLS is set but LibreOffice is missing")
needs_soffice = pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice (soffice) not installed")

# A LibreOffice Basic macro: for each line "accept|reject|keep<TAB>in URL<TAB>out URL" of the jobs file,
# open the document hidden, count its tracked changes, accept or reject them all through the
# dispatcher, save as .docx, and log "ok<TAB>changes<TAB>out" (or the error) to jobs.log.
MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Resolve(jobs As String)
    Dim inFile As Integer, outFile As Integer, line As String, parts, n As Long
    Dim doc As Object, e As Object, helper As Object
    Dim props(0) As New com.sun.star.beans.PropertyValue
    Dim save(0) As New com.sun.star.beans.PropertyValue
    props(0).Name = "Hidden" : props(0).Value = True
    save(0).Name = "FilterName" : save(0).Value = "MS Word 2007 XML"
    helper = createUnoService("com.sun.star.frame.DispatchHelper")
    inFile = FreeFile
    Open jobs For Input As #inFile
    outFile = FreeFile
    Open jobs &amp; ".log" For Output As #outFile
    Do While Not EOF(inFile)
        Line Input #inFile, line
        If Len(line) &gt; 0 Then
            parts = Split(line, Chr(9))
            On Error GoTo Failed
            doc = StarDesktop.loadComponentFromURL(parts(1), "_blank", 0, props())
            n = 0
            e = doc.Redlines.createEnumeration()
            Do While e.hasMoreElements()
                e.nextElement() : n = n + 1
            Loop
            If parts(0) = "accept" Then
                helper.executeDispatch(doc.CurrentController.Frame, ".uno:AcceptAllTrackedChanges", "", 0, Array())
            ElseIf parts(0) = "reject" Then
                helper.executeDispatch(doc.CurrentController.Frame, ".uno:RejectAllTrackedChanges", "", 0, Array())
            End If
            doc.storeToURL(parts(2), save())
            doc.close(True)
            Print #outFile, "ok" &amp; Chr(9) &amp; n &amp; Chr(9) &amp; parts(2)
            GoTo NextLine
Failed:
            Print #outFile, "error" &amp; Chr(9) &amp; Replace(Error$, Chr(10), " ") &amp; Chr(9) &amp; parts(2)
            Resume NextLine
NextLine:
        End If
    Loop
    Close #inFile
    Close #outFile
    StarDesktop.terminate()
End Sub
</script:module>
"""


def libreoffice(jobs: list[tuple[str, Path, Path]]) -> dict[Path, int]:
    """Run every (accept|reject|keep, source, output) job in one headless LibreOffice; tracked changes seen per output."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    assert binary is not None
    with tempfile.TemporaryDirectory(prefix="mou-redline-lo-") as tmp:
        profile = Path(tmp) / "profile"
        env = [f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
        subprocess.run([binary, *env, "--terminate_after_init"], capture_output=True, timeout=120, check=False)
        module = profile / "user" / "basic" / "Standard" / "Module1.xba"
        assert module.is_file(), "LibreOffice did not create its Basic library in the new profile"
        module.write_text(MACRO, encoding="utf-8")
        listing = Path(tmp) / "jobs.txt"
        listing.write_text("".join(f"{mode}\t{src.as_uri()}\t{dst.as_uri()}\n" for mode, src, dst in jobs), encoding="utf-8")
        macro = f'macro:///Standard.Module1.Resolve("{listing}")'
        subprocess.run([binary, *env, macro], capture_output=True, timeout=300, check=False)
        log = Path(f"{listing}.log").read_text(encoding="utf-8").splitlines()
    results: dict[Path, int] = {}
    for line in log:
        status, detail, out = line.split("\t")
        assert status == "ok", f"LibreOffice could not open or save {out}: {detail}"
        results[Path(out.removeprefix("file://"))] = int(detail)
    assert len(results) == len(jobs), log
    return results


def revisions(docx: bytes) -> list[Any]:
    """Every w:ins / w:del element of the document body."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    return list(root.iter(f"{W}ins", f"{W}del"))


def changes(el: Any) -> list[tuple[str, str]]:
    """("del" or "ins", its text) for every w:del / w:ins inside ``el``, in document order (empty ones left out)."""
    out = []
    for mark in el.iter(f"{W}ins", f"{W}del"):
        text = "".join(t.text or "" for t in mark.iter(f"{W}t", f"{W}delText"))
        if text:
            out.append((mark.tag[len(W) :], text))
    return out


def round_trip(old: bytes, new: bytes) -> tuple[list[str], list[str]]:
    """Text of the redline with every change accepted, and with every change rejected (our own resolver)."""
    red = redline(old, new, author=ACTOR, date="2025-06-20T08:00:00Z")
    return document_lines(resolve(red, accept=True)), document_lines(resolve(red, accept=False))


# ---- the example drafts ------------------------------------------------------------------------


def _edit(path: Path, *changes: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def drafts(root: Path, yaml_file: Path) -> Path:
    """The example with three KB drafts: v1, v2 (examples filled in after review), v3 (BPJS's comments); returns the folder."""
    from workflow.commands.demo import TKKSD, fill_examples
    from workflow.commands.lifecycle import record_render
    from workflow.records.store import FolderStore

    walk_to_review(root, approve=False)
    fill_examples(yaml_file)
    record_render(FolderStore(root), SLUG, ["draft_kb"], None, TKKSD)
    _edit(
        yaml_file,
        ("  workers: 1000", "  workers: 1200"),
        ("  - sosialisasi program jaminan sosial ketenagakerjaan\n", ""),
        ("  - pendaftaran peserta program", "  - penanganan pengaduan peserta\n  - pendaftaran peserta program"),
        ("sebagai pedoman bagi PARA PIHAK dalam melaksanakan", "sebagai pedoman bersama bagi PARA PIHAK untuk melaksanakan"),
    )
    record_render(FolderStore(root), SLUG, ["draft_kb"], None, TKKSD)
    return root / SLUG / "documents" / "draft_kb"


PAIRS = [("v1", "v2"), ("v2", "v3"), ("v1", "v3"), ("v3", "v1")]


def test_redline_of_example_drafts_accepts_to_newer_and_rejects_to_older(drafts: Path) -> None:
    """For every pair of the example drafts, accepting all changes gives the newer text and rejecting all the older."""
    for a, b in PAIRS:
        old, new = drafts / f"rancangan-kb-{a}.docx", drafts / f"rancangan-kb-{b}.docx"
        accepted, rejected = round_trip(old.read_bytes(), new.read_bytes())
        assert accepted == document_lines(new), (a, b)
        assert rejected == document_lines(old), (a, b)


def test_redline_marks_words_rows_and_paragraphs_with_author_and_date(drafts: Path, run: Callable[..., Result]) -> None:
    """Changes are w:ins/w:del with the acting user and the UTC time; words change inside kept paragraphs."""
    before = datetime.now(UTC).replace(microsecond=0)
    result = run("diff", SLUG, "v2", "v3", "--docx", str(drafts.parent.parent.parent / "r.docx"), "--as", ACTOR)
    after = datetime.now(UTC)
    assert result.exit_code == 0, result.stderr
    red = (drafts.parent.parent.parent / "r.docx").read_bytes()
    marks = revisions(red)
    assert len(marks) > 10
    ids = [m.get(f"{W}id") for m in marks]
    assert len(set(ids)) == len(ids), "revision ids must be unique"
    for m in marks:
        assert m.get(f"{W}author") == ACTOR
        stamp = m.get(f"{W}date")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp), stamp
        assert before <= datetime.fromisoformat(stamp) <= after
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(red)).read("word/document.xml"))
    assert not root.xpath("//w:del//w:t", namespaces={"w": W[1:-1]}), "deleted text must be w:delText"
    assert not root.xpath("//w:delText[not(ancestor::w:del)]", namespaces={"w": W[1:-1]})
    # "1.000 (seribu) orang" became "1.200 (seribu dua ratus) orang", one phrase out and one in, inside a
    # paragraph whose other words stay plain runs
    mixed = [
        p
        for p in root.iter(f"{W}p")
        if p.find(f"{W}r") is not None and p.find(f"{W}ins") is not None and p.find(f"{W}del") is not None
    ]
    assert any(changes(p) == [("del", "1.000 (seribu) orang"), ("ins", "1.200 (seribu dua ratus) orang")] for p in mixed)
    # the scope item that BPJS added is a whole inserted paragraph (its mark too), the dropped one a deleted paragraph
    inserted = [p for p in root.iter(f"{W}p") if p.find(f"{W}pPr/{W}rPr/{W}ins") is not None]
    deleted = [p for p in root.iter(f"{W}p") if p.find(f"{W}pPr/{W}rPr/{W}del") is not None]
    assert any("penanganan pengaduan peserta" in "".join(p.itertext()) for p in inserted)
    assert any("sosialisasi program jaminan sosial" in "".join(p.itertext()) for p in deleted)


def test_table_rows_added_and_removed_are_marked_as_rows(tmp_path: Path) -> None:
    """Lampiran rows added or removed carry w:trPr/w:ins or w:trPr/w:del; a corrected row is diffed in its cells."""
    rows = [[f"{i}.", f"7401**********{i:02d}", f"Peserta {i}", "Pasarwajo"] for i in range(1, 9)]
    revised = [list(r) for r in rows]
    del revised[2]
    revised.insert(5, ["9.", "7401**********09", "Wa Ode Salmia", "Wolowa"])
    revised[0][2] = "Peserta Satu"
    old, new = docx(["LAMPIRAN"], rows), docx(["LAMPIRAN"], revised)
    red = redline(old, new, author=ACTOR, date="2025-06-20T08:00:00Z")
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(red)).read("word/document.xml"))
    trs = root.findall(f".//{W}tr")
    assert [tr.find(f"{W}trPr/{W}del") is not None for tr in trs].count(True) == 1
    assert [tr.find(f"{W}trPr/{W}ins") is not None for tr in trs].count(True) == 1
    assert "Peserta 3" in "".join(next(tr for tr in trs if tr.find(f"{W}trPr/{W}del") is not None).itertext())
    first = trs[0]
    assert first.find(f"{W}trPr/{W}ins") is None and first.find(f"{W}trPr/{W}del") is None
    assert [t.text for t in first.iter(f"{W}delText")] == ["1"] and [t.text for t in first.iter(f"{W}t")].count("Satu") == 1
    assert document_lines(resolve(red, accept=True)) == document_lines(new)
    assert document_lines(resolve(red, accept=False)) == document_lines(old)


def test_unchanged_and_inserted_text_keeps_newer_formatting_deleted_text_the_older(tmp_path: Path) -> None:
    """Run properties come from the newer version for kept and inserted words, from the older for deleted words."""
    from docx import Document

    def styled(words: list[tuple[str, dict[str, bool]]]) -> bytes:
        doc = Document()
        p = doc.add_paragraph()
        for text, fmt in words:
            run = p.add_run(text)
            run.bold, run.italic = fmt.get("bold"), fmt.get("italic")
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()

    old = styled([("Pasal 5 ", {"bold": True}), ("biaya ditanggung oleh APBD", {"italic": True})])
    new = styled([("Pasal 5 ", {"bold": True}), ("biaya ditanggung DPA APBD", {})])
    red = redline(old, new, author=ACTOR, date="2025-06-20T08:00:00Z")
    p = etree.fromstring(zipfile.ZipFile(io.BytesIO(red)).read("word/document.xml")).find(f".//{W}p")
    plain = list(p.findall(f"{W}r"))
    assert plain[0].findtext(f"{W}t") == "Pasal 5 " and plain[0].find(f"{W}rPr/{W}b") is not None
    deleted = p.findall(f"{W}del/{W}r")
    inserted = p.findall(f"{W}ins/{W}r")
    assert all(r.find(f"{W}rPr/{W}i") is not None for r in deleted), "deleted words keep the older italics"
    assert "".join(t.text for r in deleted for t in r.iter(f"{W}delText")) == "oleh"
    assert "".join(t.text for r in inserted for t in r.iter(f"{W}t")) == "DPA"
    assert "".join(t.text for r in plain for t in r.iter(f"{W}t")) == "Pasal 5 biaya ditanggung  APBD"
    assert all(r.find(f"{W}rPr/{W}i") is None for r in inserted + plain), "kept and inserted words take the newer formatting"


# ---- generated pairs ---------------------------------------------------------------------------

WORDS = ["Pasal", "PIHAK", "KESATU", "KEDUA", "iuran", "Rp16.800", "pekerja", "rentan", "miskin", "1.000", "APBD", "(1)", "dan"]


def docx(paragraphs: list[str], rows: list[list[str]] | None = None, bold: set[int] | None = None) -> bytes:
    """A .docx of ``paragraphs`` (the ``bold`` ones in two runs, the first bold) and an optional table of ``rows``."""
    from docx import Document

    doc = Document()
    for n, text in enumerate(paragraphs):
        p = doc.add_paragraph()
        if bold and n in bold and " " in text:
            head, tail = text.split(" ", 1)
            p.add_run(head + " ").bold = True
            p.add_run(tail)
        else:
            p.add_run(text)
    if rows:
        table = doc.add_table(rows=0, cols=len(rows[0]))
        for values in rows:
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.paragraphs[0].add_run(value)
        doc.add_paragraph("Ditetapkan di Pasarwajo")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


sentences = st.lists(st.sampled_from(WORDS), min_size=0, max_size=7).map(" ".join)
paragraph_lists = st.lists(sentences, min_size=1, max_size=8)


def _mutate(rng: random.Random, paras: list[str]) -> list[str]:
    out = list(paras)
    for _ in range(rng.randint(1, 4)):
        k = rng.randrange(len(out) + 1)
        action = rng.choice(["insert", "delete", "reword", "reword"])
        if action == "insert" or not out:
            out.insert(k, " ".join(rng.choices(WORDS, k=rng.randint(0, 6))))
        elif action == "delete" and len(out) > 1:
            del out[min(k, len(out) - 1)]
        else:
            words = out[min(k, len(out) - 1)].split(" ")
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            out[min(k, len(out) - 1)] = " ".join(words)
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old=paragraph_lists, new=paragraph_lists, bold=st.sets(st.integers(0, 7), max_size=3))
def test_any_two_paragraph_lists_round_trip(old: list[str], new: list[str], bold: set[int]) -> None:
    """Hypothesis: for unrelated paragraph lists, accept-all gives the newer text and reject-all the older."""
    a, b = docx(old, bold=bold), docx(new, bold=bold)
    accepted, rejected = round_trip(a, b)
    assert accepted == document_lines(b)
    assert rejected == document_lines(a)


def _mutate_rows(rng: random.Random, rows: list[list[str]]) -> list[list[str]]:
    out = [list(r) for r in rows if rng.random() > 0.2]
    for r in out:
        if rng.random() < 0.3:
            r[rng.randrange(1, 3)] = rng.choice(WORDS)
    for _ in range(rng.randint(0, 2)):
        out.insert(rng.randrange(len(out) + 1), [str(rng.randint(10, 99)), "baru", rng.choice(WORDS)])
    return out or [["1", "baru", "sekali"]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paras=paragraph_lists, seed=st.integers(0, 2**32), with_rows=st.booleans())
def test_edited_paragraph_lists_round_trip(paras: list[str], seed: int, with_rows: bool) -> None:
    """Hypothesis: a draft and an edit of it (words, paragraphs, table rows) round-trip through the redline."""
    rng = random.Random(seed)
    rows = [[str(i), rng.choice(WORDS), rng.choice(WORDS)] for i in range(rng.randint(1, 6))] if with_rows else None
    a, b = docx(paras, rows), docx(_mutate(rng, paras), _mutate_rows(rng, rows) if rows else None)
    accepted, rejected = round_trip(a, b)
    assert accepted == document_lines(b)
    assert rejected == document_lines(a)


@pytest.mark.slow
@needs_soffice
def test_libreoffice_accepts_to_newer_and_rejects_to_older(drafts: Path, tmp_path: Path) -> None:
    """LibreOffice opens each redline, sees its tracked changes, and accept all / reject all give the newer / older text."""
    cases: list[tuple[str, bytes, bytes]] = []
    for a, b in PAIRS:
        old, new = (drafts / f"rancangan-kb-{a}.docx").read_bytes(), (drafts / f"rancangan-kb-{b}.docx").read_bytes()
        cases.append((f"kb-{a}-{b}", old, new))
    rng = random.Random(8)
    for k in range(6):  # generated pairs, as in the hypothesis tests, some with a table
        paras = [" ".join(rng.choices(WORDS, k=rng.randint(0, 7))) for _ in range(rng.randint(1, 7))]
        rows = [[str(i), rng.choice(WORDS), rng.choice(WORDS)] for i in range(5)] if k % 2 else None
        cases.append((f"gen-{k}", docx(paras, rows), docx(_mutate(rng, paras), _mutate_rows(rng, rows) if rows else None)))
    cases.append(("gen-unrelated", docx(["Pasal 1", "iuran dan pekerja"]), docx(["KEDUA", "APBD", "rentan miskin (1)"])))
    cases.append(("phrases", docx([p[0] for p in PHRASES.values()]), docx([p[1] for p in PHRASES.values()])))
    jobs: list[tuple[str, Path, Path]] = []
    expected: dict[Path, list[str]] = {}
    for name, old, new in cases:
        red = tmp_path / f"{name}.docx"
        red.write_bytes(redline(old, new, author=ACTOR, date="2025-06-20T08:00:00Z"))
        for mode, source in (("accept", new), ("reject", old)):
            out = tmp_path / f"{name}-{mode}ed.docx"
            jobs.append((mode, red, out))
            expected[out] = document_lines(source)
    seen = libreoffice(jobs)
    for out, want in expected.items():
        assert seen[out] > 0, f"LibreOffice found no tracked changes in {out.name}"
        assert document_lines(out) == want, out.name


# ---- phrases a reviewer reads whole ------------------------------------------------------------

PHRASES = {
    "amount and its words": (
        "(2)\tKebutuhan iuran sebesar Rp151.200.000,00 (seratus lima puluh satu juta dua ratus ribu rupiah) per tahun.",
        "(2)\tKebutuhan iuran sebesar Rp201.600.000,00 (dua ratus satu juta enam ratus ribu rupiah) per tahun.",
        "Rp151.200.000,00 (seratus lima puluh satu juta dua ratus ribu rupiah)",
        "Rp201.600.000,00 (dua ratus satu juta enam ratus ribu rupiah)",
    ),
    "date": (
        "berlaku mulai tanggal 1 Juli 2025 sampai dengan tanggal 30 Juni 2027.",
        "berlaku mulai tanggal 1 Juli 2025 sampai dengan tanggal 31 Desember 2027.",
        "30 Juni 2027",
        "31 Desember 2027",
    ),
    "count with its words and unit": (
        "dilaksanakan bagi 1.000 (seribu) orang pekerja rentan miskin",
        "dilaksanakan bagi 1.200 (seribu dua ratus) orang pekerja rentan miskin",
        "1.000 (seribu) orang",
        "1.200 (seribu dua ratus) orang",
    ),
    "nomor": ("NOMOR: 000.8.3.3/001/KB/2025", "NOMOR: 000.8.3.3/014/KB/2025", "000.8.3.3/001/KB/2025", "000.8.3.3/014/KB/2025"),
    "date in words": (
        "Pada hari ini Selasa tanggal dua puluh empat bulan Juni tahun dua ribu dua puluh lima, bertempat di Pasarwajo",
        "Pada hari ini Senin tanggal tiga puluh bulan Juni tahun dua ribu dua puluh lima, bertempat di Pasarwajo",
        "Selasa tanggal dua puluh empat bulan Juni tahun dua ribu dua puluh lima",
        "Senin tanggal tiga puluh bulan Juni tahun dua ribu dua puluh lima",
    ),
}


@pytest.mark.parametrize("case", list(PHRASES))
def test_a_changed_phrase_is_deleted_and_inserted_whole(case: str) -> None:
    """An amount with its words, a date, a count with its unit, a nomor: the whole old phrase out, the whole new one in."""
    old_text, new_text, gone, came = PHRASES[case]
    old, new = docx(["Pasal 5", old_text]), docx(["Pasal 5", new_text])
    red = redline(old, new, author=ACTOR, date="2025-06-20T08:00:00Z")
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(red)).read("word/document.xml"))
    assert changes(body) == [("del", gone), ("ins", came)]
    assert document_lines(resolve(red, accept=True)) == document_lines(new)
    assert document_lines(resolve(red, accept=False)) == document_lines(old)


def test_a_phrase_split_over_runs_is_still_one_change(tmp_path: Path) -> None:
    """An amount in bold beside its words in plain type changes as one phrase, each piece keeping its formatting."""
    from docx import Document

    def paragraph(amount: str, words: str) -> bytes:
        doc = Document()
        p = doc.add_paragraph()
        p.add_run("Iuran sebesar ")
        p.add_run(amount).bold = True
        p.add_run(f" ({words}) per orang per bulan.")
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()

    old = paragraph("Rp16.800,00", "enam belas ribu delapan ratus rupiah")
    new = paragraph("Rp17.000,00", "tujuh belas ribu rupiah")
    red = redline(old, new, author=ACTOR, date="2025-06-20T08:00:00Z")
    p = etree.fromstring(zipfile.ZipFile(io.BytesIO(red)).read("word/document.xml")).find(f".//{W}p")
    assert changes(p) == [
        ("del", "Rp16.800,00 (enam belas ribu delapan ratus rupiah)"),
        ("ins", "Rp17.000,00 (tujuh belas ribu rupiah)"),
    ]
    inserted = p.findall(f"{W}ins/{W}r")
    assert [(r.findtext(f"{W}t"), r.find(f"{W}rPr/{W}b") is not None) for r in inserted] == [
        ("Rp17.000,00", True),
        (" (tujuh belas ribu rupiah)", False),
    ]
    assert "".join(t.text for t in p.iter(f"{W}t") if t.getparent().getparent().tag != f"{W}ins") == (
        "Iuran sebesar  per orang per bulan."
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="Rp0123456789.,/()%- \u00a0\t\nsatuduribJniMeoKB", max_size=60))
def test_tokens_give_back_the_text(text: str) -> None:
    """Hypothesis: the tokens of any text join to that text, and no phrase spans a tab or a line break."""
    from workflow.documents.redline import tokens

    toks = tokens(text)
    assert "".join(toks) == text
    assert all(tok.isspace() or not ({"\t", "\n"} & set(tok)) for tok in toks)


def grid_rows(page: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The rows of every HTML table of class "grid" in ``page``: (row class, [(cell class, cell HTML)])."""
    rows = []
    for table in re.findall(r'<table class="grid">(.*?)</table>', page, re.S):
        for cls, cells in re.findall(r'<tr class="(\w+)">(.*?)</tr>', table, re.S):
            parsed = []
            for attrs, html in re.findall(r"<td([^>]*)>(.*?)</td>", cells, re.S):
                mark = re.search(r'class="(\w+)"', attrs)
                parsed.append((mark.group(1) if mark else "", html))
            rows.append((cls, parsed))
    return rows


def test_html_shows_tables_as_tables_with_changed_cells_marked() -> None:
    """The side-by-side page shows a table's rows as HTML rows of cells, no " | " joins: the changed cell is marked,
    a removed or added row struck or marked on its side with an empty side across; an amount changes whole."""
    from workflow.documents.textdiff import side_by_side

    rows = [["No.", "Nama", "Desa"], ["1.", "Wa Ode Salmia", "Pasarwajo"], ["2.", "La Ode Hamiru", "Wolowa"]]
    rows.append(["3.", "Siti Halimah", "Lasalimu"])
    revised = [list(r) for r in rows]
    revised[1][2] = "Kancinaa"
    del revised[2]
    revised.append(["4.", "Muhammad Basri", "Wabula"])
    amount = "Iuran sebesar {} per orang per bulan."
    old = docx(["LAMPIRAN", amount.format("Rp16.800,00 (enam belas ribu delapan ratus rupiah)")], rows)
    new = docx(["LAMPIRAN", amount.format("Rp17.000,00 (tujuh belas ribu rupiah)")], revised)
    old_lines, new_lines = document_lines(old), document_lines(new)
    assert old_lines[3] == "1. | Wa Ode Salmia | Pasarwajo", "the terminal diff keeps its one line per row"
    page = side_by_side(old_lines, new_lines, "lampiran-v1", "lampiran-v2", ACTOR, datetime(2025, 6, 20, 8, tzinfo=UTC))
    assert " | " not in page
    assert "<del>Rp16.800,00 (enam belas ribu delapan ratus rupiah)</del>" in page
    assert "<ins>Rp17.000,00 (tujuh belas ribu rupiah)</ins>" in page
    n, gap = ("n", ""), ("gap", "")
    siti = [("", "3."), ("", "Siti Halimah"), ("", "Lasalimu")]
    assert grid_rows(page) == [
        ("same", [("n", "3"), ("", "No."), ("", "Nama"), ("", "Desa"), ("n", "3"), ("", "No."), ("", "Nama"), ("", "Desa")]),
        (
            "chg",
            [
                *[("n", "4"), ("", "1."), ("", "Wa Ode Salmia"), ("chg", "<del>Pasarwajo</del>")],
                *[("n", "4"), ("", "1."), ("", "Wa Ode Salmia"), ("chg", "<ins>Kancinaa</ins>")],
            ],
        ),
        ("del", [("n", "5"), ("", "<del>2.</del>"), ("", "<del>La Ode Hamiru</del>"), ("", "<del>Wolowa</del>"), n, gap]),
        ("same", [("n", "6"), *siti, ("n", "5"), *siti]),
        ("ins", [n, gap, ("n", "6"), ("", "<ins>4.</ins>"), ("", "<ins>Muhammad Basri</ins>"), ("", "<ins>Wabula</ins>")]),
    ]


# ---- the command -------------------------------------------------------------------------------


def test_diff_docx_and_html_are_written_recorded_and_verified(drafts: Path, root: Path, run: Callable[..., Result]) -> None:
    """`mou diff --docx --html` keeps the text diff, writes both files and records them; the state stays; verify passes."""
    out = root.parent / "kirim"
    state_before = run("status", SLUG, "--json")
    outputs = ["--docx", str(out / "redline.docx"), "--html", str(out / "redline.html")]
    result = run("diff", SLUG, "v2", "v3", *outputs, "--as", ACTOR)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["--- rancangan-kb-v2", "+++ rancangan-kb-v3"]
    entry = history.read(root / SLUG)[-1]
    assert lines[-3:] == [
        f"{out / 'redline.docx'}  sha256 {history.sha256_file(out / 'redline.docx')[:16]}",
        f"{out / 'redline.html'}  sha256 {history.sha256_file(out / 'redline.html')[:16]}",
        f"Recorded in the history: redline by {ACTOR} [entry {entry['seq']}]",
    ]
    assert (entry["event"], entry["actor"], entry["from"], entry["to"]) == ("redline", ACTOR, "kb_drafting", "kb_drafting")
    assert entry["data"]["document"] == "rancangan-kb" and (entry["data"]["old"], entry["data"]["new"]) == ("v2", "v3")
    assert entry["data"]["new_sha256"] == history.sha256_file(drafts / "rancangan-kb-v3.docx")
    assert entry["data"]["outputs"] == [
        {"format": "docx", "path": str(out / "redline.docx"), "sha256": history.sha256_file(out / "redline.docx")},
        {"format": "html", "path": str(out / "redline.html"), "sha256": history.sha256_file(out / "redline.html")},
    ]
    assert json.loads(run("status", SLUG, "--json").stdout)["state"] == json.loads(state_before.stdout)["state"]
    verified = run("verify", SLUG)
    assert verified.exit_code == 0, verified.stderr
    page = (out / "redline.html").read_text(encoding="utf-8")
    assert "Perbandingan rancangan-kb-v2 dan rancangan-kb-v3" in page and "<script" not in page
    assert "<del>1.000 (seribu) orang</del>" in page and "<ins>1.200 (seribu dua ratus) orang</ins>" in page
    assert " | " not in page and '<table class="grid">' in page
    added = '<td class="n">34</td><td><ins>b.\tpenanganan pengaduan peserta;</ins>'
    assert f'<tr class="ins"><td class="n"></td><td></td>{added}' in page


def test_redline_inside_the_agreement_folder_is_verified(drafts: Path, root: Path, run: Callable[..., Result]) -> None:
    """A redline written into the agreement's folder is recorded as an artifact, so verify notices if it is edited."""
    target = root / SLUG / "reviews" / "redline-v1-v2.docx"
    assert run("diff", SLUG, "v1", "v2", "--docx", str(target), "--as", ACTOR).exit_code == 0
    entry = history.read(root / SLUG)[-1]
    assert entry["artifacts"] == [{"path": "reviews/redline-v1-v2.docx", "sha256": history.sha256_file(target)}]
    assert run("verify", SLUG).exit_code == 0
    target.write_bytes(target.read_bytes() + b"x")
    assert run("verify", SLUG).stderr.endswith("reviews/redline-v1-v2.docx does not match its recorded SHA-256\n")


def test_refused_outputs_write_nothing(drafts: Path, root: Path, run: Callable[..., Result]) -> None:
    """An existing file, a wrong suffix, another agreement's folder or an unknown version: exit 1, nothing written."""
    existing, page = root.parent / "ada.docx", root.parent / "ada.html"
    existing.write_bytes(b"keep me")
    page.write_text("keep me too", encoding="utf-8")
    (root / "lain-2026").mkdir()
    (root / "lain-2026" / "agreement.yaml").write_text("x", encoding="utf-8")
    before = tree_hash(root.parent)
    cases = [
        (
            ["--docx", str(existing)],
            f"Error: {existing}: the file exists; a comparison never replaces a file",
        ),
        (
            ["--docx", str(root.parent / "new.docx"), "--html", str(page)],
            f"Error: {page}: the file exists; a comparison never replaces a file",
        ),
        (["--docx", str(root.parent / "r.pdf")], f"Error: {root.parent / 'r.pdf'}: the file name must end with .docx"),
        (
            ["--html", str(root / "lain-2026" / "r.html")],
            f"Error: {root / 'lain-2026' / 'r.html'}: inside the folder of agreement 'lain-2026'; write it elsewhere",
        ),
    ]
    for args, message in cases:  # the library's message first; the CLI may add a hint after it
        result = run("diff", SLUG, "v1", "v2", *args)
        assert (result.exit_code, result.stderr.splitlines()[0]) == (1, message)
    result = run("diff", SLUG, "v1", "v9", "--docx", str(root.parent / "new.docx"))
    assert result.stderr == f"Error: {SLUG}: no document has both v1 and v9\nHint: mou history {SLUG} lists the versions\n"
    assert tree_hash(root.parent) == before
    assert existing.read_bytes() == b"keep me"


def test_terminal_diff_is_coloured_only_on_a_terminal(drafts: Path, root: Path) -> None:
    """Added lines are green and removed ones red when colour is on; piped output has no escape codes."""
    args = ["--root", str(root), "diff", SLUG, "v2", "v3"]
    coloured = CliRunner().invoke(cli.main, args, color=True).stdout
    plain = CliRunner().invoke(cli.main, args).stdout
    assert "\x1b[32m+[header] Rancangan v3" in coloured and "\x1b[31m-[header] Rancangan v2" in coloured
    assert "\x1b" not in plain and "+[header] Rancangan v3 – bukan naskah final" in plain
