from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from .navigation import nav_for


def portal(request) -> dict:
    """Site name, the home page's title and top navigation for every public page (one query for the
    channels and one for the title, made only if the page's own context has not brought them: the home
    page reads them with its other columns)."""
    site = Site.find_for_request(request)
    if site is None:
        return {"site_name": "", "nav_channels": []}

    return {
        "site_name": site.site_name or site.root_page.title,
        # the masthead's name: the title of the site's home page (the home page brings its own)
        "site_title": SimpleLazyObject(lambda: site.root_page.title),
        "nav_channels": SimpleLazyObject(lambda: nav_for(site.root_page)),
    }
