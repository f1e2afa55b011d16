"""Back-office URLs (mounted under /admin/assessment/ by wagtail_hooks)."""

from django.urls import path, re_path

from . import views

app_name = "assessment_admin"

P = "<str:kind>/<int:year>/<int:number>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("compute/", views.compute_view, name="compute"),
    path("letters/", views.letters_view, name="letters"),
    path("letters/<int:pk>/", views.letter_view, name="letter"),
    re_path(r"^letters/(?P<pk>\d+)/letter\.(?P<fmt>docx|pdf)$", views.letter_file, name="letter_file"),
    path("letters/<int:pk>/scan/", views.letter_scan, name="letter_scan"),
    path(P, views.period_view, name="period"),
    path(P + "issue/", views.issue_view, name="issue"),
    path(P + "withdraw/", views.withdraw_view, name="withdraw"),
    re_path(
        r"^(?P<kind>\w+)/(?P<year>\d+)/(?P<number>\d+)/issued/(?P<version>\d+)\.(?P<fmt>docx|pdf)$",
        views.issued_file,
        name="issued_file",
    ),
    path(P + "ledger.xlsx", views.ledger_file, name="ledger"),
    path(P + "ranking.<str:fmt>", views.ranking_file, name="ranking_file"),
    path(P + "unit/<int:unit_id>/", views.unit_view, name="unit"),
    path(P + "unit/<int:unit_id>/adjust/", views.adjust_view, name="adjust"),
    path(P + "unit/<int:unit_id>/notice.<str:fmt>", views.notice_file, name="notice"),
    path(P + "unit/<int:unit_id>/criticism.<str:fmt>", views.criticism_file, name="criticism"),
]
