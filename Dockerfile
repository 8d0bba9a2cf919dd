# CoE Hub image: web (gunicorn), Celery worker and Celery beat all run from it (docker-compose.yml).

# Front-end libraries from the npm registry, pinned by package-lock.json.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var
WORKDIR /app
RUN useradd --create-home --uid 1000 coe
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY --from=assets /app/node_modules ./node_modules
COPY . .
# Static files are collected at build time; the secret here exists only for this command.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-runtime-secret python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/var/media && chown -R coe:coe /app/var
USER coe
EXPOSE 8000
CMD ["gunicorn", "coe.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--access-logfile", "-"]
