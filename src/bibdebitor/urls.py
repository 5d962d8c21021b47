from django.contrib import admin
from django.urls import path

from bibdebitor.ledger import views as ledger_views
from bibdebitor.sortiment import views as sortiment_views

urlpatterns = [
    path("", ledger_views.overview, name="overview"),
    path("cutover/preview/", sortiment_views.cutover_preview, name="cutover-preview"),
    path("admin/", admin.site.urls),
]
