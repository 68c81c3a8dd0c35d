from django.contrib.auth import views as auth_views
from django.urls import path

app_name = "home"

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(template_name="home/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
]
