/* Survey results: one bar chart per question with the site's own copy of ECharts; every number is also in
   the table under the chart. Data comes from the json_script element "survey-results". */
(function () {
  "use strict";
  var src = document.getElementById("survey-results");
  if (!src || !window.echarts) { return; }
  var data = JSON.parse(src.textContent);
  var palette = ["#0b4f8a", "#b3141b", "#2e7d32", "#8a5a00", "#6a1b9a", "#00695c"];
  var charts = [];
  data.forEach(function (q) {
    var el = document.querySelector('[data-chart-for="' + q.id + '"]');
    if (!el) { return; }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var option = {
      color: palette, animation: false, aria: { enabled: true }, tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: q.kind === "matrix" ? q.rows.map(function (r) { return r.row; }) : q.labels, inverse: true,
               axisLabel: { width: 110, overflow: "truncate" } }
    };
    if (q.kind === "matrix") {
      option.legend = { top: 0, type: "scroll" };
      option.grid.top = 36;
      option.series = q.labels.map(function (label, i) {
        return { name: label, type: "bar", stack: "all", data: q.rows.map(function (r) { return r.counts[i]; }) };
      });
    } else {
      option.series = [{ type: "bar", data: q.counts, label: { show: true, position: "right" } }];
    }
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
