"""What the apps above the portal put into its pages and back-office screens, registered in their
``AppConfig.ready()`` (the portal never imports them; docs/architecture.md).

- ``link_column_items[url]``: a link column pointing at ``url`` (e.g. ``/xinjian/``, 市长信箱) lists
  ``items(locality, n)`` on its parent's page instead of an empty box (interaction: the public letters).
- ``mailbox_name``: ``(locality) -> str``, the mailbox's name (市长信箱) on the home page (interaction).
- ``letters``: the letter sections of the role panels (``portal.dashboards``; interaction).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class LetterPanels:
    unit_section: Callable  # (unit) -> section dict: 本单位的来信办理期限
    open_by_unit: Callable  # (locality) -> {unit pk: [open letters, of which late]}
    todays_section: Callable  # (user) -> section dict: 今日来信


link_column_items: dict[str, Callable] = {}
mailbox_name: Callable[[str], str] | None = None
letters: LetterPanels | None = None


def register_link_column(url: str, items: Callable) -> None:
    link_column_items[url] = items


def register_mailbox_name(name_of: Callable[[str], str]) -> None:
    global mailbox_name
    mailbox_name = name_of


def register_letter_panels(panels: LetterPanels) -> None:
    global letters
    letters = panels


# --- what a page type's public page shows ---------------------------------------------------------------
# Built with the lists and the navigation (portal.views, participation.views), which import the page models:
# each app registers its builders in its AppConfig.ready(); the page's get_context (``RegisteredContext``)
# looks its own up, so the models never import the views.

page_contexts: dict[str, Callable[..., dict]] = {}


def register_page_context(model: type, build: Callable[..., dict]) -> None:
    """``build(page, request) -> dict`` is added to the context of every page of ``model``."""
    page_contexts[model._meta.label] = build


class RegisteredContext:
    """Page mixin: the context of the page's public view is what its app registered for the page type."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(page_contexts[type(self)._meta.label](self, request))
        return context
