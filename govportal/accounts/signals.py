from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Staff


@receiver(post_save, sender=Staff)
def staff_saved(sender, instance: Staff, **kwargs) -> None:
    instance.sync_groups()
