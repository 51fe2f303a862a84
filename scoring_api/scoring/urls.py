"""Routes of the scoring app, without trailing slashes (``/score/100002``, contract)."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from scoring_api.scoring import views

router = SimpleRouter(trailing_slash=False)
router.register("score", views.ScoreViewSet, basename="score")
router.register("clients", views.ClientViewSet, basename="client")
router.register("population", views.PopulationViewSet, basename="population")

urlpatterns = [
    path("health", views.HealthView.as_view(), name="health"),
    path("ping", views.PingView.as_view(), name="ping"),
    path("model", views.ModelView.as_view(), name="model"),
    *router.urls,
]
