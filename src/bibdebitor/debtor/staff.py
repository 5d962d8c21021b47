"""Pages for the municipality's debtor staff: what the mapping table lacks, bank files,
finding claims, placing unplaced payments, letters, and writing off a claim. Every page
needs a staff login."""

from __future__ import annotations

import logging
import uuid

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from bibdebitor.common.pagination import CappedPaginator
from bibdebitor.common.web import staff_actor
from bibdebitor.debtor import letters
from bibdebitor.debtor.forms import (
    BankFileForm,
    ClaimSearchForm,
    CprSearchForm,
    PlacementForm,
    WriteOffForm,
    yes_no,
)
from bibdebitor.debtor.models import (
    Account,
    ClaimOrigin,
    DebtorClaim,
    Document,
    Instance,
    Liability,
)
from bibdebitor.debtor.payments import (
    PaymentError,
    allocation_of,
    import_bank_file,
    open_items,
    place_payment,
    unplaced_payments,
    write_off,
)
from bibdebitor.debtor.selectors import (
    CLAIM_ORDERS,
    ClaimQuery,
    ClaimState,
    claims_of_party,
    class_titles,
    current_liabilities,
    find_claims,
    handed_over_claims,
    liable_party,
    open_balances,
)
from bibdebitor.debtor.setup import unmapped_classes
from bibdebitor.domain.catalogue import ACCOUNT_TYPE_FACET, CLAIM_TYPE_FACET
from bibdebitor.domain.money import format_kroner

log = logging.getLogger(__name__)

PAGE_SIZE = 50
CPR_SESSION_KEY = "debtor_cpr_search"
ORDER_LABELS = {
    "nyeste": gettext_lazy("Newest first"),
    "aeldste": gettext_lazy("Oldest first"),
    "beloeb": gettext_lazy("Largest amount first"),
    "id": gettext_lazy("Claim id"),
}

MAX_BANK_FILE_BYTES = 20 * 1024 * 1024


@staff_member_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """The staff start page: every instance (municipality) this server runs."""
    instances = Instance.objects.order_by("name")
    return render(request, "debtor/staff_home.html", {"instances": instances})


@staff_member_required
@require_http_methods(["GET"])
def instance_overview(request: HttpRequest, instance_uuid: uuid.UUID) -> HttpResponse:
    instance = get_object_or_404(Instance, instance_uuid=instance_uuid)
    unplaced = unplaced_payments(instance)
    context = {
        "instance": instance,
        "unmapped": unmapped_classes(instance),
        "unplaced": unplaced[:200],
        "bank_form": BankFileForm(),
    }
    return render(request, "debtor/staff_overview.html", context)


@staff_member_required
@require_http_methods(["POST"])
def bank_file(request: HttpRequest, instance_uuid: uuid.UUID) -> HttpResponse:
    instance = get_object_or_404(Instance, instance_uuid=instance_uuid)
    form = BankFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a bank file."))
    elif form.cleaned_data["file"].size > MAX_BANK_FILE_BYTES:
        messages.error(request, _("The bank file is larger than 20 MB."))
    else:
        report = import_bank_file(instance, form.cleaned_data["file"].read())
        messages.info(
            request,
            _("%(booked)d payments booked, %(unplaced)d unplaced, %(duplicates)d already booked.")
            % {
                "booked": report.booked,
                "unplaced": report.unplaced,
                "duplicates": report.duplicates,
            },
        )
        for line, text in report.errors:
            messages.error(request, _("Line %(line)d: %(text)s") % {"line": line, "text": text})
    return redirect("staff-overview", instance_uuid=instance_uuid)


@staff_member_required
@require_http_methods(["GET", "POST"])
def claim_list(request: HttpRequest, instance_uuid: uuid.UUID) -> HttpResponse:
    """Every claim of the instance: search, filters, pages. A CPR number is posted, kept in the
    session, and the list is then shown for it (``?cpr=1``)."""
    instance = get_object_or_404(Instance, instance_uuid=instance_uuid)
    cpr_form = CprSearchForm(request.POST or None)
    if request.method == "POST" and cpr_form.is_valid():
        request.session[CPR_SESSION_KEY] = {
            "instance": str(instance.instance_uuid),
            "cpr": cpr_form.cleaned_data["cpr"],
        }
        log.info("CPR search by %s at %s", request.user.get_username(), instance.name)
        return redirect(reverse("staff-claims", args=[instance_uuid]) + "?cpr=1")
    claim_types = class_titles(instance, CLAIM_TYPE_FACET)
    account_types = class_titles(instance, ACCOUNT_TYPE_FACET)
    form = ClaimSearchForm(
        request.GET or None,
        claim_types=claim_types,
        account_types=account_types,
        states=ClaimState.choices,
        origins=ClaimOrigin.choices,
        orders=[(key, ORDER_LABELS[key]) for key in CLAIM_ORDERS],
    )
    cpr = _searched_cpr(request, instance)
    page = CappedPaginator(find_claims(instance, _claim_query(form, cpr)), PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    shown = list(page)
    liable = current_liabilities({claim.account for claim in shown})
    on_page = DebtorClaim.objects.filter(pk__in=[claim.pk for claim in shown])
    balances, gone = open_balances(on_page), handed_over_claims(on_page)
    rows = [
        (claim, liable.get(claim.account_id), balances.get(claim.pk, 0), claim.pk in gone)
        for claim in shown
    ]
    context = {
        "instance": instance,
        "form": form,
        "cpr_form": cpr_form if request.method == "POST" else CprSearchForm(),
        "cpr_search": bool(cpr),
        "page": page,
        "rows": rows,
        "claim_types": claim_types,
        "query": _without_page(request),
    }
    return render(request, "debtor/staff_claims.html", context)


def _searched_cpr(request: HttpRequest, instance: Instance) -> str:
    saved = request.session.get(CPR_SESSION_KEY) or {}
    if request.GET.get("cpr") == "1" and saved.get("instance") == str(instance.instance_uuid):
        cpr: str = saved["cpr"]  # as claim_list stored it
        return cpr
    return ""


def _claim_query(form: ClaimSearchForm, cpr: str) -> ClaimQuery:
    if not form.is_bound or not form.is_valid():
        return ClaimQuery(cpr=cpr)
    data = form.cleaned_data
    return ClaimQuery(
        text=data["q"],
        cpr=cpr,
        state=data["tilstand"],
        origin=data["oprindelse"],
        claim_type=data["kravtype"] or None,
        account_type=data["kontotype"] or None,
        handed_over=yes_no(data["inddrivelse"]),
        manual=yes_no(data["manuel"]),
        order=data["sortering"] or "nyeste",
    )


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("side", None)
    return query.urlencode()


@staff_member_required
@require_http_methods(["GET", "POST"])
def claim_detail(request: HttpRequest, instance_uuid: uuid.UUID, claim_id: str) -> HttpResponse:
    instance = get_object_or_404(Instance, instance_uuid=instance_uuid)
    claim = get_object_or_404(
        DebtorClaim.objects.select_related("account"), account__instance=instance, claim_id=claim_id
    )
    form = WriteOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            write_off(
                claim,
                form.cleaned_data["amount"],
                form.cleaned_data["reason"],
                actor=staff_actor(request),
            )
        except PaymentError as error:
            form.add_error(None, _(error.message))
        else:
            messages.success(
                request,
                _("%(amount)s written off.")
                % {"amount": format_kroner(form.cleaned_data["amount"])},
            )
            return redirect("staff-claim", instance_uuid=instance_uuid, claim_id=claim_id)
    account_claims = claim.account.claims.exclude(pk=claim.pk).order_by("-received_at", "-id")
    party_claims = claims_of_party(claim).exclude(account=claim.account)[:PAGE_SIZE]
    related = [*account_claims[:PAGE_SIZE], *party_claims]
    context = {
        "instance": instance,
        "claim": claim,
        "liable": liable_party(claim.account),
        "open_ore": open_balances(DebtorClaim.objects.filter(pk=claim.pk)).get(claim.pk, 0),
        "entries": claim.entries.order_by("id"),
        "letters": _letters_of(claim),
        "account_claims": account_claims[:PAGE_SIZE],
        "party_claims": party_claims,
        "related_open": open_balances(DebtorClaim.objects.filter(pk__in=[c.pk for c in related])),
        "claim_types": class_titles(instance, CLAIM_TYPE_FACET),
        "account_types": class_titles(instance, ACCOUNT_TYPE_FACET),
        "form": form,
    }
    return render(request, "debtor/staff_claim.html", context)


def _letters_of(claim: DebtorClaim) -> list[Document]:
    line = getattr(claim, "invoice_line", None)
    return letters.letters_of_invoice(line.invoice) if line is not None else []


@staff_member_required
@require_http_methods(["GET", "POST"])
def placement(request: HttpRequest, instance_uuid: uuid.UUID, payment_id: int) -> HttpResponse:
    """Place an unplaced payment: search the account, see how it would be allocated, confirm."""
    instance = get_object_or_404(Instance, instance_uuid=instance_uuid)
    payment = get_object_or_404(unplaced_payments(instance), pk=payment_id)
    chosen = PlacementForm(request.POST or request.GET or None)
    account, invoice = _chosen(instance, chosen)
    if request.method == "POST" and account is not None:
        try:
            booking = place_payment(payment, account, invoice=invoice, actor=staff_actor(request))
        except PaymentError as error:
            messages.error(request, _(error.message))
        else:
            text = _("%(amount)s placed on account %(account)s.") % {
                "amount": format_kroner(booking.allocated_ore),
                "account": account.reference,
            }
            if booking.credit_ore:
                text += " " + _("%(credit)s is kept as a credit on the account.") % {
                    "credit": format_kroner(booking.credit_ore)
                }
            messages.success(request, text)
        return redirect("staff-overview", instance_uuid=instance_uuid)
    search = request.GET.get("q", "").strip()[:100]
    candidates = []
    if search and account is None:
        found = find_claims(instance, ClaimQuery(text=search))
        accounts = list(
            Account.objects.filter(pk__in=found.values("account")).order_by("reference")[:20]
        )
        liable = current_liabilities(accounts)
        candidates = [_candidate(a, liable.get(a.pk)) for a in accounts]
    context = {
        "instance": instance,
        "payment": payment,
        "search": search,
        "candidates": candidates,
        "account": account,
        "invoice": invoice,
        "liable": liable_party(account) if account else None,
        "allocation": allocation_of(account, invoice, payment.amount_ore) if account else None,
        "confirm": chosen,
    }
    return render(request, "debtor/staff_placement.html", context)


def _chosen(instance: Instance, form: PlacementForm) -> tuple[Account | None, Document | None]:
    if not form.is_bound or not form.is_valid():
        return None, None
    account = Account.objects.filter(instance=instance, pk=form.cleaned_data["konto"]).first()
    invoice = None
    if account is not None and form.cleaned_data["faktura"]:
        invoice = account.documents.filter(pk=form.cleaned_data["faktura"], kind="invoice").first()
    return account, invoice


def _candidate(
    account: Account, liable: Liability | None
) -> tuple[Account, Liability | None, int, list[Document]]:
    """An account a payment may be placed on: who, what is open, and its open invoices."""
    items = open_items(account)
    invoices = Document.objects.filter(pk__in={c.invoice_line.invoice_id for c, _o in items})
    return account, liable, sum(o for _c, o in items), list(invoices.order_by("issued_on", "id"))


@staff_member_required
@require_http_methods(["GET"])
def letter(request: HttpRequest, instance_uuid: uuid.UUID, document_id: int) -> HttpResponse:
    instance = get_object_or_404(Instance, instance_uuid=instance_uuid)
    document = get_object_or_404(Document, instance=instance, pk=document_id)
    letter = letters.letter_of(document)
    back = (
        reverse("staff-claim", args=[instance_uuid, letter.lines[0].claim_id])
        if letter.lines
        else reverse("staff-claims", args=[instance_uuid])
    )
    context = {
        "instance": instance,
        "letter": letter,
        "base_template": "debtor/base.html",
        "back_url": back,
        "pdf_url": reverse("staff-letter-pdf", args=[instance_uuid, document.pk]),
    }
    return render(request, "debtor/letter.html", context)


@staff_member_required
@require_http_methods(["GET"])
def letter_pdf(request: HttpRequest, instance_uuid: uuid.UUID, document_id: int) -> HttpResponse:
    instance = get_object_or_404(Instance, instance_uuid=instance_uuid)
    document = get_object_or_404(Document, instance=instance, pk=document_id)
    return letters.pdf_response(document)
