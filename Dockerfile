# planbot: HTTP API, web page and Telegram/Zalo webhooks in one image (CPU only).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PLANBOT_INDEX_DIR=/app/indexes \
    PLANBOT_CORPUS_DIR=/app/corpus

WORKDIR /app

# 1. torch CPU build first, from the PyTorch CPU index, so nothing pulls a multi-GB CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0"

# 2. the project (dependencies are cached in this layer until pyproject.toml changes).
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY retrieval ./retrieval
RUN pip install .

# 3. the plans; `planbot index` (the "index" service) builds /app/indexes from them.
COPY corpus ./corpus

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin planbot \
    && mkdir -p /app/indexes /app/state \
    && chown -R planbot:planbot /app/indexes /app/state
USER planbot

EXPOSE 8000
CMD ["planbot", "serve", "--host", "0.0.0.0", "--port", "8000"]
