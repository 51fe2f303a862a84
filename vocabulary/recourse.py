"""Words of the recourse (« Accordé si… »): what would have to change for a refused client to be
granted. The API builds its display-ready answer from them, the portal and the client's summary
show them; plain French, no statistics."""
from __future__ import annotations

HEADING = "Accordé si…"
# Status codes of the API's answer
FOUND = "found"
NONE_FOUND = "none_found"
NOT_NEEDED = "not_needed"
STATUSES = (FOUND, NONE_FOUND, NOT_NEEDED)

# The levers the search may move, as the advisor reads them
CREDIT = "credit"
TERM = "term"
CREDIT_AND_TERM = "credit_and_term"
LEVERS = {
    CREDIT: "Emprunter moins",
    TERM: "Rembourser sur une durée plus longue",
    CREDIT_AND_TERM: "Emprunter moins, sur une durée plus longue",
}

INDICATIVE = ("Pistes indicatives, calculées par le modèle sur les seules données que le client "
              "peut changer ; elles ne valent pas accord : la décision reste celle du conseiller.")
NEVER_CHANGED = ("Ne sont jamais modifiés : l'âge, le sexe, la situation familiale, les enfants, "
                 "les revenus, l'emploi et l'historique de crédit. Les données ne contiennent pas "
                 "les revenus d'un co-emprunteur : cette piste ne peut pas être calculée.")
MESSAGE_NOT_NEEDED = "Crédit accordé : aucune modification n'est nécessaire."


def message_found(count: int) -> str:
    return (f"{count} piste{'s' if count > 1 else ''} ferai{'en' if count > 1 else ''}t passer "
            "le risque sous le seuil de refus (indicatif).")


def message_none_found(limits: str) -> str:
    """« aucune modification plausible ne suffit », with the limits that were searched."""
    return (f"Aucune modification plausible ne suffit : {limits}, le risque reste au-dessus du "
            "seuil de refus. Le dossier peut être revu par un conseiller.")
