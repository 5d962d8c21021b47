"""Signed calls: a signature from a registered system passes; a changed body, another key,
an unknown certificate, a moved signature or no signature at all is refused with its reason."""

import datetime as dt
import subprocess
import sys
import uuid

import pytest
from lxml import etree

from bibdebitor.protocol.codec import decode_request, encode
from bibdebitor.protocol.messages import (
    CoverageKind,
    CoverageRegistration,
    CoverageRequest,
    Header,
    SystemRef,
)
from bibdebitor.protocol.safexml import ProtocolError
from bibdebitor.protocol.signing import SignatureError, make_identity, nonce_key, sign, verify

LIBRARY = make_identity("FBS Cicero")
OTHER = make_identity("Somebody else")


def envelope(amount: int = 10_000) -> bytes:
    header = Header(
        uuid.uuid4(),
        dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC),
        SystemRef(uuid.uuid4(), uuid.uuid4()),
        SystemRef(uuid.uuid4(), uuid.uuid4()),
    )
    payment = CoverageRegistration(
        uuid.uuid4(), "konto-1", CoverageKind.PAYMENT, dt.date(2026, 11, 20), "717300-1", amount
    )
    return encode(CoverageRequest(header, (payment,)))


def registry(*identities):
    known = {i.fingerprint: i.cert_pem for i in identities}
    return known.get


def test_a_signed_call_verifies_and_still_decodes():
    signed = sign(envelope(), LIBRARY)
    verified = verify(signed, registry(LIBRARY))
    assert verified.fingerprint == LIBRARY.fingerprint
    assert verified.created.tzinfo is not None
    assert isinstance(decode_request(verified.envelope), CoverageRequest)


def test_each_signing_has_its_own_nonce():
    body = envelope()
    first, second = (verify(sign(body, LIBRARY), registry(LIBRARY)) for _ in range(2))
    assert nonce_key(first) != nonce_key(second)


def test_a_changed_body_is_refused():
    signed = sign(envelope(), LIBRARY)
    tampered = signed.replace(b">10000<", b">1<")
    assert tampered != signed
    with pytest.raises(SignatureError) as refused:
        verify(tampered, registry(LIBRARY))
    assert refused.value.code == "signature_invalid"


def test_an_unknown_certificate_is_refused():
    with pytest.raises(SignatureError) as refused:
        verify(sign(envelope(), OTHER), registry(LIBRARY))
    assert refused.value.code == "certificate_unknown"


def test_a_registered_certificate_with_another_key_is_refused():
    # The call carries the library's certificate, but was signed with someone else's key.
    forged = sign(envelope(), type(LIBRARY)(OTHER.key_pem, LIBRARY.cert_pem))
    with pytest.raises(SignatureError) as refused:
        verify(forged, registry(LIBRARY))
    assert refused.value.code == "signature_invalid"


def test_an_unsigned_call_is_refused():
    with pytest.raises(SignatureError) as refused:
        verify(envelope(), registry(LIBRARY))
    assert refused.value.code == "signature_missing"


def test_a_signature_moved_onto_another_body_is_refused():
    signed = etree.fromstring(sign(envelope(), LIBRARY))
    other = etree.fromstring(envelope())
    signed_body = signed.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
    other_body = other.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
    signed.replace(signed_body, other_body)
    with pytest.raises(SignatureError):
        verify(etree.tostring(signed, encoding="utf-8"), registry(LIBRARY))


def test_hostile_xml_is_refused_before_any_signature_work():
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    with pytest.raises(ProtocolError) as refused:
        verify(hostile, registry(LIBRARY))
    assert refused.value.code == "xml_dtd_forbidden"


# A fresh process that has built no schema yet: eight threads ask for signxml's schemas (the
# first thing its verification builds) at the same moment while a ninth decodes a message;
# libxml2 building two XSDs at once failed ("… not a built-in type") or crashed.
_FIRST_CALLS_AT_ONCE = """
import pathlib, sys, threading
from signxml import XMLVerifier
from bibdebitor.protocol.codec import decode_request
import bibdebitor.protocol.signing

plain = pathlib.Path(sys.argv[1]).read_bytes()
start = threading.Barrier(9)
failures = []

def first(work):
    start.wait()
    try:
        work()
    except Exception as error:
        failures.append(repr(error))

threads = [threading.Thread(target=first, args=(XMLVerifier.schemas,)) for _ in range(8)]
threads.append(threading.Thread(target=first, args=(lambda: decode_request(plain),)))
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(failures)
"""


def test_a_fresh_process_builds_its_first_schemas_one_at_a_time(tmp_path):
    plain = tmp_path / "envelope.xml"
    plain.write_bytes(envelope())
    for _ in range(10):  # the race it guards against struck about one run in four
        run = subprocess.run(
            [sys.executable, "-c", _FIRST_CALLS_AT_ONCE, str(plain)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        assert run.stdout.strip() == "[]"
