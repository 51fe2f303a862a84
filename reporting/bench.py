"""The headline figures of each benchmark file, in French sentences, for the note and slides.

The note also prints every measure of a benchmark as a table; these lines pick what a reader
looks for first (time against target, throughput, memory) from the keys that ``bench/*.py``
write. A key that is absent gives no line: nothing is ever invented.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reporting.formats import integer, number, percent


def _get(document: dict[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _met(flag: Any) -> str:
    return {True: " — objectif atteint", False: " — objectif manqué"}.get(flag, "")


def _failure(step: dict[str, Any]) -> str:
    """``échec`` and the failure line the benchmark kept (cut short), for a step that failed."""
    error = str(step.get("error") or "").strip()
    return f"échec (code {step.get('returncode')}{' : ' + error[:160] if error else ''})"


def _train(d: dict[str, Any]) -> list[str]:
    lines = []
    if _get(d, "train_wall_s") is not None:
        mode = "recherche rapide" if d.get("quick") else "recherche complète"
        target = _get(d, "targets.train_wall_s")
        goal = f" (objectif {number(target / 60, 0)} min)" if target else ""
        lines.append(f"Entraînement ({mode}) sur {integer(d.get('clients'))} clients : "
                     f"{number(d['train_wall_s'] / 60, 1)} min{goal}"
                     f"{_met(_get(d, 'targets_met.train_wall_s'))}")
    if _get(d, "champion.holdout.auc") is not None:
        lines.append(f"Champion {_get(d, 'champion.name')} : AUC holdout "
                     f"{number(_get(d, 'champion.holdout.auc'), 3)}, coût "
                     f"{number(_get(d, 'champion.holdout.business_cost'), 3)}, seuil "
                     f"{number(_get(d, 'champion.threshold'), 3)}")
    if _get(d, "explain.mean_ms") is not None:
        lines.append(f"Explication d'un client : {number(_get(d, 'explain.mean_ms'), 2)} ms (objectif 5 ms)")
    return lines


def _step_line(clients: Any, label: str, step: dict[str, Any], memory: str = "") -> str:
    """One measured step of a volume benchmark: its time, peak memory and rate, or its failure."""
    head = f"{integer(clients)} clients, {label} : "
    if step.get("returncode"):
        return head + _failure(step)
    rate = f", {integer(step['clients_per_s'])} clients/s" if "clients_per_s" in step else ""
    if "clients_per_s" in step and step.get("ceiling_clients_per_s"):
        rate += (f" (plafond {integer(step['ceiling_clients_per_s'])} clients/s, "
                 f"{number(100 * step['ratio_to_ceiling'], 0)} %)")
    return (head + f"{number(step.get('wall_s'), 1)} s, "
            f"{memory}{number(step.get('peak_rss_gb'), 1)} Go{_roles(step)}{rate}")


ROLE_LABELS = {"driver_python": "pilote Python", "jvm": "JVM Spark",
               "python_workers": "workers Python"}


def _roles(step: dict[str, Any]) -> str:
    """The peak memory by role (Spark's driver, JVM and workers), when the step measured it."""
    roles = step.get("peak_rss_by_role_gb") or {}
    if set(roles) <= {"driver_python"}:
        return ""
    return " (" + ", ".join(f"{label} {number(roles[role], 1)} Go"
                            for role, label in ROLE_LABELS.items() if role in roles) + ")"


def _pipeline(d: dict[str, Any]) -> list[str]:
    return [_step_line(d.get("clients"), label, d[step], memory="pic mémoire ")
            for step, label in (("synth", "génération"), ("features_duckdb", "variables DuckDB"),
                                ("features_spark", "variables Spark local[2]"))
            if _get(d, f"{step}.wall_s") is not None]


def _scale(d: dict[str, Any]) -> list[str]:
    labels = {"synth": "génération", "features_duckdb": "variables DuckDB",
              "score_batch_duckdb": "scoring DuckDB",
              "features_spark": "variables Spark", "score_batch_spark": "scoring Spark"}
    lines = []
    for scale in d.get("scales") or []:
        if scale.get("skipped"):
            lines.append(f"{integer(scale.get('clients'))} clients : non lancé ({scale['skipped']})")
            continue
        steps = scale.get("steps") or {}
        lines += _spark_driver(scale.get("clients"), steps, (d.get("settings") or {}))
        lines += [_step_line(scale.get("clients"), label, steps[step])
                  for step, label in labels.items() if steps.get(step)]
    return lines


def _spark_driver(clients: Any, steps: dict[str, Any], settings: dict[str, Any]) -> list[str]:
    """The Spark driver's peak memory over the Spark steps that finished: its Python and the
    JVM (in local mode the JVM also runs the executors; its heap is capped by the setting)."""
    spark = [steps[name] for name in ("features_spark", "score_batch_spark")
             if steps.get(name) and steps[name].get("returncode") == 0
             and steps[name].get("peak_rss_by_role_gb")]
    if not spark:
        return []
    python = max(step["peak_rss_by_role_gb"].get("driver_python", 0) for step in spark)
    jvm = max(step["peak_rss_by_role_gb"].get("jvm", 0) for step in spark)
    cap = settings.get("SPARK_DRIVER_MEMORY")
    heap = f", tas plafonné à {cap}" if cap else ""
    return [f"{integer(clients)} clients, pilote Spark : Python {number(python, 1)} Go au plus, "
            f"JVM (pilote et exécuteurs en local{heap}) {number(jvm, 1)} Go au plus"]


def _api(d: dict[str, Any]) -> list[str]:
    if d.get("ping") and d.get("score"):
        return _api_deployed(d)
    lines = []
    for store in d.get("stores") or []:
        settings = ", ".join(f"{k}={v}" for k, v in (store.get("settings") or {}).items())
        name = store.get("store", "?") + (f" ({settings})" if settings else "")
        heavy, light = store.get("c50") or {}, store.get("c4") or {}
        lines.append(f"GET /score, {name} : {number(heavy.get('rps'), 0)} req/s à 50 connexions, "
                     f"p99 {number(heavy.get('p99_ms'), 0)} ms, p50 {number(light.get('p50_ms'), 1)} ms "
                     f"à 4 connexions, {integer(heavy.get('errors'))} erreur, "
                     f"{integer(store.get('lost_events'))} événement perdu{_met(store.get('meets_target'))}")
    if _get(d, "raw_model_call.p50_ms") is not None:
        lines.append(f"Appel brut du modèle (prédiction + contributions) : "
                     f"{number(_get(d, 'raw_model_call.p50_ms'), 2)} ms")
    return lines


def _verdict(flag: Any) -> str:
    return {True: " : atteint", False: " : manqué"}.get(flag, "")


def _plural(count: Any, word: str) -> str:
    return f"{integer(count)} {word}{'s' if isinstance(count, (int, float)) and count > 1 else ''}"


def _api_deployed(d: dict[str, Any]) -> list[str]:
    """The API as deployed (bin/web): /score as a share of the web layer's ceiling measured on
    the same server in the same run (absolute figures move between days, the ratio less)."""
    ping, score, kills = d["ping"], d["score"], d.get("kill9") or {}
    met = d.get("targets_met") or {}
    seconds = integer(d.get("seconds_per_endpoint"))
    lines = [
        f"GET /score (déployé : bin/web, {d.get('database', '?')}, cache {d.get('cache', '?')}) : "
        f"{number(score.get('rps'), 0)} req/s, soit {percent(_get(d, 'ratios.score_to_ping_rps'), 0)} "
        f"du plafond du serveur web mesuré dans la même série (GET /ping : "
        f"{number(ping.get('rps'), 0)} req/s), objectif 45\u202f%{_met(met.get('score_to_ping_rps'))}",
        f"GET /score sur {seconds} s à 50 connexions : p99 {number(score.get('p99_ms'), 0)} ms "
        f"(objectif 100 ms{_verdict(met.get('p99_ms'))}), maximum "
        f"{number(score.get('max_ms'), 0)} ms, {_plural(score.get('over_1s'), 'requête')} au-delà "
        f"d'1 s, {_plural(score.get('errors'), 'erreur')}, "
        f"{_plural(score.get('lost_events'), 'événement')} perdu(s)",
        f"Recyclage des workers (chargés avant le fork) : "
        f"{_plural(d.get('restarts_total'), 'redémarrage')} en {integer(2 * (d.get('seconds_per_endpoint') or 0))} s "
        f"de charge, latence maximale {number(max(ping.get('max_ms') or 0, score.get('max_ms') or 0), 0)} ms",
    ]
    if kills:
        lines.append(
            f"{integer(kills.get('workers_killed'))} × kill -9 d'un worker sous charge : "
            f"{_plural(kills.get('lost_events'), 'événement')} perdu(s), "
            f"{_plural(kills.get('orphan_events'), 'orphelin')} (enregistré, appelant en erreur), "
            f"{_plural(kills.get('socket_errors'), 'erreur')} côté client, maximum "
            f"{number(kills.get('max_ms'), 0)} ms")
    ping_cpu, score_cpu = ping.get("cpu_ms_per_request") or {}, score.get("cpu_ms_per_request") or {}
    if ping_cpu.get("server") and score_cpu.get("server"):
        lines.append(
            f"Processeur par requête, même série : GET /ping {number(ping_cpu['server'], 2)} ms "
            f"dans le serveur ; GET /score {number(score_cpu['server'], 2)} ms dans le serveur "
            f"+ {number(score_cpu.get('postgres'), 2)} ms PostgreSQL + "
            f"{number(score_cpu.get('redis'), 2)} ms Redis (machine entière : "
            f"{number(ping_cpu.get('machine'), 2)} contre {number(score_cpu.get('machine'), 2)} ms) ; "
            f"serveur seul, comme sur un dyno dont la base et Redis sont ailleurs : "
            f"{percent(_get(d, 'ratios.server_cpu_ping_to_score'), 0)}")
    if _get(d, "raw_model_call.p50_ms") is not None:
        lines.append(f"Appel brut du modèle (prédiction + contributions, un cœur) : "
                     f"{number(_get(d, 'raw_model_call.p50_ms'), 3)} ms, "
                     f"{number(_get(d, 'raw_model_call.calls_per_s_one_thread'), 0)} appels/s ; "
                     f"GET /score = {percent(_get(d, 'ratios.score_rps_to_raw_model_calls'), 1)} "
                     f"de ce débit")
    return lines


def _recourse(d: dict[str, Any]) -> list[str]:
    if _get(d, "recourse.p95_ms") is None:
        return []
    statuses = d.get("statuses") or {}
    line = (f"« Accordé si… » : p95 {number(_get(d, 'recourse.p95_ms'), 0)} ms par client refusé "
            f"(objectif {number(d.get('target_p95_ms'), 0)} ms){_met(d.get('meets_target'))}")
    if d.get("recourse_to_whatif_p95") is not None:
        line += (f", {number(d['recourse_to_whatif_p95'], 1)} fois un what-if seul (p95 "
                 f"{number(_get(d, 'whatif.p95_ms'), 0)} ms)")
    return [line, f"Pistes trouvées pour {integer(statuses.get('found', 0))} des "
                  f"{integer(d.get('clients'))} clients refusés mesurés"]


def _portal(d: dict[str, Any]) -> list[str]:
    if _get(d, "client_page_ms.p95") is None:
        return []
    line = (f"Page client du portail : p95 {number(_get(d, 'client_page_ms.p95'), 0)} ms, API live "
            f"(objectif {number(d.get('target_p95_ms'), 0)} ms){_met(d.get('meets_target'))}")
    page = d.get("client_page") or {}
    if page:
        line += (f" ; déployé (bin/web), {integer(d.get('connections'))} connexions pendant "
                 f"{integer(d.get('seconds'))} s : {number(page.get('rps'), 1)} pages/s, "
                 f"{_plural(page.get('over_1s'), 'requête')} au-delà d'1 s, maximum "
                 f"{number(page.get('max_ms'), 0)} ms, "
                 f"{_plural(_get(page, 'restarts_portal.workers_booted'), 'redémarrage')}")
    ceiling = d.get("ceiling_login_page") or {}
    if ceiling.get("rps"):
        line += (f" ; plafond du même serveur (page de connexion, sans appel à l'API) "
                 f"{number(ceiling['rps'], 1)} pages/s, soit "
                 f"{percent(_get(d, 'ratios.client_page_to_login_page_rps'))} de ce débit")
    cpu = page.get("cpu_ms_per_page") or {}
    if cpu.get("machine"):
        line += (f" ; processeur par page : portail {number(cpu.get('portal'), 1)} ms, API "
                 f"{number(cpu.get('api'), 1)} ms, PostgreSQL {number(cpu.get('postgres'), 1)} ms, "
                 f"Redis {number(cpu.get('redis'), 1)} ms, machine entière "
                 f"{number(cpu['machine'], 1)} ms")
    return [line]


def _drift(d: dict[str, Any]) -> list[str]:
    if d.get("total_seconds") is None:
        return []
    return [f"Rapport de dérive {integer(d.get('reference_rows'))} contre {integer(d.get('current_rows'))} "
            f"lignes × {integer(d.get('columns'))} variables : {number(d['total_seconds'], 1)} s "
            f"(objectif {number(d.get('target_seconds'), 0)} s){_met(d.get('within_target'))}"]


HEADLINES: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "train": _train, "pipeline": _pipeline, "scale": _scale, "api": _api, "recourse": _recourse,
    "portal": _portal, "drift": _drift}


def headlines(name: str, document: dict[str, Any] | None) -> list[str]:
    """The headline sentences of benchmark ``name`` (empty when unknown or not measured)."""
    if not document or document.get("error") or name not in HEADLINES:
        return []
    return HEADLINES[name](document)
