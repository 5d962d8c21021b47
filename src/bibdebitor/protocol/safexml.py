"""Parsing XML from the network without trusting it: no DTD, no entity expansion, no network
access, a size cap, and UTF-8 only (so that the DOCTYPE check cannot be dodged by another
encoding). A refused document raises ``ProtocolError`` and nothing else."""

from __future__ import annotations

import threading

from lxml import etree

from bibdebitor.domain.errors import DomainError, gettext_noop

MAX_MESSAGE_BYTES = 32 * 1024 * 1024
_OTHER_ENCODING_MARKS = (b"\xfe\xff", b"\xff\xfe", b"\x00\x00", b"\x00<", b"<\x00")

# libxml2 reads an XSD with process-wide state: two threads building schemas at once fail
# ("xmlSchemaPValAttrNodeValue … not a built-in type") or crash the process. Every schema
# the process builds, ours and signxml's, is built holding this lock.
SCHEMA_BUILDING = threading.Lock()


class ProtocolError(DomainError):
    """A message that cannot be accepted as it is: malformed, hostile or against the schema."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _prolog_end(data: bytes) -> int:
    """Where the prolog (declaration, comments, processing instructions) ends: at the root
    element or at a document type declaration, the only place one can stand (elsewhere it, and
    any entity declaration, is malformed XML). Scanning just this far, not the whole message,
    keeps the check's cost independent of the message's size."""
    at = data.find(b"<")
    while at != -1:
        if data.startswith(b"<?", at):
            close = data.find(b"?>", at)
        elif data.startswith(b"<!--", at):
            close = data.find(b"-->", at)
        else:
            return at
        if close == -1:
            return len(data)
        at = data.find(b"<", close)
    return len(data)


def parse(data: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES) -> etree._Element:
    if len(data) > max_bytes:
        raise ProtocolError("xml_too_large", gettext_noop("The message is larger than allowed."))
    if data.startswith(_OTHER_ENCODING_MARKS):
        raise ProtocolError("xml_encoding", gettext_noop("The message must be encoded as UTF-8."))
    if data.startswith(b"<!", _prolog_end(data)):
        raise ProtocolError(
            "xml_dtd_forbidden", gettext_noop("Document type declarations are not allowed.")
        )
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError):
        raise ProtocolError(
            "xml_malformed", gettext_noop("The message is not well-formed XML.")
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # type: ignore[union-attr]  # lxml-stubs lack DocInfo.doctype
        raise ProtocolError(
            "xml_dtd_forbidden", gettext_noop("Document type declarations are not allowed.")
        )
    if (docinfo.encoding or "UTF-8").upper() not in {"UTF-8", "UTF8"}:
        raise ProtocolError("xml_encoding", gettext_noop("The message must be encoded as UTF-8."))
    return root
