"""Reads over the known clients: the current model and population, population scores,
search, client data, neighbours, statistics. Every answer is display-ready where an advisor
reads it (labels and formats from ``vocabulary``).

The costly parts (scores of every client, the neighbour index) are computed once per worker and
model version and kept on the population.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings

from ml.batch.output import read_scores
from ml.config import mask_credentials, mask_credentials_in
from ml.config import settings as ml_settings
from ml.data.schema import ID_COLUMN, SCHEMAS
from ml.errors import MLError
from ml.features.online import warm_up
from ml.model.recourse import describe, recourse
from ml.model.scoring import CreditScoringModel
from scoring_api.scoring.client_store import Population, populations
from scoring_api.scoring.exceptions import ClientNotFound
from scoring_api.scoring.model_store import models
from vocabulary import formats
from vocabulary.features import CLIENT_FIELDS, label_and_unit

# Descriptive columns that define "similar clients" (standardised; amounts on a log scale).
SIMILARITY_COLUMNS = ("AGE_YEARS", "EMPLOYMENT_YEARS", "AMT_INCOME_TOTAL", "AMT_CREDIT",
                      "AMT_ANNUITY", "CNT_CHILDREN")
LOG_SCALE = frozenset({"AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY"})
COMPARABLE_FEATURES = 20  # features offered for comparison: the model's top ones by |SHAP|
SCORE_CHUNK = 50_000
_lock = threading.Lock()


def current() -> tuple[CreditScoringModel, Population]:
    """The champion of this worker and the clients it scores (503 when either is missing)."""
    model = models.get()
    population = populations.get(model.features)
    warm_up()  # compile the one-application query now (~1 s), not on a POST
    return model, population


def prepare(model: CreditScoringModel, population: Population) -> None:
    """Compute now what the endpoints would compute on their first call: the population's
    scores and the neighbour index (the gunicorn master does it once before the fork)."""
    population_scores(model, population)
    _cached(population, ("neighbours",), lambda: _similarity_space(population))


def health(*, detailed: bool) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) of ``GET /health``: 200 when the model and the clients are loaded,
    503 otherwise; paths, the registry's address and the reason only when ``detailed``."""
    try:
        model, population = current()
    except MLError as error:
        status, body = 503, {"status": "unavailable", "model_version": None}
        extra: dict[str, Any] = {"reason": mask_credentials_in(str(error))}
    else:
        status, body = 200, {"status": "ok", "model_version": model.version}
        extra = {"model": {"name": model.name, "version": model.version},
                 "clients": len(population.clients)}
    if detailed:
        body.update(extra)
        body["details"] = {"model_uri": models.uri,
                           "tracking_uri": mask_credentials(ml_settings().tracking_uri),
                           "features_dir": str(settings.FEATURES_DIR),
                           "scores_dir": str(settings.SCORES_DIR)}
    return status, body


def known_client(population: Population, client_id: int) -> None:
    if client_id not in population:
        raise ClientNotFound(client_id)


# Raw application fields a stored client can be rebuilt from: the model keeps them as they are.
CLIENT_CATEGORIES = ("NAME_CONTRACT_TYPE", "CODE_GENDER", "FLAG_OWN_CAR", "FLAG_OWN_REALTY",
                     "NAME_FAMILY_STATUS", "NAME_EDUCATION_TYPE", "NAME_INCOME_TYPE",
                     "OCCUPATION_TYPE")


def client_probability(model: CreditScoringModel, population: Population, client_id: int) -> float:
    """The client's probability of default as ``GET /score/<id>`` computes it."""
    probability, _, _ = model.score(population.row(client_id).reshape(1, -1))
    return float(probability[0])


def stored_application(population: Population, client_id: int,
                       features: list[str]) -> dict[str, Any]:
    """The raw application fields of a stored client that its features keep unchanged (what a
    what-if or a recourse suggestion starts from)."""
    row = population.row(client_id)
    raw = {name: json_value(row[features.index(name)])
           for name in SCHEMAS["application_test"].columns if name in features}
    described = population.clients.loc[client_id]
    for column in CLIENT_CATEGORIES:
        value = described.get(column)
        if isinstance(value, (bool, np.bool_)):
            value = "Y" if value else "N"
        raw[column] = json_value(value)
    return raw


def json_value(value: Any) -> Any:
    """A pandas/numpy scalar as plain JSON (missing → None, never NaN)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if math.isnan(value) else float(value)
    return value


def _cached(population: Population, key: tuple, compute):  # noqa: ANN001, ANN202
    cache = population.__dict__.setdefault("_cache", {})
    if key not in cache:
        with _lock:
            if key not in cache:
                cache[key] = compute()
    return cache[key]


# --- scores of the whole population -------------------------------------------------------

def population_scores(model: CreditScoringModel, population: Population) -> pd.Series:
    """Probability of default of every known client (index SK_ID_CURR), from the batch scores
    of this model version when ``python -m ml score-batch`` wrote them, else computed here."""
    def compute() -> pd.Series:
        table = read_scores(settings.SCORES_DIR, model.name, model.version,
                            columns=[ID_COLUMN, "probability_default"])
        if table is not None:
            batch = table.to_pandas().set_index(ID_COLUMN)["probability_default"]
            if batch.index.isin(population.ids).all() and len(batch) == len(population.ids):
                return batch.reindex(population.ids)
        chunks = [model.predict_proba(np.asarray(population.matrix[start:start + SCORE_CHUNK]))
                  for start in range(0, len(population.ids), SCORE_CHUNK)]
        return pd.Series(np.concatenate(chunks), index=population.ids,
                         name="probability_default")

    return _cached(population, ("scores", model.name, model.version), compute)


def decisions(model: CreditScoringModel, scores: pd.Series) -> pd.Series:
    return pd.Series(model.decide(scores.to_numpy()), index=scores.index)


# --- search -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClientFilters:
    search: str = ""
    sex: str | None = None
    age_min: float | None = None
    age_max: float | None = None
    income_min: float | None = None
    income_max: float | None = None
    contract_type: str | None = None
    decision: str | None = None


def search_clients(model: CreditScoringModel, population: Population,
                   filters: ClientFilters) -> pd.DataFrame:
    """Clients matching every given filter, by id, with their score and decision."""
    clients = population.clients
    mask = np.ones(len(clients), dtype=bool)
    if filters.search:
        mask &= clients.index.astype(str).str.startswith(filters.search.strip())
    if filters.sex:
        mask &= (clients["CODE_GENDER"] == filters.sex).to_numpy()
    for column, low, high in (("AGE_YEARS", filters.age_min, filters.age_max),
                              ("AMT_INCOME_TOTAL", filters.income_min, filters.income_max)):
        if low is not None:
            mask &= (clients[column] >= low).fillna(False).to_numpy()
        if high is not None:
            mask &= (clients[column] <= high).fillna(False).to_numpy()
    if filters.contract_type:
        mask &= (clients["NAME_CONTRACT_TYPE"] == filters.contract_type).to_numpy()
    found = clients.loc[mask]
    scores = population_scores(model, population).reindex(found.index)
    found = found.assign(probability_default=scores.to_numpy(),
                         decision=decisions(model, scores).to_numpy())
    if filters.decision:
        found = found.loc[found["decision"] == filters.decision]
    return found.sort_index()


# --- similar clients ----------------------------------------------------------------------

def _similarity_space(population: Population) -> tuple[np.ndarray, object]:
    from sklearn.neighbors import NearestNeighbors

    frame = population.clients.loc[:, list(SIMILARITY_COLUMNS)].astype("float64")
    frame["EMPLOYMENT_YEARS"] = frame["EMPLOYMENT_YEARS"].fillna(0.0)  # not employed: 0 year
    for column in LOG_SCALE:
        frame[column] = np.log1p(frame[column].clip(lower=0))
    frame = frame.fillna(frame.median())
    values = frame.to_numpy()
    scale = values.std(axis=0)
    values = (values - values.mean(axis=0)) / np.where(scale > 0, scale, 1.0)
    return values, NearestNeighbors().fit(values)


def neighbours(population: Population, client_id: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids, distances) of the ``k`` clients most similar to ``client_id`` (itself excluded)."""
    values, index = _cached(population, ("neighbours",), lambda: _similarity_space(population))
    position = population.clients.index.get_loc(client_id)
    k = min(k, len(values) - 1)
    distances, positions = index.kneighbors(values[position:position + 1], n_neighbors=k + 1)
    keep = positions[0] != position
    ids = population.clients.index.to_numpy()[positions[0][keep]][:k]
    return ids, distances[0][keep][:k]


def group_ids(population: Population, group: str, client_id: int | None) -> np.ndarray | None:
    """Ids of the comparison group: None for all clients, the neighbours for "similar"."""
    if group != "similar" or client_id is None:
        return None
    ids, _ = neighbours(population, client_id, settings.SIMILAR_GROUP_SIZE)
    return ids


# --- statistics -----------------------------------------------------------------------------

def comparable_features(model: CreditScoringModel, population: Population) -> list[dict]:
    """The model's most important features (by mean |SHAP|), with their French label."""
    ranked = [row["feature"] for row in model.global_importance if row["feature"] in model.features]
    ranked += [f for f in model.features if f not in ranked]
    return [feature_entry(population, name) for name in ranked[:COMPARABLE_FEATURES]]


def feature_entry(population: Population, name: str) -> dict:
    entry = population.dictionary.get(name, {})
    return {"name": name, "label": entry.get("label", name), "unit": entry.get("unit", "")}


def _finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]


def _group_values(population: Population, feature: str, ids: np.ndarray | None) -> np.ndarray:
    column = population.column(feature)
    return column if ids is None else column[population.rows_of(ids)]


def feature_stats(population: Population, feature: str, ids: np.ndarray | None,
                  client_id: int | None, bins: int) -> dict:
    """Histogram, quantiles and mean of ``feature`` over the group, and where the client sits."""
    values = _finite(_group_values(population, feature, ids))
    client_value = None
    if client_id is not None:
        value = population.row(client_id)[population.features.index(feature)]
        client_value = float(value) if np.isfinite(value) else None
    result = {**feature_entry(population, feature), "n": int(values.size),
              "histogram": {"edges": [], "counts": []},
              "quantiles": {f"p{q}": None for q in (10, 25, 50, 75, 90)}, "mean": None,
              "client_value": client_value, "client_percentile": None}
    result["feature"] = result.pop("name")
    if values.size:
        counts, edges = np.histogram(values, bins=bins)
        result["histogram"] = {"edges": edges.tolist(), "counts": counts.tolist()}
        quantiles = np.percentile(values, [10, 25, 50, 75, 90])
        result["quantiles"] = {f"p{q}": float(v) for q, v in zip((10, 25, 50, 75, 90), quantiles)}
        result["mean"] = float(values.mean())
        if client_value is not None:
            result["client_percentile"] = float((values <= client_value).mean() * 100)
    return result


def scatter_points(model: CreditScoringModel, population: Population, x: str, y: str,
                   ids: np.ndarray | None, n: int, seed: int = 0) -> list[dict]:
    """Up to ``n`` clients of the group (a seeded sample) with both values and their decision."""
    ids = population.ids if ids is None else ids
    rows = population.rows_of(ids)
    xs, ys = population.column(x)[rows], population.column(y)[rows]
    keep = np.isfinite(xs) & np.isfinite(ys)
    ids, xs, ys = ids[keep], xs[keep], ys[keep]
    if ids.size > n:
        chosen = np.sort(np.random.default_rng(seed).choice(ids.size, size=n, replace=False))
        ids, xs, ys = ids[chosen], xs[chosen], ys[chosen]
    scores = population_scores(model, population).reindex(ids)
    decided = decisions(model, scores).to_numpy()
    return [{"client_id": int(i), "x": float(a), "y": float(b), "decision": str(d)}
            for i, a, b, d in zip(ids, xs, ys, decided)]


# --- answers of the client endpoints ---------------------------------------------------------

def client_rows(found: pd.DataFrame) -> list[dict]:
    """Rows of a search page (``search_clients`` output) in the contract's shape."""
    return [
        {"client_id": int(client_id), "sex": json_value(row["CODE_GENDER"]),
         "age_years": json_value(row["AGE_YEARS"]), "income": json_value(row["AMT_INCOME_TOTAL"]),
         "credit": json_value(row["AMT_CREDIT"]),
         "contract_type": json_value(row["NAME_CONTRACT_TYPE"]), "decision": row["decision"],
         "probability_default": round(float(row["probability_default"]), 6)}
        for client_id, row in found.iterrows()
    ]


def _flag(value: Any) -> bool | None:
    value = json_value(value)
    if value is None or isinstance(value, bool):
        return value
    return str(value).upper() in ("Y", "1", "TRUE")


def client_detail(client_id: int) -> dict[str, Any]:
    """The client's data as the lender holds it: named values and ``fields``, the same values
    with their French label and display text (the portal shows these as they are)."""
    _, population = current()
    known_client(population, client_id)
    described = population.clients.loc[client_id]
    answer: dict[str, Any] = {"client_id": client_id, "split": described["split"]}
    fields = []
    for name, column in CLIENT_FIELDS:
        value = json_value(described.get(column))
        if column.startswith("FLAG_"):
            value = _flag(value)
        elif column == "CNT_CHILDREN" and value is not None:
            value = int(value)
        label, unit = label_and_unit(column)
        answer[name] = value
        fields.append({"name": column, "label": label, "value": value,
                       "display_value": formats.value(value, unit), "unit": unit})
    answer["fields"] = fields
    return answer


def similar_clients(client_id: int, k: int) -> dict[str, Any]:
    """The ``k`` nearest clients with their score and decision."""
    model, population = current()
    known_client(population, client_id)
    ids, distances = neighbours(population, client_id, k)
    scores = population_scores(model, population).reindex(ids)
    decided = decisions(model, scores)
    return {
        "client_id": client_id, "k": len(ids), "features_used": list(SIMILARITY_COLUMNS),
        "neighbours": [{"client_id": int(i), "distance": round(float(d), 6),
                        "probability_default": round(float(p), 6), "decision": str(c)}
                       for i, d, p, c in zip(ids, distances, scores, decided)],
    }


def comparison_group(population: Population, group: str, client_id: int | None) -> np.ndarray | None:
    """Ids of the comparison group, once the client (when given) is known to exist."""
    if client_id is not None:
        known_client(population, client_id)
    return group_ids(population, group, client_id)


def group_stats(*, feature: str, group: str, client_id: int | None, bins: int) -> dict[str, Any]:
    _, population = current()
    ids = comparison_group(population, group, client_id)
    return {**feature_stats(population, feature, ids, client_id, bins), "group": group}


def scatter(*, x: str, y: str, group: str, client_id: int | None, n: int) -> dict[str, Any]:
    """Up to ``n`` clients of the group on two features, and where the client sits."""
    model, population = current()
    ids = comparison_group(population, group, client_id)
    client = None
    if client_id is not None:
        row = population.row(client_id)
        client = {axis: json_value(row[model.features.index(feature)])
                  for axis, feature in (("x", x), ("y", y))}
    return {"x": feature_entry(population, x), "y": feature_entry(population, y), "group": group,
            "points": scatter_points(model, population, x, y, ids, n), "client": client}


def client_recourse(client_id: int) -> dict[str, Any]:
    """``GET /score/<id>/recourse``: what the client could change to be granted, searched on
    the model in service and verified through the what-if's own scoring path (nothing stored)."""
    model, population = current()
    known_client(population, client_id)
    application = stored_application(population, client_id, model.features)
    found = recourse(model, population.row(client_id), application)
    return {"client_id": client_id, "probability_default": round(found.probability_default, 6),
            "decision": found.decision, "threshold": found.threshold,
            "model": {"name": model.name, "version": model.version},
            **describe(found, application)}
