from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from incidents import events
        from incidents.api import order_api_fields
        from incidents.models import Incident, IncidentState
        from incidents.views import order_panel_context
        from orders.extensions import OrderSection, register_order_section
        from orders.freeze import register_freezer

        events.register()
        # "An open incident freezes the order cycle": any incident that is not CLOSED.
        register_freezer(
            lambda order_ref: Incident.objects.filter(order=order_ref).exclude(
                state=IncidentState.CLOSED
            )
        )
        register_order_section(
            OrderSection(
                key="incidents",
                position=20,
                template="incidents/order_panel.html",
                page_context=order_panel_context,
                api_fields=order_api_fields,
                api_field_names={
                    "incidents": "The order's incidents: id, state, reason, opened_by, "
                    "opened_at, waiting_since (null unless waiting for the shop)."
                },
            )
        )
