import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellerdesk.settings")

app = Celery("sellerdesk")
# Every CELERY_* Django setting configures Celery (broker, beat schedule, eager mode in tests).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
