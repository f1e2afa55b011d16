"""Public URLs of participation (included at the site root by govportal/urls.py)."""

from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("canyu/diaocha/<int:pk>/", views.survey_answer, name="survey_answer"),
    path("canyu/yijian/<int:pk>/", views.consultation_comment, name="comment"),
    path("canyu/fangtan/<int:pk>/tiwen/", views.interview_question, name="question"),
    path("canyu/fangtan/<int:pk>/zhibo.json", views.live_json, name="live"),
    path("canyu/zoujin/<int:pk>/baoming/", views.visit_signup, name="signup"),
]
