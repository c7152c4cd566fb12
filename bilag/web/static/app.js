// bilag: keyboard navigation, provenance highlights and small conveniences. No framework.
"use strict";
(function () {
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const typing = (el) => el && (el.tagName === "INPUT" || el.tagName === "SELECT" || el.tagName === "TEXTAREA");

  // --- the ? overlay --------------------------------------------------------------------
  const help = $("#help");
  const toggleHelp = (show) => { if (help) help.hidden = show === undefined ? !help.hidden : !show; };
  $$("[data-help]").forEach((b) => b.addEventListener("click", () => toggleHelp()));
  if (help) help.addEventListener("click", (e) => { if (e.target === help) toggleHelp(false); });

  // --- overview bars (widths come from data, not inline styles: the CSP allows none) -------
  $$(".bar[data-width]").forEach((b) => { b.style.width = Math.min(100, +b.dataset.width) * 1.2 + "px"; });

  // --- the queue: j/k to move, Enter to open ------------------------------------------------
  const rows = $$("table[data-rows] tbody tr[data-href]");
  let current = -1;
  const select = (i) => {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r, k) => r.classList.toggle("selected", k === current));
    rows[current].focus();
    rows[current].scrollIntoView({ block: "nearest" });
  };
  rows.forEach((r, i) => r.addEventListener("click", (e) => {
    if (e.target.tagName !== "A") window.location = r.dataset.href;
  }));
  if (rows.length) select(0);

  // --- the bin: select all ------------------------------------------------------------------
  const all = $("[data-all]");
  if (all) all.addEventListener("change", () => $$("input[name=document_id]").forEach((c) => { c.checked = all.checked; }));

  // --- the review screen: provenance boxes ----------------------------------------------------
  const fields = $$("[data-field][data-boxes]");
  const boxesOf = new Map();
  fields.forEach((field) => {
    let boxes = [];
    try { boxes = JSON.parse(field.dataset.boxes || "[]"); } catch (e) { boxes = []; }
    const level = ["sure", "fair", "unsure", "missing"].find((c) => field.classList.contains(c)) || "missing";
    const made = boxes.map((b) => {
      const layer = $(`.boxes[data-boxes-for="${b.page}"]`);
      if (!layer) return null;
      const div = document.createElement("div");
      div.className = `box ${level}`;
      div.style.left = b.left * 100 + "%"; div.style.top = b.top * 100 + "%";
      div.style.width = b.width * 100 + "%"; div.style.height = b.height * 100 + "%";
      div.title = field.dataset.field;
      div.addEventListener("click", () => { const input = $("input", field); if (input) input.focus(); });
      layer.appendChild(div);
      return div;
    }).filter(Boolean);
    boxesOf.set(field, made);
  });
  const activate = (field) => {
    $$(".box.active").forEach((b) => b.classList.remove("active"));
    $$(".field.focused").forEach((f) => f.classList.remove("focused"));
    if (!field) return;
    field.classList.add("focused");
    const made = boxesOf.get(field) || [];
    made.forEach((b) => b.classList.add("active"));
    if (made[0]) made[0].scrollIntoView({ block: "center", behavior: "instant" });
  };
  fields.forEach((field) => {
    field.addEventListener("focusin", () => activate(field));
    field.addEventListener("mouseenter", () => { const made = boxesOf.get(field) || []; made.forEach((b) => b.classList.add("active")); });
    field.addEventListener("mouseleave", () => { if (!field.classList.contains("focused")) (boxesOf.get(field) || []).forEach((b) => b.classList.remove("active")); });
  });

  // --- Tab / Enter: from one unsure field to the next ----------------------------------------
  const unsure = () => $$("input[data-unsure='1']:not([readonly])");
  const jump = (from, step) => {
    const list = unsure();
    if (!list.length) return false;
    const i = list.indexOf(from);
    const next = list[(i + step + list.length) % list.length];
    next.focus(); next.select();
    return true;
  };
  document.addEventListener("keydown", (e) => {
    const el = document.activeElement;
    if (typing(el) && el.form && (el.form.matches("[data-fields]") || el.form.matches(".coding"))) {
      if (e.key === "Enter" && !e.ctrlKey && !e.metaKey && el.dataset.unsure !== undefined) {
        if (jump(el, 1)) { e.preventDefault(); return; }
      }
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); el.form.requestSubmit(); return; }
      if (e.key === "Tab" && el.dataset.unsure === "1") {
        if (jump(el, e.shiftKey ? -1 : 1)) { e.preventDefault(); return; }
      }
    }
    if (e.key === "Escape") { toggleHelp(false); if (typing(el)) el.blur(); return; }
    if (typing(el) || e.ctrlKey || e.metaKey || e.altKey) return;
    shortcut(e);
  });

  let pendingG = false;
  function shortcut(e) {
    const k = e.key;
    if (pendingG) { pendingG = false; if (k === "q") { window.location = "/queue"; e.preventDefault(); } return; }
    const click = (sel) => { const a = $(sel); if (a) { e.preventDefault(); a.click(); return true; } return false; };
    switch (k) {
      case "?": e.preventDefault(); toggleHelp(); break;
      case "g": pendingG = true; break;
      case "j": if (rows.length) { e.preventDefault(); select(current + 1); } break;
      case "k": if (rows.length) { e.preventDefault(); select(current - 1); } break;
      case "Enter": if (rows.length && current >= 0) { e.preventDefault(); window.location = rows[current].dataset.href; } break;
      case "/": { const s = $("[data-search]"); if (s) { e.preventDefault(); s.focus(); s.select(); } break; }
      case "n": click("a[data-next]"); break;
      case "p": click("a[data-prev]"); break;
      case "e": { const list = unsure(); const first = list[0] || $("form[data-fields] input:not([readonly])"); if (first) { e.preventDefault(); first.focus(); first.select(); } break; }
      case "s": { const f = $("form[data-fields]"); if (f && $("[data-save]")) { e.preventDefault(); f.requestSubmit(); } break; }
      case "a": { const f = $("form[data-approve]"); if (f) { e.preventDefault(); f.requestSubmit(); } break; }
      case "r": { const r = $("[data-reject-reason]"); if (r) { e.preventDefault(); r.focus(); } break; }
      default: break;
    }
  }

  // --- chips fill the account; destructive forms ask first ---------------------------------------
  $$(".chip[data-fill]").forEach((chip) => chip.addEventListener("click", () => {
    const input = document.querySelector(`input[name="${chip.dataset.fill}"]`);
    if (input && !input.readOnly) { input.value = chip.dataset.value; input.focus(); }
  }));
  $$("form[data-confirm]").forEach((f) => f.addEventListener("submit", (e) => {
    if (!window.confirm(f.dataset.confirm)) e.preventDefault();
  }));
  window.bilagReady = true; // the browser test waits for this: the screen is interactive
})();
