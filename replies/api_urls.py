from django.urls import path

from replies import api

urlpatterns = [
    path("reply-templates/", api.ReplyTemplateListApi.as_view(), name="api-reply-template-list"),
    path(
        "reply-templates/<int:pk>/",
        api.ReplyTemplateDetailApi.as_view(),
        name="api-reply-template-detail",
    ),
    path(
        "reply-templates/<int:pk>/fill/",
        api.ReplyTemplateFillApi.as_view(),
        name="api-reply-template-fill",
    ),
]
