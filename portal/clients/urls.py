"""Client pages of the portal (all behind the login, see LoginRequiredMiddleware)."""
from django.urls import path

from portal.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.search, name="search"),
    path("clients/<int:client_id>/", views.client_detail, name="detail"),
    path("clients/<int:client_id>/simulation/", views.client_simulation, name="simulation"),
    path("clients/<int:client_id>/comparaison/", views.client_compare, name="compare"),
]
