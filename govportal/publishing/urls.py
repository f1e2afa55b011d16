"""Public URLs of the publishing app (included at the site root by govportal/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("feeds/latest.json", views.feed_json, name="publishing_feed_json"),
    path("feeds/latest.xml", views.feed_rss, name="publishing_feed_rss"),
]
