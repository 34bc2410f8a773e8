"""The seller's home: the to-do list (statistics are one click away, on the dashboard)."""

from django.shortcuts import render
from django.utils import timezone
from django.views import View

from sellerdesk.tenancy import SellerRequired
from todo.selectors import nothing_to_do, todo_entries


class TodoView(SellerRequired, View):
    def get(self, request):
        now = timezone.now()
        entries = todo_entries(shop=self.shop, now=now)
        return render(
            request,
            "todo/home.html",
            {"entries": entries, "nothing_to_do": nothing_to_do(entries), "now": now},
        )
