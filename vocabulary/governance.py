"""Words of the model's governance that reach the API and the portal: the sensitive attributes
the input policy allows (``ml/policy/input_policy.yaml``) and the note that flags a reason
citing one of them."""
from __future__ import annotations

# Raw column of a sensitive attribute → how an advisor reads it in a sentence.
SENSITIVE_ATTRIBUTES: dict[str, str] = {
    "DAYS_BIRTH": "l'âge du client",
    "CODE_GENDER": "le sexe du client",
}

SENSITIVE_NOTE = ("Attribut sensible : cette raison tient à {attribute}. La politique d'entrée du "
                  "modèle l'autorise avec une justification écrite ; les écarts entre groupes "
                  "sont mesurés à chaque entraînement et bornés par la porte d'équité.")


def sensitive_note(column: str) -> str:
    """The French note shown beside a reason that cites the sensitive attribute ``column``."""
    return SENSITIVE_NOTE.format(attribute=SENSITIVE_ATTRIBUTES.get(column, "un attribut sensible"))
