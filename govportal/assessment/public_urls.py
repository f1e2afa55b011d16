"""Public URLs (included at the site root): issued results, where the profile publishes them."""

from django.urls import path

from . import public

app_name = "assessment_public"

urlpatterns = [
    path("kaohe/", public.index, name="index"),
    path("kaohe/<str:kind>/<int:year>/<int:number>/", public.period, name="period"),
    path("kaohe/<str:kind>/<int:year>/<int:number>/tongbao.pdf", public.pdf, name="pdf"),
]
