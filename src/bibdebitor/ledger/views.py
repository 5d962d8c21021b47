from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bibdebitor.common.figures import counted
from bibdebitor.ledger.selectors import agency_overview, agency_totals


@staff_member_required
def overview(request: HttpRequest) -> HttpResponse:
    totals = counted("agency-totals", agency_totals)
    context = {"agencies": agency_overview(totals.value), "as_of": totals.as_of}
    return render(request, "ledger/overview.html", context)
