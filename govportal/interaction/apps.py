from django.apps import AppConfig


class InteractionConfig(AppConfig):
    name = "govportal.interaction"
    label = "interaction"
    verbose_name = "政民互动"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from govportal.accounts.staffing import work_handed_over
        from govportal.portal import registry as portal
        from govportal.search import registry as search

        from . import dashboard
        from .rules import letter_rules
        from .views import latest_public_letters, published_letters_matching

        work_handed_over.connect(hand_over_letters, dispatch_uid="interaction_hand_over_letters")
        # A 市长信箱 link column lists the public letters; the home page names the mailbox; the role panels
        # show the letters; the public search shows the published letters matching the query.
        portal.register_link_column("/xinjian/", latest_public_letters)
        portal.register_mailbox_name(lambda locality: letter_rules(locality).mailbox_name)
        portal.register_letter_panels(
            portal.LetterPanels(
                unit_section=dashboard.unit_letters_section,
                open_by_unit=dashboard.open_letters_by_unit,
                todays_section=dashboard.todays_letters_section,
            )
        )
        search.register_results("letters", published_letters_matching)


def hand_over_letters(sender, leaver, successor, **kwargs) -> dict:
    """A leaver's open work orders (open or returned letters) go to the successor."""
    from .models import OrderState, WorkOrder

    moved = WorkOrder.objects.filter(handler=leaver, state__in=[OrderState.OPEN, OrderState.RETURNED]).update(
        handler=successor
    )
    return {"信件工单": moved}
