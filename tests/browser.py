"""The browser suite's harness: a real `mou serve` over a private copy of the example, Debian's Chromium
driven by Playwright, and a numbered screenshot of every page visited.

- ``Server(root).start(today)`` runs ``mou --root ROOT serve`` (uvicorn) in a subprocess on a free
  loopback port, in Indonesian, as of ``today`` (MOU_TODAY: the demo's days, so the story's dates agree
  with the 2025 term), and waits until it answers; ``stop()`` ends it and every process it started
  (a warm LibreOffice); ``restart(today)`` moves it to another day on the same port (the browser's
  cookies stay valid: the store keeps the key that signs them).
- ``launch(playwright)`` starts /usr/bin/chromium (Playwright never downloads a browser);
  ``require_chromium()`` skips without it, or fails under MOU_REQUIRE_TOOLS.
- ``Shots(folder)`` saves ``NN-name.png`` (full page) into tests/artifacts/browser/.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT / "tests" / "artifacts" / "browser"
START_SECONDS = 60.0
STOP_SECONDS = 15.0


def require_chromium() -> None:
    """Skip when Debian's Chromium is missing; under MOU_REQUIRE_TOOLS (CI) fail instead."""
    if CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK):
        return
    message = f"{CHROMIUM} is not installed (apt-get install chromium)"
    if os.environ.get("MOU_REQUIRE_TOOLS"):
        pytest.fail(f"MOU_REQUIRE_TOOLS is set but {message}", pytrace=False)
    pytest.skip(message)


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, with nothing that calls home."""
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mou_command() -> list[str]:
    """The `mou` of this environment: the console script beside the interpreter, else cli.py run by it."""
    script = Path(sys.executable).with_name("mou")
    if script.exists():
        return [str(script)]
    return [sys.executable, str(PROJECT / "cli.py")]


class Server:
    """`mou serve` over the agreements folder ``root``, in a subprocess of its own process group."""

    def __init__(self, root: Path, log: Path) -> None:
        self.root = root
        self.log = log
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.today: date | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, today: date) -> None:
        if self.proc is not None:
            raise RuntimeError("the server is already running")
        env = dict(os.environ)
        env.update({"MOU_LANG": "id", "MOU_TODAY": today.isoformat(), "PYTHONUNBUFFERED": "1"})
        command = [*mou_command(), "--root", str(self.root), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as out:
            out.write(f"\n--- {' '.join(command)} (MOU_TODAY={today})\n".encode())
            self.proc = subprocess.Popen(
                command, cwd=PROJECT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.today = today
        self._wait_ready()

    def _wait_ready(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self.proc = None
                raise RuntimeError(f"mou serve ended with {code} before answering:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url + "/masuk", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"mou serve did not answer within {START_SECONDS:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        """End the server and everything it started (its process group), waiting for them."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(STOP_SECONDS)
        # a converter the server started may outlive it in the group: end the group's stragglers too
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    def restart(self, today: date) -> None:
        self.stop()
        self.start(today)

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class Shots:
    """Numbered full-page screenshots ``NN-name.png`` of every page visited."""

    def __init__(self, folder: Path = ARTIFACTS) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
        self.folder = folder
        self.count = 0
        self.taken: list[Path] = []

    def take(self, page: Any, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path
