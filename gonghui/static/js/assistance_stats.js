/* Hardship assistance statistics charts (assistance/stats/stats.html). Data comes from the
   <script type="application/json" id="assistance-stats-data"> block (Django json_script). */
(function () {
  "use strict";
  function init() {
    var source = document.getElementById("assistance-stats-data");
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
    chart("chart-categories", {
      title: { text: "帮扶中的困难家庭：按困难类别", left: "center" },
      tooltip: { trigger: "item", formatter: "{b}：{c} 户({d}%)" },
      series: [{ name: "困难类别", type: "pie", radius: ["30%", "65%"], data: d.by_category }],
    });
    chart("chart-orgs", {
      title: { text: "各组织：按困难类别", left: "center" },
      tooltip: { trigger: "axis" },
      legend: { top: 28 },
      grid: { containLabel: true, top: 64 },
      xAxis: { type: "category", data: d.orgs, axisLabel: { interval: 0, rotate: d.orgs.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", name: "户" },
      series: d.categories.map(function (name) {
        return { name: name, type: "bar", stack: "category", data: d.by_org[name] };
      }),
    });
    chart("chart-causes", {
      title: { text: "致困原因", left: "center" },
      tooltip: { trigger: "axis" },
      legend: { top: 28 },
      grid: { containLabel: true, top: 64 },
      xAxis: { type: "value", name: "户" },
      yAxis: { type: "category", data: d.causes, inverse: true },
      series: [
        { name: "主要原因", type: "bar", data: d.cause_main },
        { name: "含次要原因", type: "bar", data: d.cause_any },
      ],
    });
    chart("chart-flows", {
      title: { text: d.year + " 年增量、存量、返困", left: "center" },
      tooltip: { trigger: "axis" },
      grid: { containLabel: true },
      xAxis: { type: "category", data: ["增量", "存量", "返困"] },
      yAxis: { type: "value", name: "户" },
      series: [{ name: "户数", type: "bar", data: d.flows }],
    });
    chart("chart-groups", {
      title: { text: "城镇职工与农民工", left: "center" },
      tooltip: { trigger: "item", formatter: "{b}：{c} 户({d}%)" },
      series: [{ name: "群体", type: "pie", radius: ["30%", "65%"], data: d.groups }],
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
