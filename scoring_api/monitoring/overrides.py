"""Human oversight in monitoring: how often advisors override the model, per advisor and per
model version, over the decisions in force recorded in a window (a record superseded by a
later one is not counted twice). Separate from drift and outcome monitoring."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Count, Q

from vocabulary.advisor_decisions import OVERRIDDEN


def _rate(decisions: int, overrides: int) -> float | None:
    return overrides / decisions if decisions else None


def override_rates(*, since: datetime, until: datetime) -> dict[str, Any]:
    """Decisions in force recorded in ``[since, until)``: counts and override rates, overall,
    per advisor and per model version (None rate when there is no decision)."""
    model = apps.get_model("decisions", "AdvisorDecision")
    records = model.objects.filter(created_at__gte=since, created_at__lt=until,
                                   superseded_by__isnull=True)
    counted = {"decisions": Count("id"), "overrides": Count("id", filter=Q(outcome=OVERRIDDEN))}
    total = records.aggregate(**counted)
    by_advisor = records.values("advisor").annotate(**counted).order_by("advisor")
    by_version = (records.values("model_name", "model_version").annotate(**counted)
                  .order_by("model_name", "model_version"))
    return {
        "decisions": total["decisions"], "overrides": total["overrides"],
        "rate": _rate(total["decisions"], total["overrides"]),
        "by_advisor": [{**row, "rate": _rate(row["decisions"], row["overrides"])}
                       for row in by_advisor],
        "by_model_version": [{**row, "rate": _rate(row["decisions"], row["overrides"])}
                             for row in by_version],
    }


def override_lines(rates: dict[str, Any]) -> list[str]:
    """The rates as the command prints them (one line overall, one per advisor and version)."""
    def share(row: dict[str, Any]) -> str:
        rate = row["rate"]
        return f"{row['overrides']}/{row['decisions']} ({'n/a' if rate is None else f'{rate:.1%}'})"

    lines = [f"Advisor overrides: {share(rates)} of the decisions in force"]
    lines += [f"  advisor {row['advisor']}: {share(row)}" for row in rates["by_advisor"]]
    lines += [f"  model {row['model_name']} v{row['model_version']}: {share(row)}"
              for row in rates["by_model_version"]]
    return lines
