from django.apps import AppConfig


class InteractionConfig(AppConfig):
    name = "govportal.interaction"
    label = "interaction"
    verbose_name = "政民互动"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from govportal.accounts.staffing import work_handed_over

        work_handed_over.connect(hand_over_letters, dispatch_uid="interaction_hand_over_letters")


def hand_over_letters(sender, leaver, successor, **kwargs) -> dict:
    """A leaver's open work orders (open or returned letters) go to the successor."""
    from .models import OrderState, WorkOrder

    moved = WorkOrder.objects.filter(handler=leaver, state__in=[OrderState.OPEN, OrderState.RETURNED]).update(
        handler=successor
    )
    return {"信件工单": moved}
