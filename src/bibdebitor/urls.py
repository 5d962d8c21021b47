from django.contrib import admin
from django.urls import path

from bibdebitor.ledger import views as ledger_views
from bibdebitor.sortiment import views as sortiment_views
from bibdebitor.transfer import staff as transfer_staff
from bibdebitor.transfer import views as transfer_views

urlpatterns = [
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
    path("admin/", admin.site.urls),
]
