"""Headline figures of the benchmark files, as the note and slides print them."""
from __future__ import annotations

from reporting.bench import headlines
from reporting.facts import benchmark_tables
from reporting.slides import _bench_bullets

API = {"raw_model_call": {"p50_ms": 0.218},
       "stores": [{"store": "sqlite", "settings": {}, "lost_events": 0, "meets_target": True,
                   "c50": {"rps": 1046.8, "p99_ms": 71.264, "errors": 0}, "c4": {"p50_ms": 3.248}},
                  {"store": "postgresql", "settings": {"POSTGRES_SYNCHRONOUS_COMMIT": "on"},
                   "lost_events": 0, "meets_target": False,
                   "c50": {"rps": 675.1, "p99_ms": 108.562, "errors": 0}, "c4": {"p50_ms": 4.946}}]}
TRAIN = {"clients": 300000, "quick": False, "train_wall_s": 617.23,
         "targets": {"train_wall_s": 1200}, "targets_met": {"train_wall_s": True},
         "champion": {"name": "logreg_class_weight", "threshold": 0.088,
                      "holdout": {"auc": 0.77333, "business_cost": 0.52358}},
         "explain": {"mean_ms": 0.207}}
SCALE = {"scales": [{"clients": 1000000, "steps": {
    "score_batch_spark": {"wall_s": 53.9, "peak_rss_gb": 2.92, "returncode": 0, "clients_per_s": 21494},
    "features_spark": {"wall_s": 111.4, "peak_rss_gb": 2.98, "returncode": 1}}},
    {"clients": 3000000, "skipped": "predicted peak RSS 70.6 GB"}]}


def test_api_lines_name_each_store_with_its_throughput_latency_and_verdict():
    lines = headlines("api", API)
    assert lines[0].startswith("GET /score, sqlite : 1\u202f047 req/s à 50 connexions, p99 71 ms, p50 3,2 ms")
    assert lines[0].endswith("objectif atteint")
    assert "postgresql (POSTGRES_SYNCHRONOUS_COMMIT=on) : 675 req/s" in lines[1]
    assert lines[1].endswith("objectif manqué")
    assert lines[2].endswith("0,22 ms")


def test_train_lines_give_minutes_against_the_target_and_the_champion():
    lines = headlines("train", TRAIN)
    assert lines[0] == ("Entraînement (recherche complète) sur 300\u202f000 clients : 10,3 min "
                        "(objectif 20 min) — objectif atteint")
    assert lines[1] == "Champion logreg_class_weight : AUC holdout 0,773, coût 0,524, seuil 0,088"


def test_scale_lines_show_failures_and_skipped_sizes_as_such():
    lines = headlines("scale", SCALE)
    assert "1\u202f000\u202f000 clients, variables Spark : échec (code 1)" in lines
    assert "1\u202f000\u202f000 clients, scoring Spark : 53,9 s, 2,9 Go, 21\u202f494 clients/s" in lines
    assert lines[-1].startswith("3\u202f000\u202f000 clients : non lancé (predicted peak RSS")


def test_a_failed_pipeline_step_says_so_with_its_error_and_no_timing():
    """A failed step keeps its wall time in the file: the line must not read as a success."""
    error = ("Caused by: org.apache.spark.SparkException: Job aborted due to stage failure: "
             "TaskResultLost (result lost from block manager)")
    pipeline = {"clients": 300000,
                "synth": {"wall_s": 102.3, "peak_rss_gb": 7.15, "returncode": 0},
                "features_spark": {"wall_s": 109.8, "peak_rss_gb": 2.83, "returncode": 1,
                                   "error": error}}
    synth, spark = headlines("pipeline", pipeline)
    assert synth == "300\u202f000 clients, génération : 102,3 s, pic mémoire 7,2 Go"
    assert spark.startswith("300\u202f000 clients, variables Spark local[2] : échec (code 1 : Caused by")
    assert "109,8" not in spark and "Go" not in spark


def test_absent_keys_failed_or_unknown_benchmarks_give_no_invented_line():
    assert headlines("api", {"stores": []}) == []
    assert headlines("train", {"error": "RuntimeError: boom", "train_wall_s": 1}) == []
    assert headlines("portal", {"requests": 3}) == []
    assert headlines("unknown", {"x": 1}) == []
    assert headlines("drift", None) == []


def test_slides_use_the_headlines_and_say_when_a_benchmark_was_not_run():
    facts = {"benchmarks": benchmark_tables({"api": API, "pipeline": None})}
    bullets = _bench_bullets(facts, ("api", "pipeline"))
    assert bullets[:3] == headlines("api", API)
    assert bullets[-1] == "Benchmark pipeline : non mesuré"


RECOURSE = {"clients": 200, "statuses": {"found": 37, "none_found": 163}, "target_p95_ms": 100.0,
            "recourse": {"p95_ms": 61.4}, "whatif": {"p95_ms": 30.2},
            "recourse_to_whatif_p95": 2.03, "meets_target": True}


def test_recourse_lines_give_the_p95_against_the_target_and_beside_a_single_what_if():
    lines = headlines("recourse", RECOURSE)
    assert lines[0] == ("« Accordé si… » : p95 61 ms par client refusé (objectif 100 ms) — "
                        "objectif atteint, 2,0 fois un what-if seul (p95 30 ms)")
    assert lines[1] == "Pistes trouvées pour 37 des 200 clients refusés mesurés"
    missed = headlines("recourse", {**RECOURSE, "meets_target": False})
    assert "objectif manqué" in missed[0]


def test_the_api_slide_carries_the_recourse_benchmark():
    facts = {"benchmarks": benchmark_tables({"api": API, "recourse": RECOURSE})}
    bullets = _bench_bullets(facts, ("api", "recourse"))
    assert bullets[-2:] == headlines("recourse", RECOURSE)


def test_scale_lines_give_memory_by_role_and_the_rate_beside_its_ceiling():
    scale = {"scales": [{"clients": 3000000, "steps": {
        "features_spark": {"wall_s": 512.34, "peak_rss_gb": 3.1, "returncode": 0,
                           "peak_rss_by_role_gb": {"driver_python": 0.21, "jvm": 2.43,
                                                   "python_workers": 0.46},
                           "clients_per_s": 6789, "ceiling_clients_per_s": 20000,
                           "ratio_to_ceiling": 0.339},
        "features_duckdb": {"wall_s": 100.0, "peak_rss_gb": 4.4, "returncode": 0,
                            "peak_rss_by_role_gb": {"driver_python": 4.4}}}}]}
    lines = headlines("scale", scale)
    assert ("3\u202f000\u202f000 clients, variables Spark : 512,3 s, 3,1 Go (pilote Python 0,2 Go, "
            "JVM Spark 2,4 Go, workers Python 0,5 Go), 6\u202f789 clients/s "
            "(plafond 20\u202f000 clients/s, 34 %)") in lines
    assert "3\u202f000\u202f000 clients, variables DuckDB : 100,0 s, 4,4 Go" in lines


def test_scale_headline_gives_the_spark_drivers_peak_over_the_spark_steps():
    roles = {"driver_python": 0.31, "jvm": 2.62, "python_workers": 1.1}
    scale = {"settings": {"SPARK_DRIVER_MEMORY": "2g"}, "scales": [{"clients": 3000000, "steps": {
        "features_spark": {"wall_s": 1.0, "peak_rss_gb": 3.0, "returncode": 0,
                           "peak_rss_by_role_gb": {**roles, "jvm": 2.71}},
        "score_batch_spark": {"wall_s": 1.0, "peak_rss_gb": 4.0, "returncode": 0,
                              "peak_rss_by_role_gb": {**roles, "driver_python": 0.52}},
        "features_duckdb": {"wall_s": 1.0, "peak_rss_gb": 4.4, "returncode": 0,
                            "peak_rss_by_role_gb": {"driver_python": 4.4}}}}]}
    assert headlines("scale", scale)[0] == (
        "3\u202f000\u202f000 clients, pilote Spark : Python 0,5 Go au plus, JVM (pilote et "
        "exécuteurs en local, tas plafonné à 2g) 2,7 Go au plus")
DEPLOYED = {"seconds_per_endpoint": 120, "database": "postgresql", "cache": "redis",
            "raw_model_call": {"p50_ms": 0.0132, "calls_per_s_one_thread": 27727.5},
            "ping": {"rps": 1000.4, "max_ms": 180.2},
            "score": {"rps": 480.0, "p99_ms": 96.0, "max_ms": 240.5, "over_1s": 0, "errors": 0,
                      "lost_events": 0},
            "kill9": {"workers_killed": 5, "lost_events": 0, "orphan_events": 1,
                      "socket_errors": 5, "max_ms": 900.0},
            "ratios": {"score_to_ping_rps": 0.4798, "score_rps_to_raw_model_calls": 0.0173},
            "restarts_total": 3,
            "targets_met": {"score_to_ping_rps": True, "p99_ms": True}}


def test_deployed_api_lines_give_the_ratio_to_the_ceiling_beside_both_throughputs():
    ratio, latency, recycling, kills, raw = headlines("api", DEPLOYED)
    assert ratio.startswith("GET /score (déployé : bin/web, postgresql, cache redis) : 480 req/s, "
                            "soit 48\u202f% du plafond du serveur web")
    assert "GET /ping : 1\u202f000 req/s" in ratio and ratio.endswith("objectif atteint")
    assert latency.startswith("GET /score sur 120 s à 50 connexions : p99 96 ms (objectif 100 ms : "
                              "atteint), maximum 240 ms, 0 requête au-delà d'1 s, 0 erreur")
    assert recycling == ("Recyclage des workers (chargés avant le fork) : 3 redémarrages en 240 s "
                         "de charge, latence maximale 240 ms")
    assert kills.startswith("5 × kill -9 d'un worker sous charge : 0 événement perdu(s), "
                            "1 orphelin (enregistré, appelant en erreur), 5 erreurs côté client")
    assert raw.endswith("27\u202f728 appels/s ; GET /score = 1,7\u202f% de ce débit")


def test_deployed_api_lines_give_the_processor_time_by_role_when_measured():
    measured = {**DEPLOYED,
                "ping": {**DEPLOYED["ping"], "cpu_ms_per_request": {"server": 0.61, "machine": 0.69}},
                "score": {**DEPLOYED["score"], "cpu_ms_per_request": {
                    "server": 1.47, "postgres": 0.23, "redis": 0.05, "machine": 1.85}},
                "ratios": {**DEPLOYED["ratios"], "server_cpu_ping_to_score": 0.416}}
    lines = headlines("api", measured)
    assert [line.startswith("Processeur") for line in lines] == [False] * 4 + [True, False]
    cpu = lines[4]
    assert cpu == ("Processeur par requête, même série : GET /ping 0,61 ms dans le serveur ; "
                   "GET /score 1,47 ms dans le serveur + 0,23 ms PostgreSQL + 0,05 ms Redis "
                   "(machine entière : 0,69 contre 1,85 ms) ; serveur seul, comme sur un dyno "
                   "dont la base et Redis sont ailleurs : 42\u202f%")
    assert not any(line.startswith("Processeur") for line in headlines("api", DEPLOYED))


def test_a_missed_ratio_says_so():
    missed = {**DEPLOYED, "ratios": {"score_to_ping_rps": 0.283},
              "targets_met": {"score_to_ping_rps": False, "p99_ms": False}}
    ratio, latency, *_ = headlines("api", missed)
    assert "soit 28\u202f% du plafond" in ratio and ratio.endswith("objectif manqué")
    assert "(objectif 100 ms : manqué)" in latency


def test_portal_line_gives_the_client_page_beside_the_same_servers_ceiling():
    portal = {"client_page_ms": {"p95": 868.0}, "target_p95_ms": 200, "meets_target": False,
              "connections": 20, "seconds": 120,
              "client_page": {"rps": 33.4, "over_1s": 102, "max_ms": 1610.0,
                              "restarts_portal": {"workers_booted": 2}},
              "ceiling_login_page": {"rps": 167.0}, "ratios": {"client_page_to_login_page_rps": 0.2}}
    [line] = headlines("portal", portal)
    assert line.startswith("Page client du portail : p95 868 ms") and "objectif manqué" in line
    assert line.endswith("plafond du même serveur (page de connexion, sans appel à l'API) "
                         "167,0 pages/s, soit 20,0\u202f% de ce débit")
    portal["client_page"]["cpu_ms_per_page"] = {"portal": 8.0, "api": 5.7, "postgres": 1.23,
                                                "redis": 0.18, "machine": 15.16}
    [line] = headlines("portal", portal)
    assert line.endswith("processeur par page : portail 8,0 ms, API 5,7 ms, PostgreSQL 1,2 ms, "
                         "Redis 0,2 ms, machine entière 15,2 ms")
