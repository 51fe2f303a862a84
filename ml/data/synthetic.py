"""Synthetic Home Credit data: the seven tables with the real schema, for demos, tests and scale.

Each client has a latent risk ``z ~ N(0, 1)``; TARGET is drawn from ``sigmoid(a + b·z)`` (≈ 8 %
defaults) and, with noise, ``z`` also drives EXT_SOURCE_1/2/3, age, the credit term, bureau
overdue amounts and late months, refused previous applications, POS days past due, late and
partial instalment payments and credit-card utilisation — a signal spread over all the
tables that a good model recovers to a holdout AUC of about 0.75–0.80. Other application
columns follow the marginals of the real sample (``ml.data.marginals``), quirks included
(DAYS_EMPLOYED = 365243 for pensioners, XNA / XAP codes).

application_test holds other clients with a small, planted drift (``PLANTED_DRIFT``), which
the drift report must find. ``truth.parquet`` (``TRUTH_FILE``) keeps every client's latent risk
and true probability of default: never read by the pipeline (it is not one of the seven
tables), it lets a production replay draw the outcomes the lender would have learnt. Generation is vectorised NumPy, deterministic for a seed, and
written atomically (a temporary folder renamed at the end).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from ml.data.marginals import APPLICATION_MARGINALS
from ml.data.schema import DAYS_EMPLOYED_SENTINEL, SCHEMAS

TEST_SHARE = 48_744 / 307_511
FIRST_ID = 100_002
TARGET_INTERCEPT = -3.3
TARGET_SLOPE = 1.6
TRUTH_FILE = "truth.parquet"
BLOCK_CLIENTS = 10_000  # the unit of randomness: block b draws from SeedSequence(seed, (b,))
DEFAULT_CHUNK_CLIENTS = 50_000  # clients held in memory at once (a Parquet row group)

# Drift planted in application_test (feature -> what changes), asserted by the drift tests.
PLANTED_DRIFT: dict[str, str] = {
    "AMT_INCOME_TOTAL": "incomes 15 % higher",
    "EXT_SOURCE_3": "shifted down by 0.08",
    "DAYS_BIRTH": "clients 3 years younger on average",
    "NAME_CONTRACT_TYPE": "revolving loans twice rarer",
}

# Mean rows per client (per bureau credit for bureau_balance), as in the full Kaggle data.
CARDINALITY = {
    "bureau": 5.6, "bureau_balance": 16.0, "previous_application": 5.4,
    "POS_CASH_balance": 33.0, "installments_payments": 44.0, "credit_card_balance": 12.5,
}


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _counts(rng: np.random.Generator, n: int, mean: float, share_none: float,
            risk: np.ndarray | None = None, risk_effect: float = 0.0) -> np.ndarray:
    """Rows per parent: zero for ``share_none`` of parents, else 1 + Poisson, mean ``mean``."""
    lam = mean / (1.0 - share_none) - 1.0
    scale = np.exp(risk_effect * risk) if risk is not None else 1.0
    counts = 1 + rng.poisson(lam * scale, size=n)
    counts[rng.random(n) < share_none] = 0
    return counts


def _sample_marginal(rng: np.random.Generator, column: str, n: int,
                     uniform: np.ndarray | None = None) -> np.ndarray:
    """Values of an application column drawn from its real marginal (optionally from given
    uniforms, to correlate the column with the latent risk through a Gaussian copula)."""
    spec = APPLICATION_MARGINALS[column]
    u = rng.random(n) if uniform is None else uniform
    if spec["kind"] == "continuous":
        quantiles = np.asarray(spec["quantiles"], dtype=float)
        values = np.interp(u * (len(quantiles) - 1), np.arange(len(quantiles)), quantiles)
        if spec["integer"]:
            values = np.round(values)
    else:
        keys = list(spec["values"])
        probabilities = np.asarray(list(spec["values"].values()), dtype=float)
        cumulative = np.cumsum(probabilities / probabilities.sum())
        index = np.minimum(np.searchsorted(cumulative, u, side="right"), len(keys) - 1)
        values = np.asarray(keys, dtype=object)[index]
        if spec["kind"] == "discrete":
            values = values.astype(float)
    missing = rng.random(n) < spec["missing"]
    if values.dtype == object:
        values = values.copy()
        values[missing] = None
    else:
        values = values.astype(float)
        values[missing] = np.nan
    return values


def _copula_uniform(rng: np.random.Generator, risk: np.ndarray, rho: float) -> np.ndarray:
    """Uniforms correlated (rank correlation ≈ rho) with the latent risk."""
    from scipy.special import ndtr

    return ndtr(rho * risk + np.sqrt(1.0 - rho**2) * rng.standard_normal(len(risk)))


def generate_applications(rng: np.random.Generator, ids: np.ndarray, risk: np.ndarray,
                          with_target: bool, drift: bool = False) -> pd.DataFrame:
    """The application table for ``ids`` (train with TARGET, or test with planted drift)."""
    n = len(ids)
    schema = SCHEMAS["application_train" if with_target else "application_test"]
    correlated = {  # column -> rank correlation with the latent risk
        "EXT_SOURCE_1": -0.45, "EXT_SOURCE_2": -0.5, "EXT_SOURCE_3": -0.5,
        "DAYS_BIRTH": 0.25, "REGION_RATING_CLIENT": 0.15, "REGION_RATING_CLIENT_W_CITY": 0.15,
        "AMT_INCOME_TOTAL": -0.08, "DAYS_ID_PUBLISH": 0.1, "DAYS_REGISTRATION": 0.08,
    }
    data: dict[str, np.ndarray] = {"SK_ID_CURR": ids}
    if with_target:
        data["TARGET"] = (rng.random(n) < true_default_probability(risk)).astype(np.int64)
    for column in schema.columns:
        if column in data:
            continue
        uniform = _copula_uniform(rng, risk, correlated[column]) if column in correlated else None
        data[column] = _sample_marginal(rng, column, n, uniform)
    frame = pd.DataFrame(data)

    # Coherent amounts: goods price, credit and annuity follow from one another and the term.
    term_months = rng.choice([12, 18, 24, 30, 36, 48, 60], size=n,
                             p=[0.14, 0.12, 0.2, 0.12, 0.18, 0.14, 0.1])
    longer = rng.random(n) < sigmoid(-1.5 + 0.6 * risk)
    term_months = np.where(longer, np.maximum(term_months, 48), term_months)
    revolving_share = 0.095 * (0.5 if drift else 1.0)
    revolving = rng.random(n) < revolving_share
    frame["NAME_CONTRACT_TYPE"] = np.where(revolving, "Revolving loans", "Cash loans")
    credit = frame["AMT_CREDIT"].to_numpy(dtype=float)
    goods = np.round(credit * rng.uniform(0.78, 1.0, n) / 4500.0) * 4500.0
    frame["AMT_GOODS_PRICE"] = np.where(revolving & (rng.random(n) < 0.4), np.nan, goods)
    monthly_rate = 0.011
    annuity = credit * monthly_rate / (1.0 - (1.0 + monthly_rate) ** -term_months)
    frame["AMT_ANNUITY"] = np.round(np.where(revolving, credit * 0.05, annuity) * 2) / 2

    # Pensioners carry the DAYS_EMPLOYED sentinel, as in the real files.
    pensioner = frame["NAME_INCOME_TYPE"].to_numpy() == "Pensioner"
    employed_days = frame["DAYS_EMPLOYED"].to_numpy(dtype=float)
    employed_days = np.where(np.isnan(employed_days), -1200.0, employed_days)
    frame["DAYS_EMPLOYED"] = np.where(pensioner, DAYS_EMPLOYED_SENTINEL, employed_days)
    frame.loc[pensioner, "DAYS_BIRTH"] = np.minimum(frame.loc[pensioner, "DAYS_BIRTH"], -20_000)
    frame["DAYS_EMPLOYED"] = np.maximum(frame["DAYS_EMPLOYED"], frame["DAYS_BIRTH"] + 18 * 365)
    frame.loc[pensioner, "DAYS_EMPLOYED"] = DAYS_EMPLOYED_SENTINEL

    if drift:
        frame["AMT_INCOME_TOTAL"] = np.round(frame["AMT_INCOME_TOTAL"] * 1.15, 1)
        frame["EXT_SOURCE_3"] = np.clip(frame["EXT_SOURCE_3"] - 0.08, 0.0005, None)
        frame["DAYS_BIRTH"] = np.minimum(frame["DAYS_BIRTH"] + 3 * 365, -21 * 365)
    return _cast(frame, schema.columns)


def _cast(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Columns in schema order with the schema's dtypes (ints stay ints, codes stay strings)."""
    out = {}
    for column, kind in columns.items():
        values = frame[column]
        if kind == "int64":
            out[column] = np.nan_to_num(values.to_numpy(dtype=float), nan=0).astype(np.int64)
        elif kind == "float64":
            out[column] = values.to_numpy(dtype=float)
        else:
            out[column] = values.astype(object).where(values.notna(), None)
    return pd.DataFrame(out)


def _proxy(rng: np.random.Generator, risk: np.ndarray, rho: float) -> np.ndarray:
    """A client-level view of the latent risk seen by one table (correlation ``rho``): many rows
    per client then estimate this proxy, not the risk itself, as in real credit histories."""
    return rho * risk + np.sqrt(1.0 - rho**2) * rng.standard_normal(len(risk))


def _parent_index(counts: np.ndarray) -> np.ndarray:
    """For children laid out parent after parent, the position of each child's parent."""
    return np.repeat(np.arange(len(counts)), counts)


def generate_bureau(rng, client_ids, risk, next_id):
    counts = _counts(rng, len(client_ids), CARDINALITY["bureau"], 0.14)
    parent = _parent_index(counts)
    n = len(parent)
    z = _proxy(rng, risk, 0.55)[parent]
    active = rng.random(n) < 0.37
    days_credit = -rng.integers(1, 2923, n)
    overdue = rng.random(n) < sigmoid(-4.6 + 1.3 * z) * active
    amount = np.round(np.exp(rng.normal(11.9, 1.1, n)), -2)
    debt = np.where(active, np.round(amount * rng.uniform(0, 1, n), 2), 0.0)
    frame = pd.DataFrame({
        "SK_ID_CURR": client_ids[parent],
        "SK_ID_BUREAU": next_id + np.arange(n),
        "CREDIT_ACTIVE": np.where(active, "Active", rng.choice(["Closed", "Sold", "Bad debt"], n, p=[0.996, 0.0035, 0.0005])),
        "CREDIT_CURRENCY": rng.choice(["currency 1", "currency 2", "currency 3", "currency 4"], n, p=[0.9992, 0.0006, 0.00015, 0.00005]),
        "DAYS_CREDIT": days_credit,
        "CREDIT_DAY_OVERDUE": np.where(overdue, rng.integers(1, 120, n), 0),
        "DAYS_CREDIT_ENDDATE": np.where(rng.random(n) < 0.06, np.nan, days_credit + rng.integers(30, 3650, n)),
        "DAYS_ENDDATE_FACT": np.where(active, np.nan, np.minimum(days_credit + rng.integers(30, 2000, n), -1)),
        "AMT_CREDIT_MAX_OVERDUE": np.where(rng.random(n) < 0.65, np.nan, np.where(overdue, amount * rng.uniform(0.01, 0.3, n), 0.0)),
        "CNT_CREDIT_PROLONG": (rng.random(n) < 0.005).astype(np.int64),
        "AMT_CREDIT_SUM": amount,
        "AMT_CREDIT_SUM_DEBT": np.where(rng.random(n) < 0.15, np.nan, debt),
        "AMT_CREDIT_SUM_LIMIT": np.where(rng.random(n) < 0.35, np.nan, 0.0),
        "AMT_CREDIT_SUM_OVERDUE": np.where(overdue, np.round(debt * rng.uniform(0.02, 0.4, n), 2), 0.0),
        "CREDIT_TYPE": rng.choice(["Consumer credit", "Credit card", "Car loan", "Mortgage", "Microloan", "Another type of loan"], n, p=[0.73, 0.235, 0.017, 0.011, 0.004, 0.003]),
        "DAYS_CREDIT_UPDATE": np.minimum(days_credit + rng.integers(0, 3000, n), 0),
        "AMT_ANNUITY": np.where(rng.random(n) < 0.71, np.nan, np.round(amount / rng.integers(6, 60, n), 2)),
    })
    return _cast(frame, SCHEMAS["bureau"].columns), z, active


def generate_bureau_balance(rng, bureau: pd.DataFrame, bureau_risk, active) -> pd.DataFrame:
    counts = _counts(rng, len(bureau), CARDINALITY["bureau_balance"], 0.3)
    parent = _parent_index(counts)
    n = len(parent)
    offsets = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    late = rng.random(n) < sigmoid(-4.2 + 1.0 * bureau_risk[parent])
    severity = np.minimum(1 + rng.geometric(0.6, n) - 1, 5)
    closed_month = (~active[parent]) & (offsets < counts[parent] * 0.4)
    status = np.where(late, severity.astype(str), "0")
    status = np.where(closed_month, "C", status)
    status = np.where(rng.random(n) < 0.12, "X", status)
    return pd.DataFrame({
        "SK_ID_BUREAU": bureau["SK_ID_BUREAU"].to_numpy()[parent],
        "MONTHS_BALANCE": -offsets.astype(np.int64),
        "STATUS": status.astype(object),
    })


def generate_previous(rng, client_ids, risk, next_id):
    counts = _counts(rng, len(client_ids), CARDINALITY["previous_application"], 0.05)
    parent = _parent_index(counts)
    n = len(parent)
    z = _proxy(rng, risk, 0.5)[parent]
    refused = rng.random(n) < sigmoid(-1.9 + 0.75 * z)
    other = rng.choice(["Approved", "Canceled", "Unused offer"], n, p=[0.81, 0.17, 0.02])
    status = np.where(refused, "Refused", other)
    contract = rng.choice(["Cash loans", "Consumer loans", "Revolving loans", "XNA"], n, p=[0.447, 0.436, 0.116, 0.001])
    application = np.round(np.exp(rng.normal(11.3, 1.0, n)), -2)
    credit = np.round(application * rng.uniform(0.85, 1.15, n), -2)
    payments = rng.choice([6, 10, 12, 18, 24, 36, 48, 60], n).astype(float)
    decision = -rng.integers(1, 2922, n)
    approved = status == "Approved"
    first_due = np.where(approved, decision + rng.integers(10, 60, n), np.nan)
    frame = pd.DataFrame({
        "SK_ID_PREV": next_id + np.arange(n), "SK_ID_CURR": client_ids[parent],
        "NAME_CONTRACT_TYPE": contract,
        "AMT_ANNUITY": np.where(rng.random(n) < 0.22, np.nan, np.round(credit / payments * 1.1, 2)),
        "AMT_APPLICATION": application, "AMT_CREDIT": credit,
        "AMT_DOWN_PAYMENT": np.where(rng.random(n) < 0.54, np.nan, np.round(application * rng.uniform(0, 0.2, n), -1)),
        "AMT_GOODS_PRICE": np.where(rng.random(n) < 0.23, np.nan, application),
        "WEEKDAY_APPR_PROCESS_START": rng.choice(["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"], n),
        "HOUR_APPR_PROCESS_START": rng.integers(0, 24, n),
        "FLAG_LAST_APPL_PER_CONTRACT": np.where(rng.random(n) < 0.995, "Y", "N"),
        "NFLAG_LAST_APPL_IN_DAY": (rng.random(n) < 0.996).astype(np.int64),
        "RATE_DOWN_PAYMENT": np.where(rng.random(n) < 0.54, np.nan, rng.uniform(0, 0.2, n)),
        "RATE_INTEREST_PRIMARY": np.where(rng.random(n) < 0.997, np.nan, rng.uniform(0.03, 1, n)),
        "RATE_INTEREST_PRIVILEGED": np.where(rng.random(n) < 0.997, np.nan, rng.uniform(0.3, 1, n)),
        "NAME_CASH_LOAN_PURPOSE": rng.choice(["XAP", "XNA", "Repairs", "Other", "Urgent needs"], n, p=[0.55, 0.41, 0.015, 0.015, 0.01]),
        "NAME_CONTRACT_STATUS": status,
        "DAYS_DECISION": decision,
        "NAME_PAYMENT_TYPE": rng.choice(["Cash through the bank", "XNA", "Non-cash from your account"], n, p=[0.62, 0.375, 0.005]),
        "CODE_REJECT_REASON": np.where(refused, rng.choice(["HC", "LIMIT", "SCO", "SCOFR", "VERIF", "XNA"], n), "XAP"),
        "NAME_TYPE_SUITE": rng.choice(["Unaccompanied", "Family", "Spouse, partner", None], n, p=[0.3, 0.13, 0.04, 0.53]),
        "NAME_CLIENT_TYPE": rng.choice(["Repeater", "New", "Refreshed", "XNA"], n, p=[0.737, 0.18, 0.082, 0.001]),
        "NAME_GOODS_CATEGORY": rng.choice(["XNA", "Mobile", "Consumer Electronics", "Computers", "Audio/Video", "Furniture"], n, p=[0.57, 0.135, 0.073, 0.063, 0.06, 0.099]),
        "NAME_PORTFOLIO": rng.choice(["POS", "Cash", "XNA", "Cards"], n, p=[0.414, 0.276, 0.222, 0.088]),
        "NAME_PRODUCT_TYPE": rng.choice(["XNA", "x-sell", "walk-in"], n, p=[0.637, 0.274, 0.089]),
        "CHANNEL_TYPE": rng.choice(["Credit and cash offices", "Country-wide", "Stone", "Regional / Local", "Contact center", "AP+ (Cash loan)"], n, p=[0.43, 0.3, 0.127, 0.065, 0.043, 0.035]),
        "SELLERPLACE_AREA": rng.integers(-1, 4000, n),
        "NAME_SELLER_INDUSTRY": rng.choice(["XNA", "Consumer electronics", "Connectivity", "Furniture", "Construction"], n, p=[0.51, 0.24, 0.165, 0.035, 0.05]),
        "CNT_PAYMENT": np.where(rng.random(n) < 0.22, np.nan, payments),
        "NAME_YIELD_GROUP": rng.choice(["XNA", "middle", "high", "low_normal", "low_action"], n, p=[0.31, 0.23, 0.21, 0.19, 0.06]),
        "PRODUCT_COMBINATION": rng.choice(["Cash", "POS household with interest", "POS mobile with interest", "Cash X-Sell: middle", "Card Street", None], n, p=[0.17, 0.16, 0.13, 0.09, 0.4498, 0.0002]),
        "DAYS_FIRST_DRAWING": np.where(approved, 365243.0, np.nan),
        "DAYS_FIRST_DUE": first_due,
        "DAYS_LAST_DUE_1ST_VERSION": first_due + payments * 30,
        "DAYS_LAST_DUE": np.where(approved & (rng.random(n) < 0.5), 365243.0, first_due + payments * 30),
        "DAYS_TERMINATION": np.where(approved & (rng.random(n) < 0.5), 365243.0, first_due + payments * 30 + 5),
        "NFLAG_INSURED_ON_APPROVAL": np.where(approved, (rng.random(n) < 0.33).astype(float), np.nan),
    })
    return _cast(frame, SCHEMAS["previous_application"].columns), z


def _rows_on_previous(rng, client_ids, risk, previous: pd.DataFrame, mean: float, share_none: float):
    """Child rows of previous credits of the same client: (client position, SK_ID_PREV)."""
    prev_per_client = np.bincount(np.searchsorted(client_ids, previous["SK_ID_CURR"].to_numpy()),
                                  minlength=len(client_ids))
    counts = _counts(rng, len(client_ids), mean, share_none)
    counts[prev_per_client == 0] = 0
    parent = _parent_index(counts)
    start = np.cumsum(prev_per_client) - prev_per_client
    chosen = start[parent] + (rng.random(len(parent)) * prev_per_client[parent]).astype(np.int64)
    return parent, previous["SK_ID_PREV"].to_numpy()[chosen]


def _months_back(parent: np.ndarray) -> np.ndarray:
    """MONTHS_BALANCE-like offsets -1, -2, ... within each parent's consecutive rows."""
    counts = np.bincount(parent) if len(parent) else np.zeros(0, np.int64)
    offsets = np.arange(len(parent)) - np.repeat(np.cumsum(counts) - counts, counts)
    return -(offsets + 1).astype(np.int64)


def generate_pos_cash(rng, client_ids, risk, previous):
    parent, prev = _rows_on_previous(rng, client_ids, risk, previous, CARDINALITY["POS_CASH_balance"] * 1.06, 0.06)
    n = len(parent)
    z = _proxy(rng, risk, 0.45)[parent]
    dpd = np.where(rng.random(n) < sigmoid(-4.3 + 1.1 * z), rng.geometric(0.08, n), 0)
    instalments = rng.choice([6, 10, 12, 18, 24, 36, 48], n).astype(float)
    frame = pd.DataFrame({
        "SK_ID_PREV": prev, "SK_ID_CURR": client_ids[parent], "MONTHS_BALANCE": _months_back(parent),
        "CNT_INSTALMENT": np.where(rng.random(n) < 0.003, np.nan, instalments),
        "CNT_INSTALMENT_FUTURE": np.where(rng.random(n) < 0.003, np.nan, np.floor(instalments * rng.random(n))),
        "NAME_CONTRACT_STATUS": rng.choice(["Active", "Completed", "Signed", "Demand", "Returned to the store", "Approved", "XNA"], n, p=[0.914, 0.075, 0.0087, 0.0007, 0.0005, 0.0007, 0.0004]),
        "SK_DPD": dpd, "SK_DPD_DEF": np.where(dpd > 30, dpd - 30, 0),
    })
    return _cast(frame, SCHEMAS["POS_CASH_balance"].columns)


def generate_installments(rng, client_ids, risk, previous):
    parent, prev = _rows_on_previous(rng, client_ids, risk, previous, CARDINALITY["installments_payments"] * 1.05, 0.05)
    n = len(parent)
    z = _proxy(rng, risk, 0.5)[parent]
    number = -_months_back(parent)
    due = -number * 30.0 - rng.integers(0, 30, n)
    late = rng.random(n) < sigmoid(-3.2 + 1.1 * z)
    delay = np.where(late, rng.geometric(0.07, n), -rng.integers(0, 15, n)).astype(float)
    amount = np.round(np.exp(rng.normal(9.2, 1.0, n)), 2)
    underpaid = rng.random(n) < sigmoid(-3.6 + 0.9 * z)
    paid = np.where(underpaid, np.round(amount * rng.uniform(0.2, 0.95, n), 2), amount)
    missing_payment = rng.random(n) < 0.0002
    frame = pd.DataFrame({
        "SK_ID_PREV": prev, "SK_ID_CURR": client_ids[parent],
        "NUM_INSTALMENT_VERSION": rng.choice([0.0, 1.0, 2.0], n, p=[0.3, 0.65, 0.05]),
        "NUM_INSTALMENT_NUMBER": number, "DAYS_INSTALMENT": due,
        "DAYS_ENTRY_PAYMENT": np.where(missing_payment, np.nan, np.minimum(due + delay, -1.0)),
        "AMT_INSTALMENT": amount, "AMT_PAYMENT": np.where(missing_payment, np.nan, paid),
    })
    return _cast(frame, SCHEMAS["installments_payments"].columns)


def generate_credit_card(rng, client_ids, risk, previous):
    has_card = rng.random(len(client_ids)) < 0.34
    parent, prev = _rows_on_previous(rng, client_ids, risk, previous, CARDINALITY["credit_card_balance"] / 0.34, 0.0)
    keep = has_card[parent]
    parent, prev = parent[keep], prev[keep]
    n = len(parent)
    z = _proxy(rng, risk, 0.45)[parent]
    limit = rng.choice([0, 22500, 45000, 90000, 135000, 180000, 270000], n, p=[0.05, 0.1, 0.2, 0.25, 0.2, 0.15, 0.05])
    utilisation = np.clip(rng.beta(0.6, 1.6, n) * np.exp(0.5 * z), 0, 1.2)
    balance = np.round(limit * utilisation, 2)
    drawings = np.where(rng.random(n) < 0.25 + 0.1 * sigmoid(z), np.round(limit * rng.uniform(0, 0.3, n), 2), 0.0)
    dpd = np.where(rng.random(n) < sigmoid(-4.5 + 1.0 * z), rng.geometric(0.1, n), 0)
    maybe_nan = lambda values, share: np.where(rng.random(n) < share, np.nan, values)  # noqa: E731
    frame = pd.DataFrame({
        "SK_ID_PREV": prev, "SK_ID_CURR": client_ids[parent], "MONTHS_BALANCE": _months_back(parent),
        "AMT_BALANCE": balance, "AMT_CREDIT_LIMIT_ACTUAL": limit,
        "AMT_DRAWINGS_ATM_CURRENT": maybe_nan(drawings * 0.6, 0.2),
        "AMT_DRAWINGS_CURRENT": drawings,
        "AMT_DRAWINGS_OTHER_CURRENT": maybe_nan(np.zeros(n), 0.2),
        "AMT_DRAWINGS_POS_CURRENT": maybe_nan(drawings * 0.4, 0.2),
        "AMT_INST_MIN_REGULARITY": maybe_nan(np.round(balance * 0.05, 2), 0.08),
        "AMT_PAYMENT_CURRENT": maybe_nan(np.round(balance * rng.uniform(0, 0.2, n), 2), 0.2),
        "AMT_PAYMENT_TOTAL_CURRENT": np.round(balance * rng.uniform(0, 0.2, n), 2),
        "AMT_RECEIVABLE_PRINCIPAL": np.round(balance * 0.95, 2),
        "AMT_RECIVABLE": balance, "AMT_TOTAL_RECEIVABLE": balance,
        "CNT_DRAWINGS_ATM_CURRENT": maybe_nan((drawings > 0) * rng.integers(0, 4, n), 0.2),
        "CNT_DRAWINGS_CURRENT": ((drawings > 0) * rng.integers(1, 6, n)).astype(np.int64),
        "CNT_DRAWINGS_OTHER_CURRENT": maybe_nan(np.zeros(n), 0.2),
        "CNT_DRAWINGS_POS_CURRENT": maybe_nan((drawings > 0) * rng.integers(0, 3, n), 0.2),
        "CNT_INSTALMENT_MATURE_CUM": maybe_nan(rng.integers(0, 60, n).astype(float), 0.2),
        "NAME_CONTRACT_STATUS": rng.choice(["Active", "Completed", "Signed", "Demand"], n, p=[0.963, 0.033, 0.0035, 0.0005]),
        "SK_DPD": dpd, "SK_DPD_DEF": np.where(dpd > 30, 1, 0),
    })
    return _cast(frame, SCHEMAS["credit_card_balance"].columns)


def true_default_probability(risk: np.ndarray) -> np.ndarray:
    """The probability of default of a client with latent risk ``risk`` (TARGET's law)."""
    return sigmoid(TARGET_INTERCEPT + TARGET_SLOPE * np.asarray(risk, dtype="float64"))


def truth_table(ids: np.ndarray, risk: np.ndarray, n_train: int) -> pd.DataFrame:
    """Each client's split, latent risk and true probability of default."""
    return pd.DataFrame({
        "SK_ID_CURR": ids, "split": np.where(np.arange(len(ids)) < n_train, "train", "test"),
        "latent_risk": risk, "default_probability": true_default_probability(risk)})


TABLE_ORDER = ("application_train", "application_test", "bureau", "bureau_balance",
               "previous_application", "POS_CASH_balance", "installments_payments",
               "credit_card_balance")
_ARROW_TYPES = {"int64": pa.int64(), "float64": pa.float64(), "string": pa.string()}
_TRUTH_SCHEMA = pa.schema([("SK_ID_CURR", pa.int64()), ("split", pa.string()),
                           ("latent_risk", pa.float64()), ("default_probability", pa.float64())])


def arrow_schema(name: str) -> pa.Schema:
    """The Parquet schema of table ``name`` (fixed, so every chunk writes the same types even
    when one of them holds only missing values)."""
    return pa.schema([(column, _ARROW_TYPES[kind]) for column, kind in SCHEMAS[name].columns.items()])


def generate_block(seed: int, block: int, ids: np.ndarray, train: int,
                   bureau_id: int, previous_id: int) -> dict[str, pd.DataFrame]:
    """Every table (and the truth) for one block of clients: ``ids[:train]`` are training
    clients, the rest test clients. The block draws from its own stream, seeded by
    ``(seed, block)``, so it is the same whatever else is generated in the same run."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    risk = rng.standard_normal(len(ids))
    tables: dict[str, pd.DataFrame] = {}
    if train:
        tables["application_train"] = generate_applications(rng, ids[:train], risk[:train],
                                                            with_target=True)
    if train < len(ids):
        tables["application_test"] = generate_applications(rng, ids[train:], risk[train:],
                                                           with_target=False, drift=True)
    bureau, bureau_risk, active = generate_bureau(rng, ids, risk, bureau_id)
    tables["bureau"] = bureau
    tables["bureau_balance"] = generate_bureau_balance(rng, bureau, bureau_risk, active)
    previous, _ = generate_previous(rng, ids, risk, previous_id)
    tables["previous_application"] = previous
    tables["POS_CASH_balance"] = generate_pos_cash(rng, ids, risk, previous)
    tables["installments_payments"] = generate_installments(rng, ids, risk, previous)
    tables["credit_card_balance"] = generate_credit_card(rng, ids, risk, previous)
    truth = truth_table(ids, risk, train)
    tables[TRUTH_FILE] = truth
    return tables


class _TableWriter:
    """Appends chunks to one table file (a Parquet row group or CSV rows per chunk)."""

    def __init__(self, path: Path, schema: pa.Schema, file_format: str) -> None:
        self.path, self.schema, self.file_format = path, schema, file_format
        self.rows = 0
        self._parquet: pq.ParquetWriter | None = None

    def write(self, frame: pd.DataFrame) -> None:
        if self.file_format == "csv":
            frame.to_csv(self.path, index=False, mode="a" if self.rows else "w",
                         header=not self.rows)
        else:
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.path, self.schema)
            self._parquet.write_table(pa.Table.from_pandas(frame, schema=self.schema,
                                                           preserve_index=False))
        self.rows += len(frame)

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        elif self.file_format != "csv" and not self.path.exists():  # no row at all: empty file
            pq.write_table(self.schema.empty_table(), self.path)
        elif self.file_format == "csv" and not self.rows:
            pd.DataFrame(columns=self.schema.names).to_csv(self.path, index=False)


def generate(out_dir: Path | str, clients: int, seed: int = 42, file_format: str = "parquet",
             progress: bool = True, chunk_clients: int = DEFAULT_CHUNK_CLIENTS,
             block_clients: int = BLOCK_CLIENTS) -> Path:
    """Write the seven tables for ``clients`` training clients (and about 16 % as many test
    clients) into ``out_dir``, atomically, streaming: ``chunk_clients`` clients are held at once
    (rounded up to whole blocks), so memory does not grow with the population. The output for
    a seed depends on ``block_clients`` (the unit of randomness) but not on ``chunk_clients``."""
    from ml.data.files import atomic_folder

    if clients < 10:
        raise ValueError("at least 10 clients are needed")
    if chunk_clients < 1 or block_clients < 1:
        raise ValueError("chunk and block sizes must be positive")
    out_dir = Path(out_dir)
    n_test = max(2, int(round(clients * TEST_SHARE)))
    population = clients + n_test
    blocks_per_chunk = max(1, -(-chunk_clients // block_clients))
    n_blocks = -(-population // block_clients)
    with atomic_folder(out_dir) as tmp, tqdm(total=population, desc="synth", unit="client",
                                             unit_scale=True, disable=not progress) as bar:
        suffix = "csv" if file_format == "csv" else "parquet"
        writers = {name: _TableWriter(tmp / f"{name}.{suffix}", arrow_schema(name), file_format)
                   for name in TABLE_ORDER}
        writers[TRUTH_FILE] = _TableWriter(tmp / TRUTH_FILE, _TRUTH_SCHEMA, "parquet")
        bureau_id, previous_id = 5_000_000, 1_000_000
        try:
            for first_block in range(0, n_blocks, blocks_per_chunk):
                chunk: dict[str, list[pd.DataFrame]] = {name: [] for name in writers}
                for block in range(first_block, min(first_block + blocks_per_chunk, n_blocks)):
                    start = block * block_clients
                    stop = min(start + block_clients, population)
                    ids = FIRST_ID + np.arange(start, stop, dtype=np.int64)
                    train = max(0, min(stop, clients) - start)
                    tables = generate_block(seed, block, ids, train, bureau_id, previous_id)
                    bureau_id += len(tables["bureau"])
                    previous_id += len(tables["previous_application"])
                    for name, frame in tables.items():
                        chunk[name].append(frame)
                    bar.update(stop - start)
                for name, frames in chunk.items():
                    if frames:
                        writers[name].write(frames[0] if len(frames) == 1
                                            else pd.concat(frames, ignore_index=True))
                del chunk, tables
        finally:
            for writer in writers.values():
                writer.close()
    return out_dir


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--clients", type=int, default=20_000, help="training clients (default 20,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True, help="output folder (replaced)")
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--chunk-clients", type=int, default=DEFAULT_CHUNK_CLIENTS,
                        help="clients held in memory at once (default "
                             f"{DEFAULT_CHUNK_CLIENTS:,}; the output does not depend on it)")


def run(args: argparse.Namespace) -> int:
    if args.clients < 10:
        from ml.errors import MLError

        raise MLError("--clients must be at least 10")
    if args.chunk_clients < 1:
        from ml.errors import MLError

        raise MLError("--chunk-clients must be at least 1")
    out = generate(args.out, args.clients, args.seed, args.format,
                   chunk_clients=args.chunk_clients)
    from ml.data.load import write_provenance

    write_provenance(out, "synthetic", clients=args.clients, seed=args.seed)
    print(f"wrote seven tables for {args.clients:,} training clients to {out}")
    return 0
