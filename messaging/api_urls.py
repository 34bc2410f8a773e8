from django.urls import path

from messaging import api

urlpatterns = [
    path("threads/", api.ThreadListApi.as_view(), name="api-thread-list"),
    path("threads/<int:pk>/", api.ThreadDetailApi.as_view(), name="api-thread-detail"),
    path(
        "threads/<int:pk>/messages/",
        api.ThreadMessageCreateApi.as_view(),
        name="api-thread-messages",
    ),
    path("threads/<int:pk>/read/", api.ThreadReadApi.as_view(), name="api-thread-read"),
    path(
        "threads/<int:pk>/no-reply-needed/",
        api.ThreadNoReplyNeededApi.as_view(),
        name="api-thread-no-reply-needed",
    ),
    path("orders/<int:pk>/threads/", api.OrderThreadStartApi.as_view(), name="api-order-threads"),
    path(
        "attachments/<int:pk>/download/",
        api.AttachmentDownloadApi.as_view(),
        name="api-attachment-download",
    ),
    path("reasons/", api.ReasonListApi.as_view(), name="api-reason-list"),
    path("operator/threads/", api.OperatorThreadListApi.as_view(), name="api-operator-thread-list"),
    path(
        "operator/threads/<int:pk>/",
        api.OperatorThreadDetailApi.as_view(),
        name="api-operator-thread-detail",
    ),
    path(
        "operator/threads/<int:pk>/messages/",
        api.OperatorThreadMessageCreateApi.as_view(),
        name="api-operator-thread-messages",
    ),
    path(
        "operator/orders/<int:pk>/threads/",
        api.OperatorOrderThreadStartApi.as_view(),
        name="api-operator-order-threads",
    ),
    path(
        "operator/attachments/<int:pk>/download/",
        api.OperatorAttachmentDownloadApi.as_view(),
        name="api-operator-attachment-download",
    ),
]
