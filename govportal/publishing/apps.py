from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "govportal.publishing"
    label = "publishing"
    verbose_name = "信息发布"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate
        from wagtail.models import WorkflowState
        from wagtail.signals import workflow_approved, workflow_rejected

        from govportal.monitoring import registry as monitoring_registry

        from . import (  # noqa: F401  (notifications, publication, workflow: @receiver functions)
            emergency,
            feeds_out,
            interpretation,
            models,
            notifications,
            publication,
            register,
            review,
            workflow,
        )
        from .signals import item_published, item_unpublished

        # The review tasks (models) run the review's logic, registered here (the models stay below review.py).
        models.register_review_logic(review)
        # What monitoring (a sibling that publishing imports, never the reverse) reads from publishing.
        monitoring_registry.register_interpretation_rule(interpretation.needs_interpretation)
        monitoring_registry.register_withdrawals(publication.last_withdrawal)

        # What an item's publication sets off, in this order (publication.py sends; docs/architecture.md).
        item_published.connect(register.on_item_published, dispatch_uid="publishing_register")
        item_published.connect(emergency.on_item_published, dispatch_uid="publishing_emergency")
        item_published.connect(interpretation.on_item_published, dispatch_uid="publishing_interpretation")
        item_published.connect(feeds_out.on_item_published, dispatch_uid="publishing_feeds_out")
        item_unpublished.connect(feeds_out.on_item_unpublished, dispatch_uid="publishing_feeds_out")

        post_migrate.connect(assign_workflows, sender=self, dispatch_uid="publishing_assign_workflows")

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

        # Static publishing's handlers must run in every process that can publish (web workers, the job
        # worker's scheduled publishing, management commands), after the search listing's (the pages it
        # writes read the listing): the listing's are connected here first (search is a lower layer;
        # SearchConfig.ready connecting them again changes nothing).
        from govportal.search.indexing import connect as connect_listing

        from . import static_site

        connect_listing()
        static_site.connect_signals()


def assign_workflows(sender, using="default", verbosity=1, **kwargs):
    """After ``migrate``: every existing locality site gets (or keeps in step) its review workflow, so a site
    upgraded to this version is under review from the first request."""
    from django.db import DatabaseError

    from govportal.portal.models import HomePage

    from .routes import RouteError
    from .workflow import ensure_workflow

    try:
        homes = list(HomePage.objects.using(using).exclude(locality=""))
    except DatabaseError:  # migrating only part of the way: the tables are not all there yet
        return
    for home in homes:
        try:
            ensure_workflow(home)
        except (RouteError, FileNotFoundError, KeyError, DatabaseError) as exc:
            if verbosity:
                print(f"信息发布审核流程未能设置（{home.title}）：{exc}")
