"""Routes of the outcomes app, without trailing slash like the rest of the API."""
from django.urls import path

from scoring_api.outcomes import views

urlpatterns = [path("outcomes", views.OutcomesView.as_view(), name="outcomes")]
