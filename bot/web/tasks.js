// Task browser: filters (plan, agency, period, kind, text) → compact table (cards on a phone);
// a row opens its place in the appendix table; "Tải Excel" downloads the current filter.
"use strict";

const PAGE_SIZE = 50;
const FILTERS = ["document", "agency", "due", "kind", "q"];
let shown = 0;

function filterParams() {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = $(`f-${name}`).value.trim();
    if (value) params.set(name, value);
  }
  return params;
}

function taskRow(item) {
  const where = `${planShort(item.document, item.citation.title)} · ${item.citation.location}`;
  const deadline = item.kind === "indicator" ? `Chỉ tiêu: ${item.target || "—"}` : item.deadline || "";
  const row = recordRow([
    ["Kế hoạch / dòng", where, "where"],
    ["Nhiệm vụ", item.content, "content"],
    ["Chủ trì", agencies(item.lead, item.lead_current)],
    ["Phối hợp", agencies(item.coordinating, item.coordinating_current)],
    ["Thời hạn", deadline],
  ]);
  const full = row.children[1];
  full.replaceChildren(el("div", item.content, "clamp")); // whole text in the row panel
  full.title = item.content;
  if (item.inherited) {
    row.classList.add("inherited");
    const mark = el("span", "theo tên cơ quan cũ", "badge");
    mark.title = "Giao cho cơ quan tiền nhiệm, nay do cơ quan được hỏi đảm nhận";
    row.children[0].append(" ", mark);
  }
  row.tabIndex = 0;
  row.dataset.id = item.id;
  row.addEventListener("click", () => openRecord(item.id));
  row.addEventListener("keydown", (event) => {
    if (event.key === "Enter") openRecord(item.id);
  });
  return row;
}

function fillPlans() {
  const select = $("f-document");
  if (select.options.length > 1) return;
  for (const plan of planbot.plans) {
    const option = el("option", planName(plan.id, plan.title));
    option.value = plan.id;
    select.appendChild(option);
  }
}

async function search(append) {
  showError("");
  if (!planbot.plans.length && (await loadIntro())) fillPlans(); // a key was just typed
  const params = filterParams();
  params.set("limit", PAGE_SIZE);
  params.set("offset", append ? shown : 0);
  $("filter-button").disabled = true;
  try {
    const response = await call(`/tasks?${params}`);
    if (!response) return;
    const page = await response.json();
    const body = $("tasks").querySelector("tbody");
    if (!append) {
      body.replaceChildren();
      shown = 0;
    }
    for (const item of page.items) body.appendChild(taskRow(item));
    shown += page.items.length;
    $("tasks").hidden = page.total === 0;
    $("summary").textContent =
      page.total === 0 ? "Không có dòng nào phù hợp." : `${page.total} dòng · đang hiện ${shown}`;
    $("more-button").hidden = shown >= page.total;
    const url = new URL(window.location.href);
    url.search = filterParams().toString();
    history.replaceState(null, "", url);
  } finally {
    $("filter-button").disabled = false;
  }
}

function cardLine(term, value) {
  if (!value) return [];
  return [el("dt", term), el("dd", value)];
}

async function openRecord(id) {
  const response = await call(`/neighbours?id=${encodeURIComponent(id)}&around=3`);
  if (!response) return;
  const ctx = await response.json();
  const r = ctx.record;
  const plan = ctx.plan.number && !ctx.plan.number.startsWith("/") ? ctx.plan.number : "";
  $("context-title").textContent = plan ? `${plan} — ${ctx.plan.title}` : ctx.plan.title;
  $("context-where").textContent = [ctx.section, r.citation.location]
    .filter(Boolean)
    .join(" › ");
  $("context-record").replaceChildren(
    ...cardLine("Chủ trì", agencies(r.lead, r.lead_current)),
    ...cardLine("Phối hợp", agencies(r.coordinating, r.coordinating_current)),
    ...cardLine("Lãnh đạo chỉ đạo", r.leader),
    ...cardLine("Thời hạn", r.deadline),
    ...cardLine("Sản phẩm", r.product),
    ...cardLine("Chỉ tiêu", r.target),
    ...cardLine("Ghi chú", r.note)
  );
  $("context-quote").textContent = r.citation.quote;
  const body = $("context-rows").querySelector("tbody");
  body.replaceChildren(
    ...ctx.rows.map((row) => {
      const tr = recordRow([
        ["Dòng", row.row],
        ["Nội dung", row.content],
        ["Chủ trì", joinList(row.lead)],
        ["Thời hạn", row.deadline || ""],
      ]);
      if (row.current) tr.classList.add("current");
      else tr.addEventListener("click", () => openRecord(row.id));
      return tr;
    })
  );
  $("context").hidden = false;
  $("context").scrollTop = 0;
  $("context-close").focus();
}

async function exportExcel() {
  showError("");
  const params = filterParams();
  params.set("format", "xlsx");
  $("export-button").disabled = true;
  try {
    const response = await call(`/tasks?${params}`);
    if (!response) return;
    const blob = await response.blob();
    const disposition = response.headers.get("Content-Disposition") || "";
    const match = /filename\*=UTF-8''([^;]+)/.exec(disposition);
    const link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = match ? decodeURIComponent(match[1]) : "nhiem-vu.xlsx";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } finally {
    $("export-button").disabled = false;
  }
}

async function init() {
  await loadConfig();
  await loadIntro();
  fillPlans();
  const query = new URLSearchParams(window.location.search);
  for (const name of FILTERS) {
    if (query.get(name)) $(`f-${name}`).value = query.get(name);
  }
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    search(false);
  });
  $("more-button").addEventListener("click", () => search(true));
  $("export-button").addEventListener("click", exportExcel);
  $("context-close").addEventListener("click", () => {
    $("context").hidden = true;
  });
  document.body.dataset.ready = "1";
  if (route("/tasks")) {
    await search(false);
    if (query.get("open")) await openRecord(query.get("open"));
  }
}

init();
