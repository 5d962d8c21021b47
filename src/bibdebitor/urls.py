from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from bibdebitor.citizen import api as citizen_api
from bibdebitor.citizen import views as citizen_views
from bibdebitor.common.web import dress_admin_site
from bibdebitor.ledger import views as ledger_views
from bibdebitor.sortiment import views as sortiment_views
from bibdebitor.transfer import staff as transfer_staff
from bibdebitor.transfer import views as transfer_views

dress_admin_site(settings.BIBDEBITOR_SITE_TITLE)

urlpatterns = [
    path("", include("bibdebitor.common.urls")),  # healthz, readyz, metrics
    path("", ledger_views.overview, name="overview"),
    path("cutover/preview/", sortiment_views.cutover_preview, name="cutover-preview"),
    path(
        "sf1590/DaekningAfskrivningRegistreringAfsend/1",
        transfer_views.coverage,
        name="sf1590-coverage",
    ),
    path("opgaver/", transfer_staff.task_list, name="tasks"),
    path("opgaver/<int:task_id>/", transfer_staff.task_action, name="task-action"),
    path("opgaver/send-igen/", transfer_staff.task_bulk_retry, name="tasks-bulk-retry"),
    path("afstemning/", transfer_staff.reconciliation, name="reconciliation"),
    path("afstemning/koer/", transfer_staff.reconciliation_start, name="reconciliation-start"),
    path("oauth/token", citizen_api.token, name="oauth-token"),
    path("external/agencyid/patron/patronid/fees/v2", citizen_api.fees, name="fbs-fees"),
    path("borger/<str:agency_id>/", citizen_views.fees_page, name="citizen-overview"),
    path("borger/<str:agency_id>/log-ind/", citizen_views.sign_in, name="citizen-sign-in"),
    path("borger/<str:agency_id>/log-ud/", citizen_views.sign_out, name="citizen-sign-out"),
    path("borger/<str:agency_id>/betal/", citizen_views.pay, name="citizen-pay"),
    path("", include("bibdebitor.backoffice.urls")),
    path("admin/", admin.site.urls),
]
