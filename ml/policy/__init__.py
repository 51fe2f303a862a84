"""Governance of the model's inputs: the declared input policy (``input_policy.yaml``: excluded
and sensitive-but-allowed attributes, with their justification, and the fairness gate's
bounds), read and enforced by ``ml.policy.input``; the gate itself is ``ml.policy.gate``.

The bottom layer of the pipeline (it imports nothing of ``ml`` but its errors): the features,
the trainer, the registry and the reasons all ask it."""
