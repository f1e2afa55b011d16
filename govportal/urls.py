import re

from django.conf import settings
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from govportal.accounts import views as accounts_views
from govportal.api.api import api as open_api
from govportal.portal import views as portal_views
from govportal.security.media import serve_media


class AdminJavaScriptCatalog(JavaScriptCatalog):
    """Wagtail's script strings (autosave, the editor's "type '/'" prompt, …) with our zh-hans catalogue
    (govportal/locale) for those Wagtail's own lacks: Django's catalogue view reads only the packages' own."""

    def get_paths(self, packages):
        return [*super().get_paths(packages), *map(str, settings.LOCALE_PATHS)]


urlpatterns = [
    # GET or POST ends the session on the server (Wagtail's own view answers GET with 405 and keeps it).
    path("admin/logout/", accounts_views.logout_view),
    path("admin/jsi18n/", AdminJavaScriptCatalog.as_view(packages=["wagtail.admin"])),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The open API for provincial platforms (govportal/api): token-only JSON, OpenAPI at /api/v1/openapi.json.
    path("api/v1/", open_api.urls),
    path("favicon.ico", portal_views.favicon, name="favicon"),
    path("sitemap/", portal_views.site_map, name="site_map"),
    path("sitemap.xml", portal_views.sitemap_xml, name="sitemap_xml"),
    path("sitemap-<int:section>.xml", portal_views.sitemap_xml, name="sitemap_xml_section"),
    path("feeds/<int:column_id>.xml", portal_views.column_feed, name="column_feed"),
    path("feeds/<int:column_id>.atom", portal_views.column_feed, {"kind": "atom"}, name="column_feed_atom"),
    path("gkml/", portal_views.catalogue, name="disclosure_catalogue"),
    path("", include("govportal.publishing.urls")),
    path("", include("govportal.interaction.urls")),
    path("", include("govportal.search.urls")),
    path("", include("govportal.monitoring.urls")),
    path("", include("govportal.participation.urls")),
    path("", include("govportal.assessment.annual.urls")),
    path("", include("govportal.assessment.public_urls")),
]

# Uploaded media: safe types, private documents never (govportal/security/media.py), with or without DEBUG.
urlpatterns += [re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", serve_media)]

urlpatterns += [
    # Items' gov-style addresses: /<column>/202612/t20261202_317.html (govportal.portal.models.ItemPage).
    re_path(r"^((?:[\w\-]+/)+t\d{8}_\d+\.html)$", wagtail_views.serve, name="item_serve"),
    path("", include(wagtail_urls)),
]
