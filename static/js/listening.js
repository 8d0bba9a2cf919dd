/* Social listening: one Chart.js chart per topic, mentions as bars and their average sentiment
   (−1 … 1) as a line on a second axis. Data comes from the page's json_script "listening-data",
   keyed by topic id; each canvas names its topic in data-listening-chart. A click on a bar opens
   the mentions of that hour (or day). */
(function () {
  "use strict";
  const source = document.getElementById("listening-data");
  if (!source || !window.Chart) return;
  const charts = JSON.parse(source.textContent);

  document.querySelectorAll("canvas[data-listening-chart]").forEach(function (canvas) {
    const data = charts[canvas.dataset.listeningChart];
    if (!data) return;
    new window.Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          {
            type: "bar",
            label: "Mentions",
            data: data.volume,
            backgroundColor: "rgba(31, 58, 95, 0.55)",
            yAxisID: "y",
            order: 2,
          },
          {
            type: "line",
            label: "Average sentiment",
            data: data.sentiment,
            borderColor: "#c0392b",
            backgroundColor: "#c0392b",
            pointRadius: data.labels.length > 60 ? 0 : 2,
            spanGaps: true,
            tension: data.labels.length > 60 ? 0 : 0.25,
            yAxisID: "sentiment",
            order: 1,
          },
        ],
      },
      options: {
        maintainAspectRatio: false,
        onClick: function (event, elements) {
          // A bar (or a point) opens the mentions behind it: that topic, that hour or day.
          if (!elements.length || !data.starts) return;
          const index = elements[0].index;
          const url = new URL(canvas.dataset.mentionsUrl, window.location.origin);
          url.searchParams.set("since", data.starts[index]);
          url.searchParams.set("until", data.starts[index + 1]);
          window.location.assign(url.pathname + url.search);
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { ticks: { autoSkip: true, maxTicksLimit: 14, maxRotation: 0 } },
          y: { beginAtZero: true, title: { display: true, text: "Mentions" }, ticks: { precision: 0 } },
          sentiment: {
            position: "right",
            min: -1,
            max: 1,
            title: { display: true, text: "Sentiment" },
            grid: { drawOnChartArea: false },
          },
        },
      },
    });
  });
})();
