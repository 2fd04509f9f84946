// The dashboard's trend chart, drawn from the JSON the page carries (no inline script: CSP).
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("trend-chart");
    var data = document.getElementById("insights-chart");
    if (!holder || !data || !window.echarts) return;
    var chart = JSON.parse(data.textContent);
    var plot = window.echarts.init(holder);
    plot.setOption({
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: chart.labels },
      yAxis: { type: "value" },
      series: chart.series.map(function (s) { return { name: s.name, type: "line", smooth: false, data: s.data }; })
    });
    window.addEventListener("resize", function () { plot.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
