"""Client pages of the portal (all behind the login, see LoginRequiredMiddleware)."""
from django.urls import path

from portal.clients import summary, views

app_name = "clients"

urlpatterns = [
    path("", views.search, name="search"),
    path("clients/<int:client_id>/", views.client_detail, name="detail"),
    path("clients/<int:client_id>/simulation/", views.client_simulation, name="simulation"),
    path("clients/<int:client_id>/comparaison/", views.client_compare, name="compare"),
    path("clients/<int:client_id>/decision/", views.client_decision, name="decision"),
    path("clients/<int:client_id>/synthese/", summary.client_summary, name="summary"),
    path("clients/<int:client_id>/synthese.pdf", summary.client_summary_pdf, name="summary_pdf"),
]
