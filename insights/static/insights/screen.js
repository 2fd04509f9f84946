// The big screen: fetch the figures, draw them, fetch again every minute.
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-url");
  var every = parseInt(body.getAttribute("data-refresh"), 10) * 1000 || 60000;
  var charts = {};
  var text = { color: "#cfe3ff" };
  var axis = { axisLabel: { color: "#9fb4d6" }, axisLine: { lineStyle: { color: "#3a6ea5" } }, splitLine: { lineStyle: { color: "#1c3a5e" } } };

  function chart(id) {
    if (!charts[id]) charts[id] = window.echarts.init(document.getElementById(id));
    return charts[id];
  }

  function setText(id, value) { document.getElementById(id).textContent = value; }

  function cards(list) {
    var holder = document.getElementById("cards");
    holder.textContent = "";
    list.forEach(function (c) {
      var card = document.createElement("div");
      card.className = "card";
      var label = document.createElement("div");
      label.className = "label";
      label.textContent = c.label;
      var value = document.createElement("div");
      value.className = "value";
      value.textContent = c.value;
      card.appendChild(label);
      card.appendChild(value);
      holder.appendChild(card);
    });
  }

  function draw(d) {
    setText("period", d.period);
    setText("now", d.now);
    ["trend", "tiers", "fund", "ranking"].forEach(function (k) { setText("t-" + k, d.labels[k]); });
    cards(d.cards);
    chart("c-trend").setOption({
      textStyle: text, tooltip: { trigger: "axis" }, grid: { left: 60, right: 20, top: 20, bottom: 30 },
      xAxis: Object.assign({ type: "category", data: d.trend.labels }, axis),
      yAxis: Object.assign({ type: "value" }, axis),
      series: [{ type: "bar", data: d.trend.person_times, itemStyle: { color: "#3fb1ff" } }]
    });
    chart("c-tiers").setOption({
      textStyle: text, tooltip: { trigger: "item" }, legend: { bottom: 0, textStyle: text },
      series: [{ type: "pie", radius: ["40%", "68%"], data: d.tiers, label: { color: "#e8f0ff" } }]
    });
    chart("c-fund").setOption({
      textStyle: text, tooltip: { trigger: "axis" }, legend: { top: 0, textStyle: text },
      grid: { left: 70, right: 20, top: 30, bottom: 30 },
      xAxis: Object.assign({ type: "category", data: d.trend.labels }, axis),
      yAxis: Object.assign({ type: "value" }, axis),
      series: [
        { name: d.labels.fund_in, type: "line", smooth: false, data: d.trend.fund_in, itemStyle: { color: "#5fd38d" } },
        { name: d.labels.fund_out, type: "line", smooth: false, data: d.trend.fund_out, itemStyle: { color: "#ffb454" } }
      ]
    });
    var ranking = d.ranking.slice().reverse();
    chart("c-ranking").setOption({
      textStyle: text, tooltip: { trigger: "axis" }, grid: { left: 110, right: 30, top: 10, bottom: 20 },
      xAxis: Object.assign({ type: "value" }, axis),
      yAxis: Object.assign({ type: "category", data: ranking.map(function (r) { return r.name; }) }, axis),
      series: [{ type: "bar", data: ranking.map(function (r) { return r.value; }), itemStyle: { color: "#7f8cff" } }]
    });
  }

  function load() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) { document.getElementById("screen-error").hidden = true; draw(d); })
      .catch(function () { document.getElementById("screen-error").hidden = false; });
  }

  function start() {
    if (!window.echarts) return;
    load();
    window.setInterval(load, every);
    window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
