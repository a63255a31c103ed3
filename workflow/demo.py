"""The embedded example, run on a copy: the Buton x BPJS Ketenagakerjaan agreement."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from workflow.errors import MouError
from workflow.lifecycle import record_render
from workflow.render import Rendered
from workflow.store import AGREEMENT_FILE, Store

EXAMPLE_ROOT = Path(__file__).resolve().parent.parent / "agreements"
EXAMPLE_SLUG = "buton-bpjstk-2025"
MARKER = ".mou-demo"
DEMO_STAGES = ["fgd", "draft_kb"]


@dataclass(frozen=True)
class DemoResult:
    """Where the demo copied the example and what it produced."""

    root: Path
    documents: list[Rendered]


def demo(out: Path) -> DemoResult:
    """Copy the shipped example into ``out`` and render its FGD documents and first KB draft.

    ``out`` must be empty, missing, or an earlier demo (which is replaced); the shipped example is
    never touched.
    """
    if out.exists():
        if not out.is_dir():
            raise MouError(f"{out} is a file, expected a folder for the demo")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise MouError(f"{out} is not empty and was not made by `mou demo`; choose another --out")
        shutil.rmtree(out)
    root = out / "agreements"
    target = root / EXAMPLE_SLUG
    target.mkdir(parents=True)
    (out / MARKER).write_text("made by mou demo; safe to delete\n", encoding="utf-8")
    shutil.copy2(EXAMPLE_ROOT / EXAMPLE_SLUG / AGREEMENT_FILE, target / AGREEMENT_FILE)
    return DemoResult(root, record_render(Store(root), EXAMPLE_SLUG, DEMO_STAGES, None, "mou demo"))
