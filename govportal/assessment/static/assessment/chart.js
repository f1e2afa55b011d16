/* Assessment ranking: one bar chart with the site's own copy of ECharts; every number is also in the table
   under it. Data comes from the json_script element "assessment-chart". */
(function () {
  "use strict";
  var src = document.getElementById("assessment-chart");
  var el = document.querySelector('[data-chart-for="ranking"]');
  if (!src || !el || !window.echarts) { return; }
  var data = JSON.parse(src.textContent);
  // one row per unit, readable however many units the locality has
  el.style.height = Math.max(360, data.labels.length * 24 + 70) + "px";
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    color: ["#0b4f8a"], animation: false, aria: { enabled: true }, tooltip: { trigger: "axis" },
    title: { text: data.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    grid: { left: 8, right: 32, top: 44, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.labels, inverse: true, axisLabel: { width: 140, overflow: "truncate" } },
    series: [{ type: "bar", data: data.values, label: { show: true, position: "right" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
