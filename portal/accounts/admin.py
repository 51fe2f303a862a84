"""Admin: users are managed by Django's own admin; the audit log is visible but read-only."""
from django.contrib import admin
from django.http import HttpRequest

from portal.accounts.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: an audit log that admins could edit would prove nothing."""

    list_display = ("created_at", "user", "action", "client_id")
    list_filter = ("action", "created_at")
    search_fields = ("client_id", "user__username")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "user", "action", "client_id", "details")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
