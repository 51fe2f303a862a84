"""The two decisions, as stored and sent by the API, and as advisors read them."""
from __future__ import annotations

GRANTED = "accordé"
REFUSED = "refusé"
DECISIONS: tuple[str, str] = (GRANTED, REFUSED)

LABELS = {GRANTED: "Crédit accordé", REFUSED: "Crédit refusé"}
# shown beside the words, never alone (WCAG 1.4.1: not by colour or shape only)
ICONS = {GRANTED: "✔", REFUSED: "✖"}
NOT_EVALUATED = "non évalué"
# headings of the score beside client data
PROBABILITY = "Probabilité de défaut"
DECISION = "Décision"
THRESHOLD = "Seuil de refus"


def label(decision: str | None) -> str:
    """``"refusé"`` → ``"Crédit refusé"``; no decision → « non évalué »."""
    return LABELS.get(decision or "", decision or NOT_EVALUATED)


def icon(decision: str | None) -> str:
    return ICONS.get(decision or "", "")
