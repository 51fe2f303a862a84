from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scoring_api.outcomes"
    label = "outcomes"
    verbose_name = "Issues des crédits"
