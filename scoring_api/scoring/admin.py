from django.contrib import admin

from scoring_api.scoring.models import PredictionEvent


@admin.register(PredictionEvent)
class PredictionEventAdmin(admin.ModelAdmin):
    """Read-only: events are an audit trail, never edited by hand."""

    list_display = ("created_at", "endpoint", "client_id", "model_version",
                    "probability_default", "decision", "latency_ms", "simulation")
    list_filter = ("endpoint", "decision", "simulation", "model_version", "source")
    search_fields = ("client_id", "input_hash")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
