"""Forms of the advisor pages: they validate what the advisor types before it reaches the API,
with French labels and messages (every field labelled, WCAG 1.3.1 / 3.3.2)."""
from __future__ import annotations

from typing import Any

from django import forms

from vocabulary import advisor_decisions, decisions
from vocabulary.categories import category
from vocabulary.features import label_and_unit

SEX_CHOICES = [("", "Tous"), *((code, category(code)) for code in ("F", "M"))]
CONTRACT_CHOICES = [("", "Tous"),
                    *((code, category(code)) for code in ("Cash loans", "Revolving loans"))]
DECISION_CHOICES = [("", "Toutes"), *((value, decisions.label(value)) for value in decisions.DECISIONS)]
AGE_RANGES = {
    "": ("Toutes", None, None),
    "18-29": ("18 à 29 ans", 18, 29),
    "30-39": ("30 à 39 ans", 30, 39),
    "40-49": ("40 à 49 ans", 40, 49),
    "50-59": ("50 à 59 ans", 50, 59),
    "60+": ("60 ans et plus", 60, None),
}
GROUP_CHOICES = [("all", "Tous les clients"), ("similar", "Clients similaires")]


class SearchForm(forms.Form):
    """GET filters of the search page; ``api_filters()`` maps them to the API's parameters."""

    search = forms.CharField(label="Identifiant client", required=False, max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                           "autocomplete": "off"}))
    sex = forms.ChoiceField(label="Sexe", choices=SEX_CHOICES, required=False)
    age = forms.ChoiceField(label="Tranche d'âge",
                            choices=[(key, value[0]) for key, value in AGE_RANGES.items()],
                            required=False)
    income_min = forms.IntegerField(label="Revenus annuels minimum (€)", required=False, min_value=0)
    income_max = forms.IntegerField(label="Revenus annuels maximum (€)", required=False, min_value=0)
    contract_type = forms.ChoiceField(label="Type de contrat", choices=CONTRACT_CHOICES,
                                      required=False)
    decision = forms.ChoiceField(label="Décision", choices=DECISION_CHOICES, required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_search(self) -> str:
        value = self.cleaned_data["search"].strip()
        if value and not value.isdigit():
            raise forms.ValidationError("L'identifiant client ne contient que des chiffres.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("income_min"), data.get("income_max")
        if low is not None and high is not None and low > high:
            self.add_error("income_max", "Le maximum doit être supérieur ou égal au minimum.")
        return data

    def api_filters(self) -> dict[str, Any]:
        """The cleaned filters under the API's parameter names (contract: GET /clients)."""
        data = self.cleaned_data
        _, age_min, age_max = AGE_RANGES[data.get("age") or ""]
        return {
            "search": data.get("search") or None,
            "sex": data.get("sex") or None,
            "age_min": age_min,
            "age_max": age_max,
            "income_min": data.get("income_min"),
            "income_max": data.get("income_max"),
            "contract_type": data.get("contract_type") or None,
            "decision": data.get("decision") or None,
        }


class CompareForm(forms.Form):
    """The comparison switches: a feature, a second feature for the scatter, the group."""

    feature = forms.ChoiceField(label="Caractéristique comparée")
    feature_y = forms.ChoiceField(label="Deuxième caractéristique (nuage de points)")
    group = forms.ChoiceField(label="Comparer avec", choices=GROUP_CHOICES,
                              widget=forms.RadioSelect, initial="all")

    def __init__(self, *args: Any, features: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(f["name"], f["label"]) for f in features]
        self.fields["feature"].choices = choices
        self.fields["feature_y"].choices = choices


def _euros(column: str) -> str:
    """A form label from the one home of the domain's words: « Montant du crédit (€) »."""
    label, unit = label_and_unit(column)
    return f"{label} ({unit})"


class SimulationForm(forms.Form):
    """What-if values: amounts in euros, sent to POST /score with the client's id."""

    AMT_CREDIT = forms.FloatField(label=_euros("AMT_CREDIT"), min_value=1_000, max_value=10_000_000)
    AMT_ANNUITY = forms.FloatField(label=_euros("AMT_ANNUITY"), min_value=100, max_value=1_000_000)
    AMT_INCOME_TOTAL = forms.FloatField(label=_euros("AMT_INCOME_TOTAL"), min_value=1_000,
                                        max_value=100_000_000)
    AMT_GOODS_PRICE = forms.FloatField(label=_euros("AMT_GOODS_PRICE"), min_value=0,
                                       max_value=10_000_000, required=False)

    FIELD_FROM_CLIENT = {"AMT_CREDIT": "credit", "AMT_ANNUITY": "annuity",
                         "AMT_INCOME_TOTAL": "income", "AMT_GOODS_PRICE": "goods_price"}

    @classmethod
    def initial_for(cls, client: dict[str, Any]) -> dict[str, Any]:
        """Start from the client's current application values."""
        return {name: round(client[key]) if client.get(key) is not None else None
                for name, key in cls.FIELD_FROM_CLIENT.items()}

    def changes(self) -> dict[str, float]:
        return {name: value for name, value in self.cleaned_data.items() if value is not None}


class DecisionForm(forms.Form):
    """The advisor's final decision: follow the model's recommendation, or override it with a
    reason from the short list and a comment (both then required, as the API requires)."""

    final_decision = forms.ChoiceField(label="Décision finale", widget=forms.RadioSelect)
    reason_code = forms.ChoiceField(
        label="Motif (obligatoire si vous vous écartez de la recommandation)", required=False,
        choices=[("", "— Aucun (je suis le modèle) —"),
                 *advisor_decisions.REASONS.items()])
    comment = forms.CharField(
        label="Commentaire (obligatoire si vous vous écartez de la recommandation)",
        required=False, max_length=advisor_decisions.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}))
    model_version = forms.CharField(widget=forms.HiddenInput, max_length=20)
    request_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, model_decision: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model_decision = model_decision
        other = decisions.GRANTED if model_decision == decisions.REFUSED else decisions.REFUSED
        self.fields["final_decision"].choices = [
            (model_decision, f"Je suis la recommandation du modèle : "
                             f"{decisions.label(model_decision).lower()}"),
            (other, f"Je m'écarte de la recommandation : {decisions.label(other).lower()}"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        final = data.get("final_decision")
        comment = (data.get("comment") or "").strip()
        data["comment"] = comment
        if final and final != self.model_decision:
            if not data.get("reason_code"):
                self.add_error("reason_code", "Choisissez le motif pour lequel vous vous écartez "
                                              "de la recommandation du modèle.")
            if len(comment) < advisor_decisions.COMMENT_MIN_LENGTH:
                self.add_error("comment", "Expliquez votre décision en quelques mots (au moins "
                                          f"{advisor_decisions.COMMENT_MIN_LENGTH} caractères).")
        elif final and data.get("reason_code"):
            self.add_error("reason_code", "Un motif ne s'indique que lorsque vous vous écartez "
                                          "de la recommandation du modèle.")
        return data

    def api_fields(self) -> dict[str, str]:
        """The cleaned values under the API's names (POST /clients/<id>/decisions)."""
        data = self.cleaned_data
        return {"final_decision": data["final_decision"], "reason_code": data["reason_code"],
                "comment": data["comment"], "model_version": data["model_version"],
                "request_id": str(data["request_id"])}
