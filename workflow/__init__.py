"""mou: documents and workflow for Memoranda of Understanding of Indonesian regional governments.

The library is the product; ``cli.py`` is a thin shell over it. Importing this package is cheap:
docxtpl, lxml and Jinja load only when a document is rendered or a template checked.
"""

from __future__ import annotations

from workflow.agreements import load, load_file, new, skeleton
from workflow.errors import InvalidData, MouError, Problem
from workflow.model import Agreement
from workflow.store import Store

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
