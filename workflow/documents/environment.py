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
from workflow.i18n import _

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
        super().__init__(_("filter {name} failed: {message}").format(name=name, message=message))


def _style(ctx: Any) -> tuple[bool, bool]:
    """(upper, sekda_nip) of ``document.names`` in a render's context (the defaults when it has none)."""
    document = ctx.get("document")
    names = document.get("names") if isinstance(document, dict) else None
    if not isinstance(names, dict):
        return True, False
    return bool(names.get("upper", True)), bool(names.get("sekda_nip", False))


def _text(value: Any) -> Any:
    """A field's text, a Placeholder, or an Example of text."""
    if isinstance(value, str | Placeholder | Example):
        return value
    raise TypeError(
        _("expects a person (a mapping with name and position) or a name, got {type} {value}").format(
            type=type(value).__name__, value=repr(value)
        )
    )


def _person_name(person: Any, *, upper: bool, degrees: bool) -> Any:
    """The name of ``person`` (an official's mapping, or a name) printed with or without degrees."""
    name = _text(person.get("name") if isinstance(person, dict) else person)
    position = person.get("position") if isinstance(person, dict) else None
    if isinstance(position, Example):
        position = position.value
    if isinstance(position, str) and formatting.signer_office(position) == "acting":
        degrees = False  # a Pj/Pjs/Plt/Plh Kepala Daerah or Sekda signs with the bare name (Pasal 44)
    if isinstance(name, Placeholder):
        return name
    if isinstance(name, Example):
        return mark_example(formatting.nama_bergelar(str(name.value), kapital=upper, gelar=degrees))
    return formatting.nama_bergelar(name, kapital=upper, gelar=degrees)


def nama(ctx: Any, person: Any) -> Any:
    """A signer's name under a signature or in a komparisi: degrees as written, the bare name in capitals
    when ``document.names.upper`` ('Dr. H. LA ODE FULAN, S.STP., M.Si.'); a Pj/Plt/Plh signs without degrees."""
    upper, _sekda_nip = _style(ctx)
    return _person_name(person, upper=upper, degrees=True)


def nama_tanpa_gelar(ctx: Any, person: Any) -> Any:
    """The name without degrees, as a Keputusan names its signer ('LA ODE FULAN' or 'La Ode Fulan')."""
    upper, _sekda_nip = _style(ctx)
    return _person_name(person, upper=upper, degrees=False)


def nama_lengkap(person: Any) -> Any:
    """The name with its degrees exactly as the person writes it, for running text and lists."""
    name = _text(person.get("name") if isinstance(person, dict) else person)
    if isinstance(name, Placeholder):
        return name
    if isinstance(name, Example):
        return mark_example(formatting.nama_bergelar(str(name.value)))
    return formatting.nama_bergelar(name)


def nip_pangkat(ctx: Any, person: Any) -> str:
    """The lines under a signer's name: pangkat/golongan, then 'NIP. ...' (or 'NPK. ...'), where the data have them.

    Nothing for a Kepala Daerah, a Wakil, their Pj/Plt/Plh, nor (unless ``document.names.sekda_nip``)
    the Sekda: Permendagri 1/2023 Pasal 44 gives pangkat and NIP only to the other signers.
    """
    if not isinstance(person, dict) or "position" not in person:
        raise TypeError(_("expects a person (a mapping with name and position), got {type}").format(type=type(person).__name__))
    position = person["position"]
    office = formatting.signer_office(str(position.value if isinstance(position, Example) else position))
    _upper, sekda_nip = _style(ctx)
    if office in ("head", "deputy", "acting") or (office == "sekda" and not sekda_nip):
        return ""
    lines = [str(person["rank"])] if person.get("rank") is not None else []
    ident = person.get("id")
    if isinstance(ident, dict):
        lines.append(f"{ident['kind']}. {ident['number']}")
    return "\n".join(lines)  # a line break in the document


def akhiri(value: Any, tanda: str = ".") -> str:
    """``value`` ended by ``tanda`` without a doubled full stop ('Fulan, M.Si.' stays 'Fulan, M.Si.')."""
    if isinstance(value, Placeholder | Example):
        value = str(value)
    return formatting.akhiri(value, tanda)


PERSON_FILTERS: dict[str, Callable[..., Any]] = {
    "akhiri": akhiri,
    "nama": nama,
    "nama_lengkap": nama_lengkap,
    "nama_tanpa_gelar": nama_tanpa_gelar,
    "nip_pangkat": nip_pangkat,
}
"""Filters for people and sentence ends: ``{{ parties.pemda.representative|nama }}``, ``{{ official|nip_pangkat }}``."""
_WITH_CONTEXT = ("nama", "nama_tanpa_gelar", "nip_pangkat")  # read document.names of the render


@cache
def environment() -> SandboxedEnvironment:
    """The one Jinja environment of every template: sandboxed, autoescaped, strict."""
    from jinja2 import StrictUndefined, pass_context
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    env.filters.update({name: _keep_placeholder(fn) for name, fn in FILTERS.items()})
    env.filters.update(
        {name: pass_context(_failing(fn)) if name in _WITH_CONTEXT else _failing(fn) for name, fn in PERSON_FILTERS.items()}
    )
    env.tests["known"] = lambda value: not isinstance(value, Placeholder)
    return env


def _failing(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` whose TypeError or ValueError names the filter (the renderer names the template)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (TypeError, ValueError) as err:
            raise _FilterFailed(fn.__name__, str(err)) from err

    return wrapper
