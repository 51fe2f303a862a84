"""Errors of the decisions app (the API's error shape, through the project's handler)."""
from rest_framework import exceptions, status


class ModelChanged(exceptions.APIException):
    """The advisor saw another model version than the one in service now: they must reload."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "model_changed"

    def __init__(self, seen: str, now: str) -> None:
        super().__init__(
            f"Le modèle a changé depuis l'affichage de la page (version {seen} → {now}) : "
            "rechargez la page du client avant d'enregistrer la décision.")


class DecisionConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "decision_conflict"
    default_detail = ("Une autre décision vient d'être enregistrée pour ce client : rechargez la "
                      "page et recommencez.")
