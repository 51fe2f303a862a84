"""Input and answer of ``POST /outcomes`` (rows are checked by ``ml.monitoring.outcomes``,
the rules the file import also uses)."""
from __future__ import annotations

from rest_framework import serializers

from ml.monitoring.outcomes import MAX_ROWS


class OutcomeRowSerializer(serializers.Serializer):
    client_id = serializers.IntegerField(min_value=1, help_text="SK_ID_CURR")
    outcome_date = serializers.DateField(help_text="AAAA-MM-JJ, pas dans le futur")
    defaulted = serializers.IntegerField(min_value=0, max_value=1, help_text="1 : défaut ; 0 : remboursé")


class OutcomeBatchSerializer(serializers.Serializer):
    """Documents the body; validation of the rows is ``ml.monitoring.outcomes.validate_records``."""

    source = serializers.CharField(required=False, max_length=200, allow_blank=True,
                                   help_text="origine de l'envoi (fichier, système)")
    outcomes = OutcomeRowSerializer(many=True, help_text=f"1 à {MAX_ROWS} issues ; tout ou rien")


class OutcomeImportSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="issues distinctes reçues")
    created = serializers.IntegerField(help_text="issues nouvelles enregistrées")
    unchanged = serializers.IntegerField(help_text="issues déjà connues, identiques (renvoi sans effet)")
