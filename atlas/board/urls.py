from django.urls import path

from atlas.board import views
from atlas.board.feeds import OpenEntriesFeed

urlpatterns = [
    path("", views.entry_list, name="board"),
    path("feed/", OpenEntriesFeed(), name="board-feed"),
    path("new/", views.entry_create, name="board-new"),
    path("mine/", views.my_entries, name="board-mine"),
    path("inbox/", views.inbox, name="board-inbox"),
    path("moderation/", views.moderation_queue, name="board-moderation"),
    path("searches/", views.saved_searches, name="board-searches"),
    path("searches/save/", views.save_search, name="board-search-save"),
    path("searches/<int:pk>/delete/", views.delete_search, name="board-search-delete"),
    path("conversations/<int:pk>/", views.conversation_detail, name="board-conversation"),
    path("<int:pk>/", views.entry_detail, name="board-entry"),
    path("<int:pk>/edit/", views.entry_edit, name="board-edit"),
    path("<int:pk>/close/", views.entry_close, name="board-close"),
    path("<int:pk>/interest/", views.express_interest, name="board-interest"),
    path("<int:pk>/report/", views.report_entry, name="board-report"),
    path("<int:pk>/moderate/", views.moderate, name="board-moderate"),
    path("<int:pk>/suggestions/", views.entry_suggestions, name="board-suggestions"),
]
