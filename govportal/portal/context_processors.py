from django.utils.functional import SimpleLazyObject
from wagtail.models import Site


def portal(request) -> dict:
    """Site name and top navigation for every public page (one query for the channels, made only if the
    page's own context has not brought them: the home page reads them with its other columns)."""
    site = Site.find_for_request(request)
    if site is None:
        return {"site_name": "", "nav_channels": []}
    from .views import nav_for

    return {
        "site_name": site.site_name or site.root_page.title,
        "nav_channels": SimpleLazyObject(lambda: nav_for(site.root_page)),
    }
