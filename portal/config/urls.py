"""URLs of the portal: login/logout, the admin (users, audit log), the client pages."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal.accounts.forms import LoginForm

admin.site.site_header = "Prêt à dépenser — administration du portail"
admin.site.site_title = "Prêt à dépenser"

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("portal.clients.urls")),
]

handler400 = "portal.clients.errors.bad_request"
handler403 = "portal.clients.errors.permission_denied"
handler404 = "portal.clients.errors.page_not_found"
handler500 = "portal.clients.errors.server_error"
