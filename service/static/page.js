// The editor's page: send the article to POST v1/attributions and draw the answer on it.
// One hand-written module, no dependencies, nothing loaded from another host.

const KEY_STORE = "attribution.apiKey";
const GRADES = new Set(["A", "B", "C", "D", "E"]);
// Nesting order when two spans cover the same stretch: outermost first.
const LAYER = { content: 0, source: 1, cue: 2, mention: 3, repair: 4 };

const $ = (selector) => document.querySelector(selector);
const state = { result: null, text: "", byId: new Map(), speaker: null, marks: [] };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function gradeOf(attribution) {
  const grade = attribution.score && attribution.score.grade;
  return GRADES.has(grade) ? grade : "none";
}

function looksLikeHtml(text) {
  return /<\s*(html|body|article|p|div|br|h[1-6]|span|a|section|blockquote|li)\b[^>]*>/i.test(text);
}

// ---- the request --------------------------------------------------------------------

function chosenFormat(text) {
  const chosen = document.querySelector('input[name="format"]:checked');
  const value = chosen ? chosen.value : "auto";
  if (value !== "auto") return value;
  return looksLikeHtml(text) ? "html" : "text";
}

function setStatus(message, isError = false) {
  const status = $("#status");
  status.textContent = message;
  status.classList.toggle("error", isError);
  status.setAttribute("role", isError ? "alert" : "status");
}

async function analyze(event) {
  event.preventDefault();
  const text = $("#article").value;
  if (!text.trim()) {
    setStatus("Paste an article, or open a file, first.", true);
    $("#article").focus();
    return;
  }
  const format = chosenFormat(text);
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const keyField = $("#api-key");
  if (keyField && keyField.value.trim()) headers["X-API-Key"] = keyField.value.trim();
  const button = $("#analyze");
  button.disabled = true;
  setStatus("Analysing…");
  try {
    const response = await fetch("v1/attributions", {
      method: "POST",
      headers,
      body: JSON.stringify({ text, format }),
      credentials: "same-origin",
    });
    const body = await response.json().catch(() => null);
    if (!response.ok || body === null) {
      const detail = body && (body.detail || body.title);
      setStatus(`The analysis failed (${response.status}): ${detail || response.statusText}`, true);
      if (response.status === 401 && keyField) keyField.focus();
      return;
    }
    show(body, text);
    const n = body.attributions.length;
    setStatus(`${n} attribution${n === 1 ? "" : "s"} found.`);
  } catch (error) {
    setStatus(`The service could not be reached: ${error.message}`, true);
  } finally {
    button.disabled = false;
  }
}

// ---- drawing the article --------------------------------------------------------------

function collectSpans(result, length) {
  const spans = [];
  const seen = new Set(); // one source, cue or mention element per stretch of text
  const add = (span, kind, data) => {
    if (!span || typeof span.start !== "number" || typeof span.end !== "number") return;
    const start = Math.max(0, Math.min(span.start, length));
    const end = Math.max(start, Math.min(span.end, length));
    const key = `${kind}:${start}:${end}`;
    if (kind !== "content" && kind !== "repair") {
      if (seen.has(key)) return;
      seen.add(key);
    }
    if (end > start || kind === "repair") spans.push({ start, end, kind, data });
  };
  result.attributions.forEach((a, order) => {
    add(a.content, "content", { attribution: a, order });
    add(a.source, "source", { attribution: a });
    add(a.cue, "cue", { attribution: a });
  });
  for (const speaker of result.speakers || []) {
    for (const mention of speaker.mentions || []) add(mention, "mention", { speaker });
  }
  (result.repairs || []).forEach((repair, index) => add(repair, "repair", { repair, index }));
  return spans;
}

function bySpan(a, b) {
  return a.start - b.start || b.end - a.end || LAYER[a.kind] - LAYER[b.kind];
}

function makeElement(span, first) {
  const { kind, data } = span;
  if (kind === "content") {
    const a = data.attribution;
    const grade = gradeOf(a);
    const mark = el("mark", {
      class: `att grade-${grade}`,
      "data-attribution-id": a.id,
      "data-grade": grade,
    });
    if (first) {
      mark.tabIndex = 0;
      mark.classList.add("first");
      mark.setAttribute("aria-describedby", "detail");
      const who = a.speaker && a.speaker.name ? a.speaker.name : "no named speaker";
      mark.append(
        el(
          "span",
          { class: `badge grade-${grade}` },
          el("span", { class: "sr-only", text: `Attribution ${a.id}, ${who}, grade ` }),
          grade === "none" ? "–" : grade,
        ),
      );
      state.marks.push(mark);
    }
    return mark;
  }
  if (kind === "source") {
    const speakerId = data.attribution.speaker && data.attribution.speaker.id;
    return el("span", { class: "src", "data-source-of": data.attribution.id, "data-source-speaker": speakerId });
  }
  if (kind === "cue") return el("span", { class: "cue", "data-cue-of": data.attribution.id });
  if (kind === "mention") return el("span", { class: "mention", "data-mention-of": data.speaker.id });
  const r = data.repair;
  const node = el("span", {
    class: "repair",
    "data-repair-index": data.index,
    title: `${r.kind}: “${r.original}” → “${r.replacement}”`,
  });
  return node;
}

function repairMark(span) {
  const r = span.data.repair;
  const label = r.replacement ? `→ ${r.replacement.replace(/ /g, "␣")}` : "removed";
  return el("span", { class: "repair-mark", "aria-hidden": "true", text: label });
}

// Draw text[start, end) with the spans inside it; a span crossing the end of an outer one
// is cut in two, the rest drawn after it.
function draw(text, start, end, spans, into) {
  let pos = start;
  const pending = spans.slice().sort(bySpan);
  while (pending.length) {
    const span = pending.shift();
    if (span.start < pos) {
      if (span.end <= pos && !(span.kind === "repair" && span.end === pos)) continue;
      span.start = pos;
    }
    if (span.start > pos) into.append(text.slice(pos, span.start));
    const inside = [];
    let i = 0;
    while (i < pending.length && pending[i].start < span.end) {
      const other = pending[i];
      if (other.end <= span.end) {
        inside.push(other);
        pending.splice(i, 1);
      } else {
        inside.push({ ...other, end: span.end });
        pending[i] = { ...other, start: span.end, continued: true };
        i += 1;
      }
    }
    pending.sort(bySpan);
    const node = makeElement(span, !span.continued);
    draw(text, span.start, span.end, inside, node);
    into.append(node);
    if (span.kind === "repair" && !span.continued) into.append(repairMark(span));
    pos = span.end;
  }
  if (pos < end) into.append(text.slice(pos, end));
}

function show(result, submitted) {
  state.result = result;
  state.text = result.document && typeof result.document.text === "string" ? result.document.text : submitted;
  state.byId = new Map(result.attributions.map((a) => [a.id, a]));
  state.speaker = null;
  state.marks = [];
  const rendered = $("#rendered");
  rendered.replaceChildren();
  rendered.classList.remove("filtering");
  draw(state.text, 0, state.text.length, collectSpans(result, state.text.length), rendered);
  rendered.classList.toggle("show-repairs", $("#show-repairs").checked);
  hideDetail();
  drawSummary(result);
  drawSpeakers(result);
  drawRepairs(result);
  drawWarnings(result);
  $("#clear-filter").hidden = true;
  $("#results").hidden = false;
  $("#results-title").focus();
}

// ---- details of one attribution -----------------------------------------------------------

function describeSpeaker(speaker) {
  if (!speaker || (!speaker.name && speaker.type === "unattributed")) return "nobody (unattributed)";
  const parts = [speaker.name || "(no name)", speaker.type.replace(/_/g, " ")];
  if (speaker.role) parts.push(`role: ${speaker.role}`);
  parts.push(speaker.anonymous ? "anonymous" : "identified");
  return parts.join(" · ");
}

function signed(points) {
  const value = Number(points);
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return value > 0 ? `+${shown}` : shown;
}

function showDetail(id) {
  const a = state.byId.get(id);
  if (!a) return;
  for (const mark of document.querySelectorAll("mark.att.active")) mark.classList.remove("active");
  for (const mark of document.querySelectorAll(`mark.att[data-attribution-id="${CSS.escape(id)}"]`)) {
    mark.classList.add("active");
  }
  const grade = gradeOf(a);
  const rows = [
    ["Kind", a.kind.replace(/_/g, " ")],
    ["Content", a.content.text],
    ["Speaker", describeSpeaker(a.speaker)],
  ];
  if (a.co_speakers && a.co_speakers.length) {
    rows.push(["With", a.co_speakers.map(describeSpeaker).join("; ")]);
  }
  rows.push(["Source", a.source ? a.source.text : "none in the text"]);
  rows.push(["Cue", a.cue ? `${a.cue.text} (${a.cue.lemma}, ${a.cue.stance})` : "none"]);
  rows.push([
    "Hedges",
    a.hedges && a.hedges.length ? a.hedges.map((h) => `${h.text} (${h.kind.replace(/_/g, " ")})`).join("; ") : "none",
  ]);
  rows.push(["Justification", a.justification ? a.justification.text : "none stated"]);
  rows.push(["Score", a.score ? `${a.score.value} / 100, grade ${a.score.grade}` : "not scored"]);
  rows.push(["Found by", a.sieve.replace(/_/g, " ") + (a.speaker_inferred ? " (speaker inferred)" : "")]);
  const list = el("dl");
  for (const [term, value] of rows) list.append(el("dt", { text: term }), el("dd", { text: value }));
  const table = el(
    "table",
    { class: "reasons" },
    el("caption", { class: "sr-only", text: "Rules that fired, with their points" }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Rule" }), el("th", { scope: "col", text: "Points" }), el("th", { scope: "col", text: "On" }))),
  );
  const body = el("tbody");
  for (const reason of (a.score && a.score.reasons) || []) {
    body.append(
      el("tr", { "data-rule": reason.rule }, el("td", { text: reason.rule }), el("td", { class: "points", text: signed(reason.points) }), el("td", { text: reason.text })),
    );
  }
  table.append(body);
  const detail = $("#detail");
  detail.replaceChildren(
    el("h3", {}, el("span", { class: `badge grade-${grade}`, text: grade === "none" ? "–" : grade }), ` Attribution ${a.id}`),
    list,
    table,
  );
  detail.dataset.attributionId = a.id;
  detail.hidden = false;
}

function hideDetail() {
  const detail = $("#detail");
  detail.hidden = true;
  detail.replaceChildren();
  delete detail.dataset.attributionId;
  for (const mark of document.querySelectorAll("mark.att.active")) mark.classList.remove("active");
}

// ---- the side panel ------------------------------------------------------------------------

function drawSummary(result) {
  const s = result.summary || {};
  const grade = GRADES.has(s.grade) ? s.grade : "none";
  const summary = $("#summary");
  summary.dataset.grade = grade;
  const share = typeof s.anonymous_share === "number" ? `${Math.round(s.anonymous_share * 100)}%` : "–";
  const rows = [
    ["Attributions", s.attributions],
    ["Anonymous share", share],
    ["Named sources", s.named_sources],
    ["Anonymous without justification", (s.anonymous_without_justification || []).length],
    ["Unattributed claims", s.unattributed_claims],
    ["Declined to comment", s.declined_to_comment],
  ];
  const list = el("dl");
  for (const [term, value] of rows) list.append(el("dt", { text: term }), el("dd", { text: value ?? 0 }));
  const parts = [
    el(
      "p",
      { class: "score" },
      el("span", { class: `badge grade-${grade}`, text: grade === "none" ? "–" : grade }),
      s.score === null || s.score === undefined ? " Not scored" : ` Score ${s.score} / 100`,
    ),
    list,
  ];
  if (s.named_source_names && s.named_source_names.length) {
    parts.push(el("p", { class: "hint", text: `Named: ${s.named_source_names.join(", ")}` }));
  }
  if (s.anonymous_without_justification && s.anonymous_without_justification.length) {
    const items = el("ul", { class: "unjustified" });
    for (const name of s.anonymous_without_justification) items.append(el("li", { text: name }));
    parts.push(el("p", { class: "hint", text: "Anonymous, with no stated justification:" }), items);
  }
  $("#summary-body").replaceChildren(...parts);
}

function drawSpeakers(result) {
  const counts = new Map();
  for (const a of result.attributions) {
    for (const s of [a.speaker, ...(a.co_speakers || [])]) {
      if (s && s.id) counts.set(s.id, (counts.get(s.id) || 0) + 1);
    }
  }
  const unjustified = new Set((result.summary && result.summary.anonymous_without_justification) || []);
  const list = $("#speaker-list");
  list.replaceChildren();
  for (const speaker of result.speakers || []) {
    const n = counts.get(speaker.id) || 0;
    const button = el(
      "button",
      { type: "button", "aria-pressed": "false" },
      el("span", { class: "speaker-name", text: speaker.name || "(unnamed)" }),
      el("span", { class: "tag", text: speaker.type.replace(/_/g, " ") }),
      speaker.role ? el("span", { class: "tag", text: speaker.role }) : null,
      speaker.anonymous ? el("span", { class: "tag anonymous", text: "anonymous" }) : null,
      speaker.anonymous && unjustified.has(speaker.name)
        ? el("span", { class: "tag unjustified", text: "no justification" })
        : null,
      el("span", { class: "count", text: `${n} attribution${n === 1 ? "" : "s"}` }),
    );
    button.addEventListener("click", () => selectSpeaker(state.speaker === speaker.id ? null : speaker.id));
    list.append(el("li", { "data-speaker-id": speaker.id, "data-count": n }, button));
  }
  if (!list.children.length) list.append(el("li", { class: "hint", text: "No speakers found." }));
}

function selectSpeaker(id) {
  state.speaker = id;
  const rendered = $("#rendered");
  rendered.classList.toggle("filtering", id !== null);
  for (const node of rendered.querySelectorAll(".selected")) node.classList.remove("selected");
  for (const item of document.querySelectorAll("#speaker-list [data-speaker-id]")) {
    const button = item.querySelector("button");
    if (button) button.setAttribute("aria-pressed", String(item.dataset.speakerId === id));
  }
  $("#clear-filter").hidden = id === null;
  if (id === null) {
    setStatus("Showing every speaker.");
    return;
  }
  const ids = new Set();
  for (const a of state.result.attributions) {
    const speakers = [a.speaker, ...(a.co_speakers || [])];
    if (speakers.some((s) => s && s.id === id)) ids.add(a.id);
  }
  for (const mark of rendered.querySelectorAll("mark.att")) {
    if (ids.has(mark.dataset.attributionId)) mark.classList.add("selected");
  }
  for (const node of rendered.querySelectorAll(`[data-mention-of="${CSS.escape(id)}"], [data-source-speaker="${CSS.escape(id)}"]`)) {
    node.classList.add("selected");
  }
  const speaker = (state.result.speakers || []).find((s) => s.id === id);
  const name = speaker ? speaker.name : id;
  setStatus(`Highlighting ${ids.size} attribution${ids.size === 1 ? "" : "s"} of ${name}.`);
}

function drawRepairs(result) {
  const list = $("#repair-list");
  list.replaceChildren();
  for (const r of result.repairs || []) {
    list.append(
      el(
        "li",
        {},
        `${r.kind}: `,
        el("code", { text: r.original.replace(/ /g, "␣") || "(nothing)" }),
        " → ",
        el("code", { text: r.replacement.replace(/ /g, "␣") || "(removed)" }),
      ),
    );
  }
  const count = (result.repairs || []).length;
  $("#repairs-count").textContent = count ? `${count} repair${count === 1 ? "" : "s"} of scraping damage` : "No repairs";
  if (!list.children.length) list.append(el("li", { class: "hint", text: "The text needed no repair." }));
  $("#show-repairs").disabled = !(result.repairs || []).length;
}

function drawWarnings(result) {
  const list = $("#warning-list");
  list.replaceChildren();
  for (const w of result.warnings || []) {
    list.append(el("li", { "data-code": w.code }, el("strong", { text: w.code.replace(/_/g, " ") }), `: ${w.message}`));
  }
  if (!list.children.length) list.append(el("li", { class: "hint", text: "No warnings." }));
}

// ---- files, downloads, keys and the keyboard -------------------------------------------------

async function readFile(file) {
  if (!file) return;
  const text = await file.text();
  $("#article").value = text;
  const html = /\.html?$/i.test(file.name) || file.type === "text/html";
  const radio = document.querySelector(`input[name="format"][value="${html ? "html" : "text"}"]`);
  if (radio) radio.checked = true;
  setStatus(`Read ${file.name} (${text.length} characters).`);
}

function download() {
  if (!state.result) return;
  const blob = new Blob([JSON.stringify(state.result, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const name = `${(state.result.id || "article").replace(/[^A-Za-z0-9._-]+/g, "-")}-attributions.json`;
  const link = el("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function step(delta) {
  const marks = state.marks;
  if (!marks.length) return;
  let at = marks.indexOf(document.activeElement);
  if (at < 0) {
    const detailId = $("#detail").dataset.attributionId;
    at = marks.findIndex((m) => m.dataset.attributionId === detailId);
  }
  const next = at < 0 ? (delta > 0 ? 0 : marks.length - 1) : (at + delta + marks.length) % marks.length;
  marks[next].focus();
  marks[next].scrollIntoView({ block: "nearest" });
}

function onKey(event) {
  const target = event.target;
  const typing = target instanceof HTMLElement && (target.matches("textarea, input, select") || target.isContentEditable);
  if (event.key === "Escape") {
    if (state.speaker !== null) selectSpeaker(null);
    hideDetail();
    return;
  }
  if (typing || event.altKey || event.ctrlKey || event.metaKey || !state.result) return;
  if (event.key === "n" || event.key === "j") {
    event.preventDefault();
    step(1);
  } else if (event.key === "p" || event.key === "k") {
    event.preventDefault();
    step(-1);
  }
}

function markOf(node) {
  return node instanceof Element ? node.closest("mark.att") : null;
}

function init() {
  $("#form").addEventListener("submit", analyze);
  $("#file").addEventListener("change", (event) => readFile(event.target.files[0]));
  const drop = $("#drop");
  for (const name of ["dragenter", "dragover"]) {
    drop.addEventListener(name, (event) => {
      event.preventDefault();
      drop.classList.add("over");
    });
  }
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    readFile(event.dataTransfer && event.dataTransfer.files[0]);
  });
  const keyField = $("#api-key");
  if (keyField) {
    keyField.value = sessionStorage.getItem(KEY_STORE) || "";
    keyField.addEventListener("input", () => sessionStorage.setItem(KEY_STORE, keyField.value));
  }
  $("#show-repairs").addEventListener("change", (event) => {
    $("#rendered").classList.toggle("show-repairs", event.target.checked);
  });
  $("#download").addEventListener("click", download);
  $("#clear-filter").addEventListener("click", () => selectSpeaker(null));
  const rendered = $("#rendered");
  rendered.addEventListener("mouseover", (event) => {
    const mark = markOf(event.target);
    if (mark) showDetail(mark.dataset.attributionId);
  });
  rendered.addEventListener("focusin", (event) => {
    const mark = markOf(event.target);
    if (mark) showDetail(mark.dataset.attributionId);
  });
  rendered.addEventListener("click", (event) => {
    const source = event.target instanceof Element ? event.target.closest(".src") : null;
    if (source && source.dataset.sourceSpeaker) {
      selectSpeaker(source.dataset.sourceSpeaker);
      return;
    }
    const mark = markOf(event.target);
    if (mark) {
      const first = state.marks.find((m) => m.dataset.attributionId === mark.dataset.attributionId);
      if (first) first.focus();
    }
  });
  document.addEventListener("keydown", onKey);
}

init();
