from wagtail.models import Site


def portal(request) -> dict:
    """Site name and top navigation for every public page (one query for the channels)."""
    site = Site.find_for_request(request)
    if site is None:
        return {"site_name": "", "nav_channels": []}
    from .views import nav_for

    return {
        "site_name": site.site_name or site.root_page.title,
        "nav_channels": nav_for(site.root_page),
    }
