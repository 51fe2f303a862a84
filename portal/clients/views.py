"""Advisor pages (thin): read the request, ask the API through ``api_client``, build charts,
record the audit entry, render. API failures become French error pages in the middleware."""
from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.access import advisor_required
from portal.accounts.models import AuditEntry
from portal.accounts.services import audit_record
from portal.clients import charts
from portal.clients.api_client import ApiConflict, ApiInvalidInput, PageNotFound, get_api
from portal.clients.forms import CompareForm, DecisionForm, SearchForm, SimulationForm
from vocabulary import advisor_decisions, decisions, formats
from vocabulary import recourse as recourse_words
from vocabulary.features import label_and_unit

SCATTER_POINTS = 300
# the columns of a search result after the client's id, in the order of ``_result_row``
RESULT_HEADINGS = [*(label_and_unit(column)[0] for column in (
    "CODE_GENDER", "AGE_YEARS", "AMT_INCOME_TOTAL", "AMT_CREDIT", "NAME_CONTRACT_TYPE")),
    decisions.PROBABILITY, decisions.DECISION]


@advisor_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Client search by id and filters; a plain GET form, so it works without JavaScript."""
    form = SearchForm(request.GET)
    page_data: dict[str, Any] | None = None
    if form.is_valid():
        page = form.cleaned_data.get("page") or 1
        query = {k: v for k, v in request.GET.items() if k != "page" and v != ""}
        try:
            page_data = get_api().clients(filters=form.api_filters(), page=page)
        except PageNotFound:
            # past the last page (an old link, a typed URL): go to the last one
            last = _last_page(form.api_filters())
            return redirect(reverse("clients:search") + _page_url(query, last))
        page_data["rows"] = [_result_row(row) for row in page_data.get("results", [])]
        page_data["headings"] = RESULT_HEADINGS
        page_data["page"] = page
        page_data["previous_url"] = _page_url(query, page - 1) if page_data.get("previous") else None
        page_data["next_url"] = _page_url(query, page + 1) if page_data.get("next") else None
        audit_record(user=request.user, action=AuditEntry.Action.SEARCH, client_id=None,
                     details={"filters": form.api_filters(), "page": page,
                              "results": page_data.get("count")})
    title = "Recherche de clients"
    if page_data and page_data["page"] > 1:
        title += f" (page {page_data['page']})"
    return render(request, "portal/search.html", {"form": form, "results": page_data,
                                                  "page_title": title})


def _last_page(filters: dict[str, Any]) -> int:
    """The number of the last page of a search (its first page tells the count and the size)."""
    first = get_api().clients(filters=filters, page=1)
    size = len(first.get("results", [])) or 1
    return max(1, -(-int(first.get("count") or 0) // size))


def _page_url(query: dict[str, str], page: int) -> str:
    return "?" + urlencode({**query, "page": page}) if page > 1 else "?" + urlencode(query)


def _result_row(row: dict[str, Any]) -> dict[str, Any]:
    decision = row.get("decision")
    return {
        "client_id": row["client_id"],
        "sex": formats.value(row.get("sex")),
        "age": formats.value(row.get("age_years"), "ans"),
        "income": formats.value(row.get("income"), "€"),
        "credit": formats.value(row.get("credit"), "€"),
        "contract_type": formats.value(row.get("contract_type")),
        "decision": decision or "",
        "decision_label": decisions.label(decision),
        "decision_icon": decisions.icon(decision),
        "probability": formats.percent(row.get("probability_default")),
    }


@advisor_required
@require_GET
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    """The explained score of one client: « Accordé si… », the what-if form and the advisor's
    decision on record."""
    context = _client_context(client_id)
    context["simulation_form"] = SimulationForm(initial=SimulationForm.initial_for(context["client"]))
    context["decision_form"] = _new_decision_form(context["score"])
    audit_record(user=request.user, action=AuditEntry.Action.VIEW, client_id=client_id,
                 details={"probability_default": context["score"]["probability_default"],
                          "decision": context["score"]["decision"]})
    return render(request, "portal/client.html", context)


@advisor_required
@require_POST
def client_simulation(request: HttpRequest, client_id: int) -> HttpResponse:
    """What-if: score the client's application with changed values. The answer is shown as a
    simulation and never replaces the client's decision (nothing but the audit is stored)."""
    context = _client_context(client_id)
    form = SimulationForm(request.POST)
    context["simulation_form"] = form
    context["decision_form"] = _new_decision_form(context["score"])
    status = 200
    if form.is_valid():
        try:
            result = get_api().simulate(base_client_id=client_id, changes=form.changes())
        except ApiInvalidInput as error:
            for name, messages in error.fields.items():
                form.add_error(name if name in form.fields else None, messages)
            if not error.fields:
                form.add_error(None, error.message)
            status = 400
        else:
            context["simulation"] = _simulation_context(result, context["score"])
            audit_record(user=request.user, action=AuditEntry.Action.SIMULATE, client_id=client_id,
                         details={"changes": form.changes(),
                                  "probability_default": result.get("probability_default"),
                                  "decision": result.get("decision")})
    else:
        status = 400
    return render(request, "portal/client.html", context, status=status)


@advisor_required
@require_POST
def client_decision(request: HttpRequest, client_id: int) -> HttpResponse:
    """Record the advisor's final decision through the API (append-only there), audit it, and
    come back to the client page; errors re-render the page with the form (400 or 409)."""
    context = _client_context(client_id)
    form = DecisionForm(request.POST, model_decision=context["score"]["decision"])
    context["simulation_form"] = SimulationForm(initial=SimulationForm.initial_for(context["client"]))
    context["decision_form"] = form
    status = 400
    if form.is_valid():
        try:
            record = get_api().record_decision(client_id, advisor=request.user.get_username(),
                                               **form.api_fields())
        except ApiInvalidInput as error:
            for name, errors in error.fields.items():
                form.add_error(name if name in form.fields else None, errors)
            if not error.fields:
                form.add_error(None, error.message)
        except ApiConflict as error:
            form.add_error(None, error.message)
            status = 409
        else:
            audit_record(user=request.user, action=AuditEntry.Action.DECIDE, client_id=client_id,
                         details={key: record.get(key) for key in (
                             "id", "outcome", "final_decision", "model_decision", "reason_code",
                             "probability_default", "threshold", "model")})
            messages.success(request, f"Décision enregistrée : "
                                      f"{decisions.label(record['final_decision']).lower()} "
                                      f"({advisor_decisions.outcome_label(record['outcome']).lower()}).")
            return redirect(reverse("clients:detail", args=[client_id]) + "#decision-conseiller")
    return render(request, "portal/client.html", context, status=status)


def _new_decision_form(score: dict[str, Any]) -> DecisionForm:
    """A blank decision form, tied to the model version shown and to a fresh request id."""
    return DecisionForm(model_decision=score["decision"],
                        initial={"model_version": score["model"]["version"],
                                 "request_id": uuid.uuid4()})


def client_data(client_id: int) -> dict[str, Any]:
    """What every client page shows: data, score, « Accordé si… » when refused, and the
    advisor's decision on record."""
    api = get_api()
    client = api.client(client_id)
    score = api.score(client_id)
    recourse = api.recourse(client_id) if score["decision"] == decisions.REFUSED else None
    if recourse:
        for suggestion in recourse["suggestions"]:
            suggestion["apply_fields"] = _apply_fields(suggestion, client)
    on_record = client["decisions"]  # the client's file carries them (one call, not two)
    return {"client": client, "client_id": client_id, "score": score,
            "decision": _decision(score), "facts": client["fields"], "recourse": recourse,
            "starting_point": formats.percent(score["base_probability"]),
            "recourse_heading": recourse_words.HEADING,
            "advisor_decision": _advisor_decision(on_record.get("current")),
            "decision_history": [_advisor_decision(r) for r in on_record.get("history", [])]}


def _client_context(client_id: int) -> dict[str, Any]:
    context = client_data(client_id)
    score = context["score"]
    context["charts"] = [
        charts.score_gauge(probability=score["probability_default"],
                           threshold=score["threshold"], decision=score["decision"]),
        charts.contributions_chart(score=score),
    ]
    context["page_title"] = f"Client {client_id} — score et explication"
    return context


def _apply_fields(suggestion: dict[str, Any], client: dict[str, Any]) -> list[tuple[str, str]]:
    """The what-if form's fields for one suggestion: its changes, and the client's own exact
    values for the rest (``repr``: no rounding, no localised comma), so the simulation scores
    exactly what the API verified."""
    values = {name: client.get(key) for name, key in SimulationForm.FIELD_FROM_CLIENT.items()}
    values.update(suggestion["changes"])
    return [(name, repr(float(value))) for name, value in values.items() if value is not None]


def _advisor_decision(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """A recorded decision as the page shows it (words, icon, date, who, why)."""
    if record is None:
        return None
    return {**record, "created": parse_datetime(record["created_at"]),
            "final": _decision({"decision": record["final_decision"],
                                "probability_default": record["probability_default"],
                                "threshold": record["threshold"]}),
            "model_label": decisions.label(record["model_decision"]),
            "overridden": record["outcome"] == advisor_decisions.OVERRIDDEN}


def _decision(score: dict[str, Any]) -> dict[str, str]:
    decision = score["decision"]
    return {
        "value": decision,
        "label": decisions.label(decision),
        "icon": decisions.icon(decision),
        "css": "refused" if decision == decisions.REFUSED else "granted",
        "probability": formats.percent(score["probability_default"]),
        "threshold": formats.percent(score["threshold"]),
    }


def _simulation_context(result: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    delta = result["probability_default"] - original["probability_default"]
    return {
        "decision": _decision(result),
        "reasons": result.get("reasons", []),
        "delta": f"{'+' if delta >= 0 else '−'}{formats.percent(abs(delta))}",
        "changed": result["decision"] != original["decision"],
        "chart": charts.contributions_chart(score=result, chart_id="simulation-contributions",
                                            title="Simulation : ce qui fait monter ou baisser "
                                                  "le risque simulé"),
    }


@advisor_required
@require_GET
def client_compare(request: HttpRequest, client_id: int) -> HttpResponse:
    """One feature against all or similar clients (histogram) and a two-feature scatter."""
    api = get_api()
    features = api.population_features()["features"]
    defaults = {"feature": features[0]["name"],
                "feature_y": features[1]["name"] if len(features) > 1 else features[0]["name"],
                "group": "all"}
    form = CompareForm({**defaults, **request.GET.dict()}, features=features)
    choice = form.cleaned_data if form.is_valid() else defaults
    stats = api.population_stats(feature=choice["feature"], group=choice["group"],
                                 client_id=client_id)
    scatter = api.population_scatter(x=choice["feature"], y=choice["feature_y"],
                                     group=choice["group"], client_id=client_id, n=SCATTER_POINTS)
    audit_record(user=request.user, action=AuditEntry.Action.COMPARE, client_id=client_id,
                 details=dict(choice))
    group_label = "clients similaires" if choice["group"] == "similar" else "tous les clients"
    context = {
        "client_id": client_id,
        "form": form,
        "stats": stats,
        "client_value": formats.value(stats.get("client_value"), stats.get("unit")),
        "group_label": group_label,
        "charts": [charts.distribution_chart(stats=stats), charts.scatter_chart(scatter=scatter)],
        "page_title": f"Client {client_id} — comparaison : {stats['label']} ({group_label})",
    }
    return render(request, "portal/compare.html", context, status=200 if form.is_valid() else 400)
