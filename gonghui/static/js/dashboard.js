/* Leaders' dashboard charts (dashboard/home.html). Data comes from the
   <script type="application/json" id="dashboard-data"> block (Django json_script). */
(function () {
  "use strict";
  var PACE_COLOURS = {
    done: "#2f9e44", on_track: "#69db7c", behind: "#f08c00",
    at_risk: "#e03131", manual: "#4dabf7", unknown: "#adb5bd", no_data: "#ced4da"
  };
  function init() {
    var source = document.getElementById("dashboard-data");
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
    if (d.pace && d.pace.length) {
      chart("chart-pace", {
        tooltip: { trigger: "item", formatter: "{b}：{c} 项" },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          type: "pie", radius: ["40%", "68%"], center: ["50%", "44%"],
          label: { formatter: "{c}" },
          data: d.pace.map(function (p) {
            return { name: p.name, value: p.value, itemStyle: { color: PACE_COLOURS[p.key] } };
          })
        }]
      });
    }
    var cmp = d.compare;
    if (cmp && cmp.orgs.length) {
      chart("chart-compare", {
        tooltip: { trigger: "axis" },
        grid: { containLabel: true, top: 24, left: 8, right: 24, bottom: 8 },
        xAxis: { type: "value", name: cmp.unit },
        yAxis: { type: "category", data: cmp.orgs.slice().reverse(), axisLabel: { width: 110, overflow: "truncate" } },
        series: [{ name: cmp.name, type: "bar", data: cmp.values.slice().reverse(), itemStyle: { color: "#c92a2a" } }]
      });
    }
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
