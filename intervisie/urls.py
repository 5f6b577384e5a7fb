from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import account, views
from .auth import EmailAuthenticationForm, LimitedPasswordResetView

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("account/data.json", account.my_data, name="my-data"),
    path("account/delete/", account.delete_account, name="delete-account"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("accounts/password_reset/", LimitedPasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_change/", account.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("sessions.urls")),
    path("groups/", include("groups.urls")),
]
