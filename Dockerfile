# The Cirkelbord server: `docker compose up` runs two of these behind nginx, with PostgreSQL
# and Redis. On its own it serves SQLite from the /data volume with the in-process broadcast.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The PDF summary is set in DejaVu Sans, its emoji in Symbola (app/summary/pdf.py reads them
# from the system).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-symbola \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/cirkelbord
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY web ./web
RUN pip install . \
    && useradd --system --uid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin cirkelbord \
    && mkdir /data \
    && chown cirkelbord:cirkelbord /data

# The server reads web/ and migrations/ next to the app package, so it runs from this tree;
# `pip install .` above provides the dependencies and the `cirkelbord` command.
ENV PYTHONPATH=/srv/cirkelbord \
    CIRKELBORD_HOST=0.0.0.0 \
    CIRKELBORD_PORT=8000 \
    CIRKELBORD_DATABASE_URL=sqlite+aiosqlite:////data/cirkelbord.sqlite3

USER cirkelbord
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]

# exec: the server is PID 1 and receives SIGTERM itself, for a graceful shutdown.
CMD ["sh", "-c", "cirkelbord migrate && exec cirkelbord serve --host 0.0.0.0 --port 8000"]
