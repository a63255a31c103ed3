"""Shared fixtures: temporary copies of the shipped agreements, document text, folder hashes."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import cli

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE = PROJECT / "agreements" / "buton-bpjstk-2025"
SLUG = "buton-bpjstk-2025"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/*.txt from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A temporary agreements folder holding a copy of the shipped example."""
    target = tmp_path / "agreements" / SLUG
    target.mkdir(parents=True)
    shutil.copy2(EXAMPLE / "agreement.yaml", target / "agreement.yaml")
    return tmp_path / "agreements"


@pytest.fixture
def yaml_file(root: Path) -> Path:
    return root / SLUG / "agreement.yaml"


@pytest.fixture
def run(root: Path) -> Callable[..., Result]:
    """Run `mou --root ROOT ARGS...` through CliRunner, stderr kept apart."""

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(cli.main, ["--root", str(root), *args], env=env, catch_exceptions=False)

    return invoke


# Switches of the test harness itself, kept from the caller's environment; every other MOU_* variable
# is the product's configuration and is removed, so a developer's shell never changes a result.
HARNESS_VARIABLES = {"MOU_REQUIRE_TOOLS"}
_SESSION_CACHE = Path(tempfile.mkdtemp(prefix="mou-test-cache-"))


def _scrub(environ: MutableMapping[str, str]) -> None:
    for name in [n for n in environ if n.startswith("MOU_") and n not in HARNESS_VARIABLES]:
        del environ[name]
    environ["MOU_CACHE"] = str(_SESSION_CACHE / "mou")  # the user's ~/.cache stays untouched by the tests
    environ["XDG_CACHE_HOME"] = str(_SESSION_CACHE / "xdg")
    # The tests read messages in English, the catalogs' source language, unless a test asks for
    # Indonesian (MOU_LANG=id, the default of a user with no language setting): see test_i18n.py.
    environ["MOU_LANG"] = "en"


def pytest_configure(config: pytest.Config) -> None:
    """Before any test module is imported: modules that copy os.environ at import see it clean too."""
    _scrub(os.environ)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts with no MOU_* setting and a private cache, whatever an earlier test or the shell set."""
    for name in [n for n in os.environ if n.startswith("MOU_") and n not in HARNESS_VARIABLES]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("MOU_CACHE", str(_SESSION_CACHE / "mou"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(_SESSION_CACHE / "xdg"))
    monkeypatch.setenv("MOU_LANG", "en")
    yield


def stand_in_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace LibreOffice with a one-page stand-in PDF, for walks that sign many times (test_signing converts for real)."""
    from workflow.commands.demo import stand_in_pdf

    def fake_to_pdf(sources: list[Path], outdir: Path, **_: object) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        out = [outdir / (s.stem + ".pdf") for s in sources]
        for o in out:
            o.write_bytes(stand_in_pdf(["PDF/A stand-in"]))
        return out

    monkeypatch.setattr("workflow.documents.pdf.to_pdf", fake_to_pdf)


def tree_hash(folder: Path) -> str:
    """One hash over every file name and byte under ``folder``: equal means nothing changed."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(str(p.relative_to(folder)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def docx_text(path: Path) -> str:
    """The text a reader sees, as one string (blank runs collapsed)."""
    from workflow.documents.textdiff import document_lines

    text = "\n".join(document_lines(path))
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


def make_docx(path: Path, paragraphs: list[str], cells: list[str] | None = None) -> Path:
    """A small .docx with the given paragraphs and, optionally, a one-row table of ``cells``."""
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if cells:
        table = doc.add_table(rows=1, cols=len(cells))
        for cell, text in zip(table.rows[0].cells, cells, strict=True):
            cell.paragraphs[0].add_run(text)
    doc.save(str(path))
    return path


def walk_to_review(root: Path, *, approve: bool, **kw: Any) -> None:
    """Render the FGD documents and walk the example to the legal review of draft v1 (approved, and
    ready to sign, when ``approve``; otherwise sent back for changes)."""
    from workflow.commands.demo import HUKUM, OPD, TKKSD
    from workflow.commands.lifecycle import advance, record_render
    from workflow.records.store import FolderStore

    store = FolderStore(root)
    record_render(store, SLUG, None, None, OPD)
    steps = [("hold_fgd", OPD), ("start_preparation", OPD), ("submit_to_tkksd", OPD), ("tkksd_feasible", TKKSD)]
    steps += [("start_kb_draft", TKKSD), ("request_kb_review", TKKSD)]
    steps += [("approve_kb", HUKUM), ("ready_to_sign", TKKSD)] if approve else [("request_kb_changes", HUKUM)]
    for event, actor in steps:
        advance(store, SLUG, event, actor, **kw)


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `mou demo` run for the session (signed, archived, a quarter of monitoring): copy before changing it.

    The demo signs with PDF/A, so it needs LibreOffice; without it these tests skip (CI requires it).
    """
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice (soffice) not installed")
    out = tmp_path_factory.mktemp("demo") / "demo"
    result = CliRunner().invoke(cli.main, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """The session's throwaway PostgreSQL cluster (tests/pgcluster.py), started once (about 2 s).

    Without PostgreSQL server binaries the tests using it skip; under MOU_REQUIRE_TOOLS (CI) they fail.
    """
    from tests import pgcluster

    try:
        cluster = pgcluster.session_cluster()
    except pgcluster.PostgresUnavailable as e:
        if os.environ.get("MOU_REQUIRE_TOOLS"):
            pytest.fail(f"MOU_REQUIRE_TOOLS is set but {e}", pytrace=False)
        pytest.skip(str(e))
    yield cluster
    pgcluster.end_session()


@pytest.fixture
def pg_url(pg_cluster: Any) -> Iterator[str]:
    """The URL (postgresql://mou:PASSWORD@127.0.0.1:PORT/NAME) of a brand-new empty database, dropped after the test."""
    from tests import pgcluster

    cluster = pgcluster.session_cluster()  # started again if an earlier test stopped it
    name = f"test_{secrets.token_hex(6)}"
    url = cluster.create_database(name)
    yield url
    pgcluster.session_cluster().drop_database(name)
