"""Watching the model in use: data drift (evidently) and the population stability index."""
