"""The page tree of a portal: home → channels → columns (up to five levels) → items; sub-sites.

Columns are built from the locality's policy profile (``govportal load-profile``) and kept in step
with its responsibility table (xlsx export/import); each carries the table's content description,
update frequency, responsible units and supply method.

One module per concept; import from here (``govportal.portal.models``). Inside the package a module
imports only those above it in this list:

- ``addresses``: readable slugs and the routes of items' gov-style addresses (``PinyinSlugMixin``, ``GovAddressRouteMixin``; the slugs themselves in ``portal.slugs``);
- ``permissions``: who changes columns and items (``ColumnPermissionTester``, ``ItemPermissionTester``);
- ``items``: ``ItemPage``, the kinds columns accept (``ITEM_KINDS``), ``ArticlePage``;
- ``columns``: ``ColumnPage`` and its supply methods;
- ``site``: the home page, sub-sites, the footer settings and the holiday schedules;
- ``policy``: policy documents and interpretations;
- ``services``: service guides;
- ``organisation``: leaders and the organisation's profile;
- ``data``: data releases;
- ``press``: press conferences and interviews, special topics, reposts.
"""

from __future__ import annotations

from ..index_numbers import IndexNumberSerial
from .addresses import GovAddressRouteMixin, PinyinSlugMixin
from .columns import ColumnPage, SupplyMethod
from .data import ChartType, DataReleasePage
from .items import (
    DATE_RULES,
    ITEM_KINDS,
    ArticlePage,
    InfoCategory,
    ItemPage,
    MediaKind,
    dates_rule,
    hide_other_units_drafts,
)
from .organisation import LeaderProfilePage, OrganisationPage
from .permissions import (
    ColumnPermissionTester,
    ItemPermissionTester,
    belongs_to_other_unit,
    item_owner_unit_id,
)
from .policy import Genre, InterpretationKind, InterpretationPage, PolicyDocumentPage, Validity
from .press import PressConferencePage, RepostPage, SpecialTopicPage
from .services import (
    SERVICE_THEMES,
    Audience,
    MatterType,
    ServiceGuidePage,
)
from .site import HomePage, PortalSettings, SubsiteHomePage, SubsiteIndexPage, WorkdaySchedule

__all__ = [
    "DATE_RULES",
    "ITEM_KINDS",
    "SERVICE_THEMES",
    "ArticlePage",
    "Audience",
    "ChartType",
    "ColumnPage",
    "ColumnPermissionTester",
    "DataReleasePage",
    "Genre",
    "GovAddressRouteMixin",
    "HomePage",
    "IndexNumberSerial",
    "InfoCategory",
    "InterpretationKind",
    "InterpretationPage",
    "ItemPage",
    "ItemPermissionTester",
    "LeaderProfilePage",
    "MatterType",
    "MediaKind",
    "OrganisationPage",
    "PinyinSlugMixin",
    "PolicyDocumentPage",
    "PortalSettings",
    "PressConferencePage",
    "RepostPage",
    "ServiceGuidePage",
    "SpecialTopicPage",
    "SubsiteHomePage",
    "SubsiteIndexPage",
    "SupplyMethod",
    "Validity",
    "WorkdaySchedule",
    "belongs_to_other_unit",
    "dates_rule",
    "hide_other_units_drafts",
    "item_owner_unit_id",
]
