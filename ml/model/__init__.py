"""The registered model: the scoring class (probability, decision, explanation), the reasons in
plain French, loading by alias and the MLflow registry.

``CreditScoringModel`` and ``Calibrator`` are re-exported here: models registered before the
package split were pickled as ``ml.model.CreditScoringModel`` and must still load.
"""
from ml.model.scoring import BetaCalibrator, Calibrator, CreditScoringModel

__all__ = ["BetaCalibrator", "Calibrator", "CreditScoringModel"]
