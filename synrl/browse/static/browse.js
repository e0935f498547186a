/* synrl browser: the paged, filterable sample list and the sample page's timeline.
   Plain JavaScript, no build step; the index data comes from data/index.js so that the
   site also works when opened from disk. */
"use strict";

function synrlIndex(data) {
  const col = {};
  data.columns.forEach((name, i) => { col[name] = i; });
  const rows = data.rows;
  const pageSize = data.page_size || 60;
  const fields = ["task", "split", "difficulty", "answer_type", "q"];
  const inputs = {};
  fields.forEach((f) => { inputs[f] = document.getElementById("f-" + f); });
  const list = document.getElementById("results");
  const count = document.getElementById("count");
  const prev = document.getElementById("prev");
  const next = document.getElementById("next");
  // Lower-cased question text once, not on every keystroke.
  const haystack = rows.map((r) => (r[col.question] + " " + r[col.id]).toLowerCase());
  let page = 0;

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    fields.forEach((f) => { inputs[f].value = params.get(f) || ""; });
    page = Math.max(0, parseInt(params.get("page") || "0", 10) || 0);
  }

  function writeHash() {
    const params = new URLSearchParams();
    fields.forEach((f) => { if (inputs[f].value) params.set(f, inputs[f].value); });
    if (page) params.set("page", String(page));
    const hash = params.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }

  function matches() {
    const want = {};
    fields.forEach((f) => { want[f] = inputs[f].value; });
    const words = want.q.toLowerCase().split(/\s+/).filter(Boolean);
    const out = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (want.task && r[col.task] !== want.task) continue;
      if (want.split && r[col.split] !== want.split) continue;
      if (want.difficulty && String(r[col.difficulty]) !== want.difficulty) continue;
      if (want.answer_type && r[col.answer_type] !== want.answer_type) continue;
      if (words.length && !words.every((w) => haystack[i].includes(w))) continue;
      out.push(r);
    }
    return out;
  }

  function item(r) {
    const li = document.createElement("li");
    li.className = "sample";
    li.dataset.id = r[col.id];
    const a = document.createElement("a");
    a.href = "samples/" + encodeURIComponent(r[col.id]) + ".html";
    if (r[col.thumb]) {
      const img = document.createElement("img");
      img.src = r[col.thumb];
      img.loading = "lazy";
      img.alt = "first frame of " + r[col.id];
      a.appendChild(img);
    }
    const title = document.createElement("span");
    title.className = "id";
    title.textContent = r[col.id];
    a.appendChild(title);
    li.appendChild(a);
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = r[col.task] + " · " + r[col.split] + " · difficulty " + r[col.difficulty] +
      " · " + r[col.answer_type] + " · " + r[col.duration_s] + " s" + (r[col.audit] ? " · audit " + r[col.audit] : "");
    li.appendChild(meta);
    const q = document.createElement("p");
    q.className = "q";
    q.textContent = r[col.question];
    li.appendChild(q);
    const ans = document.createElement("p");
    ans.className = "a";
    ans.textContent = "Answer: " + r[col.answer];
    li.appendChild(ans);
    return li;
  }

  function render() {
    const found = matches();
    const pages = Math.max(1, Math.ceil(found.length / pageSize));
    page = Math.min(page, pages - 1);
    const start = page * pageSize;
    const shown = found.slice(start, start + pageSize);
    const fragment = document.createDocumentFragment();
    shown.forEach((r) => fragment.appendChild(item(r)));
    list.replaceChildren(fragment);
    count.textContent = found.length
      ? (start + 1) + "–" + (start + shown.length) + " of " + found.length + " samples (page " + (page + 1) + " of " + pages + ")"
      : "no sample matches";
    count.dataset.matches = String(found.length);
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    writeHash();
  }

  fields.forEach((f) => {
    inputs[f].addEventListener(f === "q" ? "input" : "change", () => { page = 0; render(); });
  });
  prev.addEventListener("click", () => { page -= 1; render(); window.scrollTo(0, list.offsetTop - 60); });
  next.addEventListener("click", () => { page += 1; render(); window.scrollTo(0, list.offsetTop - 60); });
  document.querySelectorAll(".task-link").forEach((a) => {
    a.addEventListener("click", (ev) => {
      ev.preventDefault();
      inputs.task.value = a.dataset.task;
      page = 0;
      render();
      list.scrollIntoView();
    });
  });
  window.addEventListener("hashchange", () => { readHash(); render(); });
  readHash();
  render();
}

function synrlSample() {
  const video = document.getElementById("video");
  const cursor = document.getElementById("cursor");
  const clock = document.getElementById("clock");
  const frameLabel = document.getElementById("frame");
  if (!video) return;
  const durationMs = Number(video.dataset.durationMs);
  const fps = Number(video.dataset.fps);
  const events = JSON.parse(document.getElementById("timeline-data").textContent);
  const bars = Array.from(document.querySelectorAll(".timeline .event"));
  const rowsByN = {};
  document.querySelectorAll(".event-row").forEach((tr) => { rowsByN[tr.dataset.n] = tr; });

  function update() {
    const t = video.currentTime * 1000;
    // The record's duration, not the media's: both agree, and the bar is drawn in it.
    const pct = Math.max(0, Math.min(100, 100 * t / durationMs));
    cursor.style.left = pct + "%";
    cursor.dataset.timeMs = String(Math.round(t));
    clock.textContent = (t / 1000).toFixed(2);
    frameLabel.textContent = String(Math.min(Math.floor(t * fps / 1000 + 1e-6), Math.round(durationMs * fps / 1000) - 1));
    events.forEach((e, i) => {
      // An instant event stays lit for one frame so that it is visible while playing.
      const active = t >= e.start_ms - 1 && t <= Math.max(e.end_ms, e.start_ms + 1000 / fps);
      bars[i].classList.toggle("active", active);
      if (rowsByN[e.n]) rowsByN[e.n].classList.toggle("active", active);
    });
  }

  function loop() {
    update();
    if (!video.paused && !video.ended) requestAnimationFrame(loop);
  }

  function seek(ms) {
    video.currentTime = ms / 1000;
    update();
  }

  video.addEventListener("play", () => requestAnimationFrame(loop));
  ["timeupdate", "seeked", "seeking", "loadedmetadata"].forEach((name) => video.addEventListener(name, update));
  document.querySelectorAll("[data-start]").forEach((el) => {
    el.addEventListener("click", (ev) => {
      ev.preventDefault();
      seek(Number(el.dataset.start));
    });
  });
  document.getElementById("timeline").addEventListener("click", (ev) => {
    if (ev.target.closest("[data-start]")) return;
    const box = ev.currentTarget.getBoundingClientRect();
    seek(durationMs * (ev.clientX - box.left) / box.width);
  });
  const m = /t=([0-9.]+)/.exec(location.hash);
  if (m) video.addEventListener("loadedmetadata", () => seek(1000 * Number(m[1])), { once: true });
  update();
}
