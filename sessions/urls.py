from django.urls import path

from .cases import views as cases
from .insight import views as insight
from .live import views as live
from .methods import views as methods
from .traject import views as traject

app_name = "meetings"

urlpatterns = [
    path("j/", live.join_by_code, name="join-by-code"),
    path("j/<str:code>/", live.join, name="join"),
    path("j/<str:code>/wait/", live.join_wait, name="join-wait"),
    path("meetings/<int:pk>/", live.participant, name="participant"),
    path("meetings/<int:pk>/facilitate/", live.facilitate, name="facilitate"),
    path("meetings/<int:pk>/presenter/", live.presenter, name="presenter"),
    path("meetings/<int:pk>/command/<str:name>/", live.command, name="command"),
    path("meetings/<int:pk>/controls/", live.controls, name="controls"),
    path("meetings/<int:pk>/admit/<int:request_id>/", live.decide_join, name="decide-join"),
    path("meetings/<int:pk>/contribute/", cases.contribute, name="contribute"),
    path("meetings/<int:pk>/coach/", cases.coach_hint, name="coach"),
    path(
        "meetings/<int:pk>/questions/<int:contribution_id>/asked/",
        cases.mark_asked,
        name="mark-asked",
    ),
    path("meetings/<int:pk>/reveal/", cases.reveal, name="reveal"),
    path("meetings/<int:pk>/vote/<int:case_id>/", cases.vote, name="vote"),
    path("meetings/<int:pk>/evaluate/", cases.evaluate, name="evaluate"),
    path("meetings/<int:pk>/summary/", cases.summary, name="summary"),
    path("meetings/<int:pk>/look-back/<int:case_id>/", cases.follow_up, name="follow-up"),
    path("methods/", methods.library, name="methods"),
    path("methods/<int:method_id>/copy/", methods.copy, name="method-copy"),
    path("methods/<int:method_id>/edit/", methods.edit, name="method-edit"),
    path("groups/<int:pk>/cases/", cases.my_cases, name="cases"),
    path("cases/<int:case_id>/edit/", cases.case_edit, name="case-edit"),
    path("cases/<int:case_id>/bring/", cases.bring, name="case-bring"),
    path("meetings/<int:pk>/choose/<int:case_id>/", cases.choose, name="choose-case"),
    path("meetings/<int:pk>/reformulate/", cases.reformulate, name="reformulate"),
    path("meetings/<int:pk>/fits/<int:contribution_id>/", cases.mark_fits, name="mark-fits"),
    path("meetings/<int:pk>/action/", cases.action, name="action"),
    path("groups/<int:pk>/traject/", traject.traject, name="traject"),
    path("groups/<int:pk>/share-themes/", traject.share_themes, name="share-themes"),
    path("dashboard/", insight.dashboard, name="dashboard"),
    path("groups/<int:pk>/report/", insight.report, name="report"),
    path(
        "groups/<int:pk>/attendance/<int:user_id>/proof/", insight.attendance_proof, name="attendance-proof"
    ),
    path("groups/<int:pk>/schedule/", traject.schedule, name="schedule"),
    path("groups/<int:pk>/meetings/new/", traject.meeting_add, name="add-meeting"),
    path("groups/<int:pk>/attendance/", traject.register, name="register"),
    path("meetings/<int:pk>/edit/", traject.meeting_edit, name="edit"),
    path("meetings/<int:pk>/cancel/", traject.meeting_cancel, name="cancel"),
    path("meetings/<int:pk>/rsvp/", traject.rsvp, name="rsvp"),
    path("meetings/<int:pk>/presence/<int:user_id>/", traject.set_presence, name="set-presence"),
    path("meetings/<int:pk>/calendar.ics", traject.meeting_ics, name="ics"),
    path("calendar/<str:token>.ics", traject.feed, name="feed"),
    path("calendar/renew/", traject.feed_reset, name="feed-reset"),
]
