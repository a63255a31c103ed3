"""Take the README's screenshots of the web application: docs/web-daftar.png and docs/web-kerja-sama.png.

    python tools/web_screenshots.py

Runs `mou demo` into a temporary folder, serves it (as `make serve` does) on a free loopback port, signs
in as the Setda's demo account in Debian's Chromium and saves the list page and the agreement page
(1280x800, what a laptop shows without scrolling). The day is the demo's report day, so the deadlines
shown are those of the story, not of the day the screenshots are taken.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import workflow  # noqa: E402
from tests.browser import Server, launch, mou_command  # noqa: E402

DAY = date(2025, 10, 1)
PASSWORD = "tangkapan-layar-2025"


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="mou-layar-") as folder:
        out = Path(folder) / "demo"
        subprocess.run([*mou_command(), "demo", "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
        root = out / "agreements"
        with workflow.open_store(str(root)) as store:
            workflow.add_user(
                store,
                "hukum",
                name="Bagian Hukum Setda Kabupaten Buton",
                acts_as=["Bagian Hukum Setda Kabupaten Buton", "Bagian Kerja Sama Setda Kabupaten Buton"],
                password=PASSWORD,
            )
        server = Server(root, Path(folder) / "serve.log")
        server.start(DAY)
        try:
            with sync_playwright() as p:
                browser = launch(p)
                page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="id-ID")
                page.goto(server.url + "/masuk")
                page.fill("input[name=login]", "hukum")
                page.fill("input[name=password]", PASSWORD)
                page.click("form[action='/masuk'] button[type=submit]")
                page.wait_for_load_state()
                page.screenshot(path=str(ROOT / "docs" / "web-daftar.png"))
                page.goto(server.url + "/kerja-sama/buton-bpjstk-2025")
                page.screenshot(path=str(ROOT / "docs" / "web-kerja-sama.png"))
                browser.close()
        finally:
            server.stop()
    print("docs/web-daftar.png docs/web-kerja-sama.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
