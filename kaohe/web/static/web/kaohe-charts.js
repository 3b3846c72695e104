/* kaohe charts: initialise Apache ECharts from JSON option blocks, so pages carry no inline JS.

   In a template:
     {% include "web/includes/chart.html" with id="trend" options=trend_options label="…" %}
   or by hand:
     <div class="chart" data-chart-options="trend-opts" role="img" aria-label="…"></div>
     {{ trend_options|json_script:"trend-opts" }}

   ECharts (vendor/echarts.min.js, ~1 MB) is loaded only on pages that have a chart.
   Charts inside htmx-swapped content are initialised after the swap.
   Option values may use {"__fmt": "percent"|"wanyuan"|"yiyuan"|"signed"} in place of a
   formatter function (JSON cannot carry functions). */
(function () {
  "use strict";
  var script = document.currentScript;
  var echartsSrc = script && script.getAttribute("data-echarts-src");
  var loading = null;

  var PALETTE = ["#1f5fae", "#c0392b", "#2e9e4f", "#e8a317", "#6b4fa8", "#17a2b8", "#8c6d46", "#d4598f", "#5b6777"];
  var FONT = '"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC",sans-serif';

  function lang() { return (document.documentElement.lang || "zh").slice(0, 2); }

  var FORMATTERS = {
    percent: function (v) { return v == null ? "—" : Number(v).toFixed(1) + "%"; },
    signed: function (v) { return v == null ? "—" : (v > 0 ? "+" : "") + Number(v).toFixed(1); },
    wanyuan: function (v) {
      if (v == null) return "—";
      return Number(v).toLocaleString(lang() === "en" ? "en-US" : "zh-CN", { maximumFractionDigits: 2 }) + (lang() === "en" ? " ×10k yuan" : "万元");
    },
    yiyuan: function (v) {
      if (v == null) return "—";
      return Number(v).toLocaleString(lang() === "en" ? "en-US" : "zh-CN", { maximumFractionDigits: 2 }) + (lang() === "en" ? " ×100m yuan" : "亿元");
    }
  };

  function reviveFormatters(node) {
    if (Array.isArray(node)) return node.map(reviveFormatters);
    if (node && typeof node === "object") {
      if (typeof node.__fmt === "string" && Object.keys(node).length === 1) {
        var fn = FORMATTERS[node.__fmt];
        return fn ? function (p) { return fn(p && typeof p === "object" && "value" in p ? p.value : p); } : undefined;
      }
      var out = {};
      Object.keys(node).forEach(function (k) { out[k] = reviveFormatters(node[k]); });
      return out;
    }
    return node;
  }

  function loadEcharts() {
    if (window.echarts) return Promise.resolve(window.echarts);
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = echartsSrc;
      tag.onload = function () { resolve(window.echarts); };
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
    return loading;
  }

  function registerTheme(echarts) {
    if (echarts.__kaoheTheme) return;
    echarts.registerTheme("kaohe", {
      color: PALETTE,
      textStyle: { fontFamily: FONT, color: "#1d2733" },
      title: { textStyle: { fontSize: 14, fontWeight: 600, color: "#0b2646" } },
      legend: { textStyle: { color: "#5b6777" } },
      categoryAxis: { axisLine: { lineStyle: { color: "#c3cad5" } }, axisTick: { show: false }, axisLabel: { color: "#5b6777" } },
      valueAxis: { axisLine: { show: false }, splitLine: { lineStyle: { color: "#eef0f4" } }, axisLabel: { color: "#5b6777" } }
    });
    echarts.__kaoheTheme = true;
  }

  /* Axis labels and names inside the chart: every grid contains its labels (the pages' fixed
     left/right margins were guesses that clipped long names), a named y axis gets room above and
     its name aligned away from the edge, a named x axis its name under the labels. */
  function list(v) { return v == null ? [] : (Array.isArray(v) ? v : [v]); }
  function fitAxes(options) {
    var yNamed = list(options.yAxis).filter(function (a) { return a && a.name; });
    var xNamed = list(options.xAxis).filter(function (a) { return a && a.name; });
    list(options.grid).forEach(function (g) {
      if (!g || g.containLabel === false) return;
      if (!g.containLabel) {
        g.containLabel = true;
        ["left", "right"].forEach(function (side) { if (typeof g[side] === "number" && g[side] > 24) g[side] = 24; });
      }
      if (yNamed.length && (typeof g.top !== "number" || g.top < 36)) g.top = 36;
      if (xNamed.length && (typeof g.bottom !== "number" || g.bottom < 48)) g.bottom = 48;
    });
    list(options.yAxis).forEach(function (a, i) {
      if (!a || !a.name) return;
      var right = a.position ? a.position === "right" : i > 0;  /* ECharts puts a second y axis on the right */
      a.nameTextStyle = a.nameTextStyle || {};
      if (!a.nameTextStyle.align) a.nameTextStyle.align = right ? "right" : "left";
      if (a.nameGap === undefined) a.nameGap = 12;
      if (a.inverse && !a.nameLocation) a.nameLocation = "start";  /* an inverted axis (排名) ends at the bottom */
    });
    xNamed.forEach(function (a) {
      if (!a.nameLocation) { a.nameLocation = "middle"; if (a.nameGap === undefined) a.nameGap = 28; }
    });
    return options;
  }

  var charts = [];
  function init(root) {
    var nodes = (root || document).querySelectorAll("[data-chart-options]:not([data-chart-ready])");
    if (!nodes.length) return;
    loadEcharts().then(function (echarts) {
      registerTheme(echarts);
      nodes.forEach(function (el) {
        var block = document.getElementById(el.getAttribute("data-chart-options"));
        if (!block) return;
        var options;
        try { options = fitAxes(reviveFormatters(JSON.parse(block.textContent))); } catch (e) { return; }
        el.setAttribute("data-chart-ready", "1");
        el.textContent = "";
        var chart = echarts.init(el, "kaohe", { renderer: el.dataset.renderer || "canvas" });
        if (options.animation === undefined) options.animation = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        chart.setOption(options);
        charts.push(chart);
      });
    }).catch(function () {
      nodes.forEach(function (el) { el.textContent = el.getAttribute("data-chart-error") || "图表加载失败 / chart failed to load"; });
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { if (!c.isDisposed()) c.resize(); }); });
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
  window.kaoheCharts = { init: init, formatters: FORMATTERS, all: charts };
})();
