"""Routes of the decisions app, without trailing slash like the rest of the API."""
from django.urls import path

from scoring_api.decisions import views

urlpatterns = [
    path("clients/<int:id>/decisions", views.DecisionsView.as_view(), name="decisions"),
]
