"""Public URLs of the monitoring app (included at the site root by govportal/urls.py)."""

urlpatterns: list = []
