from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_create, name="create"),
    path("<int:pk>/edit/", views.group_edit, name="edit"),
    path(
        "<int:pk>/invitations/<int:invitation_id>/resend/", views.resend_invitation, name="resend-invitation"
    ),
    path("invitation/<str:token>/", views.accept_invitation, name="accept-invitation"),
    path("<int:pk>/agreements/", views.agreements_page, name="agreements"),
    path("<int:pk>/agreements/accept/", views.accept_agreements, name="accept-agreements"),
    path("<int:pk>/agreements/edit/", views.edit_agreements, name="edit-agreements"),
]
