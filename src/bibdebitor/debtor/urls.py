from django.contrib import admin
from django.urls import path

from bibdebitor.debtor import views

urlpatterns = [
    path("sf1590/DebitorRegistreringAfsend/1", views.registration, name="sf1590-registration"),
    path("admin/", admin.site.urls),
]
