"""Public URLs of the interaction app (included at the site root by govportal/urls.py)."""

from django.urls import path

from . import views

app_name = "interaction"

urlpatterns = [
    path("xinjian/", views.mailbox, name="mailbox"),
    path("xinjian/xie/", views.write, name="write"),
    path("xinjian/chaxun/", views.query, name="query"),
    path("xinjian/tongji/", views.statistics, name="statistics"),
    path("xinjian/<int:pk>/", views.letter_public, name="letter"),
    path("xinjian/yanzhengma/", views.captcha_new, name="captcha_new"),
    path("xinjian/yanzhengma/<str:token>.png", views.captcha_image, name="captcha"),
    path("xinjian/wenti/", views.faq_list, name="faq_list"),
    path("xinjian/wenti/tishi/", views.faq_suggest, name="faq_suggest"),
    path("xinjian/wenti/<int:pk>/", views.faq_detail, name="faq_detail"),
    path("jiucuo/", views.error_report, name="error_report"),
    path("jiucuo/chaxun/", views.error_query, name="error_query"),
    path("yishenqing/", views.disclosure_apply, name="disclosure"),
    path("yishenqing/chaxun/", views.disclosure_query, name="disclosure_query"),
]
