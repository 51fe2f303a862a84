"""French formatting of numbers and units for advisors ("123 456 €", "45 ans", "12,5 %"):
one place, used by the pages, the chart captions and the data tables."""
from __future__ import annotations

import math
from typing import Any

NBSP = "\u202f"  # narrow no-break space: the French thousands separator

DECISION_LABELS = {"accordé": "Crédit accordé", "refusé": "Crédit refusé"}
DECISION_ICONS = {"accordé": "✔", "refusé": "✖"}


# Home Credit's categorical values are English; advisors read French. Unknown values pass through.
CATEGORIES_FR = {
    "Cash loans": "Prêt personnel", "Revolving loans": "Crédit renouvelable",
    "Working": "Salarié·e", "Commercial associate": "Commercial·e", "Pensioner": "Retraité·e",
    "State servant": "Fonctionnaire", "Unemployed": "Sans emploi", "Student": "Étudiant·e",
    "Businessman": "Chef·fe d'entreprise", "Maternity leave": "Congé maternité",
    "Married": "Marié·e", "Single / not married": "Célibataire", "Civil marriage": "Union civile",
    "Separated": "Séparé·e", "Widow": "Veuf·ve",
    "Secondary / secondary special": "Secondaire", "Higher education": "Supérieur",
    "Incomplete higher": "Supérieur non terminé", "Lower secondary": "Premier cycle",
    "Academic degree": "Diplôme universitaire",
    "Laborers": "Ouvrier·e", "Core staff": "Personnel qualifié", "Accountants": "Comptable",
    "Managers": "Cadre", "Drivers": "Chauffeur·e", "Sales staff": "Vente",
    "Cleaning staff": "Nettoyage", "Cooking staff": "Cuisine", "Private service staff": "Services à la personne",
    "Medicine staff": "Personnel médical", "Security staff": "Sécurité",
    "High skill tech staff": "Technicien·ne qualifié·e", "Waiters/barmen staff": "Serveur·se / barman",
    "Low-skill Laborers": "Ouvrier·e non qualifié·e", "Realty agents": "Agent·e immobilier",
    "Secretaries": "Secrétaire", "IT staff": "Informatique", "HR staff": "Ressources humaines",
}


def fr_category(value: str | None, *, missing: str = "non renseigné") -> str:
    """A Home Credit category in French (``"Cash loans"`` → ``"Prêt personnel"``)."""
    if value is None or value == "":
        return missing
    return CATEGORIES_FR.get(value, value)


def fr_number(value: float | int | None, *, decimals: int = 0) -> str:
    """``1234567.891`` → ``"1 234 568"`` (French grouping, decimal comma)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "non renseigné"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def fr_value(value: Any, unit: str | None = "") -> str:
    """A value with its unit from the feature dictionary (ans, jours, €, %, ratio, nombre…)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "non renseigné"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if not isinstance(value, (int, float)):
        return str(value)
    unit = unit or ""
    if unit == "€":
        return f"{fr_number(value)}{NBSP}€"
    if unit == "%":  # features in % are shares between 0 and 1 (docs/features.md)
        return fr_percent(value)
    if unit in ("ans", "jours"):
        decimals = 0 if unit == "jours" or float(value).is_integer() else 1
        return f"{fr_number(value, decimals=decimals)} {unit}"
    if unit == "nombre":
        return fr_number(value, decimals=0 if float(value).is_integer() else 1)
    decimals = 0 if float(value).is_integer() else (2 if abs(value) < 100 else 0)
    text = fr_number(value, decimals=decimals)
    return f"{text} {unit}" if unit and unit not in ("ratio", "score") else text


def fr_percent(probability: float | None, *, decimals: int = 1) -> str:
    """A probability in [0, 1] as a French percentage: ``0.1234`` → ``"12,3 %"``."""
    if probability is None:
        return "non renseigné"
    return f"{fr_number(probability * 100, decimals=decimals)}{NBSP}%"


def fr_ordinal(rank: float | None) -> str:
    """A percentile as a French ordinal: ``67`` → ``"67ᵉ centile"``."""
    if rank is None:
        return "centile inconnu"
    rank = int(round(rank))
    return f"{rank}{'er' if rank == 1 else 'ᵉ'} centile"


def decision_label(decision: str) -> str:
    return DECISION_LABELS.get(decision, decision)


def decision_icon(decision: str) -> str:
    return DECISION_ICONS.get(decision, "?")
