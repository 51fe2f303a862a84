"""The feature dictionary: one place for every feature's French label, unit and source.

Advisors read these labels (API reason codes, portal), so they are plain French a
non-expert understands. ``build(names)`` writes ``feature_dictionary.json``; a feature
without an entry is an error (it would have no label and no declared source for the leakage
check).
"""
from __future__ import annotations

from typing import TypedDict

from ml.errors import MLError
from ml.features_application import ONE_HOT_FEATURES, SENSITIVE_SOURCES

UNITS = ("ans", "jours", "€", "%", "ratio", "nombre", "score", "")


class Entry(TypedDict):
    label: str
    unit: str
    source: str
    description: str
    sensitive: bool


APP = "application"
# name: (label, unit, source, description)
_ENTRIES: dict[str, tuple[str, str, str, str]] = {
    # application
    "AMT_INCOME_TOTAL": ("Revenu annuel", "€", APP, "Revenu annuel total déclaré par le client."),
    "AMT_CREDIT": ("Montant du crédit", "€", APP, "Montant du crédit demandé."),
    "AMT_ANNUITY": ("Mensualité", "€", APP, "Montant de l'échéance du crédit demandé."),
    "AMT_GOODS_PRICE": ("Prix du bien financé", "€", APP, "Prix du bien acheté grâce au crédit."),
    "CNT_CHILDREN": ("Nombre d'enfants", "nombre", APP, "Nombre d'enfants à charge."),
    "CNT_FAM_MEMBERS": ("Taille du foyer", "nombre", APP, "Nombre de personnes dans le foyer."),
    "REGION_POPULATION_RELATIVE": ("Densité de population de la région", "ratio", APP,
        "Population relative de la région de résidence (plus élevé = plus peuplée)."),
    "REGION_RATING_CLIENT": ("Note de la région", "score", APP,
        "Note de la région de résidence attribuée par l'organisme (1 à 3)."),
    "REGION_RATING_CLIENT_W_CITY": ("Note de la région et de la ville", "score", APP,
        "Note de la région de résidence, ville comprise (1 à 3)."),
    "OWN_CAR_AGE": ("Âge de la voiture", "ans", APP, "Âge de la voiture du client."),
    "FLAG_EMP_PHONE": ("Téléphone professionnel fourni", "", APP,
        "1 si le client a donné un téléphone d'employeur."),
    "FLAG_WORK_PHONE": ("Téléphone au travail fourni", "", APP,
        "1 si le client a donné un téléphone au travail."),
    "FLAG_PHONE": ("Téléphone fixe fourni", "", APP, "1 si le client a donné un téléphone fixe."),
    "FLAG_EMAIL": ("Adresse e-mail fournie", "", APP, "1 si le client a donné une adresse e-mail."),
    "REG_CITY_NOT_LIVE_CITY": ("Ville de résidence différente de l'adresse déclarée", "", APP,
        "1 si la ville où vit le client diffère de celle de son adresse déclarée."),
    "REG_CITY_NOT_WORK_CITY": ("Travaille hors de la ville déclarée", "", APP,
        "1 si la ville de travail diffère de celle de l'adresse déclarée."),
    "LIVE_CITY_NOT_WORK_CITY": ("Travaille hors de sa ville de résidence", "", APP,
        "1 si la ville de travail diffère de la ville où vit le client."),
    "EXT_SOURCE_1": ("Score externe n°1", "score", APP,
        "Score de solvabilité fourni par une source externe (0 à 1, plus haut = plus sûr)."),
    "EXT_SOURCE_2": ("Score externe n°2", "score", APP,
        "Score de solvabilité fourni par une deuxième source externe (0 à 1)."),
    "EXT_SOURCE_3": ("Score externe n°3", "score", APP,
        "Score de solvabilité fourni par une troisième source externe (0 à 1)."),
    "TOTALAREA_MODE": ("Surface du logement (normalisée)", "score", APP,
        "Surface totale de l'immeuble du logement, normalisée (0 à 1)."),
    "OBS_30_CNT_SOCIAL_CIRCLE": ("Proches observés (30 jours)", "nombre", APP,
        "Nombre de proches du client dont le crédit a été observé avec 30 jours de retard "
        "possible."),
    "DEF_30_CNT_SOCIAL_CIRCLE": ("Proches en défaut (30 jours)", "nombre", APP,
        "Nombre de proches du client ayant eu un retard de 30 jours."),
    "DEF_60_CNT_SOCIAL_CIRCLE": ("Proches en défaut (60 jours)", "nombre", APP,
        "Nombre de proches du client ayant eu un retard de 60 jours."),
    "FLAG_DOCUMENT_3": ("Document n°3 fourni", "", APP,
        "1 si le client a fourni le document n°3 du dossier."),
    "AMT_REQ_CREDIT_BUREAU_QRT": ("Consultations du bureau de crédit (trimestre)", "nombre", APP,
        "Nombre de demandes au bureau de crédit sur le client dans les 3 mois avant la demande."),
    "AMT_REQ_CREDIT_BUREAU_YEAR": ("Consultations du bureau de crédit (année)", "nombre", APP,
        "Nombre de demandes au bureau de crédit sur le client dans l'année avant la demande."),
    "AGE_YEARS": ("Âge", "ans", APP, "Âge du client à la date de la demande."),
    "EMPLOYMENT_YEARS": ("Ancienneté dans l'emploi", "ans", APP,
        "Années dans l'emploi actuel (vide si le client ne travaille pas)."),
    "REGISTRATION_YEARS": ("Ancienneté de l'inscription", "ans", APP,
        "Années depuis la dernière modification de l'inscription du client."),
    "ID_PUBLISH_YEARS": ("Ancienneté de la pièce d'identité", "ans", APP,
        "Années depuis l'émission de la pièce d'identité."),
    "PHONE_CHANGE_YEARS": ("Ancienneté du téléphone", "ans", APP,
        "Années depuis le dernier changement de téléphone."),
    "CREDIT_INCOME_RATIO": ("Crédit rapporté au revenu", "ratio", APP,
        "Montant du crédit divisé par le revenu annuel."),
    "ANNUITY_INCOME_RATIO": ("Mensualité rapportée au revenu", "ratio", APP,
        "Mensualité divisée par le revenu annuel (taux d'effort)."),
    "PAYMENT_RATE": ("Taux de remboursement", "ratio", APP,
        "Part du crédit remboursée à chaque échéance (mensualité / crédit)."),
    "CREDIT_TERM_MONTHS": ("Durée du crédit", "nombre", APP,
        "Nombre de mensualités nécessaires pour rembourser le crédit."),
    "EMPLOYED_AGE_RATIO": ("Part de la vie passée dans l'emploi actuel", "ratio", APP,
        "Ancienneté dans l'emploi divisée par l'âge."),
    "GOODS_CREDIT_RATIO": ("Prix du bien rapporté au crédit", "ratio", APP,
        "Prix du bien financé divisé par le montant du crédit."),
    "INCOME_PER_PERSON": ("Revenu par personne du foyer", "€", APP,
        "Revenu annuel divisé par le nombre de personnes du foyer."),
    "EXT_SOURCE_MEAN": ("Moyenne des scores externes", "score", APP,
        "Moyenne des scores externes disponibles (0 à 1, plus haut = plus sûr)."),
    "EXT_SOURCE_MIN": ("Plus faible score externe", "score", APP,
        "Le plus faible des scores externes disponibles."),
    "EXT_SOURCE_MAX": ("Plus haut score externe", "score", APP,
        "Le plus haut des scores externes disponibles."),
    "EXT_SOURCE_PROD": ("Produit des scores externes", "score", APP,
        "Produit des scores externes disponibles (faible si l'un d'eux est faible)."),
    "FLAG_OWN_CAR": ("Possède une voiture", "", APP, "1 si le client possède une voiture."),
    "FLAG_OWN_REALTY": ("Propriétaire d'un logement", "", APP,
        "1 si le client possède un bien immobilier."),
    "CONTRACT_REVOLVING": ("Crédit renouvelable", "", APP,
        "1 pour un crédit renouvelable, 0 pour un prêt personnel."),
    # bureau
    "BUREAU_CREDIT_COUNT": ("Crédits dans d'autres établissements", "nombre", "bureau",
        "Nombre de crédits du client déclarés au bureau de crédit."),
    "BUREAU_ACTIVE_COUNT": ("Crédits en cours ailleurs", "nombre", "bureau",
        "Nombre de crédits encore en cours dans d'autres établissements."),
    "BUREAU_CLOSED_COUNT": ("Crédits terminés ailleurs", "nombre", "bureau",
        "Nombre de crédits remboursés ou clos dans d'autres établissements."),
    "BUREAU_DEBT_SUM": ("Dette totale ailleurs", "€", "bureau",
        "Somme des dettes restantes dans d'autres établissements."),
    "BUREAU_DEBT_MEAN": ("Dette moyenne par crédit ailleurs", "€", "bureau",
        "Dette restante moyenne par crédit dans d'autres établissements."),
    "BUREAU_CREDIT_SUM": ("Montant total emprunté ailleurs", "€", "bureau",
        "Somme des montants des crédits dans d'autres établissements."),
    "BUREAU_OVERDUE_SUM": ("Impayés actuels ailleurs", "€", "bureau",
        "Somme des montants actuellement en retard dans d'autres établissements."),
    "BUREAU_OVERDUE_MEAN": ("Impayé moyen par crédit ailleurs", "€", "bureau",
        "Montant moyen en retard par crédit dans d'autres établissements."),
    "BUREAU_MAX_OVERDUE_AMOUNT": ("Plus gros impayé passé ailleurs", "€", "bureau",
        "Plus gros montant jamais en retard sur un crédit dans un autre établissement."),
    "BUREAU_OVERDUE_DAYS_MAX": ("Plus long retard actuel ailleurs", "jours", "bureau",
        "Plus grand nombre de jours de retard actuel sur un crédit ailleurs."),
    "BUREAU_PROLONG_SUM": ("Prolongations de crédits ailleurs", "nombre", "bureau",
        "Nombre total de prolongations de crédits dans d'autres établissements."),
    "BUREAU_DAYS_SINCE_LAST_CREDIT": ("Jours depuis le dernier crédit ailleurs", "jours", "bureau",
        "Nombre de jours entre le dernier crédit ouvert ailleurs et la demande."),
    "BUREAU_DEBT_CREDIT_RATIO": ("Part des crédits ailleurs restant due", "ratio", "bureau",
        "Dette restante divisée par le montant emprunté dans d'autres établissements."),
    # bureau_balance
    "BB_MONTHS_COUNT": ("Mois d'historique au bureau de crédit", "nombre", "bureau_balance",
        "Nombre de mois d'historique des crédits ailleurs."),
    "BB_LATE_SHARE": ("Part des mois en retard ailleurs", "%", "bureau_balance",
        "Part des mois où un crédit dans un autre établissement était en retard."),
    "BB_WORST_STATUS": ("Pire niveau de retard ailleurs", "score", "bureau_balance",
        "Pire statut mensuel de retard ailleurs (0 = à jour, 5 = plus de 120 jours ou perte)."),
    # previous_application
    "PREV_COUNT": ("Demandes précédentes", "nombre", "previous_application",
        "Nombre de demandes de crédit précédentes chez nous."),
    "PREV_APPROVED_COUNT": ("Demandes précédentes accordées", "nombre", "previous_application",
        "Nombre de demandes précédentes accordées."),
    "PREV_REFUSED_COUNT": ("Demandes précédentes refusées", "nombre", "previous_application",
        "Nombre de demandes précédentes refusées."),
    "PREV_REFUSED_SHARE": ("Part des demandes précédentes refusées", "%", "previous_application",
        "Part des demandes précédentes qui ont été refusées."),
    "PREV_AMT_APPLICATION_MEAN": ("Montant moyen demandé auparavant", "€", "previous_application",
        "Montant moyen demandé lors des demandes précédentes."),
    "PREV_AMT_CREDIT_MEAN": ("Montant moyen accordé auparavant", "€", "previous_application",
        "Montant moyen de crédit proposé lors des demandes précédentes."),
    "PREV_AMT_ANNUITY_MEAN": (
        "Mensualité moyenne des demandes précédentes", "€", "previous_application",
        "Mensualité moyenne des demandes précédentes."),
    "PREV_APP_CREDIT_RATIO_MEAN": (
        "Montant demandé rapporté au montant accordé", "ratio", "previous_application",
        "En moyenne, montant demandé divisé par montant proposé lors des demandes précédentes."),
    "PREV_CNT_PAYMENT_MEAN": (
        "Durée moyenne des crédits précédents", "nombre", "previous_application",
        "Nombre moyen d'échéances des demandes précédentes."),
    "PREV_DAYS_SINCE_LAST_DECISION": (
        "Jours depuis la dernière demande", "jours", "previous_application",
        "Nombre de jours entre la décision de la dernière demande précédente et la demande."),
    # POS_CASH_balance
    "POS_MONTHS_COUNT": ("Mois d'historique des prêts en magasin", "nombre", "POS_CASH_balance",
        "Nombre de mois d'historique des prêts en magasin et prêts personnels précédents."),
    "POS_DPD_MAX": ("Plus long retard sur prêts en magasin", "jours", "POS_CASH_balance",
        "Plus grand nombre de jours de retard sur les prêts précédents en magasin."),
    "POS_DPD_MEAN": ("Retard moyen sur prêts en magasin", "jours", "POS_CASH_balance",
        "Nombre moyen de jours de retard par mois sur les prêts précédents en magasin."),
    "POS_DPD_DEF_MAX": (
        "Plus long retard significatif sur prêts en magasin", "jours", "POS_CASH_balance",
        "Plus grand retard (hors petites dettes tolérées) sur les prêts précédents en magasin."),
    "POS_LATE_SHARE": ("Part des mois en retard (prêts en magasin)", "%", "POS_CASH_balance",
        "Part des mois avec un retard sur les prêts précédents en magasin."),
    # installments_payments
    "INST_COUNT": ("Échéances passées", "nombre", "installments_payments",
        "Nombre d'échéances de crédits précédents."),
    "INST_DELAY_MEAN": (
        "Retard moyen de paiement des échéances passées", "jours", "installments_payments",
        "Nombre moyen de jours entre la date prévue et la date de paiement (négatif = en avance)."),
    "INST_DELAY_MAX": (
        "Plus long retard de paiement d'une échéance", "jours", "installments_payments",
        "Plus grand nombre de jours de retard sur une échéance passée."),
    "INST_LATE_SHARE": ("Part des échéances payées en retard", "%", "installments_payments",
        "Part des échéances passées payées après la date prévue."),
    "INST_PAYMENT_RATIO_MEAN": ("Part payée de chaque échéance", "ratio", "installments_payments",
        "En moyenne, montant payé divisé par montant dû par échéance (1 = payé en entier)."),
    "INST_UNDERPAID_SHARE": (
        "Part des échéances payées partiellement", "%", "installments_payments",
        "Part des échéances passées où le client a payé moins que dû."),
    "INST_PAYMENT_SUM": ("Total remboursé sur les crédits précédents", "€", "installments_payments",
        "Somme des paiements des échéances passées."),
    # credit_card_balance
    "CC_MONTHS_COUNT": ("Mois d'historique de carte de crédit", "nombre", "credit_card_balance",
        "Nombre de mois d'historique des cartes de crédit précédentes."),
    "CC_BALANCE_MEAN": ("Solde moyen de la carte de crédit", "€", "credit_card_balance",
        "Solde mensuel moyen des cartes de crédit précédentes."),
    "CC_UTILISATION_MEAN": (
        "Utilisation moyenne du plafond de carte", "ratio", "credit_card_balance",
        "Solde divisé par le plafond, en moyenne par mois (1 = plafond atteint)."),
    "CC_UTILISATION_MAX": (
        "Utilisation maximale du plafond de carte", "ratio", "credit_card_balance",
        "Plus forte utilisation mensuelle du plafond de carte (solde / plafond)."),
    "CC_DRAWINGS_MEAN": ("Retraits et achats mensuels par carte", "€", "credit_card_balance",
        "Montant moyen retiré ou dépensé par mois avec la carte de crédit."),
    "CC_DRAWINGS_COUNT_MEAN": (
        "Nombre mensuel d'opérations par carte", "nombre", "credit_card_balance",
        "Nombre moyen de retraits et achats par mois avec la carte de crédit."),
    "CC_DPD_MAX": ("Plus long retard sur carte de crédit", "jours", "credit_card_balance",
        "Plus grand nombre de jours de retard sur une carte de crédit précédente."),
    "CC_LATE_SHARE": ("Part des mois en retard (carte)", "%", "credit_card_balance",
        "Part des mois avec un retard sur les cartes de crédit précédentes."),
}

# French names of the one-hot encoded categoricals and of their values (labels of 0/1 flags).
_CATEGORY_LABELS: dict[str, str] = {
    "CODE_GENDER": "Sexe",
    "NAME_INCOME_TYPE": "Type de revenu",
    "NAME_EDUCATION_TYPE": "Niveau d'études",
    "NAME_FAMILY_STATUS": "Situation familiale",
    "NAME_HOUSING_TYPE": "Logement",
    "OCCUPATION_TYPE": "Profession",
}
_VALUE_LABELS: dict[str, str] = {
    "F": "femme", "M": "homme",
    "Commercial associate": "commerçant ou associé", "Pensioner": "retraité",
    "State servant": "fonctionnaire", "Unemployed": "sans emploi", "Working": "salarié",
    "Academic degree": "doctorat", "Higher education": "études supérieures",
    "Incomplete higher": "études supérieures non terminées",
    "Lower secondary": "collège", "Secondary / secondary special": "lycée ou CAP/BEP",
    "Civil marriage": "union libre", "Married": "marié(e)", "Separated": "séparé(e)",
    "Single / not married": "célibataire", "Widow": "veuf ou veuve",
    "Co-op apartment": "logement coopératif", "House / apartment": "maison ou appartement",
    "Municipal apartment": "logement social", "Office apartment": "logement de fonction",
    "Rented apartment": "location", "With parents": "chez ses parents",
    "Accountants": "comptable", "Cleaning staff": "agent d'entretien",
    "Cooking staff": "cuisinier", "Core staff": "employé", "Drivers": "chauffeur",
    "HR staff": "ressources humaines", "High skill tech staff": "technicien qualifié",
    "IT staff": "informaticien", "Laborers": "ouvrier",
    "Low-skill Laborers": "ouvrier non qualifié",
    "Managers": "cadre", "Medicine staff": "personnel médical",
    "Private service staff": "employé de services à la personne",
    "Realty agents": "agent immobilier", "Sales staff": "vendeur", "Secretaries": "secrétaire",
    "Security staff": "agent de sécurité", "Waiters/barmen staff": "serveur ou barman",
}


def _one_hot_entry(column: str, value: str) -> tuple[str, str, str, str]:
    label = f"{_CATEGORY_LABELS[column]} : {_VALUE_LABELS.get(value, value)}"
    description = (f"1 si « {_CATEGORY_LABELS[column].lower()} » vaut "
                   f"« {_VALUE_LABELS.get(value, value)} » (code {value}), sinon 0.")
    return (label, "", APP, description)


FEATURES: dict[str, Entry] = {
    name: Entry(label=label, unit=unit, source=source, description=description,
                sensitive=ONE_HOT_FEATURES.get(name, ("",))[0] in SENSITIVE_SOURCES)
    for name, (label, unit, source, description) in {
        **_ENTRIES,
        **{name: _one_hot_entry(*cv) for name, cv in ONE_HOT_FEATURES.items()},
    }.items()
}
SENSITIVE_FEATURES: frozenset[str] = frozenset(n for n, e in FEATURES.items() if e["sensitive"])


def entry(name: str) -> Entry:
    """Dictionary entry of one feature (raises MLError for an unknown feature)."""
    try:
        return FEATURES[name]
    except KeyError:
        raise MLError(f"feature {name} has no entry in ml/dictionary.py") from None


def build(names: list[str]) -> dict[str, dict[str, Entry]]:
    """The ``feature_dictionary.json`` document for ``names`` (every one must be declared)."""
    return {"features": {name: entry(name) for name in names}}
