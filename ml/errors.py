"""Errors the pipeline reports to users as one clear line (never a traceback)."""


class MLError(Exception):
    """Base class: the CLI prints the message and exits with status 2."""


class DataValidationError(MLError):
    """A data file is missing, unreadable or does not match its declared schema."""


class ModelNotFoundError(MLError):
    """No registered model answers the requested URI (e.g. no champion yet)."""


class ModelUnavailableError(ModelNotFoundError):
    """The model or the files it scores from exist but cannot be read (a corrupt pickle,
    Parquet or JSON file): the API answers 503 ``model_unavailable`` with this reason."""


class LeakageError(MLError):
    """A feature is derived from the target or from after the application date,
    or a model scores suspiciously well (suspected overfitting or leakage)."""
