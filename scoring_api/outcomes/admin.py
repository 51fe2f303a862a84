"""Admin: the outcomes on record (read only: they come from the lender's systems)."""
from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from scoring_api.outcomes.models import Outcome


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("client_id", "outcome_date", "defaulted", "source", "imported_at", "imported_by")
    list_filter = ("defaulted", "source")
    search_fields = ("client_id",)
    date_hierarchy = "outcome_date"
    readonly_fields = [f.name for f in Outcome._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Outcome | None = None) -> bool:
        return False
