"""Features, written once as Ibis expressions: application and side-table aggregates, the engines
they run on (DuckDB, Spark), the feature dictionary and the one-application path of the API."""
