"""QueryLog: questions with intents in SQLite, hashed users, `planbot unanswered` for curators."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.querylog import QueryLog, normalize_question


@pytest.fixture
def qlog(tmp_path: Path) -> QueryLog:
    log = QueryLog(tmp_path / "logs" / "querylog.sqlite")
    yield log
    log.close()


def fill(log: QueryLog) -> None:
    """Three distinct not_found questions with different frequencies, plus answered ones."""
    for _ in range(3):
        log.record("telegram", "chat-42", "Ai chủ trì dự án X ở Đà Nẵng?", "not_found", 12.0)
    log.record("http", "key:abc", "  ai chủ trì dự án x ở   đà nẵng? ", "not_found", 9.0)
    log.record("web", "ip:10.0.0.1", "Hạn chót của nhiệm vụ Y?", "not_found", 8.0)
    log.record("web", "ip:10.0.0.1", "Hạn chót của nhiệm vụ Y?", "not_found", 8.0)
    log.record("http", "key:abc", "Câu hỏi lạ một lần", "not_found", 5.0)
    log.record("http", "key:abc", "Ai chủ trì hệ thống SOC?", "owner_deadline", 30.0)


def test_unanswered_groups_normalised_questions_most_frequent_first(qlog: QueryLog) -> None:
    fill(qlog)
    rows = qlog.unanswered()
    assert [r.count for r in rows] == [4, 2, 1]
    assert normalize_question(rows[0].question) == "ai chủ trì dự án x ở đà nẵng?"
    assert rows[0].channels == ["http", "telegram"]
    assert rows[1].question == "Hạn chót của nhiệm vụ Y?"
    assert all("SOC" not in r.question for r in rows)  # answered questions are not listed
    assert [r.count for r in qlog.unanswered(limit=2)] == [4, 2]
    assert qlog.count() == 8


def test_users_are_hashed_with_a_persistent_salt(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite"
    log = QueryLog(path)
    log.record("telegram", "123456789", "câu hỏi", "not_found", 1.0)
    first = log.hash_user("123456789")
    log.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("q.sqlite*"))
    assert b"123456789" not in raw
    again = QueryLog(path)
    assert again.hash_user("123456789") == first  # same salt after reopening
    assert again.hash_user("123456780") != first
    stored = sqlite3.connect(path).execute("SELECT user_hash FROM queries").fetchone()[0]
    assert stored == first
    again.close()


def test_concurrent_records_are_all_stored(qlog: QueryLog) -> None:
    def worker(n: int) -> None:
        for i in range(50):
            qlog.record("http", f"user{n}", f"câu {i}", "list", 1.0)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert qlog.count() == 400


def test_cli_unanswered_json_and_text(qlog: QueryLog) -> None:
    fill(qlog)
    runner = CliRunner()
    result = runner.invoke(
        main, ["unanswered", "--json", "--limit", "2", "--querylog", str(qlog.path)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["count"] for d in data] == [4, 2]
    assert set(data[0]) == {"question", "count", "last_seen", "channels"}
    text = runner.invoke(main, ["unanswered", "--querylog", str(qlog.path)])
    assert text.exit_code == 0
    lines = text.output.strip().splitlines()
    assert len(lines) == 3 and lines[0].strip().startswith("4")


def test_cli_unanswered_missing_log_fails_clearly(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["unanswered", "--querylog", str(tmp_path / "none.sqlite")])
    assert result.exit_code != 0
    assert "Chưa có nhật ký" in result.output


def _mode(path: Path) -> int:
    import os
    import stat

    return stat.S_IMODE(os.stat(path).st_mode)


def test_hash_key_lives_outside_the_database_in_a_private_file(tmp_path: Path) -> None:
    """Whoever copies the database alone cannot recompute the user hashes: the HMAC key is
    in a 0600 file beside it (or in PLANBOT_QUERYLOG_KEY), never in the database."""
    import hashlib
    import hmac

    path = tmp_path / "q.sqlite"
    log = QueryLog(path)
    log.record("telegram", "123456789", "câu hỏi", "not_found", 1.0)
    log.close()
    key_file = tmp_path / "q.key"
    assert key_file.is_file() and _mode(key_file) == 0o600
    key = bytes.fromhex(key_file.read_text().strip())
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("q.sqlite*"))
    assert key.hex().encode() not in raw and key not in raw
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM meta WHERE key='salt'").fetchone()[0] == 0
    stored = conn.execute("SELECT user_hash FROM queries").fetchone()[0]
    assert stored == hmac.new(key, b"123456789", hashlib.sha256).hexdigest()[:16]


def test_configured_key_and_retention_from_settings(tmp_path: Path) -> None:
    import time

    from bot.settings import Settings

    env = {
        "PLANBOT_QUERYLOG_PATH": str(tmp_path / "q.sqlite"),
        "PLANBOT_QUERYLOG_KEY": "k" * 32,
        "PLANBOT_QUERYLOG_DAYS": "30",
    }
    settings = Settings.from_env(env)
    log = QueryLog.from_settings(settings)
    assert not (tmp_path / "q.key").exists()  # the configured key is used, no file
    other = QueryLog(tmp_path / "other.sqlite", key=b"k" * 32)
    assert log.hash_user("u") == other.hash_user("u")
    log.record("web", "u", "cũ", "not_found", 1.0)
    log.record("web", "u", "mới", "not_found", 1.0)
    old = time.time() - 31 * 86400
    log._conn.execute("UPDATE queries SET ts=? WHERE question='cũ'", (old,))
    log._conn.commit()
    assert log.purge() == 1
    assert [r.question for r in log.unanswered()] == ["mới"]
    log.close()
    reopened = QueryLog.from_settings(settings)  # opening purges too
    assert reopened.count() == 1
    with pytest.raises(ValueError, match="PLANBOT_QUERYLOG_KEY"):
        Settings.from_env({"PLANBOT_QUERYLOG_KEY": "short"}).querylog_key  # noqa: B018


def test_files_are_private(tmp_path: Path) -> None:
    log = QueryLog(tmp_path / "logs" / "q.sqlite")
    log.record("web", "u", "câu", "ok", 1.0)
    for path in (tmp_path / "logs").iterdir():
        assert _mode(path) == 0o600, path
    log.close()


def test_lone_surrogates_are_stored_not_fatal(qlog: QueryLog) -> None:
    qlog.record("telegram", "u\ud800", "Ai chủ trì \udcff SOC?", "not_found", 1.0)
    (row,) = qlog.unanswered()
    assert row.question == "Ai chủ trì \ufffd SOC?"
