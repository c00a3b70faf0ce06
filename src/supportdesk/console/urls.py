from django.urls import path

from supportdesk.console.views import board, calendar, compose, desk, phone, workspace

app_name = "console"

urlpatterns = [
    path("", board.board, name="board"),
    path("board/rows/", board.board_rows, name="board_rows"),
    path("board/assign/", board.board_assign, name="board_assign"),
    path("board/views/", board.board_view_save, name="board_view_save"),
    path("my-day/", desk.my_day_view, name="my_day"),
    path("my-day/views/", desk.my_day_view_save, name="my_day_view_save"),
    path("search/", desk.search_view, name="search"),
    path("notifications/", desk.notifications, name="notifications"),
    path("notifications/badge/", desk.notifications_badge, name="notifications_badge"),
    path("notifications/read/", desk.notifications_read, name="notifications_read"),
    path("preferences/", desk.preferences, name="preferences"),
    path("saved-replies/", desk.saved_replies, name="saved_replies"),
    path("compose/preview/", compose.preview, name="preview"),
    path("compose/mentions/", compose.mentions, name="mentions"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/preview/", calendar.calendar_preview, name="calendar_preview"),
    path("calendar/save/", calendar.calendar_save, name="calendar_save"),
    path("phone/", phone.phone, name="phone"),
    path("phone/live/", phone.phone_live, name="phone_live"),
    path("phone/lookup/", phone.phone_lookup, name="phone_lookup"),
    path("phone/log/", phone.log_call, name="log_call"),
    path("phone/calls/<int:call_id>/back/", phone.call_back, name="call_back"),
    path("tickets/<str:number>/", workspace.workspace, name="workspace"),
    path("tickets/<str:number>/reply/", workspace.reply, name="reply"),
    path("tickets/<str:number>/note/", workspace.note, name="note"),
    path("tickets/<str:number>/fields/", workspace.fields, name="fields"),
    path("tickets/<str:number>/status/", workspace.transition, name="transition"),
    path("tickets/<str:number>/assign/", workspace.assign, name="assign"),
    path("tickets/<str:number>/take/", workspace.take, name="take"),
    path("tickets/<str:number>/presence/", workspace.presence, name="presence"),
    path("tickets/<str:number>/time/", workspace.time_entry, name="time_entry"),
    path("tickets/<str:number>/timer/", workspace.timer, name="timer"),
    path("tickets/<str:number>/link/", workspace.link, name="link"),
    path("tickets/<str:number>/split/", workspace.split, name="split"),
]
