"""Public URLs of the search app (included at the site root by govportal/urls.py)."""

urlpatterns: list = []
