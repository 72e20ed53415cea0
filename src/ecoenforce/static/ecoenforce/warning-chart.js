/* A warning's readings chart: the event period shaded, the limit as a dashed line on the factor that raised
   it. Data from #readings-data, translated names from data-* of #readings-labels; charts.js draws it. */
(function () {
  var d = JSON.parse(document.getElementById("readings-data").textContent);
  var t = document.getElementById("readings-labels").dataset;
  var codes = d.series.map(function (s) { return s.code; });
  var focus = codes.indexOf(d.focus + "/zs") >= 0 ? codes.indexOf(d.focus + "/zs") : Math.max(codes.indexOf(d.focus), 0);
  var series = d.series.map(function (s, i) {
    var out = {name: s.name, type: "line", showSymbol: false, yAxisIndex: s.axis, data: s.data};
    if (i === 0) { out.markArea = {itemStyle: {color: "rgba(214, 57, 57, 0.12)"}, data: [[{xAxis: d.start}, {xAxis: d.end}]]}; }
    if (i === focus && d.threshold !== null) { out.markLine = {symbol: "none", lineStyle: {color: "#d63939", type: "dashed"}, label: {formatter: t.limit + " {c}"}, data: [{yAxis: d.threshold}]}; }
    return out;
  });
  var secondAxis = d.series.some(function (s) { return s.axis === 1; });
  document.getElementById("chart-readings").textContent = JSON.stringify({
    tooltip: {trigger: "axis"}, legend: {bottom: 0}, grid: {left: 60, right: 70, top: 40, bottom: 70},
    xAxis: {type: "time", name: t.time},
    yAxis: [{type: "value", name: t.concentration, scale: true},
            {type: "value", name: t.flow, scale: true, show: secondAxis, splitLine: {show: false}}],
    series: series
  });
})();
