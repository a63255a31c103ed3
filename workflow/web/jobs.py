"""Background jobs of the web application: long work (PDF/A, rendering every agreement, archives) never
blocks a page. One job per agreement at a time; each job's progress is shown on its own page.

``Jobs.start(kind, slug, fn)`` runs ``fn(job)`` in a pool of two threads, in a copy of the request's
context (its settings, so its account and actor, and its language). ``fn`` reports its progress with
``job.report(fraction, message)`` and returns the URL of its result (a file to download, a page to go
to) or None; a ``MouError`` it raises becomes the job's error, with every reason the library gave.
The jobs live in this server process only: a job page opened on another worker process is not found.
When the library offers a warm LibreOffice (``workflow.documents.warm``), the first job that converts
starts it and ``close`` (at the process's exit) ends it.
"""

from __future__ import annotations

import atexit
import contextvars
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import workflow
from workflow import config
from workflow.i18n import _

WAITING, RUNNING, DONE, FAILED = "menunggu", "berjalan", "selesai", "gagal"
"""The states of a job (tokens, as URLs and tests see them; the page shows their titles)."""
WORKERS = 2
KEEP_SECONDS = 24 * 3600
"""How long a finished job stays visible."""
KEEP_JOBS = 500
"""At most this many finished jobs are kept (the oldest go first)."""
ALL = "*"
"""The key of a job over every agreement (render --all): one at a time."""
CONVERTING = frozenset({"finalize", "sign"})
"""The kinds of job that convert to PDF/A (and so want the warm LibreOffice)."""


def state_title(state: str) -> str:
    """The title of a job state, in the active language."""
    return {WAITING: _("waiting"), RUNNING: _("running"), DONE: _("done"), FAILED: _("failed")}.get(state, state)


class JobBusy(workflow.MouError):
    """A job asked for an agreement that already has one running."""


@dataclass
class Job:
    """One background job: who started it, on what, how far it is, and how it ended."""

    id: str
    kind: str
    slug: str | None
    login: str | None
    title: str
    state: str = WAITING
    progress: float = 0.0
    message: str = ""
    result: str | None = None
    """Where the result is: a URL to download or to go to."""
    result_label: str = ""
    summary: str = ""
    """What the end of the job says (shown once it is done)."""
    error: str | None = None
    reasons: list[str] = field(default_factory=list)
    """Every reason the library refused (``Refused.reasons``), or the failures of a batch."""
    details: list[str] = field(default_factory=list)
    """Lines the result page lists (what was written, what was skipped)."""
    back: str = "/"
    """The page the job was started from."""
    created: float = field(default_factory=time.time)
    finished: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def running(self) -> bool:
        return self.state in (WAITING, RUNNING)

    @property
    def state_title(self) -> str:
        return state_title(self.state)

    @property
    def percent(self) -> int:
        return round(100 * self.progress)

    def report(self, fraction: float, message: str = "") -> None:
        """How far the job is (0..1) and what it does now."""
        with self._lock:
            self.progress = min(max(fraction, 0.0), 1.0)
            if message:
                self.message = message


Work = Callable[[Job], "str | None"]


class Jobs:
    """The jobs of one server process."""

    def __init__(self, site: Any) -> None:
        self.site = site
        self._jobs: dict[str, Job] = {}
        self._running: dict[str, str] = {}  # agreement (or ALL) -> id of the job that runs on it
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="mou-job")
        self._office: Any = None  # workflow.documents.warm.WarmOffice, once a conversion started it
        self._office_failed = False
        self._office_lock = threading.Lock()
        self._closed = False
        atexit.register(_close_at_exit, weakref.ref(self))

    # --- starting and finding jobs ---------------------------------------------------------------------

    def start(self, kind: str, slug: str | None, fn: Work, *, title: str = "", login: str | None = None, back: str = "/") -> Job:
        """Run ``fn`` in the background as a job of ``kind`` on ``slug`` (None: every agreement).

        Refused (``JobBusy``, naming the running job) while a job runs on the same agreement.
        ``login`` defaults to the account of the active settings (the request's).
        """
        if self._closed:
            raise workflow.MouError(_("the server is shutting down; start the job again later"), rule="job.closed")
        key = slug or ALL
        who = login if login is not None else config.current_account()
        with self._lock:
            running = self._jobs.get(self._running.get(key, ""))
            if running is not None and running.running:
                where = _("every agreement") if key == ALL else key
                raise JobBusy(
                    _("a job is already running on {where}: {title} ({state}, started by {login}); wait until it ends").format(
                        where=where, title=running.title, state=running.state_title, login=running.login or "-"
                    ),
                    rule="job.busy",
                    figures={"slug": key, "job": running.id, "kind": running.kind},
                )
            self._prune()
            job = Job(secrets.token_urlsafe(16), kind, slug, who, title or kind, back=back)
            self._jobs[job.id] = job
            self._running[key] = job.id
        context = contextvars.copy_context()  # the request's settings (its account, actor) and language
        self._pool.submit(context.run, self._run, job, fn)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def of(self, login: str | None, *, everyone: bool = False) -> list[Job]:
        """The jobs ``login`` started (every job with ``everyone``), newest first."""
        with self._lock:
            jobs = [j for j in self._jobs.values() if everyone or (login is not None and j.login == login)]
        return sorted(jobs, key=lambda j: j.created, reverse=True)

    def running_on(self, slug: str) -> Job | None:
        """The job running on ``slug`` now, if any."""
        with self._lock:
            job = self._jobs.get(self._running.get(slug, ""))
        return job if job is not None and job.running else None

    def wait(self, job_id: str, timeout: float = 60) -> Job | None:
        """The job once it has ended (or when ``timeout`` seconds have passed): for tests and tools."""
        end = time.monotonic() + timeout
        job = self.get(job_id)
        while job is not None and job.running and time.monotonic() < end:
            time.sleep(0.02)
        return job

    # --- running ------------------------------------------------------------------------------------------

    def _run(self, job: Job, fn: Work) -> None:
        job.state = RUNNING
        try:
            if job.kind in CONVERTING:
                self._warm_office()
            result = fn(job)
        except workflow.MouError as err:
            reasons = list(getattr(err, "reasons", None) or [])
            job.error, job.reasons = str(err), reasons
            job.state = FAILED
        except Exception as err:  # a bug or a broken tool: the job says so; the server goes on
            job.error = _("the job failed unexpectedly: {error}").format(error=f"{type(err).__name__}: {err}")
            job.state = FAILED
        else:
            job.result = result
            job.report(1.0)
            job.state = DONE
        finally:
            job.finished = time.time()
            with self._lock:
                key = job.slug or ALL
                if self._running.get(key) == job.id:
                    del self._running[key]

    def _prune(self) -> None:
        """Forget finished jobs older than a day, and the oldest beyond KEEP_JOBS (under ``_lock``)."""
        now = time.time()
        done = sorted((j for j in self._jobs.values() if not j.running), key=lambda j: j.created)
        for i, job in enumerate(done):
            if now - (job.finished or now) > KEEP_SECONDS or len(done) - i > KEEP_JOBS:
                del self._jobs[job.id]

    # --- the warm LibreOffice of this process ------------------------------------------------------------

    def _warm_office(self) -> None:
        """At the first conversion, let ``to_pdf`` convert through a warm LibreOffice (it starts on its first
        conversion); without the system Python's ``uno`` module conversions stay cold, as on the command line."""
        with self._office_lock:
            if self._office is not None or self._office_failed or self._closed:
                return
            from workflow.documents import pdf, warm

            if pdf.warm_office() is not None or not _has_uno(warm.SYSTEM_PYTHON):
                self._office_failed = True  # another application of this process keeps one, or none can run
                return
            self._office = warm.WarmOffice()
            pdf.use_warm(self._office)

    def close(self) -> None:
        """Wait for the jobs to end and close the warm LibreOffice (at shutdown)."""
        if self._closed:
            return
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._office_lock:
            office, self._office = self._office, None
        if office is not None:
            from workflow.documents import pdf

            if pdf.warm_office() is office:
                pdf.use_warm(None)
            office.close()


def _has_uno(python: str) -> bool:
    """Whether ``python`` can import LibreOffice's ``uno`` module (what the warm bridge runs on)."""
    import subprocess

    try:
        return subprocess.run([python, "-I", "-c", "import uno"], capture_output=True, timeout=30, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _close_at_exit(ref: weakref.ref[Jobs]) -> None:
    jobs = ref()
    if jobs is not None:
        jobs.close()
