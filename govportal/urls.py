from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from govportal.portal import views as portal_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
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
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
