"""Training: leakage check, candidates, cross-validated search ranked by business cost,
calibration, threshold, evaluation and fairness, the model card and figures."""
