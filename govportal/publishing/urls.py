"""Public URLs of the publishing app (included at the site root by govportal/urls.py)."""

urlpatterns: list = []
