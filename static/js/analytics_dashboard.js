/* The analytics dashboard's charts (Chart.js): the time series with a figure picker, department
   and theme bars, KPI sparklines. Data comes from the page's json_script "dashboard-data"; a click
   on a point or a bar opens the drill-down with the page's filters. */
(function () {
  "use strict";

  function drillUrl(base, changes) {
    const url = new URL(base, window.location.origin);
    Object.entries(changes).forEach(([key, value]) => url.searchParams.set(key, value));
    return url.pathname + url.search;
  }

  function seriesChart(data) {
    const canvas = document.getElementById("series-chart");
    if (!canvas || !window.Chart) return;
    const picker = document.getElementById("series-metric");
    const hidden = document.getElementById("f_metric_hidden");
    const series = data.series;
    const dataset = (metric) => ({
      label: series.metrics[metric].label,
      data: series.metrics[metric].values,
      borderColor: "#1f3a5f",
      backgroundColor: "rgba(31, 58, 95, 0.15)",
      fill: true,
      tension: 0.25,
      pointRadius: series.labels.length > 60 ? 1 : 3,
      pointHoverRadius: 6,
    });
    const chart = new window.Chart(canvas, {
      type: "line",
      data: { labels: series.labels, datasets: [dataset(data.metric)] },
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { callback: (v) => Number(v).toLocaleString() } } },
        onClick: (event, elements) => {
          if (!elements.length) return;
          const point = series.labels[elements[0].index];
          window.location.href = drillUrl(data.drilldown, { point: point, period: series.period });
        },
        onHover: (event, elements) => {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
      },
    });
    if (picker) {
      picker.addEventListener("change", () => {
        chart.data.datasets = [dataset(picker.value)];
        chart.update();
        if (hidden) hidden.value = picker.value;
        const url = new URL(window.location.href);
        url.searchParams.set("metric", picker.value);
        window.history.replaceState(null, "", url.pathname + url.search);
      });
    }
  }

  function barChart(id, bars, param, values, label, suffix) {
    const canvas = document.getElementById(id);
    if (!canvas || !window.Chart || !bars.labels.length) return;
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: bars.labels, datasets: [{ label: label, data: bars[values], backgroundColor: "#3b6ea5" }] },
      options: {
        maintainAspectRatio: false,
        animation: false,
        indexAxis: "y",
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (ctx) => `${label}: ${Number(ctx.raw).toLocaleString()}${suffix}` } },
        },
        onClick: (event, elements) => {
          if (!elements.length) return;
          const key = bars.keys[elements[0].index];
          if (key !== null) window.location.href = drillUrl(data().drilldown, { [param]: key });
        },
        onHover: (event, elements) => {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
      },
    });
  }

  function sparklines() {
    document.querySelectorAll("canvas.kpi-sparkline").forEach((canvas) => {
      const values = (canvas.dataset.values || "").split(",").map((v) => (v === "None" || v === "" ? null : Number(v)));
      if (!window.Chart || values.filter((v) => v !== null).length < 2) return;
      new window.Chart(canvas, {
        type: "line",
        data: { labels: values.map((_, i) => i), datasets: [{ data: values, borderColor: "#6c757d", borderWidth: 2, pointRadius: 0, spanGaps: true }] },
        options: {
          maintainAspectRatio: false,
          animation: false,
          events: [],
          plugins: { legend: { display: false }, tooltip: { enabled: false } },
          scales: { x: { display: false }, y: { display: false } },
        },
      });
    });
  }

  let cached = null;
  function data() {
    if (cached === null) {
      const element = document.getElementById("dashboard-data");
      cached = element ? JSON.parse(element.textContent) : {};
    }
    return cached;
  }

  function rangePicker() {
    // A preset clears the custom dates (they would win over it); a date typed picks "custom".
    const range = document.getElementById("f_range");
    const dates = [document.getElementById("f_since"), document.getElementById("f_until")];
    if (!range) return;
    range.addEventListener("change", () => {
      if (range.value !== "custom") dates.forEach((input) => input && (input.value = ""));
    });
    dates.forEach((input) => input && input.addEventListener("change", () => { range.value = "custom"; }));
  }

  document.addEventListener("DOMContentLoaded", () => {
    rangePicker();
    sparklines();
    const d = data();
    if (!d.series) return;
    seriesChart(d);
    barChart("department-chart", d.departments, "department", "engagements", "Engagements", "");
    barChart("theme-chart", d.themes, "theme", "rate", "Engagement rate", " %");
  });
})();
