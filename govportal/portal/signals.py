"""Signals other apps listen to, so that the portal does not need to know them."""

from django.dispatch import Signal

# Sent after a policy profile has been applied: kwargs ``home`` (HomePage) and ``profile`` (rules Profile).
profile_applied = Signal()
