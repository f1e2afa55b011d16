"""Items' gov-style addresses: ``/<column>/<YYYYMM>/t<YYYYMMDD>_<n>.html`` (creation date + number), as
government sites write them; the page models answer them (``models.addresses``), the page form gives a new
item its slug."""

from __future__ import annotations

import re

from django.db.models import Max
from django.utils import timezone
from wagtail.models import Page

# Item addresses as government sites write them: /gzdt/202612/t20261202_317.html (creation date + number).
GOV_SLUG = re.compile(r"^t(\d{6})(\d{2})_(\d+)$")


def gov_slug(parent, page=None, when=None) -> str:
    """A fresh item slug ``t<YYYYMMDD>_<n>``, unique under ``parent`` without asking the editor.

    ``n`` is the next page id as far as the database knows, raised until no sibling has the slug."""
    day = timezone.localtime(when or timezone.now()).strftime("%Y%m%d")
    n = (Page.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    while parent is not None and not Page._slug_is_available(f"t{day}_{n}", parent, page):
        n += 1
    return f"t{day}_{n}"
