/* Draws a data release's chart with the site's own copy of ECharts; the table below it holds every value.
   Indicators measured in one unit share the left axis; a second unit gets the right axis; indicators in
   further units are left to the table (the caption says so). */
(function () {
  "use strict";
  var el = document.getElementById("data-chart");
  var src = document.getElementById("chart-data");
  if (!el || !src || !window.echarts) { return; }
  var data = JSON.parse(src.textContent);
  var units = [];
  data.rows.forEach(function (r) { if (units.indexOf(r.unit) < 0) { units.push(r.unit); } });
  var shown = data.rows.filter(function (r) { return units.indexOf(r.unit) < 2; });
  var palette = ["#b3141b", "#0b4f8a", "#2e7d32", "#8a5a00", "#6a1b9a", "#00695c", "#ad1457", "#37474f"];
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    color: palette,
    animation: false,
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0 },
    grid: { left: 16, right: 16, top: 48, bottom: 24, containLabel: true },
    xAxis: { type: "category", data: data.periods },
    yAxis: units.slice(0, 2).map(function (u) { return { type: "value", name: u || "", scale: false }; }),
    series: shown.map(function (r) {
      return {
        name: r.indicator + (r.unit ? "（" + r.unit + "）" : ""),
        type: data.type === "bar" ? "bar" : "line",
        yAxisIndex: units.indexOf(r.unit),
        data: r.values
      };
    })
  });
  if (shown.length < data.rows.length) {
    var note = document.createElement("p");
    note.className = "chart-note";
    note.textContent = "计量单位不同的其他指标未画入图中，请看下表。";
    el.parentNode.insertBefore(note, el.nextSibling);
  }
  window.addEventListener("resize", function () { chart.resize(); });
})();
