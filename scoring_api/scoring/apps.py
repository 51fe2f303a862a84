from django.apps import AppConfig


class ScoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scoring_api.scoring"
    label = "scoring"
    verbose_name = "Scoring"

    def ready(self) -> None:
        # a token deleted or changed anywhere (admin, shell, command) leaves the token cache at
        # once: its signal receivers are connected in every process, not only in web workers
        import scoring_api.config.authentication  # noqa: F401
