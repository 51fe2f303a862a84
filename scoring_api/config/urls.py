"""URLs of the scoring API: the scoring app at the root, the admin, the OpenAPI schema and
its Swagger UI (served from the app: drf-spectacular-sidecar). Unknown URLs and crashes answer JSON in the API's error shape."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves its start-up script as a file: allowed by the CSP (no inline script)
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("", include("scoring_api.scoring.urls")),
    path("", include("scoring_api.decisions.urls")),
    path("", include("scoring_api.outcomes.urls")),
]

handler400 = "scoring_api.config.errors.bad_request"
handler404 = "scoring_api.config.errors.page_not_found"
handler500 = "scoring_api.config.errors.server_error"
