"""Signed SOAP calls: who sent it, unchanged, and not a replay. No Django.

Each IT system holds an X.509 certificate and its private key. Before sending, it adds a
security header (creation time and a fresh nonce) to the envelope and signs the whole
envelope with an enveloped XML signature (RSA-SHA256, exclusive canonicalisation) — the way
WS-Security signs calls on KOMBIT's Serviceplatformen. The receiver parses the call with the
safe parser, finds which registered certificate signed it, checks the signature with that
certificate only, and reads everything further from what the signature covers (never from
the original bytes, so that wrapped or moved elements are not trusted). Time window and
nonce checks are the caller's: ``Verified`` carries what they need.

A resend of the same business transaction is signed again with a new nonce; the business
transaction id stays the same, so the receiver still applies it once.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, SignatureMethod
from signxml.exceptions import InvalidInput, InvalidSignature
from signxml.signer import XMLSigner
from signxml.verifier import VerifyResult, XMLVerifier

from bibdebitor.domain.errors import gettext_noop
from bibdebitor.protocol.safexml import MAX_MESSAGE_BYTES, SCHEMA_BUILDING, ProtocolError, parse

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SEC_NS = "urn:bibdebitor:sikkerhed:1"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"


class SignatureError(ProtocolError):
    """The call is not signed by a known system, or not as it was signed."""


@dataclass(frozen=True, slots=True)
class Identity:
    """An IT system's signing key and certificate (PEM)."""

    key_pem: bytes
    cert_pem: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.cert_pem)


@dataclass(frozen=True, slots=True)
class Verified:
    fingerprint: str  # of the certificate that signed
    created: dt.datetime
    nonce: str
    envelope: bytes  # the signed envelope, re-serialised from what the signature covers


def fingerprint(cert_pem: bytes) -> str:
    """SHA-256 of the certificate (DER), hex: how a system's certificate is registered."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    return cert.fingerprint(hashes.SHA256()).hex()


def make_identity(name: str, *, days: int = 825) -> Identity:
    """A self-signed certificate and RSA key for an IT system (for tests and the demo;
    production systems bring certificates from their CA, e.g. OCES/FOCES)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return Identity(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        cert.public_bytes(serialization.Encoding.PEM),
    )


def write_identity(name: str, directory: Path) -> Identity:
    """A new identity as ``directory/key.pem`` (created readable by the owner only, before
    the key is written) and ``directory/cert.pem``."""
    identity = make_identity(name)
    directory.mkdir(parents=True, exist_ok=True)
    key = directory / "key.pem"
    key.touch(mode=0o600)
    key.write_bytes(identity.key_pem)
    (directory / "cert.pem").write_bytes(identity.cert_pem)
    return identity


class _Utf8:
    """signxml copies elements by serialising them with lxml's default (ASCII) encoding,
    which cannot carry our Danish element names; UTF-8 can."""

    def _tostring(self, xml_node: etree._Element, **kwargs: Any) -> bytes:
        serialised: bytes = etree.tostring(xml_node, encoding="utf-8", **kwargs)
        return serialised


class _Signer(_Utf8, XMLSigner):
    pass


class _Verifier(_Utf8, XMLVerifier):
    pass


# signxml builds its XSDs on the first verification, under a lock that locks nothing (a new
# one each call): three calls arriving at once at a fresh service platform answered 500 and
# could crash it. Built here instead, once, while the import holds every other thread back.
with SCHEMA_BUILDING:
    _Verifier.schemas()  # type: ignore[no-untyped-call]


def _sec(name: str) -> str:
    return f"{{{SEC_NS}}}{name}"


def sign(envelope: bytes, identity: Identity, *, now: dt.datetime | None = None) -> bytes:
    """The envelope with a security header (time, nonce) and an enveloped signature."""
    root = parse(envelope)
    header = root.find(f"{{{SOAP_NS}}}Header")
    if header is None:
        header = etree.Element(f"{{{SOAP_NS}}}Header")
        root.insert(0, header)
    security = etree.SubElement(header, _sec("Sikkerhed"), nsmap={"sec": SEC_NS})
    created = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    etree.SubElement(security, _sec("Oprettet")).text = created.isoformat(timespec="seconds")
    etree.SubElement(security, _sec("Nonce")).text = secrets.token_hex(16)
    etree.SubElement(security, f"{{{DS_NS}}}Signature", nsmap={"ds": DS_NS}).set(
        "Id", "placeholder"
    )
    signer = _Signer(
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm="sha256",
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    # signxml reads a PEM certificate as text (it decodes bytes as UTF-8 itself).
    signed = signer.sign(root, key=_private_key(identity.key_pem), cert=identity.cert_pem.decode())
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


@functools.lru_cache(maxsize=16)
def _private_key(key_pem: bytes) -> Any:
    """The key, loaded once: loading checks the RSA key's consistency, which cost 40 ms of
    the 62 ms that signing a 500-claim call took."""
    return serialization.load_pem_private_key(key_pem, password=None)


def _refuse(code: str, message: str) -> SignatureError:
    return SignatureError(code, message)


def _signing_certificate(root: etree._Element) -> bytes:
    found = root.findall(f".//{{{DS_NS}}}X509Certificate")
    if len(found) != 1 or not (found[0].text or "").strip():
        raise _refuse("signature_missing", gettext_noop("The call is not signed."))
    body = "".join((found[0].text or "").split())
    return f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n".encode()


def verify(
    data: bytes,
    trusted: Callable[[str], bytes | None],
    *,
    max_bytes: int = MAX_MESSAGE_BYTES,
) -> Verified:
    """Check the signature against the registered certificate whose fingerprint matches the
    one the call carries (``trusted`` maps a fingerprint to that certificate, or None)."""
    root = parse(data, max_bytes=max_bytes)
    carried = _signing_certificate(root)
    try:
        print_ = fingerprint(carried)
    except ValueError:
        raise _refuse(
            "certificate_invalid", gettext_noop("The certificate is not valid.")
        ) from None
    registered = trusted(print_)
    if registered is None:
        raise _refuse(
            "certificate_unknown", gettext_noop("The signing certificate is not registered.")
        )
    try:
        result = _Verifier().verify(root, x509_cert=registered.decode(), expect_references=1)
    except (InvalidSignature, InvalidInput):
        raise _refuse(
            "signature_invalid",
            gettext_noop("The signature does not match the message: it was changed or forged."),
        ) from None
    if (
        not isinstance(result, VerifyResult)  # never a list: expect_references=1
        or result.signed_xml is None
        or result.signed_xml.tag != root.tag
    ):
        raise _refuse(
            "signature_scope", gettext_noop("The signature must cover the whole message.")
        )
    return _read_security(result.signed_xml, print_)


def _read_security(signed: etree._Element, print_: str) -> Verified:
    security = signed.find(f"{{{SOAP_NS}}}Header/{_sec('Sikkerhed')}")
    created_text = security.findtext(_sec("Oprettet")) if security is not None else None
    nonce = security.findtext(_sec("Nonce")) if security is not None else None
    try:
        created = dt.datetime.fromisoformat(created_text or "")
    except ValueError:
        created = None
    if created is None or created.tzinfo is None or not nonce:
        raise _refuse(
            "security_header",
            gettext_noop("The security header must carry a time with zone and a nonce."),
        )
    envelope = etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
    return Verified(print_, created, nonce, envelope)


def nonce_key(verified: Verified) -> str:
    """What a receiver remembers to refuse a replay: the signer and its nonce."""
    return hashlib.sha256(f"{verified.fingerprint}:{verified.nonce}".encode()).hexdigest()
