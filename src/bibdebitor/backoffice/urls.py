from django.urls import path

from bibdebitor.backoffice import views

urlpatterns = [
    path("kommuner/", views.rollout, name="rollout"),
    path("kommuner/ny/", views.new_agency, name="agency-new"),
    path("kommuner/<str:agency_id>/", views.agency_checklist, name="agency-checklist"),
    path("kommuner/<str:agency_id>/kvitter/", views.sign_off, name="agency-sign-off"),
    path("kommuner/<str:agency_id>/opsaetning/", views.agency_setup, name="agency-setup"),
    path("kommuner/<str:agency_id>/aktiver/", views.agency_switch_on, name="agency-switch-on"),
    path("kommuner/<str:agency_id>/datavask/", views.cleansing, name="agency-cleansing"),
    path("dashboard/", views.overview_dashboard, name="dashboard"),
]
