from urllib.parse import urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from bibdebitor.common.exports import download
from bibdebitor.common.web import staff_actor
from bibdebitor.sortiment.cutover import latest_dry_run, preview_from_json, store_dry_run
from bibdebitor.sortiment.export import as_csv, as_xlsx, sections
from bibdebitor.sortiment.forms import PreviewForm

EXPORTS = {"csv": as_csv, "xlsx": as_xlsx}


@staff_member_required
@permission_required("ledger.view_claim", raise_exception=True)
@require_http_methods(["GET", "POST"])
def cutover_preview(request: HttpRequest) -> HttpResponse:
    """The dry run for a proposed cut-off date: made by a POST (it reads every claim) and
    kept; a GET shows the newest one for the date, or offers to make it. Nothing else is
    changed."""
    form = PreviewForm(request.POST if request.method == "POST" else request.GET or None)
    if not form.is_valid():
        return render(request, "sortiment/preview.html", {"form": form})
    agency, cutoff = form.cleaned_data["agency"], form.cleaned_data["cutoff"]
    query = urlencode({"agency": agency.agency_id, "cutoff": cutoff.isoformat()})
    if request.method == "POST":
        store_dry_run(agency, cutoff, actor=staff_actor(request))
        return redirect(f"{reverse('cutover-preview')}?{query}")
    run = latest_dry_run(agency, cutoff)
    context = {"form": form, "agency": agency, "cutoff": cutoff, "run": run, "query": query}
    if run is None:
        return render(request, "sortiment/preview.html", context)
    result = preview_from_json(run.result)
    export = EXPORTS.get(request.GET.get("format", ""))
    if export:
        name = f"skaeringsdato-{result.agency_id}-{result.cutoff}.{request.GET['format']}"
        return download(export(result), name)
    context |= {"result": result, "sections": sections(result), "total": result.moving_total}
    return render(request, "sortiment/preview.html", context)
