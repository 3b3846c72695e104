/* 方案编辑器: points add up live, a method shows its parameters and its rule in words,
   nodes are added, removed and moved (drag by the ⋮⋮ handle, or ↑ ↓), and on submit the
   tree's order and nesting is written to the hidden "structure" field ([[id, parent], …]).
   No inline scripts (CSP): everything hangs off data-ed-* attributes. */
(function () {
  "use strict";
  var form = document.querySelector("[data-scheme-editor]");
  if (!form) return;
  var METHODS = JSON.parse(document.getElementById("ed-methods").textContent);
  var OPTIONS = {indicators: JSON.parse(document.getElementById("ed-indicators").textContent),
                 units: JSON.parse(document.getElementById("ed-units").textContent)};
  var RULES = JSON.parse(document.getElementById("ed-rule-texts").textContent);
  var T = JSON.parse(document.getElementById("ed-i18n").textContent);
  var byCode = {};
  METHODS.forEach(function (m) { byCode[m.code] = m; });
  var nextId = parseInt(form.getAttribute("data-next-id"), 10) || 1;
  var dirty = false;

  function num(text) {
    var t = String(text || "").trim().replace(/[，,]/g, "").replace(/％/g, "%").replace(/%$/, "");
    if (!t) return 0;
    var v = Number(t);
    return isFinite(v) ? v : 0;
  }
  function fmt(v) {
    var r = Math.round(v * 1000) / 1000;
    return String(r);
  }
  function idOf(item) { return item.getAttribute("data-ed-node"); }
  function own(item, selector) {
    // elements of this node, not of the nodes below it
    return Array.prototype.filter.call(item.querySelectorAll(selector), function (el) {
      return el.closest("[data-ed-node]") === item;
    });
  }
  function input(item, key) {
    return form.querySelector("[name='n-" + idOf(item) + "-" + key + "']");
  }
  function childrenOf(list) {
    return Array.prototype.filter.call(list.children, function (el) { return el.hasAttribute("data-ed-node"); });
  }

  // ---- points adding up
  function fullMarks(item) {
    if (item.getAttribute("data-ed-kind") === "leaf") {
      var p = input(item, "points");
      return num(p && p.value);
    }
    var agg = input(item, "aggregate");
    var sum = 0;
    childrenOf(item.querySelector(":scope > [data-ed-children]")).forEach(function (c) { sum += fullMarks(c); });
    var shown = sum;
    if (agg && (agg.value === "mean" || agg.value === "geometric")) shown = num(input(item, "points").value);
    own(item, "[data-ed-sum]").forEach(function (el) { el.textContent = fmt(shown); });
    return shown;
  }
  function recompute() {
    var total = 0;
    childrenOf(form.querySelector("[data-ed-root]")).forEach(function (c) { total += fullMarks(c); });
    form.querySelectorAll("[data-ed-kind=leaf]").forEach(function (leaf) {
      own(leaf, "[data-ed-sum]").forEach(function (el) { el.textContent = fmt(num(input(leaf, "points").value)); });
    });
    form.querySelector("[data-ed-total]").textContent = fmt(total);
    var declared = form.querySelector("[data-ed=total]");
    var state = form.querySelector("[data-ed-total-state]");
    var box = form.querySelector("[data-ed-total-box]");
    if (!declared.value.trim()) {
      state.textContent = T.noTotal;
      box.classList.remove("is-off", "is-ok");
    } else if (Math.abs(num(declared.value) - total) < 1e-9) {
      state.textContent = T.equal;
      box.classList.add("is-ok"); box.classList.remove("is-off");
    } else {
      state.textContent = T.differ.replace("{d}", fmt(total - num(declared.value)));
      box.classList.add("is-off"); box.classList.remove("is-ok");
    }
  }

  // ---- a method's parameters and its rule in words
  function ruleKey(method, direction, mode) {
    if (method === "rank_ratio" && direction === "lower") return "rank_ratio_lower";
    if (method === "target") return mode === "steps" ? "target_steps" : (direction === "lower" ? "target_lower" : "target");
    return method;
  }
  function describe(leaf) {
    var method = input(leaf, "method").value;
    var box = own(leaf, "[data-ed-params-box]")[0];
    if (box && method && !own(leaf, "[data-ed-params='" + method + "']").length) {
      // another method's parameter fields, copied from its template on first choice
      var tpl = document.getElementById("ed-tpl-params-" + method);
      if (tpl) {
        var holder = document.createElement("div");
        holder.innerHTML = tpl.innerHTML.replace(/__ID__/g, idOf(leaf));
        box.appendChild(holder.firstElementChild);
      }
    }
    own(leaf, "[data-ed-params]").forEach(function (g) { g.hidden = g.getAttribute("data-ed-params") !== method; });
    var label = own(leaf, "[data-ed-label]")[0];
    var name = input(leaf, "name").value.trim();
    if (label) label.textContent = name || T.unnamed;
    var words = "";
    var spec = byCode[method];
    if (spec && RULES[ruleKey(method, input(leaf, "direction").value, "")] !== undefined) {
      var values = {pts: fmt(num(input(leaf, "points").value))};
      spec.params.forEach(function (p) {
        var el = input(leaf, "m-" + method + "-" + p.name);
        values[p.name] = el && el.value.trim() ? el.value.trim() : String(p["default"]);
      });
      var text = RULES[ruleKey(method, input(leaf, "direction").value, values.mode)] || "";
      words = text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] !== undefined && values[key] !== "" ? values[key] : "？"; });
      own(leaf, "[data-ed-param]").forEach(function (f) {
        var mode = f.getAttribute("data-ed-required-in-mode");
        if (mode) f.querySelector("label").classList.toggle("required", values.mode === mode);
      });
    }
    own(leaf, "[data-ed-rule-words]").forEach(function (el) { el.textContent = words; });
    own(leaf, "[data-ed-rule]").forEach(function (el) { el.textContent = spec ? spec.label : ""; });
  }

  // ---- structure
  function writeStructure() {
    var out = [];
    form.querySelectorAll("[data-ed-node]").forEach(function (item) {
      var parent = item.parentElement.closest("[data-ed-node]");
      out.push([idOf(item), parent ? idOf(parent) : ""]);
    });
    form.querySelector("[data-ed-structure]").value = JSON.stringify(out);
  }

  function make(kind) {
    var tpl = document.getElementById(kind === "leaf" ? "ed-tpl-leaf" : "ed-tpl-node");
    var id = "new" + (nextId++);
    var holder = document.createElement("ol");
    holder.innerHTML = tpl.innerHTML.replace(/__ID__/g, id);
    var item = holder.querySelector("[data-ed-node]");
    return item;
  }
  function changed() {
    dirty = true;
    recompute();
  }

  form.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var button = target.closest("button[data-ed-add], button[data-ed-move], button[data-ed-remove], button[data-ed-toggle]");
    if (!button) return;
    event.preventDefault();
    var item = button.closest("[data-ed-node]");
    if (button.hasAttribute("data-ed-add")) {
      var list = button.hasAttribute("data-ed-into-root") ? form.querySelector("[data-ed-root]")
        : item.querySelector(":scope > [data-ed-children]");
      var fresh = make(button.getAttribute("data-ed-add"));
      list.appendChild(fresh);
      if (fresh.getAttribute("data-ed-kind") === "leaf") describe(fresh);
      var first = fresh.querySelector("input:not([type=hidden])");
      if (first) first.focus();
    } else if (button.hasAttribute("data-ed-move")) {
      if (button.getAttribute("data-ed-move") === "up") {
        var prev = item.previousElementSibling;
        if (prev) item.parentElement.insertBefore(item, prev);
      } else {
        var next = item.nextElementSibling;
        if (next) item.parentElement.insertBefore(next, item);
      }
      button.focus();
    } else if (button.hasAttribute("data-ed-remove")) {
      var nameInput = input(item, "name");
      var name = (nameInput && nameInput.value.trim()) || T.unnamed;
      if (!window.confirm(T.confirmRemove.replace("{name}", name))) return;
      item.remove();
    } else if (button.hasAttribute("data-ed-toggle")) {
      var settings = own(item, "[data-ed-settings]")[0];
      if (settings) settings.hidden = !settings.hidden;
      return;
    }
    changed();
  });

  form.addEventListener("input", function (event) {
    var leaf = event.target.closest && event.target.closest("[data-ed-kind=leaf]");
    if (leaf) describe(leaf);
    changed();
  });
  form.addEventListener("change", function (event) {
    var leaf = event.target.closest && event.target.closest("[data-ed-kind=leaf]");
    if (leaf) describe(leaf);
    changed();
  });
  form.addEventListener("submit", function () {
    writeStructure();
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = T.leave;
  });

  // 责任单位, 不大于指标: one list for the page, put into a field when it is first opened
  function fillOptions(event) {
    var select = event.target.closest && event.target.closest("select[data-ed-options]");
    if (!select || select.getAttribute("data-filled")) return;
    select.setAttribute("data-filled", "1");
    var leaf = select.closest("[data-ed-node]");
    var kind = select.getAttribute("data-ed-options");
    var skip = kind === "indicators" ? input(leaf, "code").value.trim() : null;
    var current = select.value;
    (OPTIONS[kind] || []).forEach(function (pair) {
      if (pair[0] === skip || pair[0] === current) return;
      var option = document.createElement("option");
      option.value = pair[0];
      option.textContent = pair[1];
      select.appendChild(option);
    });
  }
  form.addEventListener("focusin", fillOptions);
  form.addEventListener("pointerdown", fillOptions);

  // ---- drag to reorder (HTML5): only the handle starts a drag, so text in the fields stays selectable
  var dragged = null;
  form.addEventListener("pointerdown", function (event) {
    var handle = event.target.closest && event.target.closest("[data-ed-handle]");
    if (handle) handle.closest("[data-ed-node]").setAttribute("draggable", "true");
  });
  form.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[data-ed-node][draggable=true]");
    if (!item) return;
    dragged = item;
    item.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", idOf(item));
  });
  function clearMarks() {
    form.querySelectorAll(".ed-drop-before, .ed-drop-after, .ed-drop-into").forEach(function (el) {
      el.classList.remove("ed-drop-before", "ed-drop-after", "ed-drop-into");
    });
  }
  function dropPlace(event) {
    var over = event.target.closest && event.target.closest("[data-ed-node]");
    if (!dragged || !over || over === dragged || dragged.contains(over)) return null;
    var row = over.querySelector(":scope > .ed-row, :scope > details > .ed-row") || over;
    var box = row.getBoundingClientRect();
    var y = event.clientY;
    if (over.getAttribute("data-ed-kind") === "node" && y > box.top + box.height * 0.35 && y < box.bottom + 4 &&
        (dragged.getAttribute("data-ed-kind") === "leaf" || y < box.bottom - box.height * 0.35)) {
      return {item: over, where: "into"};
    }
    return {item: over, where: y < box.top + box.height / 2 ? "before" : "after"};
  }
  form.addEventListener("dragover", function (event) {
    var place = dropPlace(event);
    clearMarks();
    if (!place) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    place.item.classList.add("ed-drop-" + place.where);
  });
  form.addEventListener("drop", function (event) {
    var place = dropPlace(event);
    clearMarks();
    if (!place) return;
    event.preventDefault();
    if (place.where === "into") {
      place.item.querySelector(":scope > [data-ed-children]").appendChild(dragged);
    } else if (place.where === "before") {
      place.item.parentElement.insertBefore(dragged, place.item);
    } else {
      place.item.parentElement.insertBefore(dragged, place.item.nextElementSibling);
    }
    changed();
  });
  form.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("is-dragging");
      dragged.removeAttribute("draggable");
    }
    dragged = null;
    clearMarks();
  });

  form.querySelectorAll("[data-ed-kind=leaf]").forEach(describe);
  writeStructure();
  recompute();
  var firstError = form.querySelector(".field-has-error, .ed-node-errors");
  if (firstError) firstError.scrollIntoView({block: "center"});
})();
