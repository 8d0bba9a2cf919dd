/* The ROI report's chart (Chart.js): investment and value per quarter as bars, ROI % as a line on
   its own axis. Data comes from the page's json_script "roi-chart-data". No animation, so the
   chart is drawn at once (and prints as shown); it is resized before and after printing. */
(function () {
  "use strict";

  function draw() {
    const canvas = document.getElementById("roi-chart");
    const source = document.getElementById("roi-chart-data");
    if (!canvas || !source || !window.Chart) return;
    const data = JSON.parse(source.textContent);
    const money = (v) => Number(v).toLocaleString(undefined, { maximumFractionDigits: 0 }) + " " + data.currency;
    const chart = new window.Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: "Investment", data: data.investment, backgroundColor: "#8a9bb0", yAxisID: "y", order: 2 },
          { type: "bar", label: "Value", data: data.value, backgroundColor: "#1f3a5f", yAxisID: "y", order: 2 },
          {
            type: "line", label: "ROI %", data: data.roi, borderColor: "#c2410c", backgroundColor: "#c2410c",
            yAxisID: "roi", tension: 0.2, pointRadius: 4, spanGaps: false, order: 1,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) => item.dataset.yAxisID === "roi"
                ? `ROI: ${item.raw === null ? "—" : item.raw.toFixed(1) + " %"}`
                : `${item.dataset.label}: ${money(item.raw)}`,
            },
          },
        },
        scales: {
          y: { beginAtZero: true, title: { display: true, text: data.currency }, ticks: { callback: (v) => Number(v).toLocaleString() } },
          roi: {
            position: "right", grid: { drawOnChartArea: false },
            title: { display: true, text: "ROI %" }, ticks: { callback: (v) => v + " %" },
          },
        },
      },
    });
    window.addEventListener("beforeprint", () => chart.resize());
    window.addEventListener("afterprint", () => chart.resize());
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
