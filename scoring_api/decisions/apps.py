from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scoring_api.decisions"
    label = "decisions"
    verbose_name = "Décisions des conseillers"
