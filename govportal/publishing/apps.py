from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "govportal.publishing"
    label = "publishing"
    verbose_name = "信息发布"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.models import WorkflowState
        from wagtail.signals import workflow_approved, workflow_rejected

        from . import notifications, publication, workflow  # noqa: F401  (signal receivers)

        # Our notices (in the back office and by e-mail, in Chinese, with the reasons and a link to the
        # phone review page) take the place of Wagtail's approval/rejection e-mails: connected under the
        # dispatch_uid Wagtail uses, before wagtail.admin (later in INSTALLED_APPS) connects its own, so
        # Wagtail's connect is a no-op and nobody gets two e-mails.
        workflow_rejected.connect(
            notifications.item_returned,
            sender=WorkflowState,
            dispatch_uid="workflow_state_rejected_email_notification",
        )
        workflow_approved.connect(
            notifications.item_approved,
            sender=WorkflowState,
            dispatch_uid="workflow_state_approved_email_notification",
        )
