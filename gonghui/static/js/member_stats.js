/* Member statistics charts (members/member_stats.html). Data comes from the
   <script type="application/json" id="member-stats-data"> block (Django json_script). */
(function () {
  "use strict";
  function init() {
    var source = document.getElementById("member-stats-data");
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
    var axis = { type: "category", data: d.orgs, axisLabel: { interval: 0, rotate: d.orgs.length > 6 ? 30 : 0 } };
    chart("chart-orgs", {
      title: { text: "各组织在册会员数", left: "center" },
      tooltip: { trigger: "axis" },
      grid: { containLabel: true },
      xAxis: axis,
      yAxis: { type: "value", name: "人" },
      series: [{ name: "在册会员", type: "bar", data: d.members }],
    });
    chart("chart-rates", {
      title: { text: "建会率与入会率(%)", left: "center" },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      legend: { top: 28 },
      grid: { containLabel: true, top: 64 },
      xAxis: axis,
      yAxis: { type: "value", name: "%" },
      series: [
        { name: "建会率", type: "bar", data: d.coverage },
        { name: "入会率", type: "bar", data: d.membership_rate },
      ],
    });
    chart("chart-forms", {
      title: { text: "按就业形态", left: "center" },
      tooltip: { trigger: "item", formatter: "{b}：{c} 人({d}%)" },
      series: [{ name: "就业形态", type: "pie", radius: ["30%", "65%"], data: d.forms }],
    });
    chart("chart-years", {
      title: { text: "按入会年份", left: "center" },
      tooltip: { trigger: "axis" },
      grid: { containLabel: true },
      xAxis: { type: "category", data: d.years },
      yAxis: { type: "value", name: "人" },
      series: [{ name: "入会人数", type: "bar", data: d.year_counts }],
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
