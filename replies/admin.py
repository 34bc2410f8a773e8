"""The operator's reply templates: marketplace-wide ones (no shop) and every shop's. Saving goes
through the service, so an unknown variable is refused here too."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from replies import variables
from replies.models import ReplyTemplate, ReplyTemplateAttachment


class ReplyTemplateAdminForm(forms.ModelForm):
    class Meta:
        model = ReplyTemplate
        fields = ["shop", "name", "language", "body", "reasons"]

    def clean_body(self):
        body = self.cleaned_data["body"]
        unknown = variables.unknown_variables(body)
        if unknown:
            raise forms.ValidationError(
                _("Unknown variable %(names)s. The variables are: %(valid)s.")
                % {
                    "names": ", ".join(f"{{{name}}}" for name in unknown),
                    "valid": variables.variables_list(),
                }
            )
        return body


class ReplyTemplateAttachmentInline(admin.TabularInline):
    model = ReplyTemplateAttachment
    fields = ["filename", "size", "content_type"]
    readonly_fields = fields
    extra = 0
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # files are checked and stored by the service (page or API)


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    form = ReplyTemplateAdminForm
    list_display = ["name", "language", "shop_or_marketplace", "updated_at"]
    list_filter = ["language", ("shop", admin.EmptyFieldListFilter)]
    search_fields = ["name", "body", "shop__name", "shop__code"]
    autocomplete_fields = ["shop"]
    filter_horizontal = ["reasons"]
    inlines = [ReplyTemplateAttachmentInline]

    @admin.display(description=_("shop"), ordering="shop__name")
    def shop_or_marketplace(self, template):
        return template.shop or _("Marketplace-wide")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
