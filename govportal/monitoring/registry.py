"""What monitoring reads from the publishing app, registered by publishing in ``PublishingConfig.ready()``
(monitoring never imports publishing, which calls ``monitoring.textcheck``; docs/architecture.md). Not to be
confused with ``registries.py``, the text-check word lists.

- ``register_interpretation_rule(needs)`` (publishing: ``interpretation.needs_interpretation``): whether a
  policy document must have a 政策解读, ``needs(page, locality) -> bool`` — the freshness report lists the
  documents still without one.
- ``register_withdrawals(last)`` (publishing: ``publication.last_withdrawal``): the latest withdrawal of a
  page, ``last(page_id) -> Withdrawal | None`` (``.title``, ``.created_at``) — the link check names a link
  to a withdrawn item as such.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

needs_interpretation: Callable[[Any, str], bool] = lambda page, locality: False  # noqa: E731
last_withdrawal: Callable[[int], Any] = lambda page_id: None  # noqa: E731


def register_interpretation_rule(needs: Callable[[Any, str], bool]) -> None:
    global needs_interpretation
    needs_interpretation = needs


def register_withdrawals(last: Callable[[int], Any]) -> None:
    global last_withdrawal
    last_withdrawal = last
