"""Input validation (query strings, posted applications) and the documented answer shapes
(OpenAPI). Answers are built as dicts by the services; these classes describe them."""
from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from ml.data.schema import (
    APPLICATION_DOMAINS,
    DAYS_EMPLOYED_SENTINEL,
    EMPLOYMENT_MIN_AGE_YEARS,
    YEAR_DAYS,
    FieldDomain,
)
from vocabulary import recourse as recourse_words
from vocabulary.decisions import DECISIONS

GROUPS = (("all", "tous les clients"), ("similar", "clients similaires"))


# --- inputs ---------------------------------------------------------------------------------

class ClientFilterSerializer(serializers.Serializer):
    search = serializers.RegexField(r"^\d{1,12}$", required=False, allow_blank=True,
                                    help_text="début de l'identifiant client",
                                    error_messages={"invalid": "Chiffres uniquement."})
    sex = serializers.ChoiceField(choices=("F", "M"), required=False, allow_blank=True)
    age_min = serializers.FloatField(required=False, min_value=0, max_value=120)
    age_max = serializers.FloatField(required=False, min_value=0, max_value=120)
    income_min = serializers.FloatField(required=False, min_value=0)
    income_max = serializers.FloatField(required=False, min_value=0)
    contract_type = serializers.CharField(required=False, allow_blank=True, max_length=50)
    decision = serializers.ChoiceField(choices=DECISIONS, required=False, allow_blank=True)
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100,
                                         help_text="résultats par page (20 par défaut)")

    def validate(self, attrs: dict) -> dict:
        for low, high in (("age_min", "age_max"), ("income_min", "income_max")):
            if attrs.get(low) is not None and attrs.get(high) is not None \
                    and attrs[low] > attrs[high]:
                raise serializers.ValidationError({high: [f"Doit être ≥ {low}."]})
        return attrs


class SimilarQuerySerializer(serializers.Serializer):
    k = serializers.IntegerField(required=False, default=10, min_value=1, max_value=100)


class _FeatureField(serializers.CharField):
    """A feature name the model knows (the view passes the list in the context)."""

    def to_internal_value(self, data):  # noqa: ANN001, ANN201
        value = super().to_internal_value(data)
        known = self.context.get("features", ())
        if value not in known:
            raise serializers.ValidationError(
                f"Variable inconnue : « {value} » (voir GET /population/features).")
        return value


class StatsQuerySerializer(serializers.Serializer):
    feature = _FeatureField()
    group = serializers.ChoiceField(choices=GROUPS, required=False, default="all")
    client = serializers.IntegerField(required=False, min_value=1)
    bins = serializers.IntegerField(required=False, default=20, min_value=2, max_value=100)

    def validate(self, attrs: dict) -> dict:
        if attrs["group"] == "similar" and attrs.get("client") is None:
            raise serializers.ValidationError(
                {"client": ["Obligatoire pour comparer aux clients similaires."]})
        return attrs


class ScatterQuerySerializer(serializers.Serializer):
    x = _FeatureField()
    y = _FeatureField()
    group = serializers.ChoiceField(choices=GROUPS, required=False, default="all")
    client = serializers.IntegerField(required=False, min_value=1)
    n = serializers.IntegerField(required=False, default=500, min_value=10, max_value=5000)

    validate = StatsQuerySerializer.validate


class DomainField(serializers.Field):
    """An application field checked against its declared domain (``ml.data.schema``: type,
    unit, plausible range): JSON numbers only (``true`` is no amount), finite, inside the range;
    booleans as ``true``/``false`` (or the files' 0/1). Categories are ChoiceFields."""

    def __init__(self, domain: FieldDomain, **kwargs: Any) -> None:
        self.domain = domain
        kwargs.setdefault("help_text", domain.describe())
        super().__init__(required=False, allow_null=True, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        value, problem = self.domain.clean(data)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def to_representation(self, value: Any) -> Any:
        return value


class DomainFieldSchema(OpenApiSerializerFieldExtension):
    """The contract says each field's domain exactly (OpenAPI 3.0: ``exclusiveMinimum`` is a
    flag; a flag is a boolean or 0/1; the DAYS_EMPLOYED sentinel is a second alternative)."""

    target_class = DomainField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict:
        domain: FieldDomain = self.target.domain
        null = {"enum": [None]}  # missing: the model handles it
        if domain.kind == "flag":
            schema: dict[str, Any] = {"anyOf": [{"type": "boolean"},
                                                {"type": "integer", "enum": [0, 1]}, null]}
        else:
            schema = {"type": "integer" if domain.kind == "integer" else "number"}
            if domain.minimum is not None:
                schema["minimum"] = domain.minimum
                if domain.exclusive_minimum:
                    schema["exclusiveMinimum"] = True
            if domain.maximum is not None:
                schema["maximum"] = domain.maximum
            if domain.sentinel is not None:
                schema = {"anyOf": [schema, {"type": "integer", "enum": [int(domain.sentinel)]},
                                    null]}
            else:
                schema["nullable"] = True
        if domain.unit:
            schema["x-unit"] = domain.unit
        return {**schema, "description": self.target.help_text}


class ApplicationSerializer(serializers.Serializer):
    """A raw application (application_train column names); with ``base_client_id``, only the
    fields that change that client's application (a what-if)."""

    base_client_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1,
        help_text="client stocké dont on part (simulation) ; ses autres valeurs sont gardées")

    def get_fields(self) -> dict:
        fields = super().get_fields()
        for column, domain in APPLICATION_DOMAINS.items():
            fields[column] = (serializers.ChoiceField(choices=domain.choices, required=False,
                                                      allow_null=True)
                              if domain.kind == "category" else DomainField(domain))
        return fields

    def validate(self, attrs: dict) -> dict:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: ["Champ inconnu (noms des colonnes d'application_train)."]
                 for name in unknown})
        birth, employed = attrs.get("DAYS_BIRTH"), attrs.get("DAYS_EMPLOYED")
        if birth is not None and employed is not None and employed != DAYS_EMPLOYED_SENTINEL \
                and employed < birth + EMPLOYMENT_MIN_AGE_YEARS * YEAR_DAYS:
            raise serializers.ValidationError({"DAYS_EMPLOYED": [
                f"Emploi commencé avant {EMPLOYMENT_MIN_AGE_YEARS} ans (DAYS_BIRTH) : impossible."]})
        if attrs.get("base_client_id") is None:
            required = ("AMT_INCOME_TOTAL", "AMT_CREDIT")
            missing = [name for name in required if attrs.get(name) is None]
            if missing:
                raise serializers.ValidationError(
                    {name: ["Obligatoire pour une nouvelle demande."] for name in missing})
        elif len(attrs) == 1:
            raise serializers.ValidationError(
                {"non_field_errors": ["Indiquez au moins une valeur à modifier."]})
        return attrs


# --- answers (documentation of the contract) ------------------------------------------------

class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class ModelRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.CharField()


class _ShownSerializer(serializers.Serializer):
    """A value as an advisor reads it: French label, display text, unit (from vocabulary)."""

    label = serializers.CharField()
    display_value = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)


class ReasonSerializer(_ShownSerializer):
    feature = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    contribution = serializers.FloatField(help_text="contribution SHAP (log-odds)")
    points = serializers.FloatField(
        help_text="le même effet en probabilité (0,042 = +4,2 points de pourcentage) : "
                  "contribution × (probabilité − point de départ) / somme des contributions")
    display_points = serializers.CharField(help_text="l'effet en points, en français (« +4,2 points »)")
    direction = serializers.ChoiceField(choices=("augmente", "diminue"))
    sentence = serializers.CharField(help_text="la raison en français clair")
    sensitive = serializers.BooleanField(
        help_text="la raison cite un attribut sensible de la politique d'entrée (l'âge) : autorisé "
                  "avec une justification écrite, à présenter avec précaution")
    sensitive_note = serializers.CharField(
        allow_null=True, help_text="la note en français qui l'explique au conseiller (null sinon)")


class OtherFactorsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="variables du modèle hors des raisons listées")
    contribution = serializers.FloatField(help_text="leur contribution totale (log-odds)")
    points = serializers.FloatField(help_text="leur effet total en probabilité")
    display_points = serializers.CharField()


class ScoreSerializer(serializers.Serializer):
    client_id = serializers.IntegerField(allow_null=True)
    probability_default = serializers.FloatField()
    decision = serializers.ChoiceField(choices=DECISIONS)
    threshold = serializers.FloatField()
    model = ModelRefSerializer()
    base_value = serializers.FloatField(help_text="point de départ commun (log-odds)")
    base_probability = serializers.FloatField(
        help_text="point de départ commun en probabilité : base + effets des raisons + autres "
                  "facteurs = probability_default")
    reasons = ReasonSerializer(many=True)
    other_factors = OtherFactorsSerializer()
    source = serializers.ChoiceField(choices=("realtime", "batch"))


class SimulationSerializer(ScoreSerializer):
    simulation = serializers.BooleanField()
    input_hash = serializers.CharField()


class RecourseFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    before = serializers.FloatField(allow_null=True)
    after = serializers.FloatField()
    display_before = serializers.CharField()
    display_after = serializers.CharField()


class SuggestionSerializer(serializers.Serializer):
    lever = serializers.ChoiceField(choices=tuple(recourse_words.LEVERS))
    title = serializers.CharField()
    sentence = serializers.CharField()
    changes = serializers.DictField(
        child=serializers.FloatField(),
        help_text="champs de la demande à envoyer tels quels à POST /score avec base_client_id")
    fields = RecourseFieldSerializer(many=True)
    probability_default = serializers.FloatField(help_text="probabilité avec ces changements")
    display_probability = serializers.CharField()
    decision = serializers.ChoiceField(choices=DECISIONS)


class RecourseSerializer(serializers.Serializer):
    client_id = serializers.IntegerField()
    probability_default = serializers.FloatField()
    decision = serializers.ChoiceField(choices=DECISIONS)
    threshold = serializers.FloatField()
    model = ModelRefSerializer()
    status = serializers.ChoiceField(choices=recourse_words.STATUSES)
    message = serializers.CharField(help_text="en français ; dit clairement quand rien ne suffit")
    indicative = serializers.CharField()
    never_changed = serializers.CharField()
    suggestions = SuggestionSerializer(many=True)
    candidates_scored = serializers.IntegerField()


class ClientRowSerializer(serializers.Serializer):
    client_id = serializers.IntegerField()
    sex = serializers.CharField(allow_null=True)
    age_years = serializers.FloatField(allow_null=True)
    income = serializers.FloatField(allow_null=True)
    credit = serializers.FloatField(allow_null=True)
    contract_type = serializers.CharField(allow_null=True)
    decision = serializers.ChoiceField(choices=DECISIONS)
    probability_default = serializers.FloatField()


class FieldSerializer(_ShownSerializer):
    name = serializers.CharField()
    value = serializers.JSONField(allow_null=True)


class ClientDetailSerializer(serializers.Serializer):
    client_id = serializers.IntegerField()
    split = serializers.ChoiceField(choices=("train", "test"))
    sex = serializers.CharField(allow_null=True)
    age_years = serializers.FloatField(allow_null=True)
    employment_years = serializers.FloatField(allow_null=True)
    income = serializers.FloatField(allow_null=True)
    credit = serializers.FloatField(allow_null=True)
    annuity = serializers.FloatField(allow_null=True)
    goods_price = serializers.FloatField(allow_null=True)
    credit_term_months = serializers.FloatField(allow_null=True)
    contract_type = serializers.CharField(allow_null=True)
    family_status = serializers.CharField(allow_null=True)
    education = serializers.CharField(allow_null=True)
    income_type = serializers.CharField(allow_null=True)
    occupation = serializers.CharField(allow_null=True)
    children = serializers.IntegerField(allow_null=True)
    owns_car = serializers.BooleanField(allow_null=True)
    owns_realty = serializers.BooleanField(allow_null=True)
    fields = FieldSerializer(many=True)


class NeighbourSerializer(serializers.Serializer):
    client_id = serializers.IntegerField()
    distance = serializers.FloatField()
    probability_default = serializers.FloatField()
    decision = serializers.ChoiceField(choices=DECISIONS)


class SimilarSerializer(serializers.Serializer):
    client_id = serializers.IntegerField()
    k = serializers.IntegerField()
    features_used = serializers.ListField(child=serializers.CharField())
    neighbours = NeighbourSerializer(many=True)


class FeatureSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)


class FeatureListSerializer(serializers.Serializer):
    features = FeatureSerializer(many=True)


class HistogramSerializer(serializers.Serializer):
    edges = serializers.ListField(child=serializers.FloatField())
    counts = serializers.ListField(child=serializers.IntegerField())


class StatsSerializer(serializers.Serializer):
    feature = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    group = serializers.ChoiceField(choices=GROUPS)
    n = serializers.IntegerField()
    histogram = HistogramSerializer()
    quantiles = serializers.DictField(child=serializers.FloatField(allow_null=True))
    mean = serializers.FloatField(allow_null=True)
    client_value = serializers.FloatField(allow_null=True)
    client_percentile = serializers.FloatField(allow_null=True)


class PointSerializer(serializers.Serializer):
    client_id = serializers.IntegerField()
    x = serializers.FloatField()
    y = serializers.FloatField()
    decision = serializers.ChoiceField(choices=DECISIONS)


class XYSerializer(serializers.Serializer):
    x = serializers.FloatField(allow_null=True)
    y = serializers.FloatField(allow_null=True)


class ScatterSerializer(serializers.Serializer):
    x = FeatureSerializer()
    y = FeatureSerializer()
    group = serializers.ChoiceField(choices=GROUPS)
    points = PointSerializer(many=True)
    client = XYSerializer(allow_null=True)


class ImportanceSerializer(serializers.Serializer):
    feature = serializers.CharField()
    label = serializers.CharField()
    mean_abs_shap = serializers.FloatField()


class ModelInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.CharField()
    run_id = serializers.CharField()
    threshold = serializers.FloatField()
    metrics = serializers.DictField()
    global_importance = ImportanceSerializer(many=True)


class HealthDetailsSerializer(serializers.Serializer):
    model_uri = serializers.CharField()
    tracking_uri = serializers.CharField(help_text="Adresse du registre MLflow ; identifiants "
                                                   "toujours masqués (***).")
    features_dir = serializers.CharField()
    scores_dir = serializers.CharField()


class HealthSerializer(serializers.Serializer):
    """Public: ``status`` and ``model_version`` only. With a token or a staff session: the
    model, the number of clients, the reason of a 503 and where the files are read from."""

    status = serializers.ChoiceField(choices=("ok", "unavailable"))
    model_version = serializers.CharField(allow_null=True)
    model = ModelRefSerializer(required=False)
    clients = serializers.IntegerField(required=False)
    reason = serializers.CharField(required=False)
    details = HealthDetailsSerializer(required=False)


class PingSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=("ok",))
