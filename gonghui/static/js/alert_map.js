/* Alert map by org (assistance/monitoring/alert_map.html). Data comes from the
   <script type="application/json" id="alert-map-data"> block (Django json_script). */
(function () {
  "use strict";
  function init() {
    var source = document.getElementById("alert-map-data");
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
    var axis = { type: "category", data: d.orgs, axisLabel: { interval: 0, rotate: d.orgs.length > 5 ? 30 : 0 } };
    chart("chart-alert-bar", {
      title: { text: "各组织待处置预警", left: "center" },
      tooltip: { trigger: "axis" },
      legend: { top: 28 },
      grid: { containLabel: true, top: 64 },
      xAxis: axis,
      yAxis: { type: "value", name: "条" },
      series: [
        { name: "待处置", type: "bar", data: d.open },
        { name: "其中逾期", type: "bar", data: d.overdue, itemStyle: { color: "#c0392b" } },
        { name: "其中高风险", type: "bar", data: d.high, itemStyle: { color: "#e67e22" } },
      ],
    });
    var columns = ["待处置", "其中逾期", "其中高风险"];
    var cells = [];
    var max = 1;
    d.orgs.forEach(function (_, i) {
      [d.open[i], d.overdue[i], d.high[i]].forEach(function (v, j) {
        cells.push([j, i, v]);
        if (v > max) max = v;
      });
    });
    chart("chart-alert-heat", {
      title: { text: "预警热力", left: "center" },
      tooltip: { position: "top", formatter: function (p) { return d.orgs[p.value[1]] + "<br>" + columns[p.value[0]] + "：" + p.value[2]; } },
      grid: { containLabel: true, top: 40, bottom: 60 },
      xAxis: { type: "category", data: columns, splitArea: { show: true } },
      yAxis: { type: "category", data: d.orgs, splitArea: { show: true } },
      visualMap: { min: 0, max: max, calculable: true, orient: "horizontal", left: "center", bottom: 0, inRange: { color: ["#fff7e6", "#f39c12", "#c0392b"] } },
      series: [{ name: "预警", type: "heatmap", data: cells, label: { show: true } }],
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
