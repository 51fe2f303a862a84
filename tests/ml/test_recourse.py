"""Recourse (« Accordé si… ») on the session's real registered model: every suggestion grants
through the what-if's own path, changes only what the client can act on, stays within the
policy, is the smallest change of its lever on the grid, and « none found » is said plainly."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from ml.errors import MLError
from ml.features.online import loan_whatif_rows, whatif_rows
from ml.model import recourse as rc
from vocabulary import recourse as words
from vocabulary.decisions import GRANTED, REFUSED

# Features a suggestion may move: the three raw fields and what is derived from them.
MOVABLE = {"AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE", "CREDIT_INCOME_RATIO",
           "ANNUITY_INCOME_RATIO", "PAYMENT_RATE", "CREDIT_TERM_MONTHS", "GOODS_CREDIT_RATIO"}
APPLICATION_FIELDS = ("AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE",
                      "CNT_CHILDREN", "CNT_FAM_MEMBERS", "EXT_SOURCE_1", "EXT_SOURCE_2",
                      "EXT_SOURCE_3")


@pytest.fixture(scope="module")
def model(registered_model):
    from ml.model.loading import load_model

    return load_model(registered_model.uri)


@pytest.fixture(scope="module")
def clients(model, feature_dir) -> pd.DataFrame:
    """Model input of every client, with its probability as the API computes it."""
    frames = [pd.read_parquet(feature_dir / name)
              for name in ("features_train.parquet", "features_test.parquet")]
    table = pd.concat(frames).set_index("SK_ID_CURR").reindex(columns=model.features)
    probability, _, _ = model.score(table.to_numpy("float64"))
    return table.assign(_probability=probability)


def _application(row: pd.Series) -> dict:
    """The raw fields the features keep unchanged (as the API's stored_application)."""
    return {name: (None if pd.isna(row[name]) else float(row[name]))
            for name in APPLICATION_FIELDS if name in row.index}


def _row(clients: pd.DataFrame, client_id: int, model) -> np.ndarray:
    return clients.loc[client_id, model.features].to_numpy("float64")


@pytest.fixture(scope="module")
def refused(model, clients) -> dict[int, rc.Recourse]:
    """Recourse of up to 60 refused clients (the search on the real model)."""
    ids = clients.index[clients["_probability"] >= model.threshold][:60]
    assert len(ids) >= 10, "the session model refuses too few clients to test recourse"
    return {int(i): rc.recourse(model, _row(clients, i, model), _application(clients.loc[i]))
            for i in ids}


@pytest.fixture(scope="module")
def found(refused) -> dict[int, rc.Recourse]:
    with_suggestions = {i: r for i, r in refused.items() if r.status == words.FOUND}
    assert with_suggestions, "no refused client of the session model has a recourse"
    return with_suggestions


def test_every_suggestion_grants_through_the_whatif_path(model, clients, found):
    for client_id, result in found.items():
        assert result.decision == REFUSED and result.suggestions
        application = _application(clients.loc[client_id])
        rows = whatif_rows(_row(clients, client_id, model), model.features, application,
                           [s.changes for s in result.suggestions])
        probability, _, _ = model.score(rows)
        assert (probability < model.threshold).all(), (client_id, result)
        for suggestion, p in zip(result.suggestions, probability):
            assert suggestion.probability_default == pytest.approx(float(p), abs=1e-12)
            assert suggestion.decision == GRANTED


def test_suggestions_change_only_what_the_client_can_act_on(model, clients, found):
    for client_id, result in found.items():
        row = _row(clients, client_id, model)
        application = _application(clients.loc[client_id])
        for suggestion in result.suggestions:
            assert set(suggestion.changes) <= {"AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"}
            (after,) = whatif_rows(row, model.features, application, [suggestion.changes])
            moved = {name for name, old, new in zip(model.features, row, after)
                     if not (old == new or (np.isnan(old) and np.isnan(new)))}
            assert moved and moved <= MOVABLE, moved
            for untouched in ("AGE_YEARS", "AMT_INCOME_TOTAL", "CNT_CHILDREN", "EMPLOYMENT_YEARS"):
                assert untouched not in moved


def test_suggestions_stay_within_the_policy(clients, found):
    policy = rc.POLICY
    for client_id, result in found.items():
        credit = float(clients.loc[client_id, "AMT_CREDIT"])
        annuity = float(clients.loc[client_id, "AMT_ANNUITY"])
        goods = clients.loc[client_id, "AMT_GOODS_PRICE"]
        for suggestion in result.suggestions:
            new_credit = suggestion.changes.get("AMT_CREDIT", credit)
            new_annuity = suggestion.changes["AMT_ANNUITY"]
            assert max(policy.credit_min_share * credit, policy.credit_min) <= new_credit <= credit
            assert new_annuity <= annuity
            assert new_credit / new_annuity <= max(policy.term_max_months, credit / annuity) + 0.5
            if not pd.isna(goods):
                assert suggestion.changes.get("AMT_GOODS_PRICE", goods) <= goods
            assert new_annuity == round(new_annuity)
            if "AMT_CREDIT" in suggestion.changes:  # amounts rounded as an advisor says them
                assert new_credit % policy.amount_step == 0


def test_each_suggestion_is_the_smallest_granted_change_of_its_lever(model, clients, found):
    """The grid candidate just before the suggestion (a smaller change) is not granted."""
    checked = 0
    for client_id, result in found.items():
        application = _application(clients.loc[client_id])
        grid = [(lever, changes) for lever, changes in rc.candidates(application)]
        row = _row(clients, client_id, model)
        for suggestion in result.suggestions:
            same_lever = [changes for lever, changes in grid if lever == suggestion.lever]
            position = same_lever.index(suggestion.changes)
            smaller = same_lever[:position]
            if smaller:
                probability = model.predict_proba(
                    whatif_rows(row, model.features, application, smaller))
                assert (probability >= model.threshold).all(), (client_id, suggestion)
                checked += 1
    assert checked, "every suggestion was the first point of its grid: nothing compared"


def test_both_levers_together_only_when_neither_alone_suffices(found):
    for result in found.values():
        levers = [s.lever for s in result.suggestions]
        assert len(levers) == len(set(levers))
        if words.CREDIT_AND_TERM in levers:
            assert levers == [words.CREDIT_AND_TERM]


def test_none_found_is_said_plainly_when_the_policy_leaves_no_room(model, clients, found):
    client_id = next(iter(found))
    application = _application(clients.loc[client_id])
    credit = application["AMT_CREDIT"]
    tight = dataclasses.replace(rc.POLICY, credit_min_share=0.999,
                                term_max_months=credit / application["AMT_ANNUITY"])
    result = rc.recourse(model, _row(clients, client_id, model), application, tight)
    assert result.status == words.NONE_FOUND and result.suggestions == []
    text = rc.describe(result, application, tight)
    assert text["message"].startswith("Aucune modification plausible ne suffit")
    assert text["suggestions"] == []


def test_a_candidate_the_exact_score_refuses_is_never_suggested(model, clients, refused):
    """The fast probability may pick a candidate; only the API's own score decides."""
    hopeless = [i for i, r in refused.items() if r.status == words.NONE_FOUND]
    assert hopeless, "every refused client has a recourse: nothing to test"
    client_id = hopeless[0]
    optimistic = dataclasses.replace(model)
    optimistic.predict_proba = lambda rows: np.zeros(len(rows))  # says every candidate grants
    result = rc.recourse(optimistic, _row(clients, client_id, model),
                         _application(clients.loc[client_id]))
    assert result.status == words.NONE_FOUND and result.suggestions == []


def test_a_granted_client_needs_nothing(model, clients):
    client_id = clients.index[clients["_probability"] < model.threshold][0]
    result = rc.recourse(model, _row(clients, client_id, model), _application(clients.loc[client_id]))
    assert (result.status, result.decision, result.suggestions) == (words.NOT_NEEDED, GRANTED, [])
    assert result.candidates_scored == 0


def _exhaustive(model, row: np.ndarray, application: dict) -> list[tuple[str, dict, float]]:
    """The answer without any shortcut: every candidate through the API's what-if path
    (``whatif_rows``, the query, then ``score``), the first granted of each lever; both levers
    together only when neither alone grants."""
    found = rc.candidates(application)
    if not found:
        return []
    probability, _, _ = model.score(whatif_rows(row, model.features, application,
                                                [changes for _, changes in found]))
    first: dict[str, tuple[str, dict, float]] = {}
    for (lever, changes), p in zip(found, probability):
        if p < model.threshold and lever not in first:
            first[lever] = (lever, changes, float(p))
    alone = [first[lever] for lever in (words.CREDIT, words.TERM) if lever in first]
    return alone or [first[lever] for lever in (words.CREDIT_AND_TERM,) if lever in first]


def test_the_fast_search_gives_the_exhaustive_answer(model, clients, refused):
    """Screening in numpy and verifying only the chosen candidates returns exactly what scoring
    every candidate through the what-if path returns (within the fallbacks), client by client."""
    for client_id, result in refused.items():
        application = _application(clients.loc[client_id])
        expected = _exhaustive(model, _row(clients, client_id, model), application)
        got = [(s.lever, s.changes, s.probability_default) for s in result.suggestions]
        assert got == expected, client_id
        assert result.status == (words.FOUND if expected else words.NONE_FOUND)
        assert result.candidates_scored == len(rc.candidates(application))


def test_numpy_rows_are_the_query_rows(model, clients, refused):
    """The screening's rows (numpy) equal the what-if's rows (the query), value for value, for
    every candidate of the sampled clients and for missing or zero denominators."""
    compared = 0
    for client_id in list(refused)[:20]:
        row = _row(clients, client_id, model)
        application = _application(clients.loc[client_id])
        variants = [application, {**application, "AMT_GOODS_PRICE": None},
                    {**application, "AMT_INCOME_TOTAL": 0.0}]
        for variant in variants:
            changes = [c for _, c in rc.candidates(application)]
            changes += [{"AMT_ANNUITY": 0.0}, {"AMT_CREDIT": 0.0, "AMT_ANNUITY": 1.0},
                        {"AMT_GOODS_PRICE": 0.0}]
            columns = {name: np.array([c.get(name, variant.get(name)) for c in changes],
                                      dtype="float64") for name in rc.ACTIONABLE_FIELDS}
            fast = loan_whatif_rows(row, model.features, variant, columns)
            exact = whatif_rows(row, model.features, variant, changes)
            np.testing.assert_array_equal(fast, exact)
            compared += len(changes)
    assert compared > 100


def test_numpy_rows_refuse_fields_outside_the_loan(model, clients, refused):
    client_id = next(iter(refused))
    with pytest.raises(MLError, match="AMT_CREDIT"):
        loan_whatif_rows(_row(clients, client_id, model), model.features,
                         _application(clients.loc[client_id]), {"DAYS_BIRTH": np.array([-9e3])})


def test_only_the_client_and_the_verified_candidates_are_explained(model, clients, found):
    """Contributions (the costly explained score) for the client's row and each lever's
    verified candidate, never for the whole grid."""
    explained: list[int] = []
    counting = dataclasses.replace(model)

    def score(rows):
        explained.append(len(rows))
        return model.score(rows)

    counting.score = score
    for client_id in list(found)[:10]:
        explained.clear()
        result = rc.recourse(counting, _row(clients, client_id, model),
                             _application(clients.loc[client_id]))
        assert explained[0] == 1 and sum(explained[1:]) == len(result.suggestions), explained
        assert result.candidates_scored > len(result.suggestions)


APPLICATION = {"AMT_CREDIT": 400_000.0, "AMT_ANNUITY": 20_000.0, "AMT_GOODS_PRICE": 360_000.0}


@pytest.mark.parametrize(("changes", "expected"), [
    ({"AMT_CREDIT": 300_000.0, "AMT_GOODS_PRICE": 270_000.0, "AMT_ANNUITY": 15_000.0}, True),
    ({"AMT_ANNUITY": 10_000.0}, True),  # 40 months
    ({"DAYS_BIRTH": -20_000.0}, False),  # age: never
    ({"AMT_INCOME_TOTAL": 900_000.0}, False),  # income: not the client's to change here
    ({"AMT_CREDIT": 450_000.0, "AMT_ANNUITY": 22_500.0}, False),  # more than asked
    ({"AMT_CREDIT": 150_000.0, "AMT_ANNUITY": 7_500.0}, False),  # below half the request
    ({"AMT_ANNUITY": 8_000.0}, False),  # 50 months: beyond the longest term
    ({"AMT_CREDIT": 300_000.0, "AMT_GOODS_PRICE": 380_000.0, "AMT_ANNUITY": 15_000.0}, False),
    ({"AMT_ANNUITY": 25_000.0}, False),  # a higher payment
    ({}, False),
])
def test_plausible_follows_the_policy(changes, expected):
    assert rc.plausible(changes, APPLICATION) is expected


def test_sentences_say_what_changes_in_french():
    application = {**APPLICATION}
    credit = rc.sentence(words.CREDIT, {"AMT_CREDIT": 300_000.0, "AMT_GOODS_PRICE": 270_000.0,
                                        "AMT_ANNUITY": 15_000.0}, application)
    assert credit == ("Emprunter 300\u202f000\u202f€ au lieu de 400\u202f000\u202f€, pour un bien "
                      "de 270\u202f000\u202f€ au lieu de 360\u202f000\u202f€ : mensualité de "
                      "15\u202f000\u202f€ au lieu de 20\u202f000\u202f€, même durée.")
    term = rc.sentence(words.TERM, {"AMT_ANNUITY": 10_000.0}, application)
    assert term.startswith("Rembourser en 40\u202fmois au lieu de 20\u202fmois : mensualité de "
                           "10\u202f000\u202f€")
