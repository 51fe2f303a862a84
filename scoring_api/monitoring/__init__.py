"""Production monitoring of the scoring API: drift, score stability, decisions, latency, alerts."""
