"""Portfolio batch scoring (``python -m ml score-batch``): the chunked default engine, the Spark
engine, the shared scoring function and the atomic output folder."""
