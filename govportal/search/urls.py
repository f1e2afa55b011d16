"""Public URLs of the search app (included at the site root by govportal/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [path("search/", views.search_view, name="search")]
