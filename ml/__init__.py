"""Credit-scoring ML pipeline: data, features, training, explanation, registry, drift, batch scoring.

Run ``python -m ml --help`` for the command line.
"""
