"""Admin: runs (latest first, status, key numbers, link to the HTML report) and alerts.

The reports are served here, behind ``admin_site.admin_view`` (staff only), from the run's
stored path: no file path ever comes from the URL.
"""
from __future__ import annotations

from pathlib import Path

from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from scoring_api.monitoring.models import Alert, MonitoringRun


class AlertInline(admin.TabularInline):
    model = Alert
    extra = 0
    can_delete = False
    fields = ("kind", "value", "threshold", "message", "emailed", "webhook_sent")
    readonly_fields = fields


@admin.register(MonitoringRun)
class MonitoringRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "status", "window_start", "window_end", "n_events", "refusal_rate",
                    "score_psi", "share_drifted", "latency_p99_ms", "report_link")
    list_filter = ("status", "model_version")
    date_hierarchy = "created_at"
    inlines = [AlertInline]
    readonly_fields = [f.name for f in MonitoringRun._meta.fields] + ["report_link"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Rapport")
    def report_link(self, run: MonitoringRun) -> str:
        if not run.report_path:
            return "—"
        links = format_html('<a href="{}">rapport HTML</a>', reverse("admin:monitoring_run_report", args=[run.pk, "summary"]))
        if run.drift_report_path:
            links += format_html(' · <a href="{}">dérive (evidently)</a>',
                                 reverse("admin:monitoring_run_report", args=[run.pk, "drift"]))
        return links

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        """Puts the latest run's status above the list (admins see it first)."""
        latest = MonitoringRun.objects.order_by("-created_at").first()
        return super().changelist_view(request, {**(extra_context or {}), "title": _title(latest)})

    def get_urls(self):
        own = [path("<int:pk>/report/<str:kind>/", self.admin_site.admin_view(self.report_view),
                    name="monitoring_run_report")]
        return own + super().get_urls()

    def report_view(self, request: HttpRequest, pk: int, kind: str) -> FileResponse:
        run = get_object_or_404(MonitoringRun, pk=pk)
        stored = {"summary": run.report_path, "drift": run.drift_report_path}.get(kind)
        if not stored or not Path(stored).is_file():
            raise Http404("rapport introuvable")
        return FileResponse(open(stored, "rb"), content_type="text/html; charset=utf-8")


def _title(latest: MonitoringRun | None) -> str:
    if latest is None:
        return "Monitoring : aucun passage encore (python manage.py monitor)"
    state = "⚠ ALERTE" if latest.status == MonitoringRun.Status.ALERT else "✓ OK"
    return f"Monitoring — dernier passage {latest.created_at:%Y-%m-%d %H:%M} : {state}"


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "value", "threshold", "message", "emailed", "webhook_sent", "run")
    list_filter = ("kind", "emailed", "webhook_sent")
    readonly_fields = [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
