from django.contrib import admin
from django.urls import path

from bibdebitor.ledger import views as ledger_views
from bibdebitor.sortiment import views as sortiment_views
from bibdebitor.transfer import views as transfer_views

urlpatterns = [
    path("", ledger_views.overview, name="overview"),
    path("cutover/preview/", sortiment_views.cutover_preview, name="cutover-preview"),
    path(
        "sf1590/DaekningAfskrivningRegistreringAfsend/1",
        transfer_views.coverage,
        name="sf1590-coverage",
    ),
    path("admin/", admin.site.urls),
]
