"""Raw data: the declared schema of the seven Home Credit tables, loading and validation, the
synthetic generator and the real-sample preparation."""
