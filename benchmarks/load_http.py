"""HTTP load test: start `planbot serve`, drive it with N concurrent clients for D seconds from a
separate process, print throughput, p50/p95/p99 latency and errors. Stops by itself.

    .venv/bin/python benchmarks/load_http.py --clients 8 --duration 60 [--index-dir indexes]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx

REPO = Path(__file__).resolve().parents[1]
PLANBOT = REPO / ".venv" / "bin" / "planbot"
KEY = "bench-key-0123456789abcdef"
MAX_DURATION_S = 600
TEMPLATES = (
    "Ai chủ trì {x}?",
    "{x} do cơ quan nào phối hợp?",
    "Thời hạn hoàn thành {x} là khi nào?",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


# -- driver (runs in its own process) ---------------------------------------------------------------
def build_workload(client: httpx.Client, seed: int) -> list[tuple[str, str, dict | None]]:
    """Requests built from the served KB: questions about real rows, filters, ids."""
    items = client.get("/v1/tasks", params={"limit": 500}).json()["items"]
    rng = random.Random(seed)
    work: list[tuple[str, str, dict | None]] = []
    for item in rng.sample(items, min(60, len(items))):
        topic = " ".join(item["content"].split()[:14])
        work.append(("POST", "/v1/ask", {"question": rng.choice(TEMPLATES).format(x=topic)}))
    leads = sorted({lead for i in items for lead in i["lead"]})[:20]
    for lead in leads:
        work.append(("GET", "/v1/tasks?" + f"lead={quote(lead)}&limit=20", None))
    for word in ("dữ liệu", "SOC", "chữ ký số", "nền tảng", "đào tạo"):
        work.append(("GET", f"/v1/tasks?q={quote(word)}&limit=20", None))
    for item in rng.sample(items, min(20, len(items))):
        work.append(("GET", "/v1/tasks/" + quote(item["id"], safe=""), None))
    work += [("GET", "/v1/documents", None), ("GET", "/v1/indicators?limit=20", None)] * 3
    rng.shuffle(work)
    return work


def drive(base_url: str, clients: int, duration: float, seed: int) -> dict:
    """N threads, each with its own keep-alive connection, loop over the workload."""
    with httpx.Client(base_url=base_url, headers={"X-API-Key": KEY}, timeout=30) as c:
        work = build_workload(c, seed)
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def worker(n: int) -> None:
        i = n * 7
        with httpx.Client(base_url=base_url, headers={"X-API-Key": KEY}, timeout=30) as client:
            while time.monotonic() < stop_at:
                method, url, body = work[i % len(work)]
                i += 1
                started = time.perf_counter()
                try:
                    r = client.request(method, url, json=body)
                    ok = r.status_code == 200
                    detail = f"{r.status_code} {url}"
                except httpx.HTTPError as exc:
                    ok, detail = False, f"{type(exc).__name__} {url}"
                ms = (time.perf_counter() - started) * 1000
                kind = (
                    url.split("?")[0].rsplit("/", 1)[0] if "/tasks/" in url else url.split("?")[0]
                )
                with lock:
                    latencies.setdefault(kind, []).append(ms)
                    if not ok:
                        errors.append(detail)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    every = sorted(ms for values in latencies.values() for ms in values)
    summary = {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "throughput_rps": round(len(every) / elapsed, 1),
        "p50_ms": round(percentile(every, 50), 1),
        "p95_ms": round(percentile(every, 95), 1),
        "p99_ms": round(percentile(every, 99), 1),
        "errors": len(errors),
        "error_samples": errors[:5],
        "by_endpoint": {},
    }
    for kind, values in sorted(latencies.items()):
        values.sort()
        summary["by_endpoint"][kind] = {
            "n": len(values),
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
        }
    return summary


# -- orchestration ------------------------------------------------------------------------------------
def start_server(index_dir: Path, work: Path, duration: float, cache: bool) -> tuple:
    port = free_port()
    env = {
        **os.environ,
        "PLANBOT_INDEX_DIR": str(index_dir),
        "PLANBOT_API_KEYS": KEY,
        "PLANBOT_RATE_LIMIT": "0",
        "PLANBOT_QUERYLOG_PATH": str(work / "querylog.sqlite"),
        "PLANBOT_ANSWER_CACHE": "512" if cache else "0",
    }
    log = (work / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(PLANBOT), "serve", "--port", str(port), "--lifetime", str(duration + 120)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited: see {work / 'server.log'}")
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    sys.exit("server not ready in 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (max 600)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds, not measured")
    parser.add_argument(
        "--index-dir", type=Path, default=Path(os.environ.get("PLANBOT_INDEX_DIR", "indexes"))
    )
    parser.add_argument("--no-cache", action="store_true", help="disable the answer cache")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--driver", help=argparse.SUPPRESS)  # internal: base URL to drive
    args = parser.parse_args()
    duration = max(1.0, min(args.duration, MAX_DURATION_S))

    if args.driver:  # the client process
        print(json.dumps(drive(args.driver, args.clients, duration, args.seed)))
        return

    if not (args.index_dir / "kb.sqlite").is_file():
        sys.exit(f"no index at {args.index_dir}: run `planbot index` first")
    with tempfile.TemporaryDirectory(prefix="planbot-load-") as tmp:
        proc, base = start_server(
            args.index_dir, Path(tmp), duration + args.warmup, not args.no_cache
        )
        try:
            driver = [
                sys.executable,
                __file__,
                "--clients",
                str(args.clients),
                "--seed",
                str(args.seed),
            ]
            if args.warmup > 0:
                subprocess.run(
                    driver + ["--driver", base, "--duration", str(args.warmup)],
                    capture_output=True,
                    timeout=args.warmup + 120,
                    check=True,
                )
            cpu_before = cpu_seconds(proc.pid)
            out = subprocess.run(
                driver + ["--driver", base, "--duration", str(duration)],
                capture_output=True,
                text=True,
                timeout=duration + 180,
                check=True,
            )
            cpu_after = cpu_seconds(proc.pid)
            summary = json.loads(out.stdout)
            if cpu_before is not None and cpu_after is not None and summary["requests"]:
                # CPU per request does not depend on what else runs on the machine: the
                # throughput an idle server reaches is about cores / (this + the client's share)
                summary["server_cpu_ms_per_request"] = round(
                    (cpu_after - cpu_before) * 1000 / summary["requests"], 2
                )
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    summary["answer_cache"] = not args.no_cache
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    print(
        f"clients={summary['clients']} duration={summary['seconds']}s "
        f"answer_cache={'on' if summary['answer_cache'] else 'off'}"
    )
    print(
        f"requests={summary['requests']} throughput={summary['throughput_rps']} req/s "
        f"errors={summary['errors']}"
    )
    print(f"latency ms: p50={summary['p50_ms']} p95={summary['p95_ms']} p99={summary['p99_ms']}")
    if "server_cpu_ms_per_request" in summary:
        print(f"server CPU per request: {summary['server_cpu_ms_per_request']} ms")
    for kind, s in summary["by_endpoint"].items():
        print(f"  {kind:<16} n={s['n']:<6} p50={s['p50_ms']} p95={s['p95_ms']}")
    for sample in summary["error_samples"]:
        print(f"  error: {sample}")


if __name__ == "__main__":
    main()
