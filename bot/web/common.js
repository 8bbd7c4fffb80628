// Shared by the ask page and the task browser: config, API key, fetch with the right base path,
// safe DOM helpers (textContent only, never innerHTML) and record formatting.
"use strict";

const KEY_STORAGE = "planbot.apiKey";
const planbot = {
  config: { public: false, max_question_chars: 1000 },
  plans: [],
};

const $ = (id) => document.getElementById(id);

function el(tag, value, className) {
  const node = document.createElement(tag);
  if (value != null) node.textContent = String(value);
  if (className) node.className = className;
  return node;
}

function joinList(value) {
  return Array.isArray(value) ? value.filter(Boolean).join("; ") : value || "";
}

// "Sở TT&TT (nay là Sở KH&CN)" from printed names and today's names.
function agencies(printed, current) {
  const now = current || [];
  return (printed || [])
    .map((name, i) => (now[i] && now[i] !== name ? `${name} (nay là ${now[i]})` : name))
    .join("; ");
}

// A plan as officials name it: "402/KH-UBND — Kế hoạch … " (never the corpus file name).
function planName(fileOrId, fallback) {
  const plan = planbot.plans.find((p) => p.file === fileOrId || p.id === fileOrId);
  if (!plan) return fallback || "";
  const number = plan.number && !plan.number.startsWith("/") ? plan.number : "";
  return number ? `${number} — ${plan.title}` : plan.title;
}

// Short plan label for dense tables: the number when the plan has one, else its title.
function planShort(fileOrId, fallback) {
  const plan = planbot.plans.find((p) => p.file === fileOrId || p.id === fileOrId);
  if (!plan) return fallback || "";
  return plan.number && !plan.number.startsWith("/") ? plan.number : plan.short_name || plan.title;
}

// Hide table columns that are empty in every row (e.g. "Chỉ tiêu" in a list of tasks).
function hideEmptyColumns(table) {
  const rows = [...table.querySelectorAll("tbody tr")];
  table.querySelectorAll("thead th").forEach((th, i) => {
    const empty = rows.every((r) => r.children[i] && r.children[i].classList.contains("empty"));
    th.hidden = empty && rows.length > 0;
    for (const r of rows) if (r.children[i]) r.children[i].hidden = th.hidden;
  });
}

function showError(message) {
  const box = $("error");
  box.textContent = message || "";
  box.hidden = !message;
}

function apiKey() {
  return ($("api-key") && $("api-key").value.trim()) || sessionStorage.getItem(KEY_STORAGE) || "";
}

// Base path and headers for a call: /web/* on a public page, /v1/* with the key otherwise.
function route(path) {
  if (planbot.config.public) return { url: `/web${path}`, headers: {} };
  const key = apiKey();
  if (!key) return null;
  sessionStorage.setItem(KEY_STORAGE, key);
  return { url: `/v1${path}`, headers: { "X-API-Key": key } };
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

// fetch through `route`; returns the Response, or null after showing why not.
async function call(path, options) {
  const target = route(path);
  if (!target) {
    $("key-section").hidden = false;
    showError("Vui lòng nhập khóa API.");
    return null;
  }
  const init = Object.assign({}, options || {});
  init.headers = Object.assign({}, target.headers, init.headers || {});
  try {
    const response = await fetch(target.url, init);
    if (!response.ok) {
      showError(await errorMessage(response));
      return null;
    }
    return response;
  } catch (_) {
    showError("Không kết nối được máy chủ, vui lòng thử lại.");
    return null;
  }
}

async function loadConfig() {
  try {
    const response = await fetch("/web/config");
    if (response.ok) planbot.config = await response.json();
  } catch (_) {
    // keep defaults: ask for a key
  }
  $("key-section").hidden = planbot.config.public;
  $("api-key").value = sessionStorage.getItem(KEY_STORAGE) || "";
}

async function loadIntro() {
  if (!route("/intro")) return null;
  const response = await call("/intro");
  if (!response) return null;
  const intro = await response.json();
  planbot.plans = intro.plans || [];
  return intro;
}

// Records as a table on a desktop; CSS turns each row into a card on a phone (data-label).
function recordRow(cells) {
  const row = document.createElement("tr");
  for (const [label, value, className] of cells) {
    const cell = el("td", value, className);
    cell.dataset.label = label;
    if (value === "" || value == null) cell.classList.add("empty");
    row.appendChild(cell);
  }
  return row;
}
