"""Follow-up questions through POST /v1/ask with a session id (server: planbot serve --port 8765)."""

import httpx

H = {"X-API-Key": "t2testkey12345"}


def ask(q, s):
    r = httpx.post(
        "http://127.0.0.1:8765/v1/ask", json={"question": q, "session": s}, headers=H, timeout=60
    )
    d = r.json()
    print(
        "=== [{}] {} -> {} {}\n{}\n".format(s, q, r.status_code, d.get("intent"), d.get("answer"))
    )


for q in [
    "Ai chủ trì xây dựng CSDL đất đai tỉnh Lâm Hà?",
    "còn hạn hoàn thành?",
    "sở đó giờ là sở nào?",
]:
    ask(q, "t2-a")
for q in [
    "Sở Y tế tỉnh Lâm Hà chủ trì những nhiệm vụ gì?",
    "cái thứ 2 hạn khi nào?",
    "ai phối hợp?",
]:
    ask(q, "t2-b")
for q in ["ai chu tri trien khai he thong soc, han khi nao?", "còn ở Lâm Hà thì sao?"]:
    ask(q, "t2-c")
