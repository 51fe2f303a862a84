"""Application-table features, written once as Ibis expressions.

Used by the batch build (every client, DuckDB or Spark) and by ``application_features`` (one
raw application posted to the API), so a client scores the same either way.
"""
from __future__ import annotations

import re

import ibis

from ml.data.schema import APPLICATION_CATEGORIES, MISSING_CODES, SCHEMAS, SENTINELS

DAYS_PER_YEAR = 365.25

# Raw numeric columns kept as they are (the others are summarised by derived features).
PASSTHROUGH: tuple[str, ...] = (
    "AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE", "CNT_CHILDREN",
    "CNT_FAM_MEMBERS", "REGION_POPULATION_RELATIVE", "REGION_RATING_CLIENT",
    "REGION_RATING_CLIENT_W_CITY", "OWN_CAR_AGE", "FLAG_EMP_PHONE", "FLAG_WORK_PHONE",
    "FLAG_PHONE", "FLAG_EMAIL", "REG_CITY_NOT_LIVE_CITY", "REG_CITY_NOT_WORK_CITY",
    "LIVE_CITY_NOT_WORK_CITY", "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3",
    "TOTALAREA_MODE", "OBS_30_CNT_SOCIAL_CIRCLE", "DEF_30_CNT_SOCIAL_CIRCLE",
    "DEF_60_CNT_SOCIAL_CIRCLE", "FLAG_DOCUMENT_3", "AMT_REQ_CREDIT_BUREAU_QRT",
    "AMT_REQ_CREDIT_BUREAU_YEAR",
)

# Yes/no codes turned into one 0/1 feature each (missing code stays missing).
BINARY: dict[str, tuple[str, str]] = {
    "FLAG_OWN_CAR": ("FLAG_OWN_CAR", "Y"),
    "FLAG_OWN_REALTY": ("FLAG_OWN_REALTY", "Y"),
    "CONTRACT_REVOLVING": ("NAME_CONTRACT_TYPE", "Revolving loans"),
}

# Categoricals one-hot encoded over a FIXED list (never the values seen in the data), so that
# train, test, one posted application and Spark give identical columns. ORGANIZATION_TYPE (58
# codes) and the housing *_MODE codes are left out to keep the width (and SHAP cost) moderate.
ONE_HOT: dict[str, tuple[str, ...]] = {
    column: tuple(v for v in APPLICATION_CATEGORIES[column] if v not in MISSING_CODES)
    for column in (
        "CODE_GENDER", "NAME_INCOME_TYPE", "NAME_EDUCATION_TYPE", "NAME_FAMILY_STATUS",
        "NAME_HOUSING_TYPE", "OCCUPATION_TYPE",
    )
}


def one_hot_name(column: str, value: str) -> str:
    """Feature name of one category, e.g. ``NAME_INCOME_TYPE_COMMERCIAL_ASSOCIATE``."""
    return f"{column}_{re.sub(r'[^0-9A-Za-z]+', '_', value).strip('_').upper()}"


ONE_HOT_FEATURES: dict[str, tuple[str, str]] = {
    one_hot_name(column, value): (column, value)
    for column, values in ONE_HOT.items()
    for value in values
}


def clean(table: ibis.Table, name: str) -> ibis.Table:
    """Apply the real-data quirks in the engine: sentinels and XNA/XAP/"" codes → missing."""
    replacements: dict[str, ibis.Value] = {}
    for column, kind in SCHEMAS[name].columns.items():
        if column not in table.columns:
            continue
        value = table[column]
        if column in SENTINELS:
            replacements[column] = value.nullif(int(SENTINELS[column]))
        elif kind == "string":
            stripped = value.strip()
            replacements[column] = ibis.ifelse(
                stripped.isin(sorted(MISSING_CODES)), ibis.null("string"), stripped
            )
    return table.mutate(**replacements)


def ratio(numerator: ibis.Value, denominator: ibis.Value) -> ibis.Value:
    """numerator / denominator, missing when the denominator is 0 or missing (both engines)."""
    return numerator.cast("float64") / denominator.cast("float64").nullif(0.0)


def _ext_sources(t: ibis.Table) -> dict[str, ibis.Value]:
    sources = [t.EXT_SOURCE_1, t.EXT_SOURCE_2, t.EXT_SOURCE_3]
    present = sum(s.notnull().cast("int64") for s in sources)
    total = sum(s.fill_null(0.0) for s in sources)
    product = sources[0].fill_null(1.0) * sources[1].fill_null(1.0) * sources[2].fill_null(1.0)
    return {
        "EXT_SOURCE_MEAN": ratio(total, present),
        "EXT_SOURCE_MIN": ibis.least(*sources),
        "EXT_SOURCE_MAX": ibis.greatest(*sources),
        "EXT_SOURCE_PROD": ibis.ifelse(present > 0, product, ibis.null("float64")),
    }


def application_columns(t: ibis.Table) -> dict[str, ibis.Value]:
    """Every application-derived feature of a *cleaned* application table, by name."""
    age_years = -t.DAYS_BIRTH.cast("float64") / DAYS_PER_YEAR
    employment_years = -t.DAYS_EMPLOYED.cast("float64") / DAYS_PER_YEAR
    columns: dict[str, ibis.Value] = {name: t[name] for name in PASSTHROUGH}
    columns |= {
        "AGE_YEARS": age_years,
        "EMPLOYMENT_YEARS": employment_years,
        "REGISTRATION_YEARS": -t.DAYS_REGISTRATION.cast("float64") / DAYS_PER_YEAR,
        "ID_PUBLISH_YEARS": -t.DAYS_ID_PUBLISH.cast("float64") / DAYS_PER_YEAR,
        "PHONE_CHANGE_YEARS": -t.DAYS_LAST_PHONE_CHANGE.cast("float64") / DAYS_PER_YEAR,
        "CREDIT_INCOME_RATIO": ratio(t.AMT_CREDIT, t.AMT_INCOME_TOTAL),
        "ANNUITY_INCOME_RATIO": ratio(t.AMT_ANNUITY, t.AMT_INCOME_TOTAL),
        "PAYMENT_RATE": ratio(t.AMT_ANNUITY, t.AMT_CREDIT),
        "CREDIT_TERM_MONTHS": ratio(t.AMT_CREDIT, t.AMT_ANNUITY),
        "EMPLOYED_AGE_RATIO": ratio(employment_years, age_years),
        "GOODS_CREDIT_RATIO": ratio(t.AMT_GOODS_PRICE, t.AMT_CREDIT),
        "INCOME_PER_PERSON": ratio(t.AMT_INCOME_TOTAL, t.CNT_FAM_MEMBERS),
    }
    columns |= _ext_sources(t)
    for name, (column, positive) in BINARY.items():
        columns[name] = ibis.ifelse(t[column].isnull(), ibis.null("float64"),
                                    (t[column] == positive).cast("float64"))
    for name, (column, value) in ONE_HOT_FEATURES.items():
        columns[name] = (t[column] == value).fill_null(False).cast("float64")
    return {name: value.cast("float64") for name, value in columns.items()}


APPLICATION_FEATURES: tuple[str, ...] = tuple(
    application_columns(ibis.table(SCHEMAS["application_test"].columns, name="schema_only"))
)
