"""Admin: the advisors' decisions, read-only (a record that could be edited would prove nothing)."""
from django.contrib import admin
from django.http import HttpRequest

from scoring_api.decisions.models import AdvisorDecision


@admin.register(AdvisorDecision)
class AdvisorDecisionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "client_id", "advisor", "outcome", "final_decision",
                    "model_decision", "reason_code", "model_version", "probability_default",
                    "in_force")
    list_filter = ("outcome", "final_decision", "reason_code", "model_version", "advisor")
    search_fields = ("client_id", "advisor", "comment")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AdvisorDecision._meta.fields]

    @admin.display(boolean=True, description="en vigueur")
    def in_force(self, record: AdvisorDecision) -> bool:
        return not hasattr(record, "superseded_by")

    def get_queryset(self, request: HttpRequest):  # noqa: ANN201
        return super().get_queryset(request).select_related("superseded_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AdvisorDecision | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AdvisorDecision | None = None) -> bool:
        return False
