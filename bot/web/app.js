// planbot web page: ask a question, show the answer, facts table and cited quotes.
// All text goes through textContent (never innerHTML), so answers cannot inject markup.
"use strict";

// One conversation per open page: follow-up questions ("hạn khi nào?") refer to the last answer.
const SESSION_ID = `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

const INTENT_LABELS = {
  owner_deadline: "Chủ trì & thời hạn",
  indicator: "Chỉ tiêu",
  list: "Danh sách",
  guidance: "Hướng dẫn",
  not_found: "Không tìm thấy",
};
const MAX_FACT_ROWS = 50;
const KEY_STORAGE = "planbot.apiKey";

const $ = (id) => document.getElementById(id);
let config = { public: false, max_question_chars: 1000 };

function text(tag, value, className) {
  const el = document.createElement(tag);
  el.textContent = value == null ? "" : String(value);
  if (className) el.className = className;
  return el;
}

function joinList(value) {
  return Array.isArray(value) ? value.join("; ") : value || "";
}

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

function renderFacts(facts) {
  const body = $("facts").querySelector("tbody");
  body.replaceChildren();
  for (const fact of facts.slice(0, MAX_FACT_ROWS)) {
    const row = document.createElement("tr");
    const where = fact.citation ? `${fact.citation.title} — ${fact.citation.location}` : fact.document;
    for (const cell of [
      fact.content,
      joinList(fact.lead),
      joinList(fact.coordinating),
      fact.deadline || "",
      fact.target || "",
      fact.leader || "",
      where,
    ]) {
      row.appendChild(text("td", cell));
    }
    body.appendChild(row);
  }
  const more = facts.length - MAX_FACT_ROWS;
  $("facts-more").textContent = more > 0 ? `… và ${more} mục khác.` : "";
  $("facts-more").hidden = more <= 0;
  $("facts-box").hidden = facts.length === 0;
}

function renderCitations(citations) {
  const list = $("citations");
  list.replaceChildren();
  for (const c of citations) {
    const item = document.createElement("li");
    item.appendChild(text("strong", c.title));
    item.appendChild(text("div", `${c.location} (${c.document})`, "cite-where"));
    item.appendChild(text("blockquote", c.quote));
    list.appendChild(item);
  }
  $("citations-box").hidden = citations.length === 0;
}

function renderSuggestions(suggestions) {
  const list = $("suggestions");
  list.replaceChildren(...suggestions.map((s) => text("li", s)));
  $("suggestions-box").hidden = suggestions.length === 0;
}

function renderAnswer(answer) {
  $("answer-intent").textContent = INTENT_LABELS[answer.intent] || answer.intent;
  $("answer-text").textContent = answer.answer;
  renderFacts(answer.facts || []);
  renderCitations(answer.citations || []);
  renderSuggestions(answer.suggestions || []);
  $("result").hidden = false;
}

async function errorMessage(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = null;
  }
  if (response.status === 401) {
    $("key-section").hidden = false;
    return "Khóa API không đúng hoặc chưa nhập.";
  }
  if (response.status === 429) {
    const wait = response.headers.get("Retry-After") || "vài";
    return `Quá nhiều yêu cầu, vui lòng thử lại sau ${wait} giây.`;
  }
  return (body && body.message) || `Lỗi ${response.status}.`;
}

async function ask(event) {
  event.preventDefault();
  const question = $("question").value.trim();
  if (!question) {
    showError("Vui lòng nhập câu hỏi.");
    return;
  }
  const headers = { "Content-Type": "application/json" };
  let url = "/web/ask";
  if (!config.public) {
    const key = $("api-key").value.trim();
    if (!key) {
      $("key-section").hidden = false;
      showError("Vui lòng nhập khóa API.");
      return;
    }
    sessionStorage.setItem(KEY_STORAGE, key);
    headers["X-API-Key"] = key;
    url = "/v1/ask";
  }
  showError("");
  $("ask-button").disabled = true;
  $("status").textContent = "Đang tìm câu trả lời…";
  try {
    const body = JSON.stringify({ question, session: SESSION_ID });
    const response = await fetch(url, { method: "POST", headers, body });
    if (!response.ok) {
      showError(await errorMessage(response));
      return;
    }
    renderAnswer(await response.json());
  } catch (_) {
    showError("Không kết nối được máy chủ, vui lòng thử lại.");
  } finally {
    $("ask-button").disabled = false;
    $("status").textContent = "";
  }
}

async function init() {
  try {
    const response = await fetch("/web/config");
    if (response.ok) config = await response.json();
  } catch (_) {
    // keep defaults: ask for a key
  }
  $("question").maxLength = config.max_question_chars;
  $("key-section").hidden = config.public;
  $("api-key").value = sessionStorage.getItem(KEY_STORAGE) || "";
  $("ask-form").addEventListener("submit", ask);
  document.body.dataset.ready = "1";
}

init();
