"""What the lender learnt months after a decision: did the granted loan default? One outcome
per client and date (sending the same file twice changes nothing); an outcome on record is
never changed by an import (a different value is refused, see ``services``)."""
from __future__ import annotations

from django.db import models
from django.db.models import Q

OUTCOMES_GROUP = "outcomes"
SUBMIT_PERMISSION = "outcomes.submit_outcomes"


class Outcome(models.Model):
    client_id = models.BigIntegerField(db_index=True, help_text="SK_ID_CURR")
    outcome_date = models.DateField(help_text="date à laquelle l'issue a été constatée")
    defaulted = models.PositiveSmallIntegerField(help_text="1 : défaut ; 0 : remboursé")
    source = models.CharField(max_length=200, blank=True,
                              help_text="d'où vient l'issue (fichier importé, système appelant)")
    imported_at = models.DateTimeField(auto_now_add=True, db_index=True)
    imported_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-outcome_date", "client_id"]
        verbose_name = "issue de crédit"
        verbose_name_plural = "issues de crédit"
        permissions = [("submit_outcomes", "Peut envoyer des issues de crédit (POST /outcomes)")]
        constraints = [
            models.UniqueConstraint(fields=["client_id", "outcome_date"], name="outcome_once_per_client_date"),
            models.CheckConstraint(condition=Q(defaulted__in=[0, 1]), name="outcome_defaulted_0_or_1"),
        ]

    def __str__(self) -> str:
        return f"client {self.client_id} le {self.outcome_date:%Y-%m-%d} : {'défaut' if self.defaulted else 'remboursé'}"
