/* Data-entry grid: keyboard moves, paste a block from Excel, batched saves with optimistic
   locking (a conflict shows both values and lets the user choose), explanations, history. */
(function () {
  "use strict";
  var table = document.getElementById("grid");
  if (!table) return;
  var saveUrl = table.dataset.saveUrl, historyUrl = table.dataset.historyUrl;
  var editable = table.dataset.editable === "1";
  var T = JSON.parse(document.getElementById("g-i18n").textContent);
  var statusEl = document.getElementById("g-status");
  var csrf = (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value ||
    (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  var dirty = new Map(), timer = null, current = null;
  var panel = document.getElementById("g-panel");

  function cellAt(r, c) { return table.querySelector('input[data-r="' + r + '"][data-c="' + c + '"]'); }
  function keyOf(input) { var td = input.parentElement; return td.dataset.u + "|" + td.dataset.i; }

  function markDirty(input, explanation) {
    var td = input.parentElement;
    td.classList.add("g-dirty"); td.classList.remove("g-saved");
    var item = dirty.get(keyOf(input)) || { unit: td.dataset.u, indicator: td.dataset.i };
    item.value = input.value; item.revision = input.dataset.rev;
    if (explanation !== undefined) item.explanation = explanation;
    dirty.set(keyOf(input), item);
    clearTimeout(timer); timer = setTimeout(flush, 500);
  }

  // Entries the server refused stay in this browser (localStorage) until they are fixed: a
  // reload shows what is stored, and the refused entry again, marked, with its reason.
  var storeKey = "kaohe-grid-unsaved:" + saveUrl;
  function loadUnsaved() { try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; } }
  function saveUnsaved(map) { try { if (Object.keys(map).length) localStorage.setItem(storeKey, JSON.stringify(map)); else localStorage.removeItem(storeKey); } catch (e) { /* private mode */ } }
  var unsaved = loadUnsaved();

  function labelOf(td) {
    var th = td.parentElement.querySelector("th"), nameEl = th.querySelector(".g-uname");
    var unitName = (nameEl || th).textContent.trim();
    var input = td.querySelector("input");
    var head = table.tHead.rows[0].cells[+input.dataset.c + 1];
    var name = head ? (head.querySelector(".g-name") || head).textContent.trim() : "";
    return unitName + " · " + name;
  }

  function setMessage(td, text) {
    var msg = td.querySelector(".g-msg");
    if (!text) { if (msg) msg.remove(); return; }
    if (!msg) { msg = document.createElement("span"); msg.className = "g-msg"; msg.setAttribute("role", "alert"); td.insertBefore(msg, td.querySelector(".g-hist")); }
    msg.textContent = text;
  }

  function recount() {
    var n = function (sel) { return table.querySelectorAll(sel).length; };
    var err = document.getElementById("g-n-err"), warn = document.getElementById("g-n-warn");
    if (err) err.textContent = n("td.g-err");
    if (warn) warn.textContent = n("td.g-warn");
  }

  function report(refused, savedCount, general) {
    statusEl.classList.toggle("g-status-err", refused.length > 0 || general.length > 0);
    if (!refused.length && !general.length) { statusEl.textContent = T.saved; return; }
    var parts = [];
    if (savedCount) parts.push(T.savedN.replace("{n}", savedCount));
    if (refused.length) {
      parts.push(T.refusedN.replace("{n}", refused.length) + refused.slice(0, 3).map(function (r) { return r.label + "：" + r.reason; }).join("；") + (refused.length > 3 ? "…" : ""));
    }
    parts = parts.concat(general);
    statusEl.textContent = parts.join("；");
  }

  function flush() {
    if (!dirty.size) return;
    var items = Array.from(dirty.values()); dirty.clear();
    statusEl.textContent = T.saving; statusEl.classList.remove("g-status-err");
    fetch(saveUrl, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ items: items }), credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        var refused = [], saved = 0;
        data.results.forEach(function (res) {
          var td = apply(res);
          if (res.status === "saved") saved += 1;
          else if (td) refused.push({ label: labelOf(td), reason: (res.messages || []).join("，") || T.failed });
        });
        saveUnsaved(unsaved);
        recount();
        report(refused, saved, data.errors || []);
      })
      .catch(function () {
        statusEl.textContent = T.failed; statusEl.classList.add("g-status-err");
        items.forEach(function (it) { dirty.set(it.unit + "|" + it.indicator, it); });
      });
  }

  function apply(res) {
    var td = table.querySelector('td[data-u="' + res.unit + '"][data-i="' + res.indicator + '"]');
    if (!td) return null;
    var input = td.querySelector("input");
    var key = res.unit + "|" + res.indicator;
    td.classList.remove("g-dirty", "g-err", "g-warn", "g-conflict", "g-saved", "g-unsaved");
    td.title = (res.messages || []).join(" · ");
    setMessage(td, "");
    if (res.status === "saved") {
      input.dataset.rev = res.revision; input.defaultValue = input.value; td.classList.add("g-saved");
      if (res.level === "warning") td.classList.add(input.dataset.expl ? "g-explained" : "g-warn");
      delete unsaved[key];
    } else if (res.status === "conflict") {
      td.classList.add("g-conflict"); td.dataset.theirs = res.theirs || ""; td.dataset.theirsRev = res.revision;
      td.dataset.by = res.by || "";
      setMessage(td, (res.messages || []).join("，"));
    } else {
      td.classList.add("g-err", "g-unsaved");
      setMessage(td, T.notSaved + (res.messages || []).join("，"));
      unsaved[key] = { value: input.value, stored: input.defaultValue, messages: res.messages || [] };
    }
    if (current === input) showPanel(input);
    return td;
  }

  // After a reload: show the refused entries again (unless the stored value has since changed).
  (function restore() {
    var keys = Object.keys(unsaved), shown = 0;
    keys.forEach(function (key) {
      var parts = key.split("|"), entry = unsaved[key];
      var td = table.querySelector('td[data-u="' + parts[0] + '"][data-i="' + CSS.escape(parts[1]) + '"]');
      if (!td) { delete unsaved[key]; return; }
      var input = td.querySelector("input");
      if (input.value !== (entry.stored || "")) { delete unsaved[key]; return; }
      input.value = entry.value;
      td.classList.add("g-err", "g-unsaved");
      td.title = (entry.messages || []).join(" · ");
      setMessage(td, T.notSaved + (entry.messages || []).join("，") + T.storedIs.replace("{n}", entry.stored || "—"));
      shown += 1;
    });
    saveUnsaved(unsaved);
    recount();
    if (shown) { statusEl.textContent = T.restored.replace("{n}", shown); statusEl.classList.add("g-status-err"); }
  })();

  function move(input, dr, dc) {
    var next = cellAt(+input.dataset.r + dr, +input.dataset.c + dc);
    if (next) { next.focus(); next.select(); }
  }

  function showPanel(input) {
    current = input;
    var td = input.parentElement;
    panel.hidden = false;
    document.getElementById("g-panel-title").textContent = labelOf(td);
    var notes = document.getElementById("g-panel-notes"); notes.innerHTML = "";
    (td.title ? td.title.split(" · ") : []).forEach(function (t) { var li = document.createElement("li"); li.textContent = t; notes.appendChild(li); });
    document.getElementById("g-expl").value = input.dataset.expl || "";
    var box = document.getElementById("g-conflict");
    if (td.classList.contains("g-conflict")) {
      box.hidden = false; box.innerHTML = "";
      var p = document.createElement("p");
      p.textContent = T.conflict + ": " + (td.dataset.by || "") + " → " + (td.dataset.theirs || "—") + " / " + input.value;
      var mine = document.createElement("button"); mine.className = "btn btn-sm"; mine.type = "button"; mine.textContent = T.mine;
      mine.onclick = function () { input.dataset.rev = td.dataset.theirsRev; box.hidden = true; markDirty(input); };
      var theirs = document.createElement("button"); theirs.className = "btn btn-sm"; theirs.type = "button"; theirs.textContent = T.theirs;
      theirs.onclick = function () { input.value = td.dataset.theirs; input.dataset.rev = td.dataset.theirsRev; td.classList.remove("g-conflict"); box.hidden = true; };
      box.appendChild(p); box.appendChild(mine); box.appendChild(theirs);
    } else { box.hidden = true; }
    var url = historyUrl + "?unit=" + td.dataset.u + "&indicator=" + encodeURIComponent(td.dataset.i);
    if (window.htmx) { htmx.ajax("GET", url, { target: "#g-history", swap: "innerHTML" }); }
  }

  table.addEventListener("focusin", function (e) { if (e.target.classList.contains("g-in")) showPanel(e.target); });
  table.addEventListener("input", function (e) { if (editable && e.target.classList.contains("g-in")) markDirty(e.target); });
  table.addEventListener("keydown", function (e) {
    var t = e.target; if (!t.classList.contains("g-in")) return;
    if (e.key === "Enter") { e.preventDefault(); if (dirty.size) flush(); move(t, e.shiftKey ? -1 : 1, 0); }
    else if (e.key === "ArrowDown") { e.preventDefault(); move(t, 1, 0); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(t, -1, 0); }
  });
  table.addEventListener("paste", function (e) {
    var t = e.target; if (!editable || !t.classList.contains("g-in")) return;
    var text = (e.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n]/.test(text)) return;
    e.preventDefault();
    var rows = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
    rows.forEach(function (line, dr) {
      line.split("\t").forEach(function (val, dc) {
        var cell = cellAt(+t.dataset.r + dr, +t.dataset.c + dc);
        if (cell) { cell.value = val.trim(); markDirty(cell); }
      });
    });
  });
  var explSave = document.getElementById("g-expl-save");
  if (explSave) explSave.addEventListener("click", function () {
    if (!current) return;
    var text = document.getElementById("g-expl").value;
    current.dataset.expl = text; markDirty(current, text); flush();
  });
  window.addEventListener("beforeunload", function () { if (dirty.size) flush(); });
})();
