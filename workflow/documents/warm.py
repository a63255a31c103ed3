"""A warm LibreOffice: one ``soffice`` kept running, converting .docx to PDF through UNO in a fraction of a cold start.

A cold ``soffice --convert-to`` (``pdf.to_pdf`` without a warm office) spends about two seconds starting
LibreOffice for every call. ``WarmOffice`` starts it once, listening on a local socket with its own
profile, and converts through ``uno_bridge.py``: a small script run by the system Python, which has
Debian's ``python3-uno`` (the venv's Python cannot import ``uno``). The bridge reads one JSON request a
line on stdin and answers one JSON line on stdout.

One conversion at a time (a lock). When LibreOffice or the bridge dies, the conversion in flight fails
with ``ConversionFailed`` and the next one starts both again. ``close()`` (also at exit) ends the
process groups and removes the profile.

The web application's background jobs use it: ``pdf.use_warm(WarmOffice())`` makes ``pdf.to_pdf``
convert through it; the CLI keeps the cold path.

The socket listens on 127.0.0.1 only, on a port picked free at each start; any local user could connect
to it while it runs (UNO has no authentication), so run the web application where local users are trusted.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

from workflow.documents import pdf
from workflow.errors import ConversionFailed
from workflow.i18n import N_, _

SYSTEM_PYTHON = "/usr/bin/python3"
"""The Python with Debian's ``uno`` module (package python3-uno)."""

BRIDGE = Path(__file__).with_name("uno_bridge.py")

UNO_HINT = N_("install it with: sudo apt-get install --no-install-recommends python3-uno")
"""How to install the UNO bridge of the system Python (translated where shown)."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _stop_group(proc: subprocess.Popen[bytes] | None, grace: float = 5.0) -> None:
    """Terminate ``proc``'s process group (its own session), then kill what is left after ``grace`` seconds.

    On Windows (no process groups) the process itself is terminated, then killed."""
    if proc is None:
        return
    if sys.platform == "win32":
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(grace)
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(grace)
    # children of the leader (soffice.bin under oosplash) may outlive it: the group goes whole
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(grace)


class WarmOffice:
    """One LibreOffice kept running for many conversions, started on first use (or ``start()``)."""

    def __init__(
        self,
        *,
        soffice: str | None = None,
        python: str = SYSTEM_PYTHON,
        start_timeout: float = 60,
    ) -> None:
        self._binary = soffice
        self._python = python
        self._start_timeout = start_timeout
        self._lock = threading.Lock()
        self._office: subprocess.Popen[bytes] | None = None
        self._bridge: subprocess.Popen[bytes] | None = None
        self._work: Path | None = None
        self._buffer = b""
        self._closed = False
        self.starts = 0
        """How often LibreOffice was started (1 while it never died)."""
        self.conversions = 0
        """Conversions that gave a PDF."""
        atexit.register(self.close)

    # -- life cycle -------------------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """Process id of the running LibreOffice (the leader of its process group), or None."""
        office = self._office
        return office.pid if office is not None and office.poll() is None else None

    def running(self) -> bool:
        """Whether LibreOffice and the bridge both run."""
        return all(p is not None and p.poll() is None for p in (self._office, self._bridge))

    def start(self) -> WarmOffice:
        """Start LibreOffice and the bridge now (otherwise the first conversion does)."""
        with self._lock:
            self._ensure()
        return self

    def close(self) -> None:
        """End LibreOffice and the bridge and remove the profile; later conversions are refused."""
        with self._lock:
            self._closed = True
            self._stop()
        atexit.unregister(self.close)

    def __enter__(self) -> WarmOffice:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure(self) -> None:
        if self._closed:
            raise ConversionFailed(_("the warm LibreOffice was closed"))
        if not self.running():
            self._stop()
            self._launch()

    def _launch(self) -> None:
        if not (Path(self._python).is_file() or shutil.which(self._python)):
            raise ConversionFailed(
                _("the warm LibreOffice needs {python} with the uno module; {hint}").format(python=self._python, hint=_(UNO_HINT))
            )
        binary = self._binary or pdf.soffice()
        self._work = Path(tempfile.mkdtemp(prefix="mou-warm-"))
        port = _free_port()
        self._office = subprocess.Popen(
            [
                binary,
                f"-env:UserInstallation={(self._work / 'profile').as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                f"--accept=socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: close() ends soffice.bin under oosplash too
        )
        with (self._work / "bridge.log").open("wb") as log:
            self._bridge = subprocess.Popen(
                [self._python, "-I", str(BRIDGE), str(port), str(self._start_timeout), *self._owner_args()],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
        self._buffer = b""
        self.starts += 1
        reply = self._read(time.monotonic() + self._start_timeout + 10)
        if reply is None or not reply.get("ready"):
            reason = (reply or {}).get("error") or self._bridge_log() or _("no answer")
            if "uno" in reason and "No module" in reason:
                reason = _("{python} has no uno module; {hint}").format(python=self._python, hint=_(UNO_HINT))
            self._stop()
            raise ConversionFailed(_("the warm LibreOffice did not start: {reason}").format(reason=reason))

    def _owner_args(self) -> list[str]:
        """The office's process group and profile folder, for the bridge to end and remove if this process dies
        without closing them (POSIX: on Windows the office has no group of its own and close() alone ends it)."""
        if sys.platform == "win32" or self._office is None or self._work is None:
            return []
        return [str(self._office.pid), str(self._work)]

    def _stop(self) -> None:
        bridge, office, work = self._bridge, self._office, self._work
        self._bridge = self._office = self._work = None
        if bridge is not None:
            stdin: IO[bytes] | None = bridge.stdin
            if stdin is not None:
                with contextlib.suppress(OSError):
                    stdin.close()
            try:
                bridge.wait(2)
            except subprocess.TimeoutExpired:
                _stop_group(bridge, grace=1)
            if bridge.stdout is not None:
                bridge.stdout.close()
        _stop_group(office)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)

    def _bridge_log(self) -> str:
        if self._work is None:
            return ""
        try:
            lines = (self._work / "bridge.log").read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else ""

    def _read(self, deadline: float) -> dict[str, Any] | None:
        """The bridge's next answer; None when it closed its output; TimeoutError after ``deadline``."""
        assert self._bridge is not None and self._bridge.stdout is not None
        fd = self._bridge.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _w, _x = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        answer: dict[str, Any] = json.loads(line)
        return answer

    # -- conversion -------------------------------------------------------------------------------

    def convert(
        self,
        source: Path,
        target: Path,
        *,
        pdfa: bool = True,
        timeout: float = 300,
        options: dict[str, object] | None = None,
    ) -> Path:
        """Convert ``source`` (.docx) to the PDF ``target`` (PDF/A-2b with ``pdfa``, as ``pdf.to_pdf`` gives it)."""
        source, target = Path(source).resolve(), Path(target).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        request = {"source": str(source), "target": str(target), "filter": pdf.filter_settings(pdfa, options)}
        with self._lock:
            self._ensure()
            assert self._bridge is not None and self._bridge.stdin is not None
            with contextlib.suppress(FileNotFoundError):
                target.unlink()  # an old file must not pass for this conversion's result
            try:
                self._bridge.stdin.write(json.dumps(request).encode() + b"\n")
                self._bridge.stdin.flush()
                reply = self._read(time.monotonic() + timeout)
            except TimeoutError:
                self._stop()
                raise ConversionFailed(
                    _("LibreOffice did not finish within {seconds} s").format(seconds=f"{timeout:.0f}")
                ) from None
            except (OSError, ValueError):
                reply = None  # the bridge is gone (broken pipe) or wrote no answer
            if reply is None or reply.get("lost") or not self.running():
                self._stop()
                raise ConversionFailed(
                    _("LibreOffice stopped while converting {file}; the next conversion starts it again").format(file=source.name)
                )
            if not reply.get("ok"):
                raise ConversionFailed(
                    _("LibreOffice could not convert {file}: {reason}").format(file=source.name, reason=reply.get("error"))
                )
            if not target.is_file():
                raise ConversionFailed(
                    _("LibreOffice could not convert {file}: {reason}").format(file=source.name, reason=_("no PDF written"))
                )
            if pdfa:
                pdf.check_pdfa(target)
            self.conversions += 1
        return target


_SHARED: WarmOffice | None = None
_SHARED_LOCK = threading.Lock()


def shared() -> WarmOffice:
    """The office ``pdf.use_warm`` set, else one of this process, made on first use (closed at exit)."""
    global _SHARED
    office = pdf.warm_office()
    if office is not None:
        return office
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = WarmOffice()
        return _SHARED


def to_pdf_warm(source: Path, target: Path, *, pdfa: bool = True) -> Path:
    """Convert ``source`` to the PDF ``target`` through the warm LibreOffice (``shared()``); PDF/A-2b with ``pdfa``."""
    return shared().convert(source, target, pdfa=pdfa)
