"""Recourse for a refused client: the smallest changes to what the client can act on that the
registered model itself grants (« Accordé si… »).

The levers are the amount borrowed (the price of the goods and the monthly payment follow it:
a cheaper purchase, same term) and the repayment term (a lower monthly payment for the same
amount), alone or together. Nothing else is ever changed: not age, sex, family, children,
income, employment or credit history, which the client cannot change; the data holds no
co-applicant income, so that lever does not exist here. ``ACTIONABLE_FIELDS`` and
``RecoursePolicy`` are the one place that says what may move and how far.

A bounded search, measured (bench/recourse.py): every lever's grid (the amount in 40 steps
down to the policy's floor, the term month by month up to the longest), each candidate rounded
as an advisor would say it (hundreds of euros, whole euros a month). Screening: every
candidate's model input is built in numpy (``loan_whatif_rows``: the feature query's own
formulas for the amount, payment and goods price, tested value for value against the query) and
scored by the model's fast probability, in one call. Verification: each lever's first screened
candidate, and only it, goes through the API's what-if path (``whatif_rows``, the feature
query, then ``CreditScoringModel.score`` + ``decide``); when it does not grant, the next one
(``fallbacks``); both levers together are verified only when neither alone grants. A
suggestion is returned only when that exact score grants; when none does, the answer says so.
The answer is the one of scoring every candidate through the what-if path (tested), at the
cost of one explained score and, only when something is found, one feature query: 1.6 to
2.8 ms of CPU per refused client in-process where it was 24 ms with one query for the whole
grid (same 200 clients, same answers); a found suggestion costs about one what-if (the query,
~12 ms of CPU). Served by bin/web: p95 25 to 103 ms (docs/api.md, "Performance").
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ml.features.online import loan_whatif_rows, whatif_rows
from ml.model.scoring import CreditScoringModel
from vocabulary import formats
from vocabulary import recourse as words
from vocabulary.decisions import GRANTED, REFUSED
from vocabulary.features import label_and_unit

# The raw application fields a suggestion may change; every other field keeps the client's value.
ACTIONABLE_FIELDS: tuple[str, ...] = ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE")
TERM = "CREDIT_TERM_MONTHS"  # credit / annuity: derived, shown beside the changed fields


@dataclass(frozen=True)
class RecoursePolicy:
    """How far each lever may go for a suggestion to stay plausible.

    Until the input policy file (issue 15) and the plausible domains of ``ml.data.schema``
    (issue 13) exist, the bounds live here, from the Home Credit data: no credit is below
    45,000 and no term (credit / annuity) above 40 months in application_train.
    """

    credit_min: float = 45_000.0  # the smallest amount lent in the data
    credit_min_share: float = 0.5  # never suggest borrowing less than half of the request
    term_max_months: float = 45.0  # longest term suggested (the data stops near 40)
    amount_step: float = 100.0  # suggested amounts are rounded down to this many euros
    credit_steps: int = 40  # amounts tried between the request and the floor (1.25 % apart)
    fallbacks: int = 2  # next candidates verified when the first one does not grant exactly


POLICY = RecoursePolicy()


@dataclass(frozen=True)
class Candidate:
    """One point of the search: the share of the amount kept and the term in months."""

    lever: str
    share: float
    term: float


@dataclass
class Suggestion:
    lever: str
    changes: dict[str, float]  # raw application fields, as POST /score takes them
    probability_default: float
    decision: str


@dataclass
class Recourse:
    status: str  # vocabulary.recourse.FOUND | NONE_FOUND | NOT_NEEDED
    probability_default: float
    decision: str
    threshold: float
    suggestions: list[Suggestion] = field(default_factory=list)
    candidates_scored: int = 0


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


@dataclass(frozen=True)
class _Loan:
    """The client's current amount, payment, goods price and term (None when unknown)."""

    credit: float | None
    annuity: float | None
    goods: float | None

    @property
    def term(self) -> float | None:
        return self.credit / self.annuity if self.credit and self.annuity else None

    @classmethod
    def of(cls, application: dict) -> _Loan:
        return cls(credit=_number(application.get("AMT_CREDIT")),
                   annuity=_number(application.get("AMT_ANNUITY")),
                   goods=_number(application.get("AMT_GOODS_PRICE")))


def _reductions(loan: _Loan, policy: RecoursePolicy) -> tuple[float, float] | None:
    """(0, largest share of the amount a suggestion may take off), or None (no room)."""
    if loan.credit is None or loan.term is None:
        return None
    largest = 1.0 - max(policy.credit_min_share, policy.credit_min / loan.credit)
    return (0.0, largest) if largest > 0 else None


def _terms(loan: _Loan, policy: RecoursePolicy) -> tuple[float, float] | None:
    """(current, longest) term in months, or None (already at the longest)."""
    if loan.term is None or loan.term >= policy.term_max_months - 0.5:
        return None
    return loan.term, policy.term_max_months


def _between(low: float, high: float, steps: int, *, whole: bool = False) -> list[float]:
    """``steps`` evenly spaced points of (low, high], or (``whole``) every whole number there,
    nearest ``low`` first."""
    if whole:
        return [float(v) for v in range(math.floor(low) + 1, math.floor(high) + 1)]
    return [float(v) for v in np.linspace(low, high, steps + 1)[1:]]


def _grid(lever: str, loan: _Loan, policy: RecoursePolicy) -> list[Candidate]:
    """Every candidate of one lever the policy allows, smallest change first."""
    reductions, terms = _reductions(loan, policy), _terms(loan, policy)
    if lever == words.CREDIT and reductions:
        return [Candidate(lever, 1.0 - r, loan.term)
                for r in _between(*reductions, policy.credit_steps)]
    if lever == words.TERM and terms:
        return [Candidate(lever, 1.0, t) for t in _between(*terms, 0, whole=True)]
    if lever == words.CREDIT_AND_TERM and reductions and terms:
        return [Candidate(lever, 1.0 - r, terms[1])
                for r in _between(*reductions, policy.credit_steps)]
    return []


def _floor(value: float, step: float) -> float:
    return float(math.floor(value / step) * step)


def changes_of(candidate: Candidate, loan: _Loan, policy: RecoursePolicy) -> dict[str, float]:
    """The raw fields a candidate changes, rounded as an advisor says them (amounts down to
    ``amount_step``, the payment to the euro); unchanged fields are left out, never rewritten."""
    changes: dict[str, float] = {}
    credit = loan.credit
    if candidate.share < 1.0:
        credit = _floor(loan.credit * candidate.share, policy.amount_step)
        changes["AMT_CREDIT"] = credit
        if loan.goods is not None:
            changes["AMT_GOODS_PRICE"] = _floor(loan.goods * credit / loan.credit,
                                                policy.amount_step)
    changes["AMT_ANNUITY"] = float(round(credit / candidate.term))
    return changes


def plausible(changes: dict[str, float], application: dict, policy: RecoursePolicy = POLICY) -> bool:
    """Only actionable fields; the amount between the policy's floor and the request; the goods
    price and the payment never up; the term never beyond the policy's longest."""
    return _plausible(changes, _Loan.of(application), policy)


def _plausible(changes: dict[str, float], loan: _Loan, policy: RecoursePolicy) -> bool:
    if not changes or set(changes) - set(ACTIONABLE_FIELDS) or loan.credit is None \
            or loan.term is None:
        return False
    credit = changes.get("AMT_CREDIT", loan.credit)
    annuity = changes.get("AMT_ANNUITY", loan.annuity)
    goods = changes.get("AMT_GOODS_PRICE", loan.goods)
    floor = max(policy.credit_min, policy.credit_min_share * loan.credit)
    if not (min(floor, loan.credit) <= credit <= loan.credit) or not annuity or annuity <= 0:
        return False
    if loan.goods is not None and (goods is None or goods > loan.goods):
        return False
    term = credit / annuity
    return annuity <= loan.annuity and term <= max(policy.term_max_months, loan.term) + 0.5


def candidates(application: dict, policy: RecoursePolicy = POLICY) -> list[tuple[str, dict]]:
    """(lever, changes) of every plausible candidate, each lever's smallest change first."""
    loan = _Loan.of(application)
    found: list[tuple[str, dict]] = []
    for lever in words.LEVERS:
        seen: set[tuple] = set()
        for candidate in _grid(lever, loan, policy):
            changes = changes_of(candidate, loan, policy)
            key = tuple(changes.items())
            if key not in seen and _plausible(changes, loan, policy):
                seen.add(key)
                found.append((lever, changes))
    return found


def _screened(levers: list[str], probabilities: np.ndarray, threshold: float,
              per_lever: int) -> dict[str, list[int]]:
    """Each lever's first ``per_lever`` candidates under the threshold (positions, in order)."""
    chosen: dict[str, list[int]] = {}
    for position in np.flatnonzero(probabilities < threshold):
        queue = chosen.setdefault(levers[position], [])
        if len(queue) < per_lever:
            queue.append(int(position))
    return chosen


def _verified(model: CreditScoringModel, row: np.ndarray, application: dict,
              found: list[tuple[str, dict]], queues: dict[str, list[int]]) -> dict[str, Suggestion]:
    """The first candidate of each queue that the API's what-if path grants: its row built by
    ``whatif_rows`` (the query) and scored by ``CreditScoringModel.score`` + ``decide``. One
    round for the queues' heads, another only for the levers whose candidate did not grant."""
    suggestions: dict[str, Suggestion] = {}
    queues = {lever: list(queue) for lever, queue in queues.items() if queue}
    while queues:
        heads = [(lever, queue.pop(0)) for lever, queue in queues.items()]
        rows = whatif_rows(row, model.features, application,
                           [found[position][1] for _, position in heads])
        exact, _, _ = model.score(rows)  # as the API scores a what-if
        for (lever, position), probability in zip(heads, exact):
            decision = model.decide(float(probability))
            if decision == GRANTED:
                suggestions[lever] = Suggestion(lever, found[position][1], float(probability),
                                                decision)
                queues[lever] = []
        queues = {lever: queue for lever, queue in queues.items() if queue}
    return suggestions


def _loan_changes(found: list[tuple[str, dict]], application: dict) -> dict[str, np.ndarray]:
    """The candidates' changed fields as arrays, one value per candidate (where a candidate
    leaves a field, the client's own value)."""
    changed = [name for name in ACTIONABLE_FIELDS if any(name in c for _, c in found)]
    return {name: np.array([changes.get(name, application.get(name)) for _, changes in found],
                           dtype="float64") for name in changed}


def recourse(model: CreditScoringModel, row: np.ndarray, application: dict,
             policy: RecoursePolicy = POLICY) -> Recourse:
    """What would get this client granted: at most one suggestion per lever (the amount alone,
    the term alone, or, when neither suffices, both), each verified; ``row`` is the client's
    model input and ``application`` the raw fields it comes from."""
    row = np.asarray(row, dtype="float64")
    probability, _, _ = model.score(row.reshape(1, -1))
    probability = float(probability[0])
    decision = model.decide(probability)
    result = Recourse(words.NOT_NEEDED, probability, decision, float(model.threshold))
    if decision != REFUSED:
        return result
    found = candidates(application, policy)
    result.status = words.NONE_FOUND
    if not found:
        return result
    # screening: every candidate's row in numpy (the query's formulas), the fast probability
    rows = loan_whatif_rows(row, model.features, application, _loan_changes(found, application))
    result.candidates_scored = len(found)
    queues = _screened([lever for lever, _ in found], model.predict_proba(rows),
                       model.threshold, policy.fallbacks + 1)
    alone = {lever: queues[lever] for lever in (words.CREDIT, words.TERM) if lever in queues}
    suggestions = _verified(model, row, application, found, alone)
    if not suggestions and words.CREDIT_AND_TERM in queues:  # both only when neither suffices
        suggestions = _verified(model, row, application, found,
                                {words.CREDIT_AND_TERM: queues[words.CREDIT_AND_TERM]})
    result.suggestions = [suggestions[lever] for lever in words.LEVERS if lever in suggestions]
    result.status = words.FOUND if result.suggestions else words.NONE_FOUND
    return result


# --------------------------------------------------------------------------- display-ready text
def _euros(value: float | None) -> str:
    return formats.value(value, "€")


def _months(value: float | None) -> str:
    return formats.value(None if value is None else float(round(value)), "mois")


def _field(name: str, before: float | None, after: float | None) -> dict:
    label, unit = label_and_unit(name)
    shown = _months if name == TERM else (lambda v: formats.value(v, unit))
    return {"name": name, "label": label, "unit": unit, "before": before, "after": after,
            "display_before": shown(before), "display_after": shown(after)}


def sentence(lever: str, changes: dict[str, float], application: dict) -> str:
    """« Emprunter 350 000 € au lieu de 406 598 € … » — what changes, in plain French."""
    loan = _Loan.of(application)
    credit = changes.get("AMT_CREDIT", loan.credit)
    annuity = changes["AMT_ANNUITY"]
    term = credit / annuity
    payment = f"mensualité de {_euros(annuity)} au lieu de {_euros(loan.annuity)}"
    if lever == words.TERM:
        return (f"Rembourser en {_months(term)} au lieu de {_months(loan.term)} : {payment}, "
                "pour le même montant emprunté.")
    text = f"Emprunter {_euros(credit)} au lieu de {_euros(loan.credit)}"
    if "AMT_GOODS_PRICE" in changes:
        text += (f", pour un bien de {_euros(changes['AMT_GOODS_PRICE'])} au lieu de "
                 f"{_euros(loan.goods)}")
    if lever == words.CREDIT_AND_TERM:
        return f"{text}, et rembourser en {_months(term)} au lieu de {_months(loan.term)} : {payment}."
    return f"{text} : {payment}, même durée."


def limits_text(application: dict, policy: RecoursePolicy = POLICY) -> str:
    """What was searched, in words: « ni un montant réduit jusqu'à 203 300 €, ni … »."""
    loan = _Loan.of(application)
    parts = []
    reductions = _reductions(loan, policy)
    if reductions:
        parts.append(f"ni un montant réduit jusqu'à {_euros(loan.credit * (1 - reductions[1]))}")
    if _terms(loan, policy):
        parts.append(f"ni une durée allongée jusqu'à {_months(policy.term_max_months)}")
    return ", ".join(parts) or "aucun levier n'est disponible pour cette demande"


def describe(result: Recourse, application: dict, policy: RecoursePolicy = POLICY) -> dict:
    """The display-ready answer: status, message, each suggestion's sentence and fields."""
    loan = _Loan.of(application)
    suggestions = []
    for suggestion in result.suggestions:
        changes = suggestion.changes
        credit = changes.get("AMT_CREDIT", loan.credit)
        fields = [_field(name, _number(application.get(name)), changes[name])
                  for name in ACTIONABLE_FIELDS if name in changes]
        fields.append(_field(TERM, loan.term, credit / changes["AMT_ANNUITY"]))
        suggestions.append({
            "lever": suggestion.lever,
            "title": words.LEVERS[suggestion.lever],
            "sentence": sentence(suggestion.lever, changes, application),
            "changes": changes,
            "fields": fields,
            "probability_default": round(suggestion.probability_default, 6),
            "display_probability": formats.percent(suggestion.probability_default),
            "decision": suggestion.decision,
        })
    message = {words.FOUND: words.message_found(len(suggestions)),
               words.NOT_NEEDED: words.MESSAGE_NOT_NEEDED}.get(
        result.status, words.message_none_found(limits_text(application, policy)))
    return {"status": result.status, "message": message, "indicative": words.INDICATIVE,
            "never_changed": words.NEVER_CHANGED, "suggestions": suggestions,
            "candidates_scored": result.candidates_scored}
