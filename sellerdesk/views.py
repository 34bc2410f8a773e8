from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse


def healthz(request):
    """For load balancers and docker-compose: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    """Sellers land on their dashboard (or the order list until statistics exist); operators on the admin."""
    if not request.user.is_authenticated:
        return redirect("login")
    if request.user.shop_id is None:
        return redirect("admin:index")
    try:
        return redirect(reverse("dashboard"))
    except NoReverseMatch:
        return redirect("order-list")


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)
