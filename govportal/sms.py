"""Text messages (短信) as ONE plug-in for the whole platform.

A deployment sets ``GOVPORTAL_SMS_SENDER`` (environment / settings) to the dotted path of a class with
``send(phone, text) -> None`` that talks to its SMS gateway (运营商或政务短信平台). The default,
:class:`LoggingSender`, only writes the message to the ``govportal.sms`` log and keeps the last ones in
memory (for tests and the demo). Used by the monitoring alerts and by participation's verification codes.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("govportal.sms")


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingSender:
    """Writes each message to the log instead of sending it (development, tests, the demo)."""

    outbox: deque = deque(maxlen=50)

    def send(self, phone: str, text: str) -> None:
        masked = phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"
        logger.info("短信 → %s：%s", masked, text)
        LoggingSender.outbox.append((phone, text))


def sender() -> SmsSender:
    path = getattr(settings, "GOVPORTAL_SMS_SENDER", "") or "govportal.sms.LoggingSender"
    return import_string(path)()
