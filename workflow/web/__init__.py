"""The web application (`mou serve`): the people of the process in a browser, in Bahasa Indonesia.

A server-rendered Starlette application over the same use cases the command line calls (the public
names of ``workflow``) and the same store. Pages need no JavaScript; every form carries a CSRF token;
every account acts only as the people it is linked to, and the library's role checks stay the
authority. ``create_app`` builds it; ``serve`` runs it under uvicorn.
"""

from __future__ import annotations

from workflow.web.app import create_app, serve

__all__ = ["create_app", "serve"]
