/* Workforce statistics charts (workforce/stats.html). Data comes from the
   <script type="application/json" id="workforce-stats-data"> block (Django json_script). */
(function () {
  "use strict";
  function init() {
    var source = document.getElementById("workforce-stats-data");
    if (!source || typeof echarts === "undefined") return;
    var d = JSON.parse(source.textContent);
    var charts = [];
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) return;
      var c = echarts.init(el);
      c.setOption(option);
      charts.push(c);
    }
    chart("chart-orgs", {
      title: { text: "各组织举办竞赛、参赛人次与师徒结对", left: "center" },
      tooltip: { trigger: "axis" },
      legend: { top: 28 },
      grid: { containLabel: true, top: 64 },
      xAxis: { type: "category", data: d.orgs, axisLabel: { interval: 0, rotate: d.orgs.length > 6 ? 30 : 0 } },
      yAxis: [{ type: "value", name: "场/对" }, { type: "value", name: "人次" }],
      series: [
        { name: "举办竞赛", type: "bar", data: d.held },
        { name: "师徒结对", type: "bar", data: d.pairs },
        { name: "参赛人次", type: "line", yAxisIndex: 1, data: d.entrants },
      ],
    });
    chart("chart-levels", {
      title: { text: "参赛人次按竞赛级别", left: "center" },
      tooltip: { trigger: "item", formatter: "{b}：{c} 人次({d}%)" },
      series: [{ type: "pie", radius: ["30%", "62%"], data: d.levels }],
    });
    chart("chart-studios", {
      title: { text: "创新工作室按命名级别", left: "center" },
      tooltip: { trigger: "item", formatter: "{b}：{c} 个({d}%)" },
      series: [{ type: "pie", radius: ["30%", "62%"], data: d.studio_levels }],
    });
    chart("chart-trades", {
      title: { text: "参赛人次按工种(前 15)", left: "center" },
      tooltip: { trigger: "axis" },
      grid: { containLabel: true },
      xAxis: { type: "category", data: d.trades, axisLabel: { interval: 0, rotate: d.trades.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", name: "人次" },
      series: [{ name: "参赛人次", type: "bar", data: d.trade_entrants }],
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
