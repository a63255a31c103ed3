"""Electronic signatures (TTE) in a PDF, validated offline with pyHanko.

An e-signed PDF is the finalized PDF/A (``mou finalize``) with each signature appended as a PDF
incremental update, so the signed file begins with the finalized bytes. ``validate`` checks that, then
every embedded signature against the trust roots a Pemda accepts (``MOU_TRUST``/``--trust``): the
signed bytes intact, the certificate chaining to a trusted root and valid at the signing time, its
timestamp (and any document timestamp) valid, and no change after it other than further signatures;
then that every signatory of the document signed. Nothing is fetched: revocation (OCSP, CRL) is not
checked, as it needs fresh data from the network.

pyHanko, asn1crypto and cryptography are imported only when a PDF with signatures is handled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from workflow import i18n
from workflow.data.formatting import pisah_gelar
from workflow.i18n import _

EMETERAI = re.compile(r"meterai|peruri", re.IGNORECASE)
"""An e-Meterai stamp, told apart by its signer certificate: the organisation (O) or common name (CN)
mentions Meterai or Peruri (Perum Peruri issues e-Meterai). This is an inference from how e-Meterai
certificates are named, not a published rule: an e-Meterai is recorded as such, never as a signatory."""

ACCEPTED_CHANGES = frozenset({"NONE", "LTA_UPDATES", "FORM_FILLING"})
"""pyHanko modification levels allowed after a signature: none, timestamps and validation data, further
signatures (filling signature fields). Annotations or any other change after a signature are refused."""

KEY_USAGES = frozenset({"non_repudiation", "digital_signature"})
"""Key usages a signer certificate may carry (either one suffices)."""

CLOCK_SKEW = timedelta(days=1)
"""How far a signing time may lie before the finalized text was recorded, or after now: clocks differ."""

ID_LABELLED = re.compile(r"\b(NIP|NIK|NPK)\b\s*[.:=]?\s*([0-9][0-9 .-]*[0-9]|[0-9])", re.IGNORECASE)
"""A staff or population number as a certificate may write it in its CN or OU: 'NIP 19750101 200001 1 001'."""

PDF_SIGNATURE_MARK = b"/ByteRange"
"""Every PDF signature dictionary has a /ByteRange: a file without one carries no signature (no pyHanko needed)."""


@dataclass(frozen=True)
class Signatory:
    """Someone who must sign the document: the party, the name (degrees as written), the position, the id number."""

    party: str
    name: str
    position: str
    id_number: str | None = None


@dataclass
class Validation:
    """The outcome for one e-signed file: the report kept as validasi-tte.json, the refusals, the certificates."""

    report: dict[str, Any]
    reasons: list[str] = field(default_factory=list)
    certificates: dict[int, bytes] = field(default_factory=dict)
    """Per signature number, its signer certificate and the certificates up to the root (PEM)."""
    roots: bytes = b""
    """The trust roots the signatures chained to (PEM)."""


def carries_signatures(data: bytes) -> bool:
    """Whether the PDF ``data`` holds embedded signatures (pyHanko's ``embedded_signatures``).

    A file without a ``/ByteRange`` (a wet-ink scan) is answered without loading pyHanko; a file that has
    one but cannot be read counts as signed, so that reading it again says why.
    """
    if PDF_SIGNATURE_MARK not in data:
        return False
    try:
        return bool(_reader(data).embedded_signatures)
    except Exception:  # pyHanko raises many kinds of error on a malformed file
        return True


CERTIFICATE_SUFFIXES = frozenset({".pem", ".crt", ".cer", ".der"})
"""The files of a trust folder that are read; any other file there (a README) is left alone."""


def load_roots(folder: Path | None, option: str | None = None) -> tuple[list[bytes], list[str]]:
    """The DER of every certificate in ``folder`` (``CERTIFICATE_SUFFIXES`` files of PEM blocks or DER, sub-folders
    too), and the reasons it cannot be used; ``option`` names where the folder is given (``--trust DIR or MOU_TRUST``)."""
    if option is None:
        option = _("{flag} or {variable}").format(flag="--trust DIR", variable="MOU_TRUST")
    if folder is None:
        return [], [_("no trust roots: give {option}").format(option=option)]
    if not folder.is_dir():
        return [], [_("trust roots folder {folder} does not exist").format(folder=folder)]
    roots: list[bytes] = []
    reasons: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in CERTIFICATE_SUFFIXES):
        found = certificates_in(path.read_bytes())
        if found is None:
            reasons.append(_("{path} is not a PEM or DER certificate").format(path=path))
        roots += found or []
    if not roots and not reasons:
        reasons.append(_("no trust roots: {folder} holds no certificate; give {option}").format(folder=folder, option=option))
    return roots, reasons


def certificates_in(data: bytes) -> list[bytes] | None:
    """The DER certificates in ``data`` (PEM blocks, or one DER certificate), None when it holds none."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    try:
        if pem.detect(data):
            found = [der for kind, _headers, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"]
        else:
            found = [data]
        for der in found:
            asn1_x509.Certificate.load(der).native  # noqa: B018 - parse it whole, or fail here
    except Exception:  # asn1crypto raises ValueError, TypeError and others on bad input
        return None
    return found or None


def validate(
    data: bytes,
    *,
    file_name: str,
    finalized: bytes,
    finalized_path: str,
    roots: Sequence[bytes],
    signatories: Sequence[Signatory],
    finalized_at: datetime | None = None,
    now: datetime | None = None,
    times: dict[int, datetime] | None = None,
) -> Validation:
    """Validate the e-signed PDF ``data`` offline; every reason it may not be recorded is in ``reasons``.

    ``finalized`` are the bytes the file must begin with. Each signature is validated at its signing time:
    its timestamp token's time, else the time the signer states (bounded by ``finalized_at`` and ``now``);
    ``times`` gives them instead, when a recorded signature is validated again (``mou verify``).
    """
    now = now or datetime.now(UTC)
    report: dict[str, Any] = {
        "file": file_name,
        "finalized": finalized_path,
        "validated_at": _iso(now),
        "offline": True,
        "revocation": "not checked: OCSP and CRL need fresh data from the network",  # i18n: not translated (stored report)
        "signatures": [],
    }
    out = Validation(report)
    if not data.startswith(finalized):
        out.reasons.append(
            _("{file} does not start with the finalized text ({finalized}): it was not signed over that file").format(
                file=file_name, finalized=finalized_path
            )
        )
    try:
        embedded = list(_reader(data).embedded_signatures)
    except Exception as err:  # pyHanko raises many kinds of error on a malformed file
        out.reasons.append(_("{file}: its signatures cannot be read ({error})").format(file=file_name, error=_one_line(err)))
        return out
    if not embedded:
        out.reasons.append(_("{file} carries no electronic signature").format(file=file_name))
        return out
    anchors: dict[bytes, bytes] = {}
    for n, sig in enumerate(embedded, 1):
        entry, reasons, chain = _check_one(n, sig, roots, finalized_at, now, (times or {}).get(n))
        report["signatures"].append(entry)
        out.reasons += reasons
        if chain:
            out.certificates[n] = b"".join(_pem(der) for der in chain[1:][::-1])  # the signer first, up to the root
            anchors.setdefault(chain[0], _pem(chain[0]))
    out.roots = b"".join(anchors.values())
    out.reasons += _match(report["signatures"], signatories)
    return out


def _check_one(
    n: int, sig: Any, roots: Sequence[bytes], finalized_at: datetime | None, now: datetime, recorded: datetime | None
) -> tuple[dict[str, Any], list[str], list[bytes]]:
    """The report entry of signature ``n``, the reasons it fails, and its path from the root (DER)."""
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    timestamp = sig.sig_object_type == "/DocTimeStamp"
    cert = sig.signer_cert
    subject = cert.subject.native
    name = str(subject.get("common_name") or cert.subject.human_friendly)
    label = (_("signature {n} (document timestamp, {name})") if timestamp else _("signature {n} ({name})")).format(n=n, name=name)
    token_time = _token_time(sig.signed_data) if timestamp else _signature_token_time(sig.signer_info)
    stated = sig.self_reported_timestamp
    if recorded is not None:
        when, source = recorded, "recorded"
    elif token_time is not None:
        when, source = token_time, "timestamp token"
    elif stated is not None:
        when, source = stated, "stated by the signer"
    else:
        when, source = now, "time of validation"
    entry: dict[str, Any] = {
        "n": n,
        "field": sig.field_name,
        "kind": "document timestamp" if timestamp else "signature",
        "signer": name,
        "subject": cert.subject.human_friendly,
        "certificate_serial": format(cert.serial_number, "x"),
        "issuer": cert.issuer.human_friendly,
        "certificate_valid": [_iso(cert.not_valid_before), _iso(cert.not_valid_after)],
        "ids": [] if timestamp else certificate_ids(subject),
        "signing_time": _iso(when),
        "signing_time_source": source,
        "e_meterai": not timestamp and is_e_meterai(subject),
    }
    reasons: list[str] = []
    if recorded is None:
        if finalized_at is not None and when < finalized_at - CLOCK_SKEW:
            reasons.append(
                _("{label}: signed at {time}, before the text was finalized at {finalized}").format(
                    label=label, time=_iso(when), finalized=_iso(finalized_at)
                )
            )
        if when > now + CLOCK_SKEW:
            reasons.append(_("{label}: signed at {time}, in the future").format(label=label, time=_iso(when)))
    from asn1crypto import x509 as asn1_x509

    anchors = [asn1_x509.Certificate.load(der) for der in roots]
    context = ValidationContext(trust_roots=anchors, moment=when, allow_fetching=False)
    try:
        if timestamp:
            status: Any = validate_pdf_timestamp(sig, validation_context=context)
        else:
            usage = KeyUsageConstraints(key_usage=set(KEY_USAGES), match_all_key_usages=False)
            status = validate_pdf_signature(sig, context, key_usage_settings=usage)
    except Exception as err:  # an unsupported or broken signature: pyHanko raises several kinds
        entry.update(intact=False, valid=False, trusted=False)
        return entry, [*reasons, _("{label}: cannot be validated ({error})").format(label=label, error=_one_line(err))], []
    level = status.modification_level
    token = None if timestamp else status.timestamp_validity
    entry.update(
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        trust_problem=None if status.trust_problem_indic is None else status.trust_problem_indic.name,
        coverage=None if status.coverage is None else status.coverage.name,
        modification_level=None if level is None else level.name,
        docmdp_ok=status.docmdp_ok,
        timestamp=(
            {"time": _iso(status.timestamp), "tsa": _name_of(status.signing_cert), "trusted": bool(status.trusted)}
            if timestamp
            else None
            if token is None
            else {"time": _iso(token.timestamp), "tsa": _name_of(token.signing_cert), "trusted": bool(token.trusted)}
        ),
    )
    if not (status.intact and status.valid):
        reasons.append(_("{label}: the signed bytes were changed after signing").format(label=label))
        return entry, reasons, []
    if not status.trusted:
        reasons.append(_("{label}: {reason}").format(label=label, reason=_trust_reason(status, cert)))
    if token is not None and not (token.intact and token.valid and token.trusted):
        reasons.append(
            _("{label}: its timestamp does not validate ({reason})").format(
                label=label, reason=_trust_reason(token, token.signing_cert)
            )
        )
    if status.coverage is None or status.coverage.name not in ("ENTIRE_REVISION", "ENTIRE_FILE"):
        reasons.append(_("{label}: it does not cover a whole revision of the file").format(label=label))
    elif level is None or level.name not in ACCEPTED_CHANGES:
        reasons.append(_("{label}: the file was changed after signing other than by further signatures").format(label=label))
    elif status.docmdp_ok is False:
        reasons.append(
            _("{label}: later changes break the modification policy the document was certified with (DocMDP)").format(label=label)
        )
    path = status.validation_path
    chain = [c.dump() for c in path.iter_certs(include_root=True)] if path is not None and status.trusted else []
    return entry, reasons, chain


def _trust_reason(status: Any, cert: Any) -> str:
    """Why a certificate is not trusted, in words: no chain, expired, not yet valid, or the AdES sub-indication."""
    problem = status.trust_problem_indic
    name = "" if problem is None else problem.name
    if status.validation_path is None or name in ("NO_CERTIFICATE_CHAIN_FOUND", "CERTIFICATE_CHAIN_GENERAL_FAILURE"):
        return _("certificate does not chain to a trusted root")
    if name in ("EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"):
        return _("certificate expired on {date}").format(date=i18n.day(cert.not_valid_after.date()))
    if name == "NOT_YET_VALID":
        return _("certificate not valid before {date}").format(date=i18n.day(cert.not_valid_before.date()))
    if name in ("REVOKED", "REVOKED_NO_POE", "REVOKED_CA_NO_POE"):
        return _("certificate revoked")
    if name in ("SIG_CONSTRAINTS_FAILURE", "CHAIN_CONSTRAINTS_FAILURE"):
        return _("certificate not valid for signing (key usage or chain constraints)")
    if not name:
        return _("certificate not valid at the signing time (no validation path)")
    return _("certificate not valid at the signing time ({indication})").format(indication=name)


def _match(entries: list[dict[str, Any]], signatories: Sequence[Signatory]) -> list[str]:
    """Each signatory matched by a signature (name, and id number where both have one); sets ``signatory``."""
    reasons: list[str] = []
    people = [e for e in entries if e["kind"] == "signature" and not e["e_meterai"]]
    for e in entries:
        e["signatory"] = None
    for who in signatories:
        wanted = bare_name(who.name)
        own = digits(who.id_number)
        same_name = [e for e in people if bare_name(e["signer"]) == wanted]
        found = next((e for e in same_name if not own or not e["ids"] or own in e["ids"]), None)
        if found is not None:
            found["signatory"] = {"party": who.party, "name": who.name, "position": who.position}
            continue
        if same_name:
            e = same_name[0]
            why = _("no signature by {name} ({position}): signature {n} is by that name but carries id {ids}, not {own}").format(
                name=who.name, position=who.position, n=e["n"], ids=", ".join(e["ids"]), own=own
            )
        else:
            why = _("no signature by {name} ({position})").format(name=who.name, position=who.position)
        reasons.append(why)
    return reasons


def bare_name(text: str) -> str:
    """A name compared without academic titles, case, punctuation nor a labelled id number: 'Dr. H. La Ode Fulan, M.Si.'
    and 'LA ODE FULAN' are the same; a '[CONTOH]' mark is left out too."""
    text = ID_LABELLED.sub(" ", re.sub(r"\[[^\]]*\]", " ", text))
    _front, core, _back = pisah_gelar(text) if text.strip() else ("", "", "")
    words = re.sub(r"[\W\d_]+", " ", core).casefold().split()
    return " ".join(words)


def digits(text: str | None) -> str:
    """The digits of an id number as written ('19750101 200001 1 001' -> '197501012000011001'), '' for none."""
    return re.sub(r"\D", "", text or "")


def certificate_ids(subject: dict[str, Any]) -> list[str]:
    """The id numbers a certificate subject carries: its serialNumber, and an NIP/NIK/NPK number in the CN or OU."""
    found: list[str] = []
    serial = digits(str(subject.get("serial_number") or ""))
    if serial:
        found.append(serial)
    for key in ("common_name", "organizational_unit_name"):
        for value in _values(subject.get(key)):
            found += [d for m in ID_LABELLED.finditer(value) if (d := digits(m.group(2)))]
    return list(dict.fromkeys(found))


def is_e_meterai(subject: dict[str, Any]) -> bool:
    """Whether a signer certificate is an e-Meterai's (see ``EMETERAI``)."""
    return any(EMETERAI.search(v) for key in ("organization_name", "common_name") for v in _values(subject.get(key)))


def _values(value: Any) -> Iterable[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _reader(data: bytes) -> Any:
    import io
    import logging

    from pyhanko.pdf_utils.reader import PdfFileReader

    for name in ("pyhanko", "pyhanko_certvalidator"):  # their warnings are reasons here, not log lines on stderr
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())
    return PdfFileReader(io.BytesIO(data))


def _signature_token_time(signer_info: Any) -> datetime | None:
    """The time of the signature timestamp token (RFC 3161) in the signer's unsigned attributes, if any."""
    attrs = signer_info["unsigned_attrs"]
    if attrs.native is None:
        return None
    for attr in attrs:
        if attr["type"].native == "signature_time_stamp_token":
            for token in attr["values"]:
                return _token_time(token["content"])
    return None


def _token_time(signed_data: Any) -> datetime | None:
    try:
        value = signed_data["encap_content_info"]["content"].parsed["gen_time"].native
    except Exception:  # not a timestamp token: no time from it
        return None
    return value if isinstance(value, datetime) else None


def _name_of(cert: Any) -> str:
    return str(cert.subject.native.get("common_name") or cert.subject.human_friendly)


def _pem(der: bytes) -> bytes:
    from asn1crypto import pem

    return bytes(pem.armor("CERTIFICATE", der))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _one_line(err: Exception) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def parse_time(text: str) -> datetime:
    """A time as the report writes it ('2025-06-24T03:00:00Z')."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
