"""Letters as the debtor receives them: every invoice, reminder and notice of hand-over as a
Danish page and a PDF, from one template. The simulated post (Digital Post, paper or
e-invoice) renders each new document once and keeps the PDF it sent."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.contrib.staticfiles import finders
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from bibdebitor.debtor.models import (
    DebtorClaim,
    Document,
    DocumentKind,
    Instance,
    Liability,
    PostedLetter,
)
from bibdebitor.debtor.selectors import liable_party
from bibdebitor.domain.collection import Channel
from bibdebitor.domain.payment_codes import CodeLine

LETTER_TITLES = {
    DocumentKind.INVOICE: _("Invoice"),
    DocumentKind.REMINDER: _("Reminder"),
    DocumentKind.HAND_OVER: _("Notice: your debt is handed over for collection"),
}
CHANNEL_LABELS = {
    Channel.DIGITAL_POST: _("Digital Post"),
    Channel.PAPER: _("letter by post"),
    Channel.E_INVOICE: _("e-invoice (EAN)"),
}
LETTER_CSS = "bibdebitor/letter.css"


@dataclass(frozen=True, slots=True)
class Letter:
    document: Document
    title: str
    sender: Instance
    recipient: Liability | None
    lines: tuple[DebtorClaim, ...]
    paid_before_ore: int  # paid or written off on the lines before the letter was issued
    code_line: CodeLine | None
    channel: str


def letter_of(document: Document) -> Letter:
    """What the letter says, from the journal as it stood on the day it was issued."""
    invoice = document.payment_invoice
    lines = tuple(
        claim
        for claim in DebtorClaim.objects.filter(invoice_line__invoice=invoice).order_by(
            "founded_on", "id"
        )
        if claim.received_on <= document.issued_on  # later reminders' fees joined afterwards
    )
    before = sum(c.amount_ore for c in lines) - document.amount_ore
    return Letter(
        document=document,
        title=str(LETTER_TITLES[DocumentKind(document.kind)]),
        sender=document.instance,
        recipient=liable_party(document.account),
        lines=lines,
        paid_before_ore=max(before, 0),
        code_line=None if document.kind == DocumentKind.HAND_OVER else document.code_line,
        channel=str(CHANNEL_LABELS.get(Channel(document.channel), document.channel)),
    )


def letters_of_invoice(invoice: Document) -> list[Document]:
    """An invoice and the reminders and notice that followed it, in the order sent."""
    return [invoice, *invoice.follow_ups.order_by("issued_on", "id")]


def letter_html(document: Document) -> str:
    """The letter as a whole HTML document (what the PDF is made from)."""
    return render_to_string("debtor/letter_document.html", {"letter": letter_of(document)})


def letter_pdf(document: Document) -> bytes:
    """The PDF that was posted; a document not posted yet is rendered now."""
    posted = PostedLetter.objects.filter(document=document).only("pdf").first()
    if posted is not None:
        return bytes(posted.pdf)
    return render_pdf(document)


def render_pdf(document: Document) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only letters need

    fonts, style = _typesetting()
    pdf: bytes = HTML(string=letter_html(document)).write_pdf(
        stylesheets=[style], font_config=fonts
    )
    return pdf


_typesetter = threading.local()


def _typesetting() -> tuple[Any, Any]:
    """The letter's font configuration and parsed style sheet, made once per thread: a new
    font configuration for each letter kept its fonts' memory (the post grew past 1 GB over a
    few thousand letters) and parsing the style sheet again cost a tenth of a render."""
    if not hasattr(_typesetter, "style"):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _typesetter.fonts = FontConfiguration()
        _typesetter.style = CSS(filename=finders.find(LETTER_CSS), font_config=_typesetter.fonts)
    return _typesetter.fonts, _typesetter.style


def post_letters(instance: Instance | None = None, *, limit: int | None = None) -> int:
    """The simulated post sends every document not sent yet: renders its PDF and keeps it."""
    waiting = Document.objects.filter(posted__isnull=True).order_by("id")
    if instance is not None:
        waiting = waiting.filter(instance=instance)
    sent = 0
    for document in waiting.select_related("instance", "account", "invoice")[:limit]:
        pdf = render_pdf(document)  # outside any transaction: writers never wait on a render
        try:
            with transaction.atomic():
                PostedLetter.objects.create(document=document, pdf=pdf)
        except IntegrityError:  # another worker posted it a moment ago
            continue
        sent += 1
    return sent


def pdf_response(document: Document) -> HttpResponse:
    response = HttpResponse(letter_pdf(document), content_type="application/pdf")
    name = f"{LETTER_TITLES[DocumentKind(document.kind)]}-{document.pk}.pdf".lower()
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
