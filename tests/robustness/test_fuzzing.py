"""Malformed, oversized and hostile input at every machine endpoint of the three processes:
the SOAP services (library coverage, debtor registration, the platform's gate) and the JSON/
form endpoints (OAuth token, fees API, claim statement, set-up, platform status). Each answer
is a clear refusal — a 4xx with a SOAP Client fault or a JSON error naming the problem — never
a 500, and nothing in the ledger, the debtor system or the platform changes."""

from __future__ import annotations

import hashlib
import uuid

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from bibdebitor.citizen.models import AccessToken, ClientSystem
from bibdebitor.common.credentials import digest
from bibdebitor.harness.broker import BrokerProcess
from bibdebitor.harness.debtor import DebtorProcess
from bibdebitor.ledger.models import ClaimEvent
from bibdebitor.protocol.codec import encode
from bibdebitor.protocol.safexml import MAX_MESSAGE_BYTES
from bibdebitor.transfer.models import CoverageCredential, InboxMessage
from tests.library_fixtures import with_integration_settings
from tests.protocol.samples import registration
from tests.protocol.test_hostile_xml import BILLION_LAUGHS, XXE_FILE
from tests.transfer.test_inbox import registration as coverage_registration
from tests.transfer.test_inbox import request_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SOAP_HEADERS = {"Content-Type": "text/xml; charset=utf-8"}
CLIENT_SECRET = "s" * 20
COVERAGE_PATH = "/sf1590/DaekningAfskrivningRegistreringAfsend/1"
REGISTRATION_PATH = "/sf1590/DebitorRegistreringAfsend/1"

# Each of these breaks well-formedness wherever it is put into a document.
BREAKERS = [b"<", b"&", b"\x00", b"</x>", b"<!DOCTYPE x>", b"\xff\xfe", b"]]>", b"<a b=>"]
HOSTILE = {
    "empty": b"",
    "not xml": b"hello",
    "json": b'{"amount": 1}',
    "billion laughs": BILLION_LAUGHS,
    "external entity": XXE_FILE,
    "external dtd": b'<?xml version="1.0"?><!DOCTYPE s SYSTEM "http://127.0.0.1:9/x.dtd"><s/>',
    "utf-16": '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"),
    "deep nesting": b"<a>" * 100_000 + b"</a>" * 100_000,
    "processing instruction": b'<?xml-stylesheet href="http://127.0.0.1:9/x"?><a/>',
    "wrong root": b"<a/>",
    "soap without body": b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>',
}


# --- the servers ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def debtor(tmp_path_factory):
    process = DebtorProcess(tmp_path_factory.mktemp("fuzz-debtor")).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def broker(tmp_path_factory, debtor):
    process = BrokerProcess(tmp_path_factory.mktemp("fuzz-broker")).start()
    process.status_token = process.platform("status-client", "--name=fuzz")
    yield process
    process.stop()


@pytest.fixture
def library(live_server, agency):
    """The library with a coverage caller and a fees-API client."""
    with_integration_settings(agency)
    token = uuid.uuid4().hex
    CoverageCredential.objects.create(
        agency=agency, token_sha256=hashlib.sha256(token.encode()).hexdigest(), name="fuzz"
    )
    ClientSystem.objects.create(
        client_id="fuzz",
        agency=agency,
        name="fuzz",
        secret_sha256=digest(CLIENT_SECRET),
        active=True,
    )
    return live_server.url, token


@pytest.fixture
def http():
    with httpx.Client(timeout=30) as client:
        yield client


# --- what a clear refusal is ----------------------------------------------------------------


def assert_soap_refusal(response: httpx.Response, context: object = "") -> None:
    assert 400 <= response.status_code < 500, (context, response.status_code, response.text[:300])
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    fault = etree.fromstring(response.content, parser)
    assert fault.findtext(".//faultcode").endswith("Client")
    assert fault.findtext(".//faultstring").strip()


def assert_json_refusal(response: httpx.Response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    body = response.json()
    assert any(str(body.get(key, "")).strip() for key in ("error", "message", "fejl")), body


def library_state() -> tuple[int, int, int]:
    return ClaimEvent.objects.count(), InboxMessage.objects.count(), AccessToken.objects.count()


def debtor_state(debtor) -> list[tuple]:
    return debtor.query(
        "SELECT (SELECT count(*) FROM debtor_debtorclaim), "
        "(SELECT count(*) FROM debtor_inboundtransaction), "
        "(SELECT count(*) FROM debtor_claimentry)"
    )


def broker_state(broker) -> list[tuple]:
    return broker.query(
        "SELECT (SELECT count(*) FROM broker_call WHERE outcome = 'forwarded'), "
        "(SELECT count(*) FROM broker_seennonce)"
    )


# --- the SOAP services --------------------------------------------------------------------


def soap_targets(library, agency, debtor, broker):
    """(name, URL, bearer token, a valid body to break, how to read the state)."""
    base, coverage_token = library
    return [
        (
            "library coverage",
            base + COVERAGE_PATH,
            coverage_token,
            encode(request_for(agency, coverage_registration("999999-1"))),
            library_state,
        ),
        (
            "debtor registration",
            debtor.base_url + REGISTRATION_PATH,
            debtor.token,
            encode(registration()),
            lambda: debtor_state(debtor),
        ),
        (
            "platform gate",
            broker.url("DebitorRegistreringAfsend"),
            "",
            encode(registration()),
            lambda: broker_state(broker),
        ),
    ]


def post_soap(http, url, token, body, headers=SOAP_HEADERS):
    headers = {**headers, **({"Authorization": f"Bearer {token}"} if token else {})}
    return http.post(url, content=body, headers=headers)


def test_hostile_xml_is_refused_everywhere_without_effect(library, agency, debtor, broker, http):
    for name, url, token, _valid, state in soap_targets(library, agency, debtor, broker):
        before = state()
        for case, body in HOSTILE.items():
            response = post_soap(http, url, token, body)
            assert_soap_refusal(response, (name, case))
        assert state() == before, name


def test_oversized_messages_are_refused_by_size(library, agency, debtor, broker, http):
    too_big = b"<a>" + b"x" * MAX_MESSAGE_BYTES + b"</a>"
    for name, url, token, _valid, state in soap_targets(library, agency, debtor, broker):
        before = state()
        response = post_soap(http, url, token, too_big)
        assert response.status_code == 413, name
        assert b"xml_too_large" in response.content
        assert state() == before, name


def test_broken_copies_of_valid_messages_are_refused_without_effect(
    library, agency, debtor, broker, http
):
    targets = soap_targets(library, agency, debtor, broker)
    befores = [state() for *_, state in targets]

    @FUZZ
    @given(
        target=st.integers(0, len(targets) - 1),
        where=st.floats(0, 1, exclude_max=True),
        breaker=st.sampled_from(BREAKERS),
        cut=st.booleans(),
    )
    def check(target, where, breaker, cut):
        _name, url, token, valid, _state = targets[target]
        at = int(where * len(valid))
        body = valid[:at] if cut else valid[:at] + breaker + valid[at:]
        assert_soap_refusal(post_soap(http, url, token, body), (target, at, breaker, cut))

    check()
    assert [state() for *_, state in targets] == befores


# --- the JSON and form endpoints -------------------------------------------------------------

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=60) | st.sampled_from(
    ["", "\x00", "9" * 40, "-1", "1e9", "true\x00", "' OR 1=1 --", "%00", "😀" * 20]
)


def test_the_oauth_token_endpoint_refuses_garbage(library, http):
    base, _ = library
    before = library_state()

    @FUZZ
    @given(
        grant=ANY_TEXT | st.just("password"),
        client=ANY_TEXT | st.just("fuzz"),
        secret=ANY_TEXT | st.just(CLIENT_SECRET),
        username=ANY_TEXT,
        pin=ANY_TEXT,
    )
    @example(grant="password", client="\x00", secret="\x00", username="", pin="")
    @example(grant="password", client="fuzz", secret=CLIENT_SECRET, username="\x00", pin="1")
    @example(grant="password", client="fuzz", secret=CLIENT_SECRET, username="1", pin="\x00")
    def check(grant, client, secret, username, pin):
        form = {
            "grant_type": grant,
            "client_id": client,
            "client_secret": secret,
            "username": username,
            "password": pin,
        }
        assert_json_refusal(http.post(f"{base}/oauth/token", data=form))

    check()
    not_form = http.post(
        f"{base}/oauth/token", content=b"\xff" * 100, headers={"Content-Type": "text/plain"}
    )
    assert_json_refusal(not_form)
    assert library_state() == before


def test_the_fees_api_refuses_garbage(library, http):
    base, _ = library
    url = f"{base}/external/agencyid/patron/patronid/fees/v2"

    @FUZZ
    @given(token=ANY_TEXT, paid=ANY_TEXT, nonpayable=ANY_TEXT)
    @example(token="\x00", paid="\x00", nonpayable="true")
    def check(token, paid, nonpayable):
        headers = {"Authorization": f"Bearer x{token.encode('utf-8').hex()}"}
        params = {"includepaid": paid, "includenonpayable": nonpayable}
        assert_json_refusal(http.get(url, params=params, headers=headers))

    check()


def test_the_debtor_statement_and_set_up_refuse_garbage(debtor, http):
    before = debtor_state(debtor)
    statement = f"{debtor.base_url}/sf1590/FordringOversigt/1"
    auth = {"Authorization": f"Bearer {debtor.token}"}

    @FUZZ
    @given(after=ANY_TEXT | st.integers().map(str), limit=ANY_TEXT | st.integers().map(str))
    @example(after="9" * 30, limit="10")  # beyond a 64-bit key
    @example(after="-9" * 30, limit="1")
    @example(after="0", limit="9" * 5000)  # beyond Python's int-parsing limit
    def check(after, limit):
        response = http.get(statement, params={"efter": after, "antal": limit}, headers=auth)
        if response.status_code == 200:  # two numbers in range: a page, and a cursor
            assert set(response.json()) == {"fordringer", "naeste"}
        else:
            assert_json_refusal(response)

    check()
    for path in ("FordringOversigt", "Opsaetning"):
        refused = http.get(f"{debtor.base_url}/sf1590/{path}/1", headers={"Authorization": "x"})
        assert_json_refusal(refused)
    assert debtor_state(debtor) == before


def test_the_platform_status_api_refuses_garbage(broker, http):
    before = broker_state(broker)
    auth = {"Authorization": f"Bearer {broker.status_token}"}

    @FUZZ
    @given(organisation=st.uuids(), token=ANY_TEXT)
    def check(organisation, token):
        url = f"{broker.base_url}/api/kommuner/{organisation}/"
        assert_json_refusal(http.get(url, headers=auth))  # not a known municipality
        wrong = {"Authorization": f"Bearer x{token.encode('utf-8').hex()}"}
        assert_json_refusal(http.get(url, headers=wrong))

    check()
    not_a_uuid = http.get(f"{broker.base_url}/api/kommuner/%00'--/", headers=auth)
    assert not_a_uuid.status_code == 404
    assert broker_state(broker) == before


def test_answers_never_echo_the_input(library, http):
    """A refusal names the problem, not the payload (which may carry a CPR number)."""
    base, token = library
    body = b"<s:Envelope><cpr>0101701234</cpr><&"
    response = post_soap(http, base + COVERAGE_PATH, token, body)
    assert_soap_refusal(response)
    assert b"0101701234" not in response.content


def test_a_nul_character_is_refused_on_staff_pages_too(library, http):
    """PostgreSQL cannot compare a NUL, so it is refused before any view or query."""
    base, _ = library
    response = http.get(f"{base}/dashboard/", params={"agency": "\x00"})
    assert response.status_code == 400
    assert "NUL-tegn" in response.text
