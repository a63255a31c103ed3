"""Electronic signatures (TTE): the finalized text, e-signed over its bytes, validated offline with pyHanko.

Every fixture is made here: a local root CA, signer certificates named as the demo's signatories, an
expired one, one from an unknown root, an e-Meterai's, and a timestamp authority (pyHanko's
DummyTimeStamper), with ``cryptography``; the PDFs are signed with pyHanko as a TTE application would,
each signature an incremental update over the finalized bytes. LibreOffice is replaced by a stand-in
conversion (different bytes each time, as LibreOffice gives) except in the one slow test that signs a
real PDF/A-2b.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import EXAMPLE, SLUG, tree_hash, walk_to_review
from tests.test_pdf import needs_soffice
from workflow.commands.demo import DEMO_DAY, SIGN_DAY, TKKSD, fill_examples, stand_in_pdf, with_examples
from workflow.records import history

TODAY = {"MOU_TODAY": SIGN_DAY.isoformat()}
NOW = datetime.now(UTC)


# --- the fixtures' PKI, made with cryptography --------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """A certificate and its private key."""

    cert: Any  # cryptography.x509.Certificate
    key: Any

    @property
    def pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return bytes(self.cert.public_bytes(serialization.Encoding.PEM))


@dataclass(frozen=True)
class Pki:
    """The local CA, the one nobody trusts, the signers and the timestamp authority."""

    root: Holder
    unknown_root: Holder
    pemda: Holder  # the Bupati: CN is his name, no id number in the certificate
    partner: Holder  # the Kepala Kantor Cabang: CN is her name, serialNumber her NPK
    expired: Holder  # the Bupati's name, expired a month ago
    stranger: Holder  # the Bupati's name, issued under the unknown root
    namesake: Holder  # the Kepala Kantor Cabang's name with another NPK
    meterai: Holder  # an e-Meterai stamp
    tsa: Holder
    names: tuple[str, str]  # the signatories' names as the agreement writes them
    positions: tuple[str, str]


def _name(common: str, organisation: str | None = None, serial: str | None = None) -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common)]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if serial:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    return x509.Name(attrs)


def _issue(
    subject: Any, issuer: Holder | None, *, ca: bool = False, tsa: bool = False, valid: tuple[datetime, datetime] | None = None
) -> Holder:
    """A certificate for ``subject`` signed by ``issuer`` (self-signed when None): a CA, a TSA or a signer."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID

    key: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048) if tsa else ec.generate_private_key(ec.SECP256R1())
    signer_key = key if issuer is None else issuer.key
    issuer_name = subject if issuer is None else issuer.cert.subject
    start, end = valid or (NOW - timedelta(days=30), NOW + timedelta(days=365))
    usage = {
        "digital_signature": True,
        "content_commitment": not (ca or tsa),  # non-repudiation, as a signing certificate carries
        "key_encipherment": False,
        "data_encipherment": False,
        "key_agreement": False,
        "key_cert_sign": ca,
        "crl_sign": ca,
        "encipher_only": False,
        "decipher_only": False,
    }
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**usage), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()), critical=False)
    )
    if tsa:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return Holder(builder.sign(signer_key, hashes.SHA256()), key)


@pytest.fixture(scope="session")
def pki() -> Pki:
    """Certificates named after the demo's two signatories, read from the example's agreement.yaml."""
    from workflow.commands.agreements import load_file
    from workflow.documents.tte import digits

    path = EXAMPLE / "agreement.yaml"
    a = load_file(path, with_examples(path.read_text(encoding="utf-8")).encode("utf-8"))
    pemda, partner = a.parties.pemda.representative, a.parties.partner.representative
    assert pemda.id is None and partner.id is not None and partner.id.kind == "NPK"
    npk = digits(partner.id.number)
    root = _issue(_name("Root CA Uji mou", "PSrE Uji"), None, ca=True)
    unknown = _issue(_name("Root CA Tak Dikenal", "PSrE Lain"), None, ca=True)
    return Pki(
        root=root,
        unknown_root=unknown,
        pemda=_issue(_name(pemda.name.upper()), root),
        partner=_issue(_name(partner.name.upper(), "BPJS Ketenagakerjaan", serial=f"NPK{npk}"), root),
        expired=_issue(_name(pemda.name.upper()), root, valid=(NOW - timedelta(days=400), NOW - timedelta(days=35))),
        stranger=_issue(_name(pemda.name.upper()), unknown),
        namesake=_issue(_name(partner.name.upper(), serial="NPK999999"), root),
        meterai=_issue(_name("e-Meterai", "Perum Peruri"), root),
        tsa=_issue(_name("TSA Uji mou", "PSrE Uji"), root, tsa=True),
        names=(pemda.name, partner.name),
        positions=(pemda.position, partner.position),
    )


def _asn1(holder: Holder) -> tuple[Any, Any]:
    from asn1crypto import keys, x509
    from cryptography.hazmat.primitives import serialization

    cert = x509.Certificate.load(holder.cert.public_bytes(serialization.Encoding.DER))
    der = holder.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return cert, keys.PrivateKeyInfo.load(der)


def e_sign(pdf: bytes, pki: Pki, signers: list[Holder], *, timestamp: bool = True) -> bytes:
    """``pdf`` signed by each of ``signers`` in turn, then (``timestamp``) a document timestamp: incremental updates."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers as pdf_signers
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    data = pdf
    for n, holder in enumerate(signers, 1):
        cert, key = _asn1(holder)
        issuer = pki.unknown_root if holder is pki.stranger else pki.root
        chain = SimpleCertificateStore.from_certs([_asn1(issuer)[0]])
        signer = pdf_signers.SimpleSigner(cert, key, chain)
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        data = pdf_signers.sign_pdf(writer, pdf_signers.PdfSignatureMetadata(field_name=f"TTE{n}"), signer=signer).getvalue()
    if timestamp:
        tsa_cert, tsa_key = _asn1(pki.tsa)
        stamper = DummyTimeStamper(tsa_cert, tsa_key, certs_to_embed=SimpleCertificateStore.from_certs([_asn1(pki.root)[0]]))
        out = io.BytesIO()
        pdf_signers.PdfTimeStamper(stamper).timestamp_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), "sha256", output=out)
        data = out.getvalue()
    return data


# --- the demo copy, finalized ---------------------------------------------------------------------


def _stand_in_conversions(monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice replaced by a one-page PDF that differs with every conversion, as LibreOffice's bytes do."""
    count = itertools.count(1)

    def fake_to_pdf(sources: list[Path], outdir: Path, **_: object) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        out = [outdir / (s.stem + ".pdf") for s in sources]
        for o in out:
            o.write_bytes(stand_in_pdf(["PDF/A stand-in", f"conversion {next(count)}"]))
        return out

    monkeypatch.setattr("workflow.documents.pdf.to_pdf", fake_to_pdf)


def _ready(root: Path) -> None:
    """The example filled as the demo fills it, approved and ready to sign."""
    fill_examples(root / SLUG / "agreement.yaml")
    walk_to_review(root, approve=True, when=DEMO_DAY)


def _finalize(root: Path, run: Callable[..., Result], *, ready: bool = False) -> tuple[bytes, str]:
    """The example made ready to sign (unless ``ready``), then `mou finalize`: (the PDF's bytes, its path)."""
    if not ready:
        _ready(root)
    result = run("finalize", SLUG, "--as", TKKSD, "--json", env=TODAY)
    assert result.exit_code == 0, result.stderr
    pdf = Path(json.loads(result.stdout)["pdf"])
    return pdf.read_bytes(), pdf.relative_to(root / SLUG).as_posix()


@pytest.fixture
def finalized(root: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, str]:
    _stand_in_conversions(monkeypatch)
    return _finalize(root, run)


@pytest.fixture
def trust(tmp_path: Path, pki: Pki) -> Path:
    """A MOU_TRUST folder holding the local root CA, in DER beside a note that is not a certificate."""
    from cryptography.hazmat.primitives import serialization

    folder = tmp_path / "trust"
    folder.mkdir()
    (folder / "root-ca-uji.der").write_bytes(pki.root.cert.public_bytes(serialization.Encoding.DER))
    (folder / "README.txt").write_text("Root CA Uji mou: only for the tests\n", encoding="utf-8")
    return folder


def _sign(run: Callable[..., Result], root: Path, data: bytes, trust: Path | None, name: str = "kb-tte.pdf") -> Result:
    signed = root.parent / name
    signed.write_bytes(data)
    env = {**TODAY, **({"MOU_TRUST": str(trust)} if trust else {})}
    return run("sign", SLUG, "--file", str(signed), "--as", TKKSD, env=env)


def _last(root: Path) -> dict[str, Any]:
    return dict(json.loads((root / SLUG / "history.jsonl").read_text(encoding="utf-8").splitlines()[-1]))


# --- finalize -------------------------------------------------------------------------------------


def test_finalize_records_the_pdfa_and_prints_its_path(
    root: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mou finalize` records a finalize entry (state unchanged) with the final .docx and PDF, and prints the PDF's path."""
    _stand_in_conversions(monkeypatch)
    pdf, rel = _finalize(root, run)
    entry = _last(root)
    assert (entry["event"], entry["from"], entry["to"], entry["data"]) == (
        "finalize",
        "kb_ready_to_sign",
        "kb_ready_to_sign",
        {"document": "kb"},
    )
    assert [a["path"] for a in entry["artifacts"]] == ["final/kb-e10/naskah-final.docx", "final/kb-e10/naskah-final.pdf"]
    assert rel == "final/kb-e10/naskah-final.pdf"
    assert entry["artifacts"][1]["sha256"] == hashlib.sha256(pdf).hexdigest()
    again = run("finalize", SLUG, "--document", "kb", "--as", TKKSD, env=TODAY)  # a second finalize: a new file
    assert again.exit_code == 0, again.stderr
    assert again.stdout == f"{root / SLUG / 'final' / 'kb-e11' / 'naskah-final.pdf'}\n"
    assert run("verify", SLUG).exit_code == 0


def test_finalize_is_refused_when_the_data_changed_since_the_approval(root: Path, run: Callable[..., Result]) -> None:
    """The checks of mou sign apply: data changed after the review approved it is not finalized, nothing written."""
    fill_examples(root / SLUG / "agreement.yaml")
    walk_to_review(root, approve=True, when=DEMO_DAY)
    yaml_file = root / SLUG / "agreement.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("  workers: 1000", "  workers: 900"), encoding="utf-8")
    before = tree_hash(root)
    result = run("finalize", SLUG, "--as", TKKSD, env=TODAY)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot finalize in kb_ready_to_sign: agreement.yaml changed since the approval")
    assert len(result.stderr.splitlines()) == 1
    assert tree_hash(root) == before


# --- mou sign with an e-signed PDF ----------------------------------------------------------------


def test_two_signatures_and_a_document_timestamp_are_accepted(
    finalized: tuple[bytes, str], root: Path, run: Callable[..., Result], pki: Pki, trust: Path
) -> None:
    """Signed by both signatories over the finalized bytes, with a document timestamp: recorded, names matched, verify ok."""
    pdf, rel = finalized
    result = _sign(run, root, e_sign(pdf, pki, [pki.pemda, pki.partner]), trust)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"{SLUG}: sign_kb by {TKKSD}: kb_ready_to_sign -> kb_signed [entry 11]"
    folder = root / SLUG / "signed" / "kb-e11"
    assert sorted(p.name for p in folder.iterdir()) == [
        "agreement.yaml",
        "akar-tepercaya.pem",
        "fields.json",
        "naskah-final.docx",
        "naskah-final.pdf",
        "sertifikat-tte-1.pem",
        "sertifikat-tte-2.pem",
        "sertifikat-tte-3.pem",
        "signature.json",
        "ttd-1-kb-tte.pdf",
        "validasi-tte.json",
    ]
    assert (folder / "naskah-final.pdf").read_bytes() == pdf  # the finalized text, not converted again
    assert (folder / "akar-tepercaya.pem").read_bytes() == pki.root.pem
    assert (folder / "sertifikat-tte-1.pem").read_bytes() == pki.pemda.pem
    details = json.loads((folder / "signature.json").read_text(encoding="utf-8"))
    electronic = details["electronic"]
    assert electronic["finalized"] == {"entry": 10, "pdf": rel, "sha256": history.sha256_file(root / SLUG / rel)}
    assert [(s["signer"], s["signatory"], s["kind"]) for s in electronic["signatures"]] == [
        (pki.names[0].upper(), pki.names[0], "signature"),
        (pki.names[1].upper(), pki.names[1], "signature"),
        ("TSA Uji mou", None, "document timestamp"),
    ]
    report = json.loads((folder / "validasi-tte.json").read_text(encoding="utf-8"))
    for s in report["signatures"]:
        assert (s["intact"], s["valid"], s["trusted"], s["e_meterai"]) == (True, True, True, False)
        assert s["issuer"] == "Organization: PSrE Uji, Common Name: Root CA Uji mou"
        assert s["modification_level"] in ("NONE", "LTA_UPDATES", "FORM_FILLING")
    assert report["signatures"][1]["ids"] == ["000000"]  # the NPK in the serialNumber, equal to the data's
    assert report["signatures"][2]["timestamp"]["tsa"] == "TSA Uji mou"
    assert report["revocation"].startswith("not checked")
    recorded = json.loads(run("history", SLUG, "--json").stdout)[-1]
    assert recorded["event"] == "sign_kb"
    assert "signed/kb-e11/validasi-tte.json" in [a["path"] for a in recorded["artifacts"]]
    verified = run("verify", SLUG)
    assert verified.exit_code == 0, verified.stderr
    assert verified.stdout == f"{SLUG}: ok - 11 entries, state kb_signed, 19 documents match\n"


def _flip_in_first_signature(data: bytes, finalized: bytes) -> bytes:
    """One byte changed in the first signature's own revision (its field name), past the finalized bytes."""
    at = data.index(b"(TTE1)", len(finalized)) + 3
    return data[:at] + b"X" + data[at + 1 :]


@pytest.mark.parametrize(
    "case",
    ["tampered", "unknown-root", "expired", "missing-signatory", "another-id-number", "not-over-the-finalized-text"],
)
def test_an_e_signed_pdf_is_refused_with_its_reason(
    case: str, finalized: tuple[bytes, str], root: Path, run: Callable[..., Result], pki: Pki, trust: Path
) -> None:
    """A changed byte, an unknown root, an expired certificate, a missing signatory, or a file signed over another
    conversion: refused with the reason, nothing written."""
    pdf, rel = finalized
    bupati, kepala = pki.names[0].upper(), pki.names[1]
    if case == "tampered":
        data = _flip_in_first_signature(e_sign(pdf, pki, [pki.pemda, pki.partner]), pdf)
        reason = "; ".join(
            f"signature {n}: the signed bytes were changed after signing"
            for n in (f"1 ({bupati})", f"2 ({kepala.upper()})", "3 (document timestamp, TSA Uji mou)")
        )
    elif case == "unknown-root":
        data = e_sign(pdf, pki, [pki.stranger, pki.partner])
        reason = f"signature 1 ({bupati}): certificate does not chain to a trusted root"
    elif case == "expired":
        data = e_sign(pdf, pki, [pki.expired, pki.partner])
        reason = f"signature 1 ({bupati}): certificate expired on {(NOW - timedelta(days=35)).date().isoformat()}"
    elif case == "missing-signatory":
        data = e_sign(pdf, pki, [pki.pemda])
        reason = f"no signature by {kepala} ({pki.positions[1]})"
    elif case == "another-id-number":
        data = e_sign(pdf, pki, [pki.pemda, pki.namesake])
        reason = f"no signature by {kepala} ({pki.positions[1]}): signature 2 is by that name but carries id 999999, not 000000"
    else:  # the same .docx converted again gives other bytes: a file signed over it is not over the finalized text
        from workflow.documents.pdf import to_pdf

        (other,) = to_pdf([root / SLUG / rel.replace(".pdf", ".docx")], root.parent / "again", pdfa=True)
        data = e_sign(other.read_bytes(), pki, [pki.pemda, pki.partner])
        reason = f"kb-tte.pdf does not start with the finalized text ({rel}): it was not signed over that file"
    before = tree_hash(root)
    result = _sign(run, root, data, trust)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot move to kb_signed: {reason}\n"
    assert tree_hash(root) == before


def test_an_e_meterai_is_recorded_as_such(
    finalized: tuple[bytes, str], root: Path, run: Callable[..., Result], pki: Pki, trust: Path
) -> None:
    """An e-Meterai stamp (a Peruri certificate) is recognised and recorded as e-Meterai, not as a signatory."""
    pdf, _ = finalized
    result = _sign(run, root, e_sign(pdf, pki, [pki.pemda, pki.partner, pki.meterai]), trust)
    assert result.exit_code == 0, result.stderr
    electronic = json.loads((root / SLUG / "signed" / "kb-e11" / "signature.json").read_text(encoding="utf-8"))["electronic"]
    assert electronic["e_meterai"] is True
    stamp = electronic["signatures"][2]
    assert (stamp["signer"], stamp["e_meterai"], stamp["signatory"]) == ("e-Meterai", True, None)
    assert [s["signatory"] for s in electronic["signatures"][:2]] == list(pki.names)
    assert run("verify", SLUG).exit_code == 0


def test_an_e_signed_pdf_needs_the_finalized_text_and_trust_roots(
    root: Path, run: Callable[..., Result], pki: Pki, trust: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a finalize for the current data, or without trust roots, an e-signed PDF is refused by name."""
    _stand_in_conversions(monkeypatch)
    _ready(root)
    data = e_sign(stand_in_pdf(["Kesepakatan Bersama", "never finalized"]), pki, [pki.pemda, pki.partner])
    result = _sign(run, root, data, trust)
    assert result.stderr == (
        f"Error: cannot move to kb_signed: no finalized text for kb: run mou finalize {SLUG} --document kb\n"
    )
    pdf, _ = _finalize(root, run, ready=True)
    result = _sign(run, root, e_sign(pdf, pki, [pki.pemda, pki.partner]), None)
    assert result.stderr == "Error: cannot move to kb_signed: no trust roots: give --trust DIR or MOU_TRUST\n"


def test_a_wet_ink_scan_is_recorded_as_before(finalized: tuple[bytes, str], root: Path, run: Callable[..., Result]) -> None:
    """A PDF without embedded signatures takes the wet-ink path: no trust roots needed, no electronic section."""
    result = _sign(run, root, stand_in_pdf(["CONTOH", "Kesepakatan Bersama ditandatangani"]), None, "kb-ttd.pdf")
    assert result.exit_code == 0, result.stderr
    details = json.loads((root / SLUG / "signed" / "kb-e11" / "signature.json").read_text(encoding="utf-8"))
    assert "electronic" not in details


def test_verify_validates_the_e_signatures_again_from_what_was_kept(
    finalized: tuple[bytes, str], root: Path, run: Callable[..., Result], pki: Pki, trust: Path
) -> None:
    """The kept roots replaced by another root and the history rehashed consistently: verify validates the
    signatures again and names the entry and the reason."""
    pdf, _ = finalized
    assert _sign(run, root, e_sign(pdf, pki, [pki.pemda, pki.partner]), trust).exit_code == 0
    folder = root / SLUG
    roots = folder / "signed" / "kb-e11" / "akar-tepercaya.pem"
    roots.chmod(0o644)
    roots.write_bytes(pki.unknown_root.pem)
    digest = history.sha256_file(roots)
    entries = history.check_chain(folder)
    (folder / history.HISTORY_FILE).unlink()
    rebuilt: list[dict[str, Any]] = []
    for e in entries:
        body = {k: v for k, v in e.items() if k not in ("seq", "prev", "hash")}
        for a in body["artifacts"]:
            if a["path"] == "signed/kb-e11/akar-tepercaya.pem":
                a["sha256"] = digest
        rebuilt.append(history.append(folder, rebuilt, body))
    result = run("verify", SLUG)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"Error: {SLUG}: entry 11: e-signature ttd-1-kb-tte.pdf: signature 1 ({pki.names[0].upper()}): "
        "certificate does not chain to a trusted root"
    )


# --- a real PDF/A-2b from LibreOffice ---------------------------------------------------------------


@pytest.mark.slow
@needs_soffice
def test_a_real_pdfa_signed_over_its_finalized_bytes_is_accepted_and_one_changed_byte_refused(
    root: Path, run: Callable[..., Result], pki: Pki, trust: Path
) -> None:
    """On the demo: LibreOffice's PDF/A-2b, e-signed by both signatories with a document timestamp, is accepted;
    the same file with one byte of the text changed is refused; the accepted one passes verify."""
    from workflow.documents.pdf import pdfa_part

    pdf, rel = _finalize(root, run)
    assert pdfa_part(root / SLUG / rel) == "2B"
    signed = e_sign(pdf, pki, [pki.pemda, pki.partner])
    at = pdf.index(b"stream") + 40  # inside the first content stream: the text everybody signed
    changed = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]
    refused = _sign(run, root, changed, trust)
    assert refused.exit_code == 1
    assert f"kb-tte.pdf does not start with the finalized text ({rel})" in refused.stderr
    assert f"signature 1 ({pki.names[0].upper()}): the signed bytes were changed after signing" in refused.stderr
    accepted = _sign(run, root, signed, trust)
    assert accepted.exit_code == 0, accepted.stderr
    details = json.loads((root / SLUG / "signed" / "kb-e11" / "signature.json").read_text(encoding="utf-8"))
    assert [s["signatory"] for s in details["electronic"]["signatures"]] == [*pki.names, None]
    assert pdfa_part(root / SLUG / "signed" / "kb-e11" / "naskah-final.pdf") == "2B"
    assert run("verify", SLUG).exit_code == 0


def test_the_signatory_matching_rule() -> None:
    """Names compare without titles, case, punctuation and labelled numbers; id numbers by their digits."""
    from workflow.documents.tte import bare_name, certificate_ids, is_e_meterai

    assert bare_name("Dr. H. La Ode Fulan, S.STP., M.Si.") == bare_name("LA ODE FULAN") == "la ode fulan"
    assert bare_name("LA ODE FULAN (NIP 19750101 200001 1 001)") == "la ode fulan"
    assert bare_name("M. Yusuf") == bare_name("M Yusuf")
    assert certificate_ids(
        {"common_name": "LA ODE FULAN NIP 19750101 200001 1 001", "serial_number": "NIK-7401064202710001"}
    ) == [
        "7401064202710001",
        "197501012000011001",
    ]
    assert certificate_ids({"common_name": "MUSRIATI", "organizational_unit_name": ["BPJS", "NPK: 000000"]}) == ["000000"]
    assert certificate_ids({"common_name": "ALVIN"}) == []
    assert is_e_meterai({"common_name": "e-Meterai", "organization_name": "Perum Peruri"})
    assert not is_e_meterai({"common_name": "ALVIN", "organization_name": "Pemerintah Kabupaten Buton"})
