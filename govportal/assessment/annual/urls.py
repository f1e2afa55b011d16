"""Public URLs (included at the site root by govportal/urls.py): the published annual reports."""

from django.urls import path

from . import views

app_name = "annual"

urlpatterns = [
    path("nianbao/", views.public_index, name="index"),
    path("nianbao/wangzhan/<int:pk>/", views.public_website, name="website"),
    path("nianbao/gongkai/<int:pk>/", views.public_disclosure, name="disclosure"),
]
