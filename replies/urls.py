from django.urls import path

from replies import views

urlpatterns = [
    path(
        "settings/reply-templates/",
        views.ReplyTemplateListView.as_view(),
        name="reply-template-list",
    ),
    path(
        "settings/reply-templates/new/",
        views.ReplyTemplateCreateView.as_view(),
        name="reply-template-create",
    ),
    path(
        "settings/reply-templates/<int:pk>/",
        views.ReplyTemplateEditView.as_view(),
        name="reply-template-edit",
    ),
    path(
        "settings/reply-templates/<int:pk>/delete/",
        views.ReplyTemplateDeleteView.as_view(),
        name="reply-template-delete",
    ),
    path(
        "messages/<int:pk>/reply-templates/",
        views.ThreadTemplatePickerView.as_view(),
        name="thread-reply-templates",
    ),
]
