# SellerDesk image: the same image runs the web process (default command), the Celery worker
# and Celery beat (docker-compose.yml sets their commands).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SELLERDESK_VAR_DIR=/app/var \
    ATTACHMENTS_DIR=/data/attachments

WORKDIR /app

# Dependencies first, pinned by constraints.txt, so code changes do not reinstall them.
COPY pyproject.toml constraints.txt ./
RUN pip install -c constraints.txt .

# The code, folder by folder: keeps .venv, var/ (the development database), .git and the tests
# out of the image without relying on a .dockerignore. A new app needs its line here.
COPY manage.py ./
COPY sellerdesk/ sellerdesk/
COPY shops/ shops/
COPY orders/ orders/
COPY messaging/ messaging/
COPY incidents/ incidents/
COPY refunds/ refunds/
COPY stats/ stats/
COPY templates/ templates/
COPY static/ static/
COPY locale/ locale/

# Static files and message catalogues are built into the image. Settings refuse to load with
# DEBUG=0 and no real SECRET_KEY, so these steps get a throwaway one that never reaches runtime;
# the dummy REDIS_URL only keeps settings from preparing the embedded broker's folders.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && export DEBUG=0 REDIS_URL=redis://build-only:6379/0 \
       SECRET_KEY=build-time-only-dummy-secret-key-not-used-at-runtime-0123456789 \
    && python manage.py compilemessages \
    && python manage.py collectstatic --noinput \
    && apt-get purge -y --auto-remove gettext \
    && rm -rf /var/lib/apt/lists/*

# Run as an unprivileged user; it owns only what it writes: var/ (beat's schedule file) and
# the attachments folder (a volume in docker-compose.yml).
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin sellerdesk \
    && mkdir -p /app/var /data/attachments \
    && chown sellerdesk /app/var /data/attachments
USER sellerdesk

EXPOSE 8000
# Workers come from WEB_CONCURRENCY (gunicorn reads it); logs go to standard output.
CMD ["gunicorn", "sellerdesk.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
