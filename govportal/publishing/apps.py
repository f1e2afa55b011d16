from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "govportal.publishing"
    label = "publishing"
    verbose_name = "信息发布"
    default_auto_field = "django.db.models.BigAutoField"
