/* Dashboard: each .chart[data-chart] loads its JSON from /api/assessment/charts/<name> and
   opens the records behind a clicked point on /assessment/records/. */
(function () {
  "use strict";
  var root = document.getElementById("charts");
  if (!root || !window.echarts) return;
  var query = root.getAttribute("data-query");
  var labelsEl = document.getElementById("chart-labels");
  var LABELS = labelsEl ? JSON.parse(labelsEl.textContent) : {};
  function t(s) { return LABELS[s] || s; }
  var RED = "#b4232a", palette = [RED, "#2563eb", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#6b7280"];

  function qs(obj) {
    var parts = [];
    Object.keys(obj).forEach(function (k) {
      if (obj[k] !== null && obj[k] !== undefined && obj[k] !== "") parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(obj[k]));
    });
    return parts.join("&");
  }
  function open(params) { if (params) window.location.href = "/assessment/records/?" + qs(params); }
  function bar(cats, series, horizontal) {
    var cat = { type: "category", data: cats,
                axisLabel: horizontal ? { interval: 0, width: 90, overflow: "truncate" } : { hideOverlap: true } };
    var val = { type: "value", minInterval: 1 };
    return {
      color: palette, tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: horizontal ? 110 : 40, right: 20, top: 34, bottom: horizontal ? 24 : 50 },
      xAxis: horizontal ? val : cat, yAxis: horizontal ? cat : val, series: series
    };
  }
  var BUILD = {
    residents: function (d) {
      return { option: {
        color: palette, tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 50, right: 50, top: 34, bottom: 30 },
        xAxis: { type: "category", data: d.categories },
        yAxis: [{ type: "value", name: t("人"), minInterval: 1 }, { type: "value", name: t("累计") }],
        series: [{ name: t("新注册"), type: "bar", data: d["new"] },
                 { name: t("累计注册"), type: "line", yAxisIndex: 1, data: d.total }]
      }, drill: function (p) { return d.drill[p.dataIndex]; } };
    },
    cases_by_state: function (d) {
      return { option: {
        color: palette, tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" }, legend: { bottom: 0, type: "scroll" },
        series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
                   data: d.items.map(function (i) { return { name: i.name, value: i.value }; }) }]
      }, drill: function (p) { return d.items[p.dataIndex].drill; } };
    },
    three_rates: function (d) {
      return { option: {
        color: palette, tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 40, right: 20, top: 34, bottom: 30 },
        xAxis: { type: "category", data: d.categories }, yAxis: { type: "value", min: 0, max: 100 },
        series: [{ name: t("响应率"), type: "line", data: d.response, connectNulls: true },
                 { name: t("解决率"), type: "line", data: d.resolution, connectNulls: true },
                 { name: t("满意率"), type: "line", data: d.satisfaction, connectNulls: true }]
      }, drill: function (p) { return d.drill[p.dataIndex]; } };
    },
    cases_by_org: function (d) {
      return { option: bar(d.categories, [{ name: t("受理"), type: "bar", data: d.total },
                                          { name: t("办理中"), type: "bar", data: d.open }], true),
               drill: function (p) { return d.drill[p.dataIndex]; } };
    },
    overdue: function (d) {
      return { option: bar(d.categories, [{ name: t("逾期"), type: "bar", data: d.overdue, itemStyle: { color: "#d97706" } },
                                          { name: t("红牌"), type: "bar", data: d.red, itemStyle: { color: RED } }], true),
               drill: function (p) { return d.drill[p.dataIndex]; } };
    },
    activities: function (d) {
      var o = bar(d.categories, [{ name: t("活动场次"), type: "bar", data: d.activities },
                                 { name: t("参与人次"), type: "line", yAxisIndex: 1, data: d.person_times }]);
      o.yAxis = [{ type: "value", minInterval: 1, name: t("场") }, { type: "value", minInterval: 1, name: t("人次") }];
      o.grid.right = 50; o.grid.bottom = 30;
      return { option: o, drill: function (p) {
        var q = Object.assign({}, d.drill[p.dataIndex]);
        if (p.seriesIndex === 1) q.kind = "checkins";
        return q;
      } };
    },
    volunteer_hours: function (d) {
      var o = bar(d.categories, [{ name: t("服务时长"), type: "bar", data: d.hours, itemStyle: { color: "#16a34a" } }]);
      o.grid.bottom = 30;
      return { option: o, drill: function (p) { return d.drill[p.dataIndex]; } };
    },
    supervision: function (d) {
      var s = function (name, data, color) { return { name: name, type: "bar", stack: "s", data: data, itemStyle: { color: color } }; };
      return { option: bar(d.categories, [s(t("按期完成"), d.on_time, "#16a34a"), s(t("逾期完成"), d.late_done, "#d97706"),
                                          s(t("推进中"), d.in_progress, "#2563eb")], true),
               drill: function (p) { return d.drill[p.dataIndex]; } };
    },
    plan_outcomes: function (d) {
      var series = d.series.map(function (s) { return { name: s.name, type: "bar", stack: "o", data: s.data }; });
      return { option: bar(d.categories, series, true), drill: function (p) { return d.drill[p.dataIndex]; } };
    },
    ranking: function (d) {
      var data = d.totals.map(function (t, i) {
        var color = d.vetoed[i] ? "#9ca3af" : (d.selected && d.selected[i] ? "#7f1d1d" : RED);
        return { value: t === null ? 0 : t, itemStyle: { color: color } };
      });
      var o = bar(d.categories.slice().reverse(), [{ name: t("总分"), type: "bar", data: data.slice().reverse(),
        label: { show: true, position: "right" } }], true);
      o.xAxis.max = 100; o.legend = { show: false };
      var links = d.links.slice().reverse();
      return { option: o, link: function (p) { return links[p.dataIndex]; } };
    }
  };

  Array.prototype.forEach.call(root.querySelectorAll("[data-chart]"), function (el) {
    var name = el.getAttribute("data-chart");
    var chart = echarts.init(el);
    chart.showLoading({ text: t("加载中…") });
    fetch("/api/assessment/charts/" + name + "?" + query, { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (res) {
        chart.hideLoading();
        if (!res.ok) { el.textContent = res.body.message || t("加载失败"); return; }
        if (res.body.categories && res.body.categories.length === 0) {
          chart.dispose(); el.classList.add("chart-empty"); el.textContent = t("所选范围内没有数据。"); return;
        }
        var built = BUILD[name](res.body);
        chart.setOption(built.option);
        chart.on("click", function (p) {
          if (built.link) { window.location.href = built.link(p); return; }
          open(built.drill(p));
        });
      })
      .catch(function () { chart.hideLoading(); el.textContent = t("加载失败,请刷新重试。"); });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
