"""Pages: background jobs (Tugas): one job's progress and result, the account's jobs, and for an
administrator the rendering of every agreement (``workflow.render_all``) as a job.

A job's page refreshes itself every two seconds while the job runs (``<meta http-equiv="refresh">`` and
the ``Refresh`` header: no JavaScript); only the account that started it, or an administrator, sees it:
anyone else gets 404, as for a job that does not exist.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import Response

import workflow
from workflow.i18n import _
from workflow.web.core import Req, redirect, render
from workflow.web.jobs import Job

REFRESH_SECONDS = 2


def _may_see(req: Req, job: Job) -> bool:
    account = req.account
    return account is not None and (account.admin or job.login == account.login)


def job_page(req: Req) -> Response:
    req.require_account()
    job = req.site.jobs.get(req.params["id"])
    if job is None or not _may_see(req, job):
        raise HTTPException(404)
    response = render(req, "job.html", job=job, refresh=REFRESH_SECONDS if job.running else None)
    if job.running:
        response.headers["refresh"] = str(REFRESH_SECONDS)
    return response


def jobs_list(req: Req) -> Response:
    account = req.require_account()
    jobs = req.site.jobs.of(account.login, everyone=account.admin)
    return render(req, "jobs.html", jobs=jobs, stages=_stages() if account.admin else [], error="")


def _stages() -> list[tuple[str, str]]:
    """(name, title) of every stage of the catalogue, for the choice of what to render."""
    from workflow.data.catalogue import load_catalogue

    try:
        return [(s.name, s.title) for s in load_catalogue().stages]
    except workflow.MouError:
        return []


def render_everything(req: Req) -> Response:
    """Start rendering every agreement of the store (administrators only)."""
    account = req.require_account()
    if not account.admin:
        raise HTTPException(403)
    stage = req.form.get("tahap", "").strip()
    stages = [stage] if stage else None
    site = req.site
    actor = account.name

    def work(job: Job) -> str:
        with site.store() as store:
            slugs = list(store.slugs())
            if not slugs:
                raise workflow.MouError(_("no agreements under {root}").format(root=store.location))
            total = len(slugs)
            done: list[str] = []

            def progress(outcome: Any) -> None:
                done.append(outcome.slug)
                job.report(
                    len(done) / total,
                    _("{done} of {total} agreements: {slug}").format(done=len(done), total=total, slug=outcome.slug),
                )

            job.report(0.0, _("Checking and compiling the templates"))
            outcomes = workflow.render_all(store, slugs, stages, actor, workers=1, progress=progress)
        lines = []
        for o in outcomes:
            if o.skipped:
                lines.append(_("{slug}: nothing to render in state {state}").format(slug=o.slug, state=o.skipped))
            elif not o.error:
                versions = ", ".join(f"v{v}" for v in sorted({v for _t, v, _p in o.documents}))
                lines.append(_("{slug}: {n} documents ({versions})").format(slug=o.slug, n=len(o.documents), versions=versions))
        failed = [o for o in outcomes if o.error]
        rendered = len(outcomes) - len(failed) - sum(1 for o in outcomes if o.skipped)
        count = sum(len(o.documents) for o in outcomes)
        lines.append(_("{done} documents of {agreements} agreements rendered").format(done=count, agreements=rendered))
        job.details = lines
        if failed:
            error = workflow.MouError(
                _("{failed} of {total} agreements were not rendered (listed above); the others were").format(
                    failed=len(failed), total=len(outcomes)
                )
            )
            error.reasons = [f"{o.slug}: {o.error}" for o in failed]  # type: ignore[attr-defined]
            raise error
        job.result_label = _("Open the list of agreements")
        return "/"

    title = (
        _("Render every agreement (stage {stage})").format(stage=stage) if stage else _("Render every agreement (current stages)")
    )
    try:
        job = site.jobs.start("render-all", None, work, title=title, back="/tugas")
    except workflow.MouError as err:
        jobs = site.jobs.of(account.login, everyone=True)
        return render(req, "jobs.html", status=409, jobs=jobs, stages=_stages(), error=str(err))
    return redirect(f"/tugas/{job.id}")


ROUTES: list[tuple[str, Any, list[str]]] = [
    ("/tugas", jobs_list, ["GET"]),
    ("/tugas/render-semua", render_everything, ["POST"]),
    ("/tugas/{id}", job_page, ["GET"]),
]
