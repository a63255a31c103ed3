"""mou: documents and workflow for Memoranda of Understanding of Indonesian regional governments.

The library is the product; ``cli.py`` is a thin shell over it. Importing this package is cheap:
docxtpl, lxml and Jinja load only when a document is rendered or a template checked.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = [
    "Agreement",
    "InvalidData",
    "MouError",
    "Problem",
    "Store",
    "__version__",
    "load",
    "load_file",
    "new",
    "skeleton",
]

_WHERE = {
    "Agreement": "workflow.data.model",
    "InvalidData": "workflow.errors",
    "MouError": "workflow.errors",
    "Problem": "workflow.errors",
    "Store": "workflow.records.store",
    "load": "workflow.data.agreements",
    "load_file": "workflow.data.agreements",
    "new": "workflow.data.agreements",
    "skeleton": "workflow.data.agreements",
}


def __getattr__(name: str) -> Any:
    """The public names, imported on first use: ``import workflow.errors`` stays cheap (PEP 562)."""
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'workflow' has no attribute {name!r}")
