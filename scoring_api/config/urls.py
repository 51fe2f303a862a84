"""URLs of the scoring API: the scoring app at the root, the admin, the OpenAPI schema and
its Swagger UI. Unknown URLs and crashes answer JSON in the API's error shape."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("scoring_api.scoring.urls")),
    path("", include("scoring_api.decisions.urls")),
    path("", include("scoring_api.outcomes.urls")),
]

handler400 = "scoring_api.config.errors.bad_request"
handler404 = "scoring_api.config.errors.page_not_found"
handler500 = "scoring_api.config.errors.server_error"
