"""HTTP API end to end: the real `planbot serve` process, every endpoint, schemathesis fuzzing,
and hot reload of a rebuilt index while requests are in flight."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bot.provider import AssistantProvider
from bot.querylog import QueryLog
from bot.schemas import Answer

pytest.register_assert_rewrite("api_support")  # before importing it: it is also a plugin
from api_support import (  # noqa: E402
    KEY_MAIN,
    PLANBOT,
    REPO,
    Server,
    copy_index,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.slow
pytest_plugins = ("api_support",)  # shared session fixtures: one index, one server of each kind
QUESTION = "Ai chủ trì xây dựng Trung tâm giám sát an toàn thông tin (SOC) của Thành phố?"


@pytest.fixture
def api(public_server: Server) -> httpx.Client:
    with public_server.client(KEY_MAIN) as client:
        yield client


# -- provider (unit): swap without failing in-flight users --------------------------------------------
class SlowLoader:
    """Test double for `Assistant.from_index`: numbered instances, optional delay/failure."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls = 0
        self.fail = False

    def __call__(self, index_dir: Path) -> dict[str, Any]:
        self.calls += 1
        time.sleep(self.delay)
        if self.fail:
            raise ValueError("broken index")
        return {"n": self.calls, "content": (index_dir / "kb.sqlite").read_bytes()}


def replace_kb(index_dir: Path, content: bytes) -> None:
    """Atomically replace kb.sqlite, as `planbot index` does."""
    tmp = index_dir / ".kb.sqlite.tmp"
    tmp.write_bytes(content)
    tmp.replace(index_dir / "kb.sqlite")


def test_provider_swaps_in_background_and_keeps_old_instance(tmp_path: Path) -> None:
    replace_kb(tmp_path, b"v1")
    loader = SlowLoader()
    provider = AssistantProvider(tmp_path, loader=loader, check_interval=0, settle_seconds=0.05)
    assert provider.load()
    old = provider.get()
    assert old["content"] == b"v1"
    loader.delay = 0.5
    replace_kb(tmp_path, b"v2-longer")
    started = time.monotonic()
    during = provider.get()  # triggers the reload, must not wait for it
    assert time.monotonic() - started < 0.3
    assert during is old
    assert provider.wait_idle(10)
    new = provider.get()
    assert new["content"] == b"v2-longer" and new is not old
    assert old["content"] == b"v1"  # the old instance is intact for requests still using it
    assert provider.reloads == 1


def test_provider_keeps_serving_when_new_index_is_broken(tmp_path: Path) -> None:
    replace_kb(tmp_path, b"good")
    loader = SlowLoader()
    provider = AssistantProvider(tmp_path, loader=loader, check_interval=0, settle_seconds=0.01)
    provider.load()
    good = provider.get()
    loader.fail = True
    replace_kb(tmp_path, b"broken!")
    provider.get()
    provider.wait_idle(5)
    assert provider.get() is good and provider.last_error
    calls = loader.calls
    for _ in range(5):
        provider.get()
        provider.wait_idle(5)
    assert loader.calls == calls  # the same broken file is not retried in a loop
    loader.fail = False
    replace_kb(tmp_path, b"fixed again")
    provider.get()
    provider.wait_idle(5)
    assert provider.get()["content"] == b"fixed again" and provider.last_error is None


def test_provider_without_index_is_not_ready_then_loads(tmp_path: Path) -> None:
    provider = AssistantProvider(tmp_path, loader=SlowLoader(), check_interval=0)
    assert not provider.load()
    assert provider.get() is None and not provider.ready
    assert "planbot index" in (provider.last_error or "")
    replace_kb(tmp_path, b"late")
    provider.get()
    provider.wait_idle(5)
    assert provider.ready and provider.get()["content"] == b"late"


# -- endpoints on the real server -----------------------------------------------------------------------
def test_health_ready_docs_openapi(api: httpx.Client) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz").json()
    assert ready["status"] == "ready" and ready["documents"] == 5 and ready["build_id"]
    assert "swagger" in api.get("/docs").text.lower()
    spec = api.get("/openapi.json").json()
    for path in ("/v1/ask", "/v1/tasks", "/v1/tasks/{record_id}", "/v1/indicators"):
        assert path in spec["paths"], path
    assert "/v1/documents" in spec["paths"] and "/web/ask" in spec["paths"]
    schemes = spec["components"]["securitySchemes"]
    assert any(s.get("name") == "X-API-Key" and s.get("in") == "header" for s in schemes.values())
    assert spec["paths"]["/v1/ask"]["post"]["security"]
    ask_body = spec["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert ask_body["maxLength"] == 1000


def test_documents(api: httpx.Client) -> None:
    docs = api.get("/v1/documents").json()
    assert [d["id"] for d in docs] == ["000", "001", "002", "003", "004"]
    assert all(d["file"].startswith(d["id"] + "_") and d["title"] for d in docs)


def test_tasks_filters_and_paging(api: httpx.Client) -> None:
    everything = api.get("/v1/tasks", params={"limit": 500}).json()
    assert everything["total"] == len(everything["items"]) > 100
    first = api.get("/v1/tasks", params={"limit": 3, "offset": 0}).json()
    second = api.get("/v1/tasks", params={"limit": 3, "offset": 3}).json()
    assert first["total"] == second["total"] == everything["total"]
    assert [i["id"] for i in first["items"] + second["items"]] == [
        i["id"] for i in everything["items"][:6]
    ]
    kinds = {i["kind"] for i in everything["items"]}
    assert kinds <= {"task", "model", "indicator"} and len(kinds) >= 2

    only_003 = api.get("/v1/tasks", params={"document": "402", "kind": "task"}).json()
    assert only_003["total"] > 0
    assert all(i["document"].startswith("003_") and i["kind"] == "task" for i in only_003["items"])

    some = next(i for i in everything["items"] if i["lead"])
    lead = some["lead"][0]
    by_lead = api.get("/v1/tasks", params={"lead": lead, "limit": 500}).json()
    assert some["id"] in [i["id"] for i in by_lead["items"]]
    assert by_lead["total"] < everything["total"]

    dated = next(i for i in everything["items"] if i["due_by"])
    before = api.get("/v1/tasks", params={"before": dated["due_by"], "limit": 500}).json()
    assert dated["id"] in [i["id"] for i in before["items"]]
    assert all(i["due_by"] and i["due_by"] <= dated["due_by"] for i in before["items"])

    word = "SOC"
    text = api.get("/v1/tasks", params={"q": word, "limit": 500}).json()
    assert text["total"] >= 1
    assert text["total"] < everything["total"]
    nothing = api.get("/v1/tasks", params={"q": "zzqxyzzq"}).json()
    assert nothing == {"total": 0, "limit": 50, "offset": 0, "items": []}


def test_task_by_id_with_spaces_colons_parentheses(api: httpx.Client) -> None:
    items = api.get("/v1/tasks", params={"limit": 500}).json()["items"]
    tricky = [i for i in items if " " in i["id"] and "(" in i["id"]]
    assert tricky, "corpus has ids with spaces and parentheses"
    for item in tricky[:5] + items[:3]:
        r = api.get("/v1/tasks/" + quote(item["id"], safe=""))
        assert r.status_code == 200, item["id"]
        assert r.json() == item
    missing = api.get("/v1/tasks/" + quote("003:Z.9 999", safe=""))
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"


def test_indicators(api: httpx.Client) -> None:
    page = api.get("/v1/indicators", params={"limit": 500}).json()
    assert page["total"] == len(page["items"]) > 0
    assert {i["kind"] for i in page["items"]} == {"indicator"}
    assert all(i["target"] is not None or i["content"] for i in page["items"])


def test_ask_returns_answer_and_is_logged(public_server: Server, api: httpx.Client) -> None:
    before = QueryLog(public_server.querylog).count()
    r = api.post("/v1/ask", json={"question": QUESTION})
    assert r.status_code == 200
    answer = Answer.model_validate(r.json())
    assert answer.answer and answer.intent in {
        "owner_deadline",
        "indicator",
        "list",
        "guidance",
        "not_found",
    }
    if answer.intent != "not_found":
        assert answer.citations and all(c.quote for c in answer.citations)
    web = public_server.client().post("/web/ask", json={"question": QUESTION})
    assert web.status_code == 200  # public mode: no key needed on the page endpoint
    assert Answer.model_validate(web.json()).answer == answer.answer
    log = QueryLog(public_server.querylog)
    assert log.count() == before + 2
    rows = log._conn.execute(
        "SELECT channel, question, intent FROM queries ORDER BY id DESC LIMIT 2"
    ).fetchall()
    assert {row[0] for row in rows} == {"http", "web"}
    assert all(row[1] == QUESTION and row[2] == answer.intent for row in rows)
    time.sleep(0.2)
    lines = [
        line
        for line in public_server.access_lines()
        if line["path"] in ("/v1/ask", "/web/ask") and line["status"] == 200
    ]
    assert lines[-1]["question_len"] == len(QUESTION)
    assert lines[-1]["intent"] == answer.intent
    assert isinstance(lines[-1]["latency_ms"], float) and lines[-1]["method"] == "POST"


def test_not_found_question_reaches_unanswered(public_server: Server, api: httpx.Client) -> None:
    question = "Kế hoạch chuyển đổi số của Đà Nẵng giao ai chủ trì hệ thống SOC?"
    r = api.post("/v1/ask", json={"question": question})
    assert r.status_code == 200
    if r.json()["intent"] != "not_found":
        pytest.skip("assistant answered; nothing to check for curators")
    result = subprocess.run(
        [str(PLANBOT), "unanswered", "--json", "--querylog", str(public_server.querylog)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert question in [row["question"] for row in json.loads(result.stdout)]


def test_unknown_route_is_json_404(api: httpx.Client) -> None:
    r = api.get("/v2/nothing")
    assert r.status_code == 404 and r.json()["message_en"] == "Not found."


# -- schemathesis against the app's own OpenAPI ---------------------------------------------------------
@pytest.mark.parametrize(
    "mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
)
def test_openapi_fuzz_no_server_errors(
    public_server: Server, mode: schemathesis.GenerationMode
) -> None:
    """Schemathesis cases from /openapi.json (bounded): never a 5xx, responses match the schema."""
    schema = schemathesis.openapi.from_url(f"{public_server.base_url}/openapi.json")
    seen = len(public_server.access_lines())

    def fuzz(strategy: Any) -> None:
        @given(case=strategy)
        @settings(
            max_examples=12,  # per operation, so every operation is reached in both modes
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            case.call_and_validate(
                headers={"X-API-Key": KEY_MAIN},
                timeout=30,
                checks=[
                    not_a_server_error,
                    status_code_conformance,
                    content_type_conformance,
                    response_schema_conformance,
                ],
            )

        try:
            run()
        except Unsatisfiable:  # negative mode: an operation with nothing to break
            pass

    for operation in schema.get_all_operations():
        fuzz(operation.ok().as_strategy(generation_mode=mode))
    time.sleep(0.2)
    lines = public_server.access_lines()[seen:]
    paths = {line["path"] for line in lines}
    # Negative mode has nothing to break on parameterless operations such as /v1/documents.
    expected = {"/v1/ask", "/v1/tasks"}
    if mode == schemathesis.GenerationMode.POSITIVE:
        expected.add("/v1/documents")
    assert len(lines) >= 50 and expected <= paths
    if mode == schemathesis.GenerationMode.POSITIVE:
        assert any(line["path"] == "/v1/ask" and line["status"] == 200 for line in lines)


def test_fuzzing_left_no_assistant_errors(public_server: Server) -> None:
    """Runs after the fuzz test (file order): no hidden failures behind the 200 fallback."""
    text = public_server.log_text()
    assert "assistant_error" not in text
    assert "unhandled error" not in text
    assert all(line["status"] < 500 for line in public_server.access_lines())


# -- hot reload of a rebuilt index while requests are in flight -------------------------------------------
def edited_corpus(dst: Path) -> Path:
    """Copy of the corpus whose document 004 has a new title (a visible rebuild)."""
    shutil.copytree(REPO / "corpus", dst)
    manifest = json.loads((dst / "manifest.json").read_text(encoding="utf-8"))
    for doc in manifest["documents"]:
        if doc["id"] == "004":
            doc["title"] += " (bản sửa đổi)"
    (dst / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return dst


def test_hot_reload_of_rebuilt_index_during_requests(api_index_dir: Path, tmp_path: Path) -> None:
    index_dir = copy_index(api_index_dir, tmp_path / "index")
    server = start_server(
        index_dir,
        tmp_path,
        {
            "PLANBOT_API_KEYS": KEY_MAIN,
            "PLANBOT_RATE_LIMIT": "0",
            "PLANBOT_RELOAD_CHECK_SECONDS": "0.2",
        },
    )
    statuses: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def hammer(n: int) -> None:
        with server.client(KEY_MAIN) as client:
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    if i % 3 == 0:
                        r = client.post("/v1/ask", json={"question": f"{QUESTION} ({n}-{i})"})
                    elif i % 3 == 1:
                        r = client.get("/v1/tasks", params={"limit": 5, "offset": i % 50})
                    else:
                        r = client.get("/v1/documents")
                    statuses.append(r.status_code)
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))

    try:
        old = server.client().get("/readyz").json()
        threads = [threading.Thread(target=hammer, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        corpus = edited_corpus(tmp_path / "corpus")
        rebuilt = subprocess.run(
            [str(PLANBOT), "index", "--no-vectors", "--corpus", str(corpus)]
            + ["--index-dir", str(index_dir)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert (index_dir / "kb.sqlite").stat().st_size > 0, rebuilt.stderr
        deadline = time.monotonic() + 60
        new = old
        while time.monotonic() < deadline and new["build_id"] == old["build_id"]:
            time.sleep(0.2)
            new = server.client().get("/readyz").json()
        time.sleep(1.0)  # keep requests flowing on the new index too
        stop.set()
        for t in threads:
            t.join(timeout=60)
        assert new["build_id"] != old["build_id"], "rebuilt index was not picked up"
        assert new["reloads"] >= 1
        assert errors == []
        assert statuses and set(statuses) == {200}, sorted(set(statuses))
        with server.client(KEY_MAIN) as client:
            docs = {d["id"]: d for d in client.get("/v1/documents").json()}
            assert docs["004"]["title"].endswith("(bản sửa đổi)")
            assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 200
        assert server.proc.poll() is None  # no restart happened
    finally:
        stop.set()
        stop_server(server)
