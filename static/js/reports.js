/* Draws every report chart with the vendored Apache ECharts (static/vendor/echarts).
   The data come from the page's "report-charts" JSON: the same numbers as the table beside each chart. */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || !window.echarts) { return; }
  var charts = JSON.parse(source.textContent);
  var FONT = '"PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';
  var PALETTE = ["#0b5d63", "#d4a72c", "#5470c6", "#cf222e", "#2da44e", "#8c959f", "#9a60b4", "#ea7ccc", "#3ba272", "#fc8452"];
  var instances = [];

  function hasData(spec) {
    return spec.series.some(function (s) { return s.data.some(function (v) { return v !== null && v !== 0; }); });
  }

  function shortLabel(text) { return text.length > 10 ? text.slice(0, 10) + "…" : text; }

  function number(v) {
    if (v === null || v === undefined) { return "—"; }
    return Number(v).toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  }

  function axisOptions(spec, horizontal) {
    var many = spec.categories.length > 6;
    var category = {
      type: "category", data: spec.categories,
      axisLabel: horizontal ? { formatter: shortLabel } : { interval: 0, rotate: many ? 30 : 0, formatter: shortLabel },
      inverse: horizontal
    };
    var whole = spec.series.every(function (s) { return s.data.every(function (v) { return v === null || Number.isInteger(v); }); });
    var value = { type: "value", minInterval: whole ? 1 : 0, axisLabel: { formatter: function (v) { return number(v); } } };
    return horizontal ? { xAxis: value, yAxis: category } : { xAxis: category, yAxis: value };
  }

  function options(spec) {
    var base = {
      animation: false,
      color: spec.colors || PALETTE,
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: spec.kind === "pie" || spec.kind === "funnel" ? "item" : "axis", valueFormatter: number },
      legend: { top: 0, type: "scroll", show: spec.series.length > 1 },
      grid: { left: 8, right: spec.kind === "hbar" ? 56 : 16, top: spec.series.length > 1 ? 40 : 24, bottom: 8, containLabel: true }
    };
    if (spec.kind === "pie" || spec.kind === "funnel") {
      var s = spec.series[0];
      // Empty slices are left out, so each slice keeps its own row's link (its index no longer is the row's).
      var data = spec.categories.map(function (name, i) { return { name: name, value: s.data[i], href: s.links ? s.links[i] : "" }; })
        .filter(function (d) { return d.value; });
      var serie = spec.kind === "pie"
        ? { type: "pie", radius: ["35%", "65%"], center: ["50%", "56%"], data: data, label: { formatter: "{b}\n{d}%" } }
        : { type: "funnel", sort: "none", left: "10%", width: "80%", top: 36, bottom: 8, minSize: "8%", data: data,
            label: { position: "inside", formatter: function (p) { return p.name + " " + number(p.value); } } };
      serie.name = s.name;
      return Object.assign(base, { legend: { top: 0, type: "scroll" }, series: [serie] });
    }
    if (spec.kind === "dual") {
      return Object.assign(base, {
        xAxis: axisOptions(spec, false).xAxis,
        yAxis: [{ type: "value", name: spec.series[0].name, nameTextStyle: { align: "left" } },
                { type: "value", name: spec.series[1].name, nameTextStyle: { align: "right" }, splitLine: { show: false } }],
        grid: { left: 8, right: 8, top: 56, bottom: 8, containLabel: true },
        series: [
          { type: "bar", name: spec.series[0].name, data: spec.series[0].data, barMaxWidth: 36 },
          { type: "line", name: spec.series[1].name, data: spec.series[1].data, yAxisIndex: 1, symbolSize: 7 }
        ]
      });
    }
    var horizontal = spec.kind === "hbar";
    var perPoint = spec.colors && spec.series.length === 1;
    return Object.assign(base, axisOptions(spec, horizontal), {
      color: perPoint ? PALETTE : base.color,
      series: spec.series.map(function (s) {
        return {
          type: "bar", name: s.name, data: perPoint
            ? s.data.map(function (v, i) { return { value: v, itemStyle: { color: spec.colors[i % spec.colors.length] } }; })
            : s.data,
          stack: spec.kind === "stack" ? "total" : undefined,
          barMaxWidth: horizontal ? 28 : 36,
          label: spec.series.length === 1
            ? { show: true, position: horizontal ? "right" : "top", formatter: function (p) { return number(p.value); } }
            : undefined
        };
      })
    });
  }

  charts.forEach(function (spec) {
    var node = document.getElementById(spec.id);
    if (!node) { return; }
    var chart = echarts.init(node, null, { renderer: "svg" });
    var option = options(spec);
    if (!hasData(spec)) {
      option.graphic = { type: "text", left: "center", top: "middle", style: { text: node.getAttribute("data-empty") || "暂无数据", fill: "#59636e", fontSize: 14, fontFamily: FONT } };
    }
    chart.setOption(option);
    // A segment opens the rows behind it: the table cell's own drill-down link (series and data index
    // follow the table's columns and rows, in every chart kind).
    chart.on("click", function (p) {
      var serie = spec.series[p.seriesIndex] || spec.series[0];
      var href = p.data && p.data.href !== undefined ? p.data.href : serie && serie.links ? serie.links[p.dataIndex] : "";
      if (href) { window.location.href = href; }
    });
    instances.push(chart);
  });
  window.addEventListener("resize", function () { instances.forEach(function (c) { c.resize(); }); });
}());
