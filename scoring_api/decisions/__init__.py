"""The advisor's decision on record: follows or overrides the model, append-only."""
