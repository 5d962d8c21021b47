"""Hostile XML must be refused cleanly: no entity expansion, no DTD, no network, a size cap."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from lxml import etree

from bibdebitor.protocol.codec import decode_request, encode
from bibdebitor.protocol.safexml import ProtocolError, _parser, parse

from .samples import registration

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&xxe;</s:Body></s:Envelope>"""


def test_billion_laughs_is_refused():
    with pytest.raises(ProtocolError) as refused:
        decode_request(BILLION_LAUGHS)
    assert refused.value.code == "xml_dtd_forbidden"


def test_external_entity_is_refused():
    with pytest.raises(ProtocolError) as refused:
        decode_request(XXE_FILE)
    assert refused.value.code == "xml_dtd_forbidden"


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY x "leaked">')

    def log_message(self, *args):
        pass


def test_no_network_access_even_if_the_doctype_check_were_bypassed():
    """The pre-check refuses a DOCTYPE; and the parser options alone never fetch one."""
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/evil.dtd"
        payload = f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "{url}"><r>&x;</r>'.encode()
        with pytest.raises(ProtocolError):
            parse(payload)
        root = etree.fromstring(payload, _parser())  # without the pre-check: nothing fetched
        assert "leaked" not in etree.tostring(root, encoding="unicode")
        assert _Recorder.hits == []
    finally:
        server.shutdown()


def test_other_encodings_are_refused():
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16")
    with pytest.raises(ProtocolError) as refused:
        parse(utf16)
    assert refused.value.code == "xml_encoding"
    latin1 = '<?xml version="1.0" encoding="ISO-8859-1"?><a>Æ</a>'.encode("latin-1")
    with pytest.raises(ProtocolError) as refused:
        parse(latin1)
    assert refused.value.code == "xml_encoding"


def test_size_cap():
    data = encode(registration())
    with pytest.raises(ProtocolError) as refused:
        decode_request(data, max_bytes=len(data) - 1)
    assert refused.value.code == "xml_too_large"
    assert decode_request(data, max_bytes=len(data)) is not None


@pytest.mark.parametrize("data", [b"", b"<a>", b"not xml at all", b"\xff\xfe\x00"])
def test_garbage_is_malformed_not_a_crash(data):
    with pytest.raises(ProtocolError):
        parse(data)


def test_error_messages_do_not_echo_the_payload():
    data = encode(registration()).replace(b"1505751007", b"15057510071")
    with pytest.raises(ProtocolError) as refused:
        decode_request(data)
    assert "1505751007" not in str(refused.value)


@pytest.mark.parametrize(
    "data",
    [
        b'<!-- a comment first --><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
        b'<?xml version="1.0"?>\n<?pi data?>\n<!DOCTYPE x><x/>',
        b'<?xml version="1.0"?><!-- <looks like="an element"> --><!DOCTYPE x><x/>',
        b'<!ENTITY a "b"><x/>',
    ],
)
def test_a_declaration_anywhere_in_the_prolog_is_refused_before_parsing(data):
    with pytest.raises(ProtocolError) as refused:
        parse(data)
    assert refused.value.code == "xml_dtd_forbidden"


@pytest.mark.parametrize("data", [b"<x><!DOCTYPE y></x>", b'<x><!ENTITY y "z"></x>'])
def test_a_declaration_after_the_root_element_starts_is_malformed(data):
    with pytest.raises(ProtocolError) as refused:
        parse(data)
    assert refused.value.code == "xml_malformed"
