"""Where the data that ships with mou lives: templates, process definitions, the embedded example.

All three are package data, found through the import system, so an installed wheel finds them
exactly as a source checkout does:

- ``workflow._templates``: the top-level ``templates/`` folder of the repository (mapped into the
  package by ``pyproject.toml``; in a checkout, the editable install's finder maps it);
- ``workflow/process/processes``: the process definitions, inside the package;
- ``workflow._example``: the top-level ``agreements/`` folder, of which only the embedded example
  ``buton-bpjstk-2025/agreement.yaml`` ships.

A package's folder is read from its import spec (``submodule_search_locations``), which is what
``importlib.resources.files()`` returns for a package on the file system; importing
``importlib.resources`` itself costs about 12 ms, a tenth of a cold ``mou status``, so it is not used
on this path. pip never installs a package zipped, so the folder is always a real one.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from workflow.errors import MissingPackageData
from workflow.i18n import N_

TEMPLATES_PACKAGE = "workflow._templates"
EXAMPLE_PACKAGE = "workflow._example"


@cache
def _package_folder(package: str, what: str) -> Path:
    try:
        spec = importlib.util.find_spec(package)
    except ModuleNotFoundError:
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec else []
    folder = Path(locations[0]) if locations else None
    if folder is None or not folder.is_dir():
        raise MissingPackageData(what, package)
    return folder


def templates() -> Path:
    """The shipped templates folder (``templates/`` of the repository)."""
    return _package_folder(TEMPLATES_PACKAGE, N_("templates"))


@cache  # resolved once a run: `mou list` asks for every agreement's process
def code() -> Path:
    """The folder of the ``workflow`` package's own modules."""
    return Path(__file__).resolve().parent


@cache
def processes() -> Path:
    """The shipped process definitions (``workflow/process/processes/*.yaml``)."""
    return Path(__file__).resolve().parent / "process" / "processes"


def examples() -> Path:
    """The folder of shipped example agreements (``agreements/`` of the repository)."""
    return _package_folder(EXAMPLE_PACKAGE, N_("embedded example"))
