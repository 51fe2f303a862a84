"""Input of ``POST /clients/<id>/decisions`` and the documented answers (OpenAPI)."""
from __future__ import annotations

from rest_framework import serializers

from scoring_api.scoring.serializers import ClientDetailSerializer, ModelRefSerializer
from vocabulary import advisor_decisions as words
from vocabulary.decisions import DECISIONS


class DecisionInputSerializer(serializers.Serializer):
    final_decision = serializers.ChoiceField(
        choices=DECISIONS, help_text="la décision du conseiller ; si elle diffère de la "
                                     "recommandation du modèle, motif et commentaire obligatoires")
    reason_code = serializers.ChoiceField(choices=tuple(words.REASONS.items()), required=False,
                                          allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    max_length=words.COMMENT_MAX_LENGTH)
    advisor = serializers.CharField(max_length=150,
                                    help_text="identifiant du conseiller connecté au portail")
    model_version = serializers.CharField(
        required=False, max_length=20,
        help_text="version du modèle affichée au conseiller : 409 si une autre est en service")
    request_id = serializers.UUIDField(
        required=False, help_text="clé d'envoi : le même envoi répété ne crée pas de doublon")

    def validate(self, attrs: dict) -> dict:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Champ inconnu."] for name in unknown})
        return attrs


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client_id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    advisor = serializers.CharField()
    recorded_by = serializers.CharField()
    outcome = serializers.ChoiceField(choices=tuple(words.OUTCOMES))
    outcome_label = serializers.CharField()
    final_decision = serializers.ChoiceField(choices=DECISIONS)
    model_decision = serializers.ChoiceField(choices=DECISIONS,
                                             help_text="la recommandation du modèle à ce moment")
    reason_code = serializers.CharField(allow_blank=True)
    reason_label = serializers.CharField(allow_blank=True)
    comment = serializers.CharField(allow_blank=True)
    model = ModelRefSerializer()
    probability_default = serializers.FloatField()
    threshold = serializers.FloatField()
    supersedes = serializers.IntegerField(allow_null=True,
                                          help_text="l'enregistrement que celui-ci remplace")
    current = serializers.BooleanField(help_text="la décision en vigueur pour ce client")


class DecisionHistorySerializer(serializers.Serializer):
    client_id = serializers.IntegerField()
    current = DecisionSerializer(required=False,
                                 help_text="la décision en vigueur ; absente si aucune")
    history = DecisionSerializer(many=True, help_text="la plus récente d'abord")


# GET /clients/<id>: the client's data and the advisors' decisions on record, in one answer
# (the portal's client page needs both: one call instead of two)
class ClientFileSerializer(ClientDetailSerializer):
    decisions = DecisionHistorySerializer(
        help_text="les décisions des conseillers, comme GET /clients/<id>/decisions")
