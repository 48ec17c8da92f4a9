/* Outreach statistics charts (outreach/stats/stats.html): the funnel registered → trained →
   employed, people served per service, registrations and jobs per org. Data from the
   <script type="application/json" id="outreach-stats-data"> block. */
(function () {
  "use strict";
  function init() {
    var source = document.getElementById("outreach-stats-data");
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
    chart("chart-funnel", {
      title: { text: "登记 → 培训 → 就业", left: "center" },
      tooltip: { trigger: "item", formatter: "{b}：{c} 人" },
      series: [{ type: "funnel", top: 40, bottom: 10, sort: "none", minSize: "20%", label: { formatter: "{b}\n{c}" }, data: d.funnel }],
    });
    chart("chart-served", {
      title: { text: "各服务项目服务人次", left: "center" },
      tooltip: { trigger: "item", formatter: "{b}：{c} 人次({d}%)" },
      series: [{ type: "pie", radius: ["35%", "65%"], top: 30, data: d.served }],
    });
    chart("chart-orgs", {
      title: { text: "各组织登记与 90 天内就业人数", left: "center" },
      tooltip: { trigger: "axis" },
      legend: { top: 28 },
      grid: { containLabel: true, top: 64 },
      xAxis: { type: "category", data: d.orgs, axisLabel: { interval: 0, rotate: d.orgs.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", name: "人" },
      series: [
        { name: "登记人数", type: "bar", data: d.registrations },
        { name: "90 天内就业", type: "bar", data: d.employed },
      ],
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
