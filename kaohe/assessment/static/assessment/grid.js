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

  function flush() {
    if (!dirty.size) return;
    var items = Array.from(dirty.values()); dirty.clear();
    statusEl.textContent = T.saving;
    fetch(saveUrl, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ items: items }), credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        data.results.forEach(apply);
        statusEl.textContent = data.errors && data.errors.length ? data.errors.join("；") : T.saved;
      })
      .catch(function () { statusEl.textContent = T.failed; items.forEach(function (it) { dirty.set(it.unit + "|" + it.indicator, it); }); });
  }

  function apply(res) {
    var td = table.querySelector('td[data-u="' + res.unit + '"][data-i="' + res.indicator + '"]');
    if (!td) return;
    var input = td.querySelector("input");
    td.classList.remove("g-dirty", "g-err", "g-warn", "g-conflict", "g-saved");
    td.title = (res.messages || []).join(" · ");
    if (res.status === "saved") {
      input.dataset.rev = res.revision; input.defaultValue = input.value; td.classList.add("g-saved");
      if (res.level === "warning") td.classList.add(input.dataset.expl ? "g-explained" : "g-warn");
    } else if (res.status === "conflict") {
      td.classList.add("g-conflict"); td.dataset.theirs = res.theirs || ""; td.dataset.theirsRev = res.revision;
      td.dataset.by = res.by || "";
    } else { td.classList.add("g-err"); }
    if (current === input) showPanel(input);
  }

  function move(input, dr, dc) {
    var next = cellAt(+input.dataset.r + dr, +input.dataset.c + dc);
    if (next) { next.focus(); next.select(); }
  }

  function showPanel(input) {
    current = input;
    var td = input.parentElement;
    panel.hidden = false;
    var unitName = td.parentElement.querySelector("th").textContent.trim();
    var head = table.tHead.rows[0].cells[+input.dataset.c + 1].innerText.replace(/\n/g, " ");
    document.getElementById("g-panel-title").textContent = unitName + " · " + head;
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
