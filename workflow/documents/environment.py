"""The one Jinja environment every template is rendered and checked with: sandboxed, autoescaped, strict.

The renderer (``workflow.documents.render``) and the linter (``workflow.documents.check``) both take it
from here, so a template ``mou check`` passes uses exactly the filters and tests a render offers.
Jinja is imported only when the environment is first built.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from workflow.data import formatting
from workflow.documents.context import Example, Placeholder, mark_example

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

FILTERS: dict[str, Callable[..., Any]] = {
    "angka": formatting.angka,
    "bilangan": formatting.bilangan,
    "bulan_tahun": formatting.bulan_tahun,
    "hari_tanggal": formatting.hari_tanggal,
    "nama_hari": formatting.nama_hari,
    "rupiah": formatting.rupiah,
    "rupiah_lengkap": formatting.rupiah_lengkap,
    "rupiah_terbilang": formatting.rupiah_terbilang,
    "tanggal": formatting.tanggal,
    "tanggal_angka_kata": formatting.tanggal_angka_kata,
    "tanggal_kata": formatting.tanggal_kata,
    "terbilang": formatting.terbilang,
}
"""Formatting functions templates use as filters: ``{{ budget.annual|rupiah_lengkap }}``."""


def _keep_placeholder(fn: Callable[..., Any]) -> Callable[..., Any]:
    """An unknown value stays a visible placeholder whatever filter is applied to it."""

    @functools.wraps(fn)
    def wrapper(value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, Placeholder):
            return value
        if isinstance(value, Example):  # an invented value stays visibly marked whatever the filter
            return mark_example(str(wrapper(value.value, *args, **kwargs)))
        try:
            return fn(value, *args, **kwargs)
        except (TypeError, ValueError) as err:
            raise _FilterFailed(fn.__name__, str(err)) from err

    return wrapper


class _FilterFailed(Exception):
    """A filter refused its value; the renderer names the template it happened in."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"filter {name} failed: {message}")


@cache
def environment() -> SandboxedEnvironment:
    """The one Jinja environment of every template: sandboxed, autoescaped, strict."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    env.filters.update({name: _keep_placeholder(fn) for name, fn in FILTERS.items()})
    env.tests["known"] = lambda value: not isinstance(value, Placeholder)
    return env
