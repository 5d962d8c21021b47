from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bibdebitor.backoffice.models import DryRunView
from bibdebitor.exports import download
from bibdebitor.sortiment.cutover import preview
from bibdebitor.sortiment.export import as_csv, as_xlsx, sections
from bibdebitor.sortiment.forms import PreviewForm

EXPORTS = {"csv": as_csv, "xlsx": as_xlsx}


@staff_member_required
@permission_required("ledger.view_claim", raise_exception=True)
def cutover_preview(request: HttpRequest) -> HttpResponse:
    """The dry run for a proposed cut-off date. Reads only, so a GET form is right."""
    form = PreviewForm(request.GET or None)
    if not form.is_valid():
        return render(request, "sortiment/preview.html", {"form": form})
    agency, cutoff = form.cleaned_data["agency"], form.cleaned_data["cutoff"]
    result = preview(agency, cutoff)
    # The go-live checklist asks that someone has looked at the dry run for the cut-off date.
    DryRunView.objects.create(
        agency=agency, cutoff=cutoff, code=result.fingerprint, viewed_by=request.user.get_username()
    )
    export = EXPORTS.get(request.GET.get("format", ""))
    if export:
        name = f"skaeringsdato-{result.agency_id}-{result.cutoff}.{request.GET['format']}"
        return download(export(result), name)
    return render(
        request,
        "sortiment/preview.html",
        {
            "form": form,
            "result": result,
            "sections": sections(result),
            "total": result.moving_total,
            "query": request.GET.urlencode(),
        },
    )
