/* Maturity charts (Chart.js): a radar of the score per competency, latest against the previous
   assessment, and the overall score over time. Data comes from the page's json_script
   "maturity-chart-data". No animation, so the charts are drawn at once. */
(function () {
  "use strict";

  function draw() {
    const source = document.getElementById("maturity-chart-data");
    if (!source || !window.Chart) return;
    const data = JSON.parse(source.textContent);
    const radar = document.getElementById("maturity-radar");
    if (radar && data.latest.length) {
      const datasets = [{
        label: data.latest_label || "Latest", data: data.latest, borderColor: "#1f3a5f",
        backgroundColor: "rgba(31, 58, 95, 0.25)", pointBackgroundColor: "#1f3a5f",
      }];
      if (data.previous.length) {
        datasets.push({
          label: data.previous_label || "Previous", data: data.previous, borderColor: "#8a9bb0",
          backgroundColor: "rgba(138, 155, 176, 0.15)", borderDash: [4, 4], pointBackgroundColor: "#8a9bb0",
        });
      }
      new window.Chart(radar, {
        type: "radar",
        data: { labels: data.labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          scales: { r: { min: 0, max: 100, ticks: { stepSize: 25, backdropColor: "transparent" } } },
        },
      });
    }
    const history = document.getElementById("maturity-history");
    if (history && data.history.labels.length) {
      new window.Chart(history, {
        type: "line",
        data: {
          labels: data.history.labels,
          datasets: [
            { label: "Overall score", data: data.history.overall, borderColor: "#1f3a5f", backgroundColor: "#1f3a5f", yAxisID: "y", tension: 0.2 },
            { label: "Level", data: data.history.level, borderColor: "#c2410c", backgroundColor: "#c2410c", yAxisID: "level", stepped: true },
          ],
        },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: "index", intersect: false },
          scales: {
            y: { min: 0, max: 100, title: { display: true, text: "Overall" } },
            level: { position: "right", min: 0, max: 5, ticks: { stepSize: 1 }, grid: { drawOnChartArea: false }, title: { display: true, text: "Level" } },
          },
        },
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
