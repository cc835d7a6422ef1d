/* The cockpit (大屏): draws the figures the page came with, then fetches the same figures as JSON every
   data-refresh seconds and redraws. A failed fetch keeps the last figures and says since when; a session that
   ended (401/403) says so and stops asking. Charts follow their boxes (ResizeObserver), so the grid decides. */
(function () {
  "use strict";
  var screen = document.querySelector("[data-cockpit]");
  var source = document.getElementById("cockpit-figures");
  var texts = JSON.parse(document.getElementById("cockpit-texts").textContent);
  var fullscreen = document.querySelector("[data-fullscreen]");

  if (fullscreen) {
    if (!document.fullscreenEnabled) {
      fullscreen.hidden = true;
    } else {
      fullscreen.addEventListener("click", function () {
        if (document.fullscreenElement) { document.exitFullscreen(); } else { document.documentElement.requestFullscreen(); }
      });
    }
  }
  if (!screen || !source || !window.echarts) { return; }

  var FONT = '"PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';
  var PALETTE = ["#4fd1c5", "#e3b341", "#7aa2f7", "#ff6b6b", "#3fb950", "#a9bcd0", "#c792ea", "#f78c6c"];
  var TEXT = "#eef3f8", MUTED = "#a9bcd0", LINE = "#1f3a5c";
  var charts = {};
  var lastTime = "";
  var timer = null;

  function fontSize() { return Math.max(12, Math.min(18, Math.round(window.innerWidth / 120))); }

  function number(v) {
    if (v === null || v === undefined) { return "—"; }
    return Number(v).toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  }

  function shortLabel(text) { return text.length > 8 ? text.slice(0, 8) + "…" : text; }

  function hasData(spec) {
    return spec.series.some(function (s) { return s.data.some(function (v) { return v !== null && v !== 0; }); });
  }

  function options(spec) {
    var size = fontSize();
    var base = {
      animation: false,
      color: spec.colors || PALETTE,
      textStyle: { fontFamily: FONT, color: TEXT, fontSize: size },
      tooltip: { trigger: spec.kind === "funnel" ? "item" : "axis", valueFormatter: number },
      legend: { top: 0, show: spec.series.length > 1, textStyle: { color: MUTED, fontSize: size },
        formatter: function (name) { return name.replace(/（[^（）]*）$/, ""); } },
      grid: { left: 8, right: 48, top: spec.series.length > 1 ? 36 : 12, bottom: 4, containLabel: true },
      graphic: hasData(spec) ? [] : [{ type: "text", left: "center", top: "middle",
        style: { text: texts.empty, fill: MUTED, fontSize: size + 2, fontFamily: FONT } }]
    };
    var axisLabel = { color: MUTED, fontSize: size };
    var valueAxis = { type: "value", minInterval: 1, axisLabel: Object.assign({ formatter: number }, axisLabel),
      splitLine: { lineStyle: { color: LINE } } };
    if (spec.kind === "funnel") {
      var s = spec.series[0];
      return Object.assign(base, {
        legend: { show: false },
        series: [{ type: "funnel", name: s.name, sort: "none", left: "4%", width: "92%", top: 4, bottom: 4, minSize: "34%", gap: 2,
          data: spec.categories.map(function (name, i) { return { name: name, value: s.data[i] }; }),
          label: { position: "inside", color: "#06121f", fontSize: size, fontWeight: 600,
            formatter: function (p) { return p.name + " " + number(p.value); } } }]
      });
    }
    // A stack lies on its side on the screen: the category names are read along the y axis, however many.
    var horizontal = spec.kind === "hbar" || spec.kind === "stack";
    var category = { type: "category", data: spec.categories, inverse: horizontal,
      axisLabel: Object.assign({ interval: 0, formatter: shortLabel, hideOverlap: true }, axisLabel),
      axisLine: { lineStyle: { color: LINE } } };
    if (spec.kind === "dual") {
      return Object.assign(base, {
        grid: { left: 8, right: 8, top: 56, bottom: 4, containLabel: true },
        xAxis: Object.assign(category, { axisLabel: Object.assign(category.axisLabel, { rotate: 30 }) }),
        yAxis: [Object.assign({}, valueAxis, { name: spec.series[0].name, nameTextStyle: { color: MUTED, align: "left" } }),
                Object.assign({}, valueAxis, { name: spec.series[1].name, nameTextStyle: { color: MUTED, align: "right" },
                  minInterval: 0, splitLine: { show: false } })],
        series: [
          { type: "bar", name: spec.series[0].name, data: spec.series[0].data, barMaxWidth: 40 },
          { type: "line", name: spec.series[1].name, data: spec.series[1].data, yAxisIndex: 1, symbolSize: 8 }
        ]
      });
    }
    return Object.assign(base, horizontal ? { xAxis: valueAxis, yAxis: category } : { xAxis: category, yAxis: valueAxis }, {
      series: spec.series.map(function (serie) {
        return {
          type: "bar", name: serie.name, data: serie.data, stack: spec.kind === "stack" ? "total" : undefined,
          barMaxWidth: 36,
          label: spec.series.length === 1
            ? { show: true, position: horizontal ? "right" : "top", color: TEXT, fontSize: size, formatter: function (p) { return number(p.value); } }
            : undefined
        };
      })
    });
  }

  function drawChart(spec) {
    var node = document.getElementById(spec.id);
    if (!node) { return; }
    var entry = charts[spec.id];
    if (!entry) {
      entry = charts[spec.id] = { chart: echarts.init(node, null, { renderer: "svg" }), spec: spec };
      // A segment opens the rows behind it, as on the report pages.
      entry.chart.on("click", function (p) {
        var serie = entry.spec.series[p.seriesIndex] || entry.spec.series[0];
        var href = serie && serie.links ? serie.links[p.dataIndex] : "";
        if (href) { window.location.href = href; }
      });
      if (window.ResizeObserver) { new ResizeObserver(function () { entry.chart.resize(); }).observe(node); }
    }
    entry.spec = spec;
    entry.chart.setOption(options(spec), true);
  }

  function setLink(holder, text, href) {
    holder.textContent = "";
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      holder.appendChild(a);
    } else {
      holder.textContent = text;
    }
  }

  function drawCard(card) {
    var node = screen.querySelector('[data-card="' + card.key + '"]');
    if (!node) { return; }
    node.className = "cockpit-card" + (card.level ? " cockpit-card--" + card.level : "");
    node.querySelector('[data-field="label"]').textContent = card.label;
    if (card.help) { node.title = card.help; } else { node.removeAttribute("title"); }
    if (card.colours) {
      card.colours.forEach(function (colour) {
        var holder = node.querySelector('[data-colour="' + colour.level + '"] [data-field="value"]');
        if (holder) { setLink(holder, colour.value, colour.href); }
      });
    } else {
      setLink(node.querySelector('[data-field="value"]'), card.value, card.href);
    }
    var previous = node.querySelector('[data-field="previous"]');
    previous.textContent = texts.previous + " " + card.previous;
    previous.hidden = !card.previous;
    node.querySelector('[data-field="note"]').textContent = card.note;
  }

  function showAlert(text, expired) {
    var node = screen.querySelector("[data-alert]");
    node.textContent = text || "";
    node.hidden = !text;
    node.classList.toggle("is-expired", !!expired);
  }

  function draw(figures) {
    figures.cards.forEach(drawCard);
    figures.charts.forEach(drawChart);
    lastTime = figures.updated_at;
    screen.querySelector("[data-updated]").textContent = texts.updated.replace("%(time)s", lastTime);
    screen.querySelector("[data-period]").textContent = figures.period;
    screen.setAttribute("data-updated-at", figures.as_of);
  }

  var refresh = Math.max(2, parseInt(screen.getAttribute("data-refresh"), 10) || 60) * 1000;

  function schedule() { timer = window.setTimeout(update, refresh); }

  function update() {
    fetch(screen.getAttribute("data-url"), { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          showAlert(texts.expired, true);
          timer = null;  // the session ended: asking again would only be refused again
          return null;
        }
        if (!response.ok || (response.headers.get("Content-Type") || "").indexOf("application/json") !== 0) {
          throw new Error("HTTP " + response.status);
        }
        return response.json().then(function (figures) {
          draw(figures);
          showAlert("");
          schedule();
        });
      })
      .catch(function () {
        showAlert(texts.offline.replace("%(time)s", lastTime));
        schedule();
      });
  }

  draw(JSON.parse(source.textContent));
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { drawChart(charts[id].spec); });
  });
  schedule();
}());
