"""What each monitoring run measured, and the alerts it raised."""
from __future__ import annotations

from django.db import models


class MonitoringRun(models.Model):
    """One pass of ``manage.py monitor`` over a window of prediction events."""

    class Status(models.TextChoices):
        OK = "ok", "OK"
        ALERT = "alert", "Alerte"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OK)
    n_events = models.PositiveIntegerField(help_text="real (non-simulation) events of the window")
    n_simulations = models.PositiveIntegerField(default=0)
    model_name = models.CharField(max_length=100, blank=True)
    model_version = models.CharField(max_length=50, blank=True)
    refusal_rate = models.FloatField(null=True)
    reference_refusal_rate = models.FloatField(null=True)
    score_psi = models.FloatField(null=True, help_text="PSI of probability_default vs the reference scores")
    share_drifted = models.FloatField(null=True, help_text="share of compared input features that drifted")
    drifted_features = models.JSONField(default=list)
    feature_drift = models.JSONField(default=list, help_text="per feature: test, value, threshold, drifted")
    latency_p50_ms = models.FloatField(null=True)
    latency_p95_ms = models.FloatField(null=True)
    latency_p99_ms = models.FloatField(null=True)
    report_path = models.CharField(max_length=500, blank=True)
    drift_report_path = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.window_start:%Y-%m-%d %H:%M} → {self.window_end:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class Alert(models.Model):
    """A threshold crossed by a run; stored, logged and sent by email and/or webhook."""

    class Kind(models.TextChoices):
        FEATURE_DRIFT = "feature_drift", "Dérive des variables"
        SCORE_PSI = "score_psi", "Dérive des scores (PSI)"
        REFUSAL_RATE = "refusal_rate", "Taux de refus"
        LATENCY = "latency_p99", "Latence p99"

    run = models.ForeignKey(MonitoringRun, on_delete=models.CASCADE, related_name="alerts")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.FloatField()
    threshold = models.FloatField()
    message = models.TextField()
    emailed = models.BooleanField(default=False)
    webhook_sent = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message}"
