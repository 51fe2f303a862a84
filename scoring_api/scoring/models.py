"""What the API stores: one ``PredictionEvent`` per prediction served (the monitoring source)."""
from __future__ import annotations

from django.db import models

from vocabulary import decisions


class PredictionEvent(models.Model):
    """A prediction served by the API, with the model inputs, for audit and drift monitoring."""

    class Endpoint(models.TextChoices):
        SCORE_CLIENT = "score_client", "GET /score/<id>"
        SCORE_APPLICATION = "score_application", "POST /score"

    class Decision(models.TextChoices):
        GRANTED = decisions.GRANTED, decisions.GRANTED
        REFUSED = decisions.REFUSED, decisions.REFUSED

    class Source(models.TextChoices):
        REALTIME = "realtime", "temps réel"
        BATCH = "batch", "lot"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    endpoint = models.CharField(max_length=32, choices=Endpoint.choices)
    client_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    input_hash = models.CharField(max_length=64, blank=True,
                                  help_text="sha256 du JSON canonique de la demande (POST)")
    model_name = models.CharField(max_length=100)
    model_version = models.CharField(max_length=20)
    probability_default = models.FloatField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    threshold = models.FloatField()
    latency_ms = models.FloatField()
    features = models.JSONField(help_text="valeurs d'entrée du modèle (manquant → null)")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REALTIME)
    simulation = models.BooleanField(
        default=False, help_text="simulation du portail : exclue du suivi des taux de refus")
    # The challenger in shadow (MLflow alias ``challenger``): scored on the same input, stored
    # here, never returned; null when no challenger is registered or when it failed.
    challenger_model_version = models.CharField(max_length=20, blank=True, default="")
    challenger_probability_default = models.FloatField(null=True, blank=True)
    challenger_threshold = models.FloatField(null=True, blank=True)
    challenger_latency_ms = models.FloatField(null=True, blank=True,
                                              help_text="temps du challenger, en plus de la réponse")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "prédiction"
        verbose_name_plural = "prédictions"
        indexes = [models.Index(fields=["model_name", "model_version", "created_at"])]

    def __str__(self) -> str:
        who = f"client {self.client_id}" if self.client_id else f"demande {self.input_hash[:8]}"
        return f"{who} : {self.decision} ({self.probability_default:.1%})"
