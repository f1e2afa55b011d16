"""Results count as published when the reviewed revision that carries them goes live."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published

from .models import ConsultationPage, SurveyPage


@receiver(page_published)
def record_results_published(sender, instance, **kwargs):
    page = instance.specific if hasattr(instance, "specific") else instance
    flag = {SurveyPage: "results_published", ConsultationPage: "feedback_published"}.get(type(page))
    if flag and getattr(page, flag) and page.results_published_at is None:
        type(page).objects.filter(pk=page.pk, results_published_at__isnull=True).update(
            results_published_at=timezone.now()
        )
