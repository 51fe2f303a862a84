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

from scoring_api.monitoring.charts import calibration_chart, calibration_table
from scoring_api.monitoring.models import Alert, MonitoringRun, PerformanceMeasure
from scoring_api.monitoring.report import performance_charts


class AlertInline(admin.TabularInline):
    model = Alert
    extra = 0
    can_delete = False
    fields = ("kind", "value", "threshold", "message", "emailed", "webhook_sent")
    readonly_fields = fields


class PerformanceInline(admin.TabularInline):
    model = PerformanceMeasure
    extra = 0
    can_delete = False
    fields = ("kind", "role", "model_version", "period", "n", "n_defaults", "auc", "auc_low", "auc_high",
              "estimated_auc", "reference_auc", "cost", "cost_low", "cost_high", "estimated_cost",
              "reference_cost", "link")
    readonly_fields = fields

    @admin.display(description="Détail")
    def link(self, measure: PerformanceMeasure) -> str:
        return format_html('<a href="{}">calibration</a>',
                           reverse("admin:monitoring_performancemeasure_change", args=[measure.pk]))

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MonitoringRun)
class MonitoringRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "status", "window_start", "window_end", "n_events", "refusal_rate",
                    "score_psi", "share_drifted", "latency_p99_ms", "report_link")
    list_filter = ("status", "model_version")
    date_hierarchy = "created_at"
    inlines = [AlertInline, PerformanceInline]
    readonly_fields = [f.name for f in MonitoringRun._meta.fields] + ["report_link", "performance"]

    @admin.display(description="Performance (graphiques et tableau)")
    def performance(self, run: MonitoringRun) -> str:
        return performance_charts(list(run.measures.all()), prefix=f"run-{run.pk}")

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


@admin.register(PerformanceMeasure)
class PerformanceMeasureAdmin(admin.ModelAdmin):
    list_display = ("run", "kind", "role", "model_version", "period", "n", "auc", "estimated_auc",
                    "reference_auc", "cost", "estimated_cost", "reference_cost")
    list_filter = ("kind", "role", "model_version", "period")
    readonly_fields = [f.name for f in PerformanceMeasure._meta.fields if f.name != "calibration"] + [
        "calibration_view"]
    exclude = ("calibration",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PerformanceMeasure | None = None) -> bool:
        return False

    @admin.display(description="Calibration par décile")
    def calibration_view(self, measure: PerformanceMeasure) -> str:
        if not measure.calibration:
            return "— (performance estimée : pas d'issue observée)"
        return calibration_chart(chart_id=f"calibration-{measure.pk}",
                                 title=f"Taux de défaut observé par décile de probabilité, v{measure.model_version} "
                                       f"{measure.period}", calibration=measure.calibration) + calibration_table(
            measure.calibration)
