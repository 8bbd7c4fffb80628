"""Workspace endpoints of the real `planbot serve`: the shared filter validation (422 in
Vietnamese), XLSX/CSV exports with a Vietnamese file name, neighbouring rows, feedback, the intro,
typed facts with `primary` in OpenAPI, per-end-user limits and query log (X-Planbot-User)."""

from __future__ import annotations

import csv
import io
import sqlite3
import stat
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

pytest.register_assert_rewrite("api_support")  # before importing it: it is also a plugin
from api_support import KEY_MAIN, Server  # noqa: E402

pytestmark = pytest.mark.slow
pytest_plugins = ("api_support",)
AGENCY = "Sở Nội vụ"


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"due": "Q9/2025"}, "due", "Không hiểu khoảng thời gian"),
        ({"before": "0"}, "before", "Không hiểu ngày"),
        ({"before": "1850-01-01"}, "before", "1850"),
        ({"document": "999"}, "document", "Không tìm thấy kế hoạch"),
    ],
)
def test_bad_filters_are_422_in_vietnamese(
    public_server: Server, params: dict[str, str], field: str, words: str
) -> None:
    with public_server.client(KEY_MAIN) as client:
        for path in ("/v1/tasks", "/web/tasks"):
            r = client.get(path, params=params)
            assert r.status_code == 422, (path, r.text)
            body = r.json()
            assert words in body["message"] and body["details"] == [{"field": field}]
        assert client.get("/v1/indicators", params={"document": "999"}).status_code == 422


def test_relative_period_and_successor_rows(public_server: Server) -> None:
    with public_server.client(KEY_MAIN) as client:
        overdue = client.get("/v1/tasks", params={"due": "quá hạn", "limit": 500}).json()
        assert overdue["total"] > 0  # the bundled plans end in 2025, before today
        page = client.get("/v1/tasks", params={"agency": "Sở Khoa học và Công nghệ"}).json()
    assert any(i["inherited"] for i in page["items"])  # predecessors' rows, marked


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_formats_match_the_json_rows(public_server: Server, fmt: str) -> None:
    params = {"agency": AGENCY, "due": "Q4/2025"}
    with public_server.client(KEY_MAIN) as client:
        page = client.get("/v1/tasks", params={**params, "limit": 500}).json()
        r = client.get("/v1/tasks", params={**params, "format": fmt})
    assert r.status_code == 200
    disposition = r.headers["content-disposition"]
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert name.startswith(f"Nhiệm vụ {AGENCY}") and name.endswith(f".{fmt}")
    assert 'filename="nhiem-vu-so-noi-vu' in disposition
    ids = [i["id"] for i in page["items"]]
    if fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
        assert rows[0][:3] == ("Kế hoạch", "Dòng", "Nhiệm vụ")
        got = [row[-1] for row in rows[1:]]
    else:
        assert r.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert rows[0][:6] == [
            "Kế hoạch",
            "Dòng",
            "Nhiệm vụ",
            "Chủ trì",
            "Phối hợp",
            "Lãnh đạo chỉ đạo",
        ]
        got = [row[-1] for row in rows[1:]]
    assert got == ids and len(ids) == page["total"]
    assert r.headers["x-planbot-rows"] == str(page["total"])
    assert "x-planbot-truncated" not in r.headers


def test_neighbours_feedback_and_intro(public_server: Server) -> None:
    with public_server.client(KEY_MAIN) as client:
        ctx = client.get("/v1/neighbours", params={"id": "003:I.4 2", "around": 2}).json()
        assert ctx["record"]["id"] == "003:I.4 2" and ctx["plan"]["number"] == "402/KH-UBND"
        assert [r["current"] for r in ctx["rows"]].count(True) == 1
        assert ctx["rows"][ctx["position"]]["id"] == "003:I.4 2"
        assert client.get("/v1/neighbours", params={"id": "003:không có"}).status_code == 404
        intro = client.get("/web/intro").json()
        assert {p["number"] for p in intro["plans"]} >= {"402/KH-UBND"} and intro["examples"]
        bad = client.post("/v1/feedback", json={"question": "x", "rating": "meh"})
        assert bad.status_code == 422
        saved = client.post(
            "/v1/feedback",
            json={"question": "Ai chủ trì SOC?", "rating": "up", "comment": "đúng", "x": 1},
        )
    assert saved.status_code == 200 and saved.json()["id"] > 0
    path = public_server.querylog.parent / "feedback.sqlite"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT channel, rating, comment FROM feedback").fetchall()
    assert ("http", "up", "đúng") in rows


def test_openapi_types_facts_and_answer_marks_primary(public_server: Server) -> None:
    with public_server.client(KEY_MAIN) as client:
        spec = client.get("/openapi.json").json()
        answer = client.post(
            "/v1/ask", json={"question": "Ai chủ trì triển khai hệ thống SOC, hạn khi nào?"}
        ).json()
    schemas = spec["components"]["schemas"]
    facts = schemas["Answer"]["properties"]["facts"]["items"]["$ref"].rsplit("/", 1)[1]
    props = schemas[facts]["properties"]
    for key in ("lead", "coordinating", "deadline", "due_by", "citation", "primary"):
        assert key in props, key
    assert schemas["RecordPage"]["properties"]["items"]["items"]["$ref"].endswith(facts)
    assert "/v1/neighbours" in spec["paths"] and "/v1/feedback" in spec["paths"]
    tasks = spec["paths"]["/v1/tasks"]["get"]
    assert any(p["name"] == "format" for p in tasks["parameters"])
    ask_params = spec["paths"]["/v1/ask"]["post"].get("parameters", [])
    assert any(p["name"] == "X-Planbot-User" for p in ask_params)
    assert answer["intent"] == "owner_deadline"
    assert [f["primary"] for f in answer["facts"]][:1] == [True]
    assert all(not f["primary"] for f in answer["facts"][1:])


def test_end_user_header_gets_own_limit_and_log_identity(strict_server: Server) -> None:
    # strict server: 20 requests per minute per bucket
    with strict_server.client(KEY_MAIN) as client:
        statuses = [
            client.get("/v1/documents", headers={"X-Planbot-User": "can-bo-a"}).status_code
            for _ in range(25)
        ]
        assert statuses.count(429) >= 1 and statuses[0] == 200
        other = client.get("/v1/documents", headers={"X-Planbot-User": "can-bo-b"})
        assert other.status_code == 200  # another official behind the same portal key
        for user in ("can-bo-c", "can-bo-d"):
            r = client.post(
                "/v1/ask", json={"question": "Hạn xây dựng SOC?"}, headers={"X-Planbot-User": user}
            )
            assert r.status_code == 200
    with sqlite3.connect(strict_server.querylog) as conn:
        hashes = [
            row[0]
            for row in conn.execute(
                "SELECT user_hash FROM queries WHERE question = ? ORDER BY id DESC LIMIT 2",
                ("Hạn xây dựng SOC?",),
            )
        ]
    assert len(hashes) == 2 and hashes[0] != hashes[1]
