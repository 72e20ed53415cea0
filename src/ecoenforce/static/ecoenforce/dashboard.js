/* The dashboard's three charts: builds their ECharts options from the page's data (#dashboard-data) and the
   translated axis names (data-* of #dashboard-labels); charts.js then draws them. A static file, not an inline
   script, so the Content-Security-Policy can forbid inline scripts. */
(function () {
  var d = JSON.parse(document.getElementById("dashboard-data").textContent);
  var t = document.getElementById("dashboard-labels").dataset;
  function put(id, spec) { document.getElementById(id).textContent = JSON.stringify(spec); }
  put("chart-stages", {
    tooltip: {}, grid: {left: 50, right: 20, bottom: 60},
    xAxis: {type: "category", data: d.stages, axisLabel: {rotate: 30}},
    yAxis: {type: "value", name: t.cases, minInterval: 1},
    series: [{type: "bar", data: d.counts, itemStyle: {color: "#206bc4"}, label: {show: true, position: "top"}}]
  });
  put("chart-rates", {
    tooltip: {trigger: "axis"}, grid: {left: 50, right: 20, bottom: 40},
    xAxis: {type: "category", data: d.months, name: t.month},
    yAxis: {type: "value", name: t.rate, min: 0},
    series: [{type: "line", data: d.rates, smooth: true, itemStyle: {color: "#2fb344"}}]
  });
  put("chart-classes", {
    tooltip: {}, grid: {left: 50, right: 20, bottom: 40},
    xAxis: {type: "category", data: d.class_labels, name: t.klass},
    yAxis: {type: "value", name: t.rate, min: 0},
    series: [{type: "bar", data: d.class_rates, itemStyle: {color: "#f76707"}, label: {show: true, position: "top"}}]
  });
})();
