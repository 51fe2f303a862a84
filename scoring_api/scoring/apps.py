from django.apps import AppConfig


class ScoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scoring_api.scoring"
    label = "scoring"
    verbose_name = "Scoring"
