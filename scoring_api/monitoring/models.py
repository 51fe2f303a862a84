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
        ESTIMATED_AUC = "estimated_auc", "AUC estimée (avant les issues)"
        ESTIMATED_COST = "estimated_cost", "Coût métier estimé (avant les issues)"
        REALIZED_AUC = "realized_auc", "AUC réalisée"
        REALIZED_COST = "realized_cost", "Coût métier réalisé"

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


class PerformanceMeasure(models.Model):
    """The model's performance measured by a run, per model version and period (month of the
    predictions): estimated from the probabilities (CBPE) before the outcomes arrive, realized
    once they are known (with, beside it, the estimate on the same predictions)."""

    class Kind(models.TextChoices):
        ESTIMATED = "estimated", "estimée"
        REALIZED = "realized", "réalisée"

    class Role(models.TextChoices):
        CHAMPION = "champion", "champion"
        CHALLENGER = "challenger", "challenger (ombre)"

    run = models.ForeignKey(MonitoringRun, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CHAMPION)
    model_name = models.CharField(max_length=100)
    model_version = models.CharField(max_length=20)
    period = models.CharField(max_length=7, help_text="mois des prédictions, AAAA-MM")
    n = models.PositiveIntegerField(help_text="prédictions mesurées")
    n_defaults = models.PositiveIntegerField(null=True, help_text="défauts constatés (réalisée)")
    threshold = models.FloatField()
    auc = models.FloatField(null=True)
    auc_low = models.FloatField(null=True)
    auc_high = models.FloatField(null=True)
    cost = models.FloatField(null=True, help_text="coût métier par client au seuil du modèle")
    cost_low = models.FloatField(null=True)
    cost_high = models.FloatField(null=True)
    estimated_auc = models.FloatField(null=True, help_text="estimation CBPE sur les mêmes prédictions")
    estimated_cost = models.FloatField(null=True)
    reference_auc = models.FloatField(null=True, help_text="AUC du modèle sur l'échantillon de test de l'entraînement")
    reference_cost = models.FloatField(null=True)
    calibration = models.JSONField(default=list, blank=True,
                                   help_text="par décile : n, probabilité prédite, taux observé et IC")

    class Meta:
        ordering = ["run", "kind", "role", "model_version", "period"]
        verbose_name = "performance mesurée"
        verbose_name_plural = "performances mesurées"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.model_version} {self.period} ({self.get_role_display()})"
