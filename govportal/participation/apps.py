from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "govportal.participation"
    label = "participation"
    verbose_name = "公众参与"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from govportal.portal.registry import register_page_context

        from . import signals, views  # noqa: F401  (signals: @receiver functions)
        from .models import ConsultationPage, InterviewPage, SurveyPage, VisitPage

        # what each page shows is built in views.py (which imports the models): portal's page-context registry
        register_page_context(SurveyPage, views.survey_context)
        register_page_context(ConsultationPage, views.consultation_context)
        register_page_context(InterviewPage, views.interview_context)
        register_page_context(VisitPage, views.visit_context)
