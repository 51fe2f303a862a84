"""What the lender actually decided for a client: the advisor's final decision beside the
model's recommendation at that moment. Append-only: a record is never edited nor deleted; a
new record for the same client supersedes the previous one (a linear chain, kept by the
database: one first record per client, each record superseded at most once)."""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from vocabulary import advisor_decisions as words
from vocabulary import decisions


class AppendOnlyError(Exception):
    """An attempt to change or delete a recorded decision (record a new one instead)."""


class AdvisorDecisionQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN003, ANN201
        raise AppendOnlyError("advisor decisions are never updated: record a new one")

    def delete(self):  # noqa: ANN201
        raise AppendOnlyError("advisor decisions are never deleted")


class AdvisorDecision(models.Model):
    """One final decision of an advisor on a client, with the model's view at that moment."""

    class Outcome(models.TextChoices):
        FOLLOWED = words.FOLLOWED, words.OUTCOMES[words.FOLLOWED]
        OVERRIDDEN = words.OVERRIDDEN, words.OUTCOMES[words.OVERRIDDEN]

    class Decision(models.TextChoices):
        GRANTED = decisions.GRANTED, decisions.GRANTED
        REFUSED = decisions.REFUSED, decisions.REFUSED

    created_at = models.DateTimeField("enregistrée le", auto_now_add=True, db_index=True)
    client_id = models.BigIntegerField("client", db_index=True)
    advisor = models.CharField("conseiller", max_length=150,
                               help_text="identifiant du conseiller, envoyé par le portail")
    recorded_by = models.CharField("compte d'API", max_length=150,
                                   help_text="compte de service qui a transmis la décision")
    outcome = models.CharField("suivi du modèle", max_length=16, choices=Outcome.choices)
    final_decision = models.CharField("décision finale", max_length=10, choices=Decision.choices)
    model_decision = models.CharField("recommandation du modèle", max_length=10,
                                      choices=Decision.choices)
    reason_code = models.CharField("motif", max_length=32, blank=True, choices=list(words.REASONS.items()))
    comment = models.TextField("commentaire", blank=True, max_length=words.COMMENT_MAX_LENGTH)
    model_name = models.CharField("modèle", max_length=100)
    model_version = models.CharField("version du modèle", max_length=20, db_index=True)
    probability_default = models.FloatField("probabilité de défaut")
    threshold = models.FloatField("seuil de refus")
    supersedes = models.OneToOneField(
        "self", verbose_name="remplace", null=True, blank=True, on_delete=models.PROTECT,
        related_name="superseded_by")
    request_id = models.UUIDField("clé d'envoi", null=True, blank=True, unique=True,
                                  help_text="un même envoi répété ne crée pas de doublon")

    objects = AdvisorDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "décision du conseiller"
        verbose_name_plural = "décisions des conseillers"
        constraints = [
            models.UniqueConstraint(fields=["client_id"], condition=Q(supersedes__isnull=True),
                                    name="decisions_one_first_record_per_client"),
        ]
        indexes = [models.Index(fields=["advisor", "created_at"]),
                   models.Index(fields=["model_name", "model_version", "created_at"])]

    def __str__(self) -> str:
        return (f"client {self.client_id} : {self.final_decision} "
                f"({self.get_outcome_display().lower()}, {self.advisor})")

    @property
    def overridden(self) -> bool:
        return self.outcome == self.Outcome.OVERRIDDEN

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        if not self._state.adding:
            raise AppendOnlyError(f"decision {self.pk} is on record: record a new one instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise AppendOnlyError(f"decision {self.pk} is on record and is never deleted")
