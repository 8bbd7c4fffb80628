// Ask page: Enter asks, the empty page shows plans and example questions, a list answer is shown
// once (table on desktop, cards on a phone), citations are collapsed, feedback is one click.
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
const MAX_FACT_ROWS = 200;
let current = null; // the answer on screen (for feedback)

function renderFacts(answer) {
  const facts = answer.facts || [];
  const body = $("facts").querySelector("tbody");
  body.replaceChildren();
  for (const fact of facts.slice(0, MAX_FACT_ROWS)) {
    const where = fact.citation
      ? `${planShort(fact.document, fact.citation.title)} · ${fact.citation.location}`
      : planShort(fact.document, fact.document);
    const row = recordRow([
      ["Nội dung", fact.content],
      ["Chủ trì", agencies(fact.lead, fact.lead_current)],
      ["Phối hợp", agencies(fact.coordinating, fact.coordinating_current)],
      ["Thời hạn", fact.deadline || ""],
      ["Chỉ tiêu", fact.target || ""],
      ["Lãnh đạo chỉ đạo", fact.leader || ""],
      ["Nguồn", ""],
    ]);
    const link = el("a", where, "row-link");
    link.href = `/tasks?open=${encodeURIComponent(fact.id)}`;
    link.title = "Xem dòng này trong bảng phụ lục";
    row.lastChild.replaceChildren(link);
    row.lastChild.classList.remove("empty");
    if (fact.primary) row.classList.add("primary");
    body.appendChild(row);
  }
  hideEmptyColumns($("facts"));
  const list = answer.intent === "list";
  $("facts-title").textContent = list ? `Danh sách (${facts.length} dòng)` : "Thông tin chi tiết";
  const more = facts.length - MAX_FACT_ROWS;
  $("facts-more").textContent = more > 0 ? `… và ${more} dòng khác (xem ở trang Tra cứu nhiệm vụ).` : "";
  $("facts-more").hidden = more <= 0;
  $("facts-box").hidden = facts.length === 0;
}

function renderCitations(citations) {
  const list = $("citations");
  list.replaceChildren();
  for (const c of citations) {
    const item = document.createElement("li");
    item.appendChild(el("strong", planName(c.document, c.title)));
    item.appendChild(el("div", c.location, "cite-where"));
    item.appendChild(el("blockquote", c.quote));
    list.appendChild(item);
  }
  $("citations-summary").textContent = `Trích dẫn (${citations.length})`;
  $("citations-box").open = false;
  $("citations-box").hidden = citations.length === 0;
}

function questionChip(question, label = question) {
  const item = document.createElement("li");
  const button = el("button", label, "chip");
  button.type = "button";
  button.addEventListener("click", () => {
    $("question").value = question;
    ask();
  });
  item.appendChild(button);
  return item;
}

function renderSuggestions(suggestions) {
  $("suggestions").replaceChildren(...suggestions.map((s) => questionChip(s)));
  $("suggestions-box").hidden = suggestions.length === 0;
}

// Options the answer offers (e.g. which plan): the button shows the label, asks the question.
function renderChoices(choices) {
  $("choices").replaceChildren(...choices.map((c) => questionChip(c.question, c.label)));
  $("choices-box").hidden = choices.length === 0;
}

function resetFeedback() {
  $("fb-form").hidden = true;
  $("fb-comment").value = "";
  $("fb-status").textContent = "";
  for (const id of ["fb-up", "fb-down"]) {
    $(id).disabled = false;
    $(id).classList.remove("chosen");
  }
}

function renderAnswer(answer) {
  current = answer;
  $("intro").hidden = true;
  $("answer-intent").textContent = INTENT_LABELS[answer.intent] || answer.intent;
  // A list is shown once: its heading here, the rows in the table below.
  const text = answer.answer || "";
  $("answer-text").textContent =
    answer.intent === "list" && (answer.facts || []).length ? text.split("\n")[0] : text;
  renderFacts(answer);
  renderCitations(answer.citations || []);
  const choices = answer.choices || [];
  // A suggestion already offered as a choice is shown once, as the choice.
  const offered = new Set(choices.map((c) => c.question));
  renderChoices(choices);
  renderSuggestions((answer.suggestions || []).filter((s) => !offered.has(s)));
  resetFeedback();
  $("result").hidden = false;
}

async function ask(event) {
  if (event) event.preventDefault();
  const question = $("question").value.trim();
  if (!question) {
    showError("Vui lòng nhập câu hỏi.");
    return;
  }
  showError("");
  $("ask-button").disabled = true;
  $("status").textContent = "Đang tìm câu trả lời…";
  try {
    const response = await call("/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question, session: SESSION_ID }),
    });
    if (response) {
      renderAnswer(await response.json());
      if (!planbot.plans.length) loadIntro();
    }
  } finally {
    $("ask-button").disabled = false;
    $("status").textContent = "";
  }
}

async function sendFeedback(rating) {
  if (!current) return;
  const body = {
    question: current.question || $("question").value.trim(),
    answer: (current.answer || "").slice(0, 1500), // enough to recognise it; bodies stay small
    intent: current.intent || "",
    rating,
    comment: $("fb-comment").value.trim(),
    record_ids: (current.facts || []).slice(0, 50).map((f) => f.id),
  };
  const response = await call("/feedback", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response) {
    $("fb-status").textContent = (await response.json()).message || "Đã ghi nhận.";
    $("fb-form").hidden = true;
  }
}

function chooseRating(rating) {
  $("fb-up").classList.toggle("chosen", rating === "up");
  $("fb-down").classList.toggle("chosen", rating === "down");
  $("fb-form").hidden = false;
  $("fb-form").dataset.rating = rating;
  $("fb-status").textContent = "";
  $("fb-comment").focus();
}

function renderIntro(intro) {
  if (!intro || current) return;
  $("examples").replaceChildren(...(intro.examples || []).map((q) => questionChip(q)));
  $("plans").replaceChildren(
    ...intro.plans.map((p) => {
      const item = el("li");
      item.appendChild(el("strong", planName(p.id, p.title)));
      const counts = [
        p.tasks ? `${p.tasks} nhiệm vụ` : "",
        p.indicators ? `${p.indicators} chỉ tiêu` : "",
      ].filter(Boolean);
      item.appendChild(el("span", ` · ${counts.join(", ") || "văn bản hướng dẫn"}`, "hint"));
      return item;
    })
  );
  $("intro").hidden = false;
}

async function init() {
  await loadConfig();
  $("question").maxLength = planbot.config.max_question_chars;
  $("ask-form").addEventListener("submit", ask);
  $("question").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ask();
    }
  });
  $("fb-up").addEventListener("click", () => chooseRating("up"));
  $("fb-down").addEventListener("click", () => chooseRating("down"));
  $("fb-send").addEventListener("click", () => sendFeedback($("fb-form").dataset.rating || "down"));
  document.body.dataset.ready = "1";
  renderIntro(await loadIntro());
}

init();
