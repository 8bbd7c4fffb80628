"""planbot assistant and its channels (CLI, HTTP API, Telegram, Zalo)."""
