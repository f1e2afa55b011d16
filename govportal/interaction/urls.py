"""Public URLs of the interaction app (included at the site root by govportal/urls.py)."""

urlpatterns: list = []
