"""The audit log: every client an advisor viewed, compared, simulated, decided on or printed a
summary for, every search, and every refusal of a client page to a user who is not an advisor,
kept for compliance."""
from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One advisor action on one client; written by the views, read-only in the admin."""

    class Action(models.TextChoices):
        VIEW = "view", "consultation"
        COMPARE = "compare", "comparaison"
        SIMULATE = "simulate", "simulation (what-if)"
        DECIDE = "decide", "décision enregistrée"
        SUMMARY = "summary", "synthèse remise au client"
        SEARCH = "search", "recherche de clients"
        DENIED = "denied", "accès refusé (pas conseiller)"

    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="conseiller",
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    action = models.CharField("action", max_length=16, choices=Action.choices)
    # empty for a search, or a refused page that names no client
    client_id = models.BigIntegerField("client", db_index=True, null=True, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "entrée du journal d'audit"
        verbose_name_plural = "journal d'audit"
        # who may see client data besides the "advisor" group (portal.accounts.access)
        permissions = [("view_client_data", "Peut consulter les données des clients")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} {self.client_id or ''}".rstrip()
