"""The advisor's decision on record: following the model's recommendation or overriding it, and
the short list of reasons for an override (GDPR art. 22: a human decides; EU AI Act: human
oversight). Stored by the API, chosen in the portal, shown in both admins and in monitoring."""
from __future__ import annotations

FOLLOWED = "followed"
OVERRIDDEN = "overridden"
OUTCOMES = {
    FOLLOWED: "Suit la recommandation du modèle",
    OVERRIDDEN: "S'écarte de la recommandation du modèle",
}

# Why an advisor overrides the model: a short list, then free text (always required then).
REASONS = {
    "income_or_guarantee": "Revenus, garant ou apport que le modèle ne connaît pas",
    "data_error": "Donnée du dossier erronée ou périmée",
    "client_history": "Historique de la relation avec le client",
    "repayment_capacity": "Capacité de remboursement jugée insuffisante",
    "other": "Autre motif (à préciser dans le commentaire)",
}
COMMENT_MIN_LENGTH = 10  # an override's free text says something, not "ok"
COMMENT_MAX_LENGTH = 1000


def outcome_label(outcome: str) -> str:
    return OUTCOMES.get(outcome, outcome)


def reason_label(code: str) -> str:
    """« Donnée du dossier erronée ou périmée »; no reason → empty text."""
    return REASONS.get(code, code)
