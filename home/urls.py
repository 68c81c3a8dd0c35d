from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

app_name = "home"


class PrivacyView(TemplateView):
    """The privacy page, with the retention periods read from the settings at each request."""

    template_name = "home/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            orientation_days=settings.FICHES_ORIENTATION_DATA_DAYS,
            few_results=settings.FICHES_FEW_RESULTS,
            search_months=settings.FICHES_UNANSWERED_SEARCH_MONTHS,
            report_months=settings.FICHES_NEED_REPORT_MONTHS,
            **kwargs,
        )


urlpatterns = [
    path("donnees-personnelles/", PrivacyView.as_view(), name="privacy"),
    path(
        "mentions-legales/", TemplateView.as_view(template_name="home/legal_notice.html"), name="legal_notice"
    ),
    path(
        "accessibilite/", TemplateView.as_view(template_name="home/accessibility.html"), name="accessibility"
    ),
    path(
        "connexion/",
        auth_views.LoginView.as_view(template_name="home/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="home/password_set.html", success_url="/mot-de-passe/termine/"
        ),
        name="password_set",
    ),
    path(
        "mot-de-passe/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="home/password_set_done.html"),
        name="password_set_done",
    ),
]
