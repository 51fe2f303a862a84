"""The domain's words have one home: the translations that used to disagree, every model
feature labelled, and the pipeline's dictionary taking its words from here."""
from ml.features.application import ONE_HOT_FEATURES
from ml.features.dictionary import FEATURES as DICTIONARY
from vocabulary import categories, decisions
from vocabulary.features import CLIENT_FIELDS, FEATURES, label_and_unit
from vocabulary.formats import UNITS


def test_translations_that_disagreed_have_one_value() -> None:
    # "Working" was « salarié » in the pipeline and « Salarié·e » in the portal; "Civil
    # marriage" « union libre » against « Union civile » (a cohabiting couple, not married).
    assert categories.category("Working") == "Salarié·e"
    assert categories.category("Civil marriage") == "Union libre"
    assert DICTIONARY["NAME_INCOME_TYPE_WORKING"]["label"] == "Type de revenus : Salarié·e"
    assert DICTIONARY["NAME_FAMILY_STATUS_CIVIL_MARRIAGE"]["label"] == "Situation familiale : Union libre"


def test_every_feature_of_the_pipeline_is_labelled_here() -> None:
    for name, entry in DICTIONARY.items():
        if name in ONE_HOT_FEATURES:
            column, code = ONE_HOT_FEATURES[name]
            assert entry["label"] == categories.one_hot_label(column, code)
        else:
            assert (entry["label"], entry["unit"], entry["description"]) == FEATURES[name]
        assert entry["unit"] in UNITS, name


def test_client_fields_have_a_label_and_a_known_unit() -> None:
    labels = [label_and_unit(column)[0] for _, column in CLIENT_FIELDS]
    assert len(set(labels)) == len(labels), "two client fields share a label"
    assert all(label_and_unit(column)[1] in UNITS for _, column in CLIENT_FIELDS)
    assert label_and_unit("AMT_ANNUITY") == ("Mensualité", "€")
    assert label_and_unit("CODE_GENDER") == ("Sexe", "")


def test_decision_words() -> None:
    assert decisions.DECISIONS == ("accordé", "refusé")
    assert decisions.label(decisions.REFUSED) == "Crédit refusé"
    assert decisions.label(None) == "non évalué" and decisions.icon(None) == ""


def test_recourse_messages_agree_in_number_and_say_none_found_plainly() -> None:
    from vocabulary import recourse

    assert recourse.message_found(1) == ("1 piste ferait passer le risque sous le seuil de "
                                         "refus (indicatif).")
    assert recourse.message_found(2).startswith("2 pistes feraient passer")
    assert recourse.message_none_found("ni un montant réduit jusqu'à 200 000 €").startswith(
        "Aucune modification plausible ne suffit : ni un montant réduit")
    assert set(recourse.LEVERS) == {recourse.CREDIT, recourse.TERM, recourse.CREDIT_AND_TERM}


def test_advisor_decision_words() -> None:
    from vocabulary import advisor_decisions

    assert advisor_decisions.outcome_label("overridden") == "S'écarte de la recommandation du modèle"
    assert advisor_decisions.reason_label("") == "" and "other" in advisor_decisions.REASONS
