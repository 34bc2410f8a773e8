"""Start the whole product on one machine: web server, Celery worker and Celery beat.

`make run` ends here. Ctrl-C (or SIGTERM) stops every process this command started; if one of
them dies, the others are stopped too, so nothing is left running half-broken.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat together (development/demo)."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args, host, port, **options):
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "sellerdesk"]
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2"],
            "beat": [
                *celery,
                "beat",
                "--loglevel=INFO",
                "--schedule",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
        }
        url = f"http://{host}:{port}/"
        self.stdout.write(
            self.style.SUCCESS(f"\nSellerDesk is starting on {url}\n")
            + "  Sellers:  norte / demo1234   sur / demo1234\n"
            + f"  Operator: operador / demo1234  (admin: {url}admin/)\n"
            + f"  API docs: {url}api/docs/\n"
            + f"  Broker:   {settings.CELERY_BROKER_URL}   Emails are written to {settings.EMAIL_FILE_PATH}\n"
            + "  Press Ctrl-C to stop everything.\n"
        )
        processes = {name: subprocess.Popen(command) for name, command in commands.items()}

        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            if stopping:
                return
            stopping = True
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(
                            f"{name} exited with code {process.returncode}; stopping the rest."
                        )
                        stop()
                        sys.exit(1)
                time.sleep(0.5)
        finally:
            stop()
