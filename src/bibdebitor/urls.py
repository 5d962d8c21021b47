from django.contrib import admin
from django.urls import path

from bibdebitor.ledger import views as ledger_views

urlpatterns = [
    path("", ledger_views.overview, name="overview"),
    path("admin/", admin.site.urls),
]
