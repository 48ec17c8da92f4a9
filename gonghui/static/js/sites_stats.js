/* Service-site statistics charts (sites/stats/stats.html). Data comes from the
   <script type="application/json" id="site-stats-data"> block (Django json_script). */
(function () {
  "use strict";
  var STATUS_COLOURS = ["#2f9e44", "#f08c00", "#adb5bd"];
  function init() {
    var source = document.getElementById("site-stats-data");
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
    function stacked(categories, series) {
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { containLabel: true, top: 36, left: 40, right: 12, bottom: 8 },
        xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 5 ? 35 : 0 } },
        yAxis: { type: "value", name: "个", minInterval: 1 },
        series: series.map(function (data, i) {
          return { name: d.statuses[i], type: "bar", stack: "s", data: data, itemStyle: { color: STATUS_COLOURS[i] } };
        }),
      };
    }
    chart("chart-kinds", stacked(d.kinds, d.kind_series));
    chart("chart-townships", stacked(d.townships, d.township_series));
    chart("chart-feedback", {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { containLabel: true, top: 36, left: 8, right: 8, bottom: 8 },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value", name: "件", minInterval: 1 },
      series: [
        { name: "收到", type: "bar", data: d.feedback.opened },
        { name: "答复", type: "bar", data: d.feedback.answered },
        { name: "关闭", type: "bar", data: d.feedback.closed },
      ],
    });
    chart("chart-usage", {
      tooltip: { trigger: "axis" },
      grid: { containLabel: true, top: 30, left: 8, right: 8, bottom: 8 },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value", name: "次" },
      series: [{ name: "打卡次数", type: "line", smooth: true, areaStyle: { opacity: 0.15 }, data: d.usage }],
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
