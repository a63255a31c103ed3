"""The application: routes of every page module, security headers, error pages; ``serve`` under uvicorn."""

from __future__ import annotations

import importlib
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import workflow
from workflow import i18n
from workflow.i18n import _
from workflow.web.core import HERE, Site, error_page, load_secret, page

PAGE_MODULES = ("auth", "agreements", "data", "drafts", "signing", "monitoring", "jobs")
"""workflow/web/pages/<name>.py, each with ``ROUTES``: a list of (path, handler, methods)."""

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Every response carries the CSP (no inline script or style), nosniff, no framing, no caching."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _v in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [(k, v) for k, v in HEADERS if k not in names]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(store_url: str | None = None, *, settings: workflow.Settings | None = None) -> Starlette:
    """The application over the store ``store_url`` (default: the settings' store, else ./agreements)."""
    settings = settings or workflow.Settings.from_environment()
    url = store_url or settings.store_location()
    site = Site(url, settings)
    with site.store() as store:
        site.secret = load_secret(store)
    from workflow.web.jobs import Jobs

    site.jobs = Jobs(site)
    routes: list[Any] = []
    for name in PAGE_MODULES:
        module = importlib.import_module(f"workflow.web.pages.{name}")
        for path, handler, methods in module.ROUTES:
            routes.append(Route(path, page(site, handler), methods=methods))
    routes.append(Mount("/static", StaticFiles(directory=HERE / "static"), name="static"))

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        with i18n.use_language(settings.language):
            message = {404: _("Page not found."), 405: _("This address does not take that kind of request.")}.get(
                status, _("Something went wrong on the server; nothing was changed.")
            )
            return error_page(site, request, status, message)

    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={404: not_found, 405: not_found, 500: not_found},
    )
    app.state.site = site
    return app


def from_environment() -> Starlette:
    """The application of the environment's settings (``MOU_STORE``/``MOU_ROOT``): what each uvicorn worker builds."""
    return create_app()


def serve(store_url: str, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Run the application under uvicorn (behind a reverse proxy with TLS in production)."""
    import uvicorn

    if workers > 1:  # each worker process builds its own application from the environment
        workflow.config.pass_on("MOU_STORE", store_url)
        uvicorn.run("workflow.web.app:from_environment", factory=True, host=host, port=port, workers=workers, proxy_headers=True)
    else:
        uvicorn.run(create_app(store_url), host=host, port=port, proxy_headers=True)
