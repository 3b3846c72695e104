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
        try { options = reviveFormatters(JSON.parse(block.textContent)); } catch (e) { return; }
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
