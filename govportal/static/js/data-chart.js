/* Draws a data release's chart with the site's own copy of ECharts; the table below it holds every value. */
(function () {
  "use strict";
  var el = document.getElementById("data-chart");
  var src = document.getElementById("chart-data");
  if (!el || !src || !window.echarts) { return; }
  var data = JSON.parse(src.textContent);
  var palette = ["#b3141b", "#0b4f8a", "#2e7d32", "#8a5a00", "#6a1b9a", "#00695c", "#ad1457", "#37474f"];
  var chart = window.echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    color: palette,
    animation: false,
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0 },
    grid: { left: 56, right: 24, top: 48, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: data.periods },
    yAxis: { type: "value" },
    series: data.rows.map(function (r) {
      return { name: r.indicator + (r.unit ? "（" + r.unit + "）" : ""), type: data.type === "bar" ? "bar" : "line", data: r.values };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
