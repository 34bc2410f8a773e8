from django.urls import path

from messaging import views

urlpatterns = [
    path("messages/", views.ThreadListView.as_view(), name="thread-list"),
    path("messages/bulk/", views.InboxBulkView.as_view(), name="thread-bulk"),
    path("messages/updates/", views.InboxUpdatesView.as_view(), name="thread-updates"),
    path(
        "messages/<int:pk>/since/",
        views.ThreadNewMessagesView.as_view(),
        name="thread-messages-since",
    ),
    path("messages/new/", views.OperatorThreadStartView.as_view(), name="thread-start"),
    path("messages/<int:pk>/", views.ThreadDetailView.as_view(), name="thread-detail"),
    path("messages/<int:pk>/reply/", views.ThreadReplyView.as_view(), name="thread-reply"),
    path(
        "messages/<int:pk>/no-reply-needed/",
        views.ThreadNoReplyNeededView.as_view(),
        name="thread-no-reply-needed",
    ),
    path(
        "orders/<int:pk>/messages/new/",
        views.OrderThreadStartView.as_view(),
        name="order-thread-start",
    ),
    path(
        "attachments/<int:pk>/download/",
        views.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
]
