"""Declared schema of the seven Home Credit tables: columns, dtypes, keys, quirks.

The contract both the loader and the synthetic generator follow (checked in tests against
the real sample and the Kaggle column dictionary). Dtypes are the ones pandas reads from the
real CSV files: ``int64``, ``float64`` or ``string`` (a categorical code).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from vocabulary import formats


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: dict[str, str]
    primary_key: tuple[str, ...] = ()
    foreign_keys: dict[str, str] = field(default_factory=dict)  # column -> "table.column"

    @property
    def column_names(self) -> list[str]:
        return list(self.columns)

# Quirks of the real files: a sentinel for "not employed / pensioner" and missing codes.
DAYS_EMPLOYED_SENTINEL = 365243
SENTINELS: dict[str, float] = {"DAYS_EMPLOYED": DAYS_EMPLOYED_SENTINEL}
MISSING_CODES: frozenset[str] = frozenset({"XNA", "XAP", ""})
TARGET_VALUES = (0, 1)

APPLICATION_TRAIN_COLUMNS: dict[str, str] = {
    "SK_ID_CURR": "int64",
    "TARGET": "int64",
    "NAME_CONTRACT_TYPE": "string",
    "CODE_GENDER": "string",
    "FLAG_OWN_CAR": "string",
    "FLAG_OWN_REALTY": "string",
    "CNT_CHILDREN": "int64",
    "AMT_INCOME_TOTAL": "float64",
    "AMT_CREDIT": "float64",
    "AMT_ANNUITY": "float64",
    "AMT_GOODS_PRICE": "float64",
    "NAME_TYPE_SUITE": "string",
    "NAME_INCOME_TYPE": "string",
    "NAME_EDUCATION_TYPE": "string",
    "NAME_FAMILY_STATUS": "string",
    "NAME_HOUSING_TYPE": "string",
    "REGION_POPULATION_RELATIVE": "float64",
    "DAYS_BIRTH": "int64",
    "DAYS_EMPLOYED": "int64",
    "DAYS_REGISTRATION": "float64",
    "DAYS_ID_PUBLISH": "int64",
    "OWN_CAR_AGE": "float64",
    "FLAG_MOBIL": "int64",
    "FLAG_EMP_PHONE": "int64",
    "FLAG_WORK_PHONE": "int64",
    "FLAG_CONT_MOBILE": "int64",
    "FLAG_PHONE": "int64",
    "FLAG_EMAIL": "int64",
    "OCCUPATION_TYPE": "string",
    "CNT_FAM_MEMBERS": "float64",
    "REGION_RATING_CLIENT": "int64",
    "REGION_RATING_CLIENT_W_CITY": "int64",
    "WEEKDAY_APPR_PROCESS_START": "string",
    "HOUR_APPR_PROCESS_START": "int64",
    "REG_REGION_NOT_LIVE_REGION": "int64",
    "REG_REGION_NOT_WORK_REGION": "int64",
    "LIVE_REGION_NOT_WORK_REGION": "int64",
    "REG_CITY_NOT_LIVE_CITY": "int64",
    "REG_CITY_NOT_WORK_CITY": "int64",
    "LIVE_CITY_NOT_WORK_CITY": "int64",
    "ORGANIZATION_TYPE": "string",
    "EXT_SOURCE_1": "float64",
    "EXT_SOURCE_2": "float64",
    "EXT_SOURCE_3": "float64",
    "APARTMENTS_AVG": "float64",
    "BASEMENTAREA_AVG": "float64",
    "YEARS_BEGINEXPLUATATION_AVG": "float64",
    "YEARS_BUILD_AVG": "float64",
    "COMMONAREA_AVG": "float64",
    "ELEVATORS_AVG": "float64",
    "ENTRANCES_AVG": "float64",
    "FLOORSMAX_AVG": "float64",
    "FLOORSMIN_AVG": "float64",
    "LANDAREA_AVG": "float64",
    "LIVINGAPARTMENTS_AVG": "float64",
    "LIVINGAREA_AVG": "float64",
    "NONLIVINGAPARTMENTS_AVG": "float64",
    "NONLIVINGAREA_AVG": "float64",
    "APARTMENTS_MODE": "float64",
    "BASEMENTAREA_MODE": "float64",
    "YEARS_BEGINEXPLUATATION_MODE": "float64",
    "YEARS_BUILD_MODE": "float64",
    "COMMONAREA_MODE": "float64",
    "ELEVATORS_MODE": "float64",
    "ENTRANCES_MODE": "float64",
    "FLOORSMAX_MODE": "float64",
    "FLOORSMIN_MODE": "float64",
    "LANDAREA_MODE": "float64",
    "LIVINGAPARTMENTS_MODE": "float64",
    "LIVINGAREA_MODE": "float64",
    "NONLIVINGAPARTMENTS_MODE": "float64",
    "NONLIVINGAREA_MODE": "float64",
    "APARTMENTS_MEDI": "float64",
    "BASEMENTAREA_MEDI": "float64",
    "YEARS_BEGINEXPLUATATION_MEDI": "float64",
    "YEARS_BUILD_MEDI": "float64",
    "COMMONAREA_MEDI": "float64",
    "ELEVATORS_MEDI": "float64",
    "ENTRANCES_MEDI": "float64",
    "FLOORSMAX_MEDI": "float64",
    "FLOORSMIN_MEDI": "float64",
    "LANDAREA_MEDI": "float64",
    "LIVINGAPARTMENTS_MEDI": "float64",
    "LIVINGAREA_MEDI": "float64",
    "NONLIVINGAPARTMENTS_MEDI": "float64",
    "NONLIVINGAREA_MEDI": "float64",
    "FONDKAPREMONT_MODE": "string",
    "HOUSETYPE_MODE": "string",
    "TOTALAREA_MODE": "float64",
    "WALLSMATERIAL_MODE": "string",
    "EMERGENCYSTATE_MODE": "string",
    "OBS_30_CNT_SOCIAL_CIRCLE": "float64",
    "DEF_30_CNT_SOCIAL_CIRCLE": "float64",
    "OBS_60_CNT_SOCIAL_CIRCLE": "float64",
    "DEF_60_CNT_SOCIAL_CIRCLE": "float64",
    "DAYS_LAST_PHONE_CHANGE": "float64",
    "FLAG_DOCUMENT_2": "int64",
    "FLAG_DOCUMENT_3": "int64",
    "FLAG_DOCUMENT_4": "int64",
    "FLAG_DOCUMENT_5": "int64",
    "FLAG_DOCUMENT_6": "int64",
    "FLAG_DOCUMENT_7": "int64",
    "FLAG_DOCUMENT_8": "int64",
    "FLAG_DOCUMENT_9": "int64",
    "FLAG_DOCUMENT_10": "int64",
    "FLAG_DOCUMENT_11": "int64",
    "FLAG_DOCUMENT_12": "int64",
    "FLAG_DOCUMENT_13": "int64",
    "FLAG_DOCUMENT_14": "int64",
    "FLAG_DOCUMENT_15": "int64",
    "FLAG_DOCUMENT_16": "int64",
    "FLAG_DOCUMENT_17": "int64",
    "FLAG_DOCUMENT_18": "int64",
    "FLAG_DOCUMENT_19": "int64",
    "FLAG_DOCUMENT_20": "int64",
    "FLAG_DOCUMENT_21": "int64",
    "AMT_REQ_CREDIT_BUREAU_HOUR": "float64",
    "AMT_REQ_CREDIT_BUREAU_DAY": "float64",
    "AMT_REQ_CREDIT_BUREAU_WEEK": "float64",
    "AMT_REQ_CREDIT_BUREAU_MON": "float64",
    "AMT_REQ_CREDIT_BUREAU_QRT": "float64",
    "AMT_REQ_CREDIT_BUREAU_YEAR": "float64",
}
APPLICATION_TEST_COLUMNS = {c: k for c, k in APPLICATION_TRAIN_COLUMNS.items() if c != "TARGET"}

# Category values seen in the real application data (XNA included where it occurs).
APPLICATION_CATEGORIES: dict[str, tuple[str, ...]] = {
    "NAME_CONTRACT_TYPE": ('Cash loans', 'Revolving loans'),
    "CODE_GENDER": ('F', 'M', 'XNA'),
    "FLAG_OWN_CAR": ('N', 'Y'),
    "FLAG_OWN_REALTY": ('N', 'Y'),
    "NAME_TYPE_SUITE": ('Children', 'Family', 'Group of people', 'Other_A', 'Other_B', 'Spouse, partner', 'Unaccompanied'),
    "NAME_INCOME_TYPE": ('Commercial associate', 'Pensioner', 'State servant', 'Unemployed', 'Working'),
    "NAME_EDUCATION_TYPE": ('Academic degree', 'Higher education', 'Incomplete higher', 'Lower secondary', 'Secondary / secondary special'),
    "NAME_FAMILY_STATUS": ('Civil marriage', 'Married', 'Separated', 'Single / not married', 'Widow'),
    "NAME_HOUSING_TYPE": ('Co-op apartment', 'House / apartment', 'Municipal apartment', 'Office apartment', 'Rented apartment', 'With parents'),
    "OCCUPATION_TYPE": ('Accountants', 'Cleaning staff', 'Cooking staff', 'Core staff', 'Drivers', 'HR staff', 'High skill tech staff', 'IT staff', 'Laborers', 'Low-skill Laborers', 'Managers', 'Medicine staff', 'Private service staff', 'Realty agents', 'Sales staff', 'Secretaries', 'Security staff', 'Waiters/barmen staff'),
    "WEEKDAY_APPR_PROCESS_START": ('FRIDAY', 'MONDAY', 'SATURDAY', 'SUNDAY', 'THURSDAY', 'TUESDAY', 'WEDNESDAY'),
    "ORGANIZATION_TYPE": ('Advertising', 'Agriculture', 'Bank', 'Business Entity Type 1', 'Business Entity Type 2', 'Business Entity Type 3', 'Cleaning', 'Construction', 'Culture', 'Electricity', 'Emergency', 'Government', 'Hotel', 'Housing', 'Industry: type 1', 'Industry: type 10', 'Industry: type 11', 'Industry: type 12', 'Industry: type 13', 'Industry: type 2', 'Industry: type 3', 'Industry: type 4', 'Industry: type 5', 'Industry: type 6', 'Industry: type 7', 'Industry: type 8', 'Industry: type 9', 'Insurance', 'Kindergarten', 'Legal Services', 'Medicine', 'Military', 'Mobile', 'Other', 'Police', 'Postal', 'Realtor', 'Religion', 'Restaurant', 'School', 'Security', 'Security Ministries', 'Self-employed', 'Services', 'Telecom', 'Trade: type 1', 'Trade: type 2', 'Trade: type 3', 'Trade: type 4', 'Trade: type 5', 'Trade: type 6', 'Trade: type 7', 'Transport: type 1', 'Transport: type 2', 'Transport: type 3', 'Transport: type 4', 'University', 'XNA'),
    "FONDKAPREMONT_MODE": ('not specified', 'org spec account', 'reg oper account', 'reg oper spec account'),
    "HOUSETYPE_MODE": ('block of flats', 'specific housing', 'terraced house'),
    "WALLSMATERIAL_MODE": ('Block', 'Mixed', 'Monolithic', 'Others', 'Panel', 'Stone, brick', 'Wooden'),
    "EMERGENCYSTATE_MODE": ('No', 'Yes'),
}

BUREAU_COLUMNS: dict[str, str] = {
    "SK_ID_CURR": "int64", "SK_ID_BUREAU": "int64", "CREDIT_ACTIVE": "string",
    "CREDIT_CURRENCY": "string", "DAYS_CREDIT": "int64", "CREDIT_DAY_OVERDUE": "int64",
    "DAYS_CREDIT_ENDDATE": "float64", "DAYS_ENDDATE_FACT": "float64",
    "AMT_CREDIT_MAX_OVERDUE": "float64", "CNT_CREDIT_PROLONG": "int64",
    "AMT_CREDIT_SUM": "float64", "AMT_CREDIT_SUM_DEBT": "float64",
    "AMT_CREDIT_SUM_LIMIT": "float64", "AMT_CREDIT_SUM_OVERDUE": "float64",
    "CREDIT_TYPE": "string", "DAYS_CREDIT_UPDATE": "int64", "AMT_ANNUITY": "float64",
}
BUREAU_BALANCE_COLUMNS: dict[str, str] = {
    "SK_ID_BUREAU": "int64", "MONTHS_BALANCE": "int64", "STATUS": "string",
}
PREVIOUS_APPLICATION_COLUMNS: dict[str, str] = {
    "SK_ID_PREV": "int64", "SK_ID_CURR": "int64", "NAME_CONTRACT_TYPE": "string",
    "AMT_ANNUITY": "float64", "AMT_APPLICATION": "float64", "AMT_CREDIT": "float64",
    "AMT_DOWN_PAYMENT": "float64", "AMT_GOODS_PRICE": "float64",
    "WEEKDAY_APPR_PROCESS_START": "string", "HOUR_APPR_PROCESS_START": "int64",
    "FLAG_LAST_APPL_PER_CONTRACT": "string", "NFLAG_LAST_APPL_IN_DAY": "int64",
    "RATE_DOWN_PAYMENT": "float64", "RATE_INTEREST_PRIMARY": "float64",
    "RATE_INTEREST_PRIVILEGED": "float64", "NAME_CASH_LOAN_PURPOSE": "string",
    "NAME_CONTRACT_STATUS": "string", "DAYS_DECISION": "int64", "NAME_PAYMENT_TYPE": "string",
    "CODE_REJECT_REASON": "string", "NAME_TYPE_SUITE": "string", "NAME_CLIENT_TYPE": "string",
    "NAME_GOODS_CATEGORY": "string", "NAME_PORTFOLIO": "string", "NAME_PRODUCT_TYPE": "string",
    "CHANNEL_TYPE": "string", "SELLERPLACE_AREA": "int64", "NAME_SELLER_INDUSTRY": "string",
    "CNT_PAYMENT": "float64", "NAME_YIELD_GROUP": "string", "PRODUCT_COMBINATION": "string",
    "DAYS_FIRST_DRAWING": "float64", "DAYS_FIRST_DUE": "float64",
    "DAYS_LAST_DUE_1ST_VERSION": "float64", "DAYS_LAST_DUE": "float64",
    "DAYS_TERMINATION": "float64", "NFLAG_INSURED_ON_APPROVAL": "float64",
}
POS_CASH_BALANCE_COLUMNS: dict[str, str] = {
    "SK_ID_PREV": "int64", "SK_ID_CURR": "int64", "MONTHS_BALANCE": "int64",
    "CNT_INSTALMENT": "float64", "CNT_INSTALMENT_FUTURE": "float64",
    "NAME_CONTRACT_STATUS": "string", "SK_DPD": "int64", "SK_DPD_DEF": "int64",
}
INSTALLMENTS_PAYMENTS_COLUMNS: dict[str, str] = {
    "SK_ID_PREV": "int64", "SK_ID_CURR": "int64", "NUM_INSTALMENT_VERSION": "float64",
    "NUM_INSTALMENT_NUMBER": "int64", "DAYS_INSTALMENT": "float64",
    "DAYS_ENTRY_PAYMENT": "float64", "AMT_INSTALMENT": "float64", "AMT_PAYMENT": "float64",
}
CREDIT_CARD_BALANCE_COLUMNS: dict[str, str] = {
    "SK_ID_PREV": "int64", "SK_ID_CURR": "int64", "MONTHS_BALANCE": "int64",
    "AMT_BALANCE": "float64", "AMT_CREDIT_LIMIT_ACTUAL": "int64",
    "AMT_DRAWINGS_ATM_CURRENT": "float64", "AMT_DRAWINGS_CURRENT": "float64",
    "AMT_DRAWINGS_OTHER_CURRENT": "float64", "AMT_DRAWINGS_POS_CURRENT": "float64",
    "AMT_INST_MIN_REGULARITY": "float64", "AMT_PAYMENT_CURRENT": "float64",
    "AMT_PAYMENT_TOTAL_CURRENT": "float64", "AMT_RECEIVABLE_PRINCIPAL": "float64",
    "AMT_RECIVABLE": "float64", "AMT_TOTAL_RECEIVABLE": "float64",
    "CNT_DRAWINGS_ATM_CURRENT": "float64", "CNT_DRAWINGS_CURRENT": "int64",
    "CNT_DRAWINGS_OTHER_CURRENT": "float64", "CNT_DRAWINGS_POS_CURRENT": "float64",
    "CNT_INSTALMENT_MATURE_CUM": "float64", "NAME_CONTRACT_STATUS": "string",
    "SK_DPD": "int64", "SK_DPD_DEF": "int64",
}

SCHEMAS: dict[str, TableSchema] = {
    "application_train": TableSchema("application_train", APPLICATION_TRAIN_COLUMNS, ("SK_ID_CURR",)),
    "application_test": TableSchema("application_test", APPLICATION_TEST_COLUMNS, ("SK_ID_CURR",)),
    "bureau": TableSchema("bureau", BUREAU_COLUMNS, ("SK_ID_BUREAU",)),
    "bureau_balance": TableSchema(
        "bureau_balance", BUREAU_BALANCE_COLUMNS, ("SK_ID_BUREAU", "MONTHS_BALANCE"),
        {"SK_ID_BUREAU": "bureau.SK_ID_BUREAU"},
    ),
    "previous_application": TableSchema(
        "previous_application", PREVIOUS_APPLICATION_COLUMNS, ("SK_ID_PREV",)
    ),
    "POS_CASH_balance": TableSchema("POS_CASH_balance", POS_CASH_BALANCE_COLUMNS),
    "installments_payments": TableSchema("installments_payments", INSTALLMENTS_PAYMENTS_COLUMNS),
    "credit_card_balance": TableSchema("credit_card_balance", CREDIT_CARD_BALANCE_COLUMNS),
}
TABLES: tuple[str, ...] = tuple(SCHEMAS)
SIDE_TABLES: tuple[str, ...] = TABLES[2:]

# Columns that only exist after the decision or are derived from the outcome: never features.
TARGET_COLUMN = "TARGET"
ID_COLUMN = "SK_ID_CURR"


# --- Plausible domains of an application's fields -------------------------------------------
# The one declaration of what a posted application may contain (type, unit, plausible range),
# next to the columns it describes; the API validates POST /score against it (its serializer
# builds one field per column from here) and tests check that every row of the real sample and
# of the synthetic data lies inside. A value outside is impossible or implausible: refused,
# never scored. Units are the feature dictionary's (``ans``, ``jours``, ``€``, ``nombre``...).
YEAR_DAYS = 365.25
AGE_MIN_YEARS, AGE_MAX_YEARS = 18, 100


@dataclass(frozen=True)
class FieldDomain:
    """What one application field may hold.

    ``kind``: ``number`` (a JSON number, finite), ``integer`` (a whole number), ``flag`` (a
    boolean: ``true``/``false`` or the files' 0/1) or ``category`` (one of ``choices``).
    ``minimum``/``maximum`` are inclusive, ``exclusive_minimum`` makes ``minimum`` excluded
    (amounts are strictly positive); ``sentinel`` is the one value outside the range that the
    data uses for "not applicable" (DAYS_EMPLOYED's 365243: not employed)."""

    kind: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    sentinel: float | None = None
    choices: tuple[str, ...] = ()
    meaning: str = ""

    def clean(self, value: object) -> tuple[object, str | None]:
        """``(value as the model reads it, None)``, or ``(None, why it is refused)`` in French.
        ``None`` (missing) is always allowed: the model handles missing values."""
        if value is None:
            return None, None
        if self.kind == "category":
            if isinstance(value, str) and value in self.choices:
                return value, None
            return None, f"Valeur inconnue ; valeurs possibles : {', '.join(self.choices)}."
        if self.kind == "flag":
            if isinstance(value, bool):
                return int(value), None
            if type(value) in (int, float) and value in (0, 1):
                return int(value), None
            return None, "Booléen attendu : true ou false (ou 1 / 0)."
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, "Nombre attendu (un nombre JSON, pas un booléen ni un texte)."
        if not math.isfinite(value):
            return None, "Nombre fini attendu."
        if self.sentinel is not None and value == self.sentinel:
            return value, None
        if self.kind == "integer" and value != int(value):
            return None, "Nombre entier attendu."
        low, high = self.minimum, self.maximum
        too_low = low is not None and (value <= low if self.exclusive_minimum else value < low)
        if too_low or (high is not None and value > high):
            return None, f"Hors du domaine plausible : {self.describe()}."
        return (int(value) if self.kind == "integer" else value), None

    def describe(self) -> str:
        """The domain in French, e.g. « de -36525 à -6574 jours (âge de 18 à 100 ans...) »."""
        def shown(x: float) -> str:
            return formats.number(x, 0 if float(x).is_integer() else 2)

        low = "" if self.minimum is None else (
            f"{'plus de' if self.exclusive_minimum else 'de'} {shown(self.minimum)}")
        high = "" if self.maximum is None else (
            f"{'à' if low else 'au plus'} {shown(self.maximum)}")
        text = " ".join(part for part in (low, high, self.unit) if part)
        if self.sentinel is not None:
            text += f", ou {self.sentinel:.0f}"
        return f"{text} ({self.meaning})" if self.meaning else text


def _amount(maximum: float, meaning: str) -> FieldDomain:
    return FieldDomain("number", "€", 0, maximum, exclusive_minimum=True, meaning=meaning)


def _days_ago(minimum: float, meaning: str) -> FieldDomain:
    """A day count relative to the application (negative: in the past), within the data's
    range (the Kaggle files' minimum, rounded out)."""
    return FieldDomain("integer", "jours", minimum, 0, meaning=meaning)


def _count(maximum: float, meaning: str = "", minimum: float = 0) -> FieldDomain:
    return FieldDomain("integer", "nombre", minimum, maximum, meaning=meaning)


_RATIO = FieldDomain("number", "ratio", 0, 1, meaning="part entre 0 et 1")
_FLAG = FieldDomain("flag", meaning="oui/non : true/false (ou 1/0 comme dans les fichiers)")

# The fields whose domain is not given by their family (below).
_DOMAINS: dict[str, FieldDomain] = {
    "AMT_INCOME_TOTAL": _amount(200_000_000, "revenus annuels ; les fichiers montent à 117 M"),
    "AMT_CREDIT": _amount(10_000_000, "montant du crédit ; les fichiers montent à 4,05 M"),
    "AMT_ANNUITY": _amount(1_000_000, "annuité ; les fichiers montent à 258 000"),
    "AMT_GOODS_PRICE": _amount(10_000_000, "prix du bien ; les fichiers montent à 4,05 M"),
    "DAYS_BIRTH": FieldDomain(
        "integer", "jours", -round(AGE_MAX_YEARS * YEAR_DAYS), -int(AGE_MIN_YEARS * YEAR_DAYS),
        meaning=f"âge de {AGE_MIN_YEARS} à {AGE_MAX_YEARS} ans, en jours avant la demande"),
    "DAYS_EMPLOYED": FieldDomain(
        "integer", "jours", -round(60 * YEAR_DAYS), 0, sentinel=DAYS_EMPLOYED_SENTINEL,
        meaning="ancienneté dans l'emploi en jours avant la demande (60 ans au plus) ; "
                "365243 : sans emploi ou retraité"),
    "DAYS_REGISTRATION": _days_ago(-25_000, "changement d'enregistrement"),
    "DAYS_ID_PUBLISH": _days_ago(-7_500, "changement de pièce d'identité"),
    "DAYS_LAST_PHONE_CHANGE": _days_ago(-4_500, "changement de téléphone"),
    "CNT_CHILDREN": _count(20, "enfants ; les fichiers montent à 19"),
    "CNT_FAM_MEMBERS": _count(25, "membres du foyer ; les fichiers montent à 20", minimum=1),
    "OWN_CAR_AGE": FieldDomain("integer", "ans", 0, 100, meaning="âge de la voiture"),
    "REGION_POPULATION_RELATIVE": _RATIO,
    "REGION_RATING_CLIENT": FieldDomain("integer", "score", 1, 3, meaning="note de 1 à 3"),
    "REGION_RATING_CLIENT_W_CITY": FieldDomain("integer", "score", 1, 3, meaning="note de 1 à 3"),
    "HOUR_APPR_PROCESS_START": FieldDomain("integer", "heure", 0, 23, meaning="heure de 0 à 23"),
}


def _family_domain(column: str, dtype: str) -> FieldDomain:
    """The domain of a column of a family: flags, scores, building ratios, bureau enquiries,
    social circle counts, categories."""
    if dtype == "string":
        return FieldDomain("category", choices=APPLICATION_CATEGORIES[column])
    if column.startswith("FLAG_") or column.startswith(("REG_", "LIVE_")):
        return _FLAG
    if column.startswith("EXT_SOURCE_"):
        return FieldDomain("number", "score", 0, 1, meaning="score externe entre 0 et 1")
    if column.endswith(("_AVG", "_MODE", "_MEDI")):
        return FieldDomain("number", "ratio", 0, 1, meaning="mesure normalisée entre 0 et 1")
    if column.startswith("AMT_REQ_CREDIT_BUREAU_"):
        return _count(500, "demandes au bureau de crédit")
    if column.endswith("_CNT_SOCIAL_CIRCLE"):
        return _count(500, "personnes de l'entourage")
    raise KeyError(f"{column}: no declared domain")


APPLICATION_DOMAINS: dict[str, FieldDomain] = {
    column: _DOMAINS.get(column) or _family_domain(column, dtype)
    for column, dtype in APPLICATION_TEST_COLUMNS.items() if column != ID_COLUMN
}
# Employment cannot have started before this age (with both DAYS_BIRTH and DAYS_EMPLOYED).
EMPLOYMENT_MIN_AGE_YEARS = 14
