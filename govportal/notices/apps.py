from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "govportal.notices"
    label = "notices"
    verbose_name = "待办提醒"
    default_auto_field = "django.db.models.BigAutoField"
