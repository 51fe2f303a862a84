from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scoring_api.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
