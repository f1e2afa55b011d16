from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "govportal.assessment"
    label = "assessment"
    verbose_name = "绩效考核"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from govportal.accounts.models import UnitResponsibility

        post_save.connect(_head_saved, sender=UnitResponsibility, dispatch_uid="assessment_head_changed")


def _head_saved(sender, instance, **kwargs) -> None:
    from .letters import head_changed

    head_changed(instance.unit)
