from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("j/", views.join_by_code, name="join-by-code"),
    path("j/<str:code>/", views.join, name="join"),
    path("j/<str:code>/wait/", views.join_wait, name="join-wait"),
    path("meetings/<int:pk>/", views.participant, name="participant"),
    path("meetings/<int:pk>/facilitate/", views.facilitate, name="facilitate"),
    path("meetings/<int:pk>/presenter/", views.presenter, name="presenter"),
    path("meetings/<int:pk>/command/<str:name>/", views.command, name="command"),
    path("meetings/<int:pk>/admit/<int:request_id>/", views.decide_join, name="decide-join"),
]
