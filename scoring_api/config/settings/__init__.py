"""Settings of the scoring API: ``base`` (shared), ``local``, ``test``, ``production``."""
