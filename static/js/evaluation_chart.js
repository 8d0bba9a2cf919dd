/* The evaluation report's chart (Chart.js): each candidate's weighted total (0–100) as a horizontal
   bar, the recommended one in green. Data comes from the page's json_script
   "evaluation-chart-data". No animation, so it prints as shown. */
(function () {
  "use strict";

  function draw() {
    const canvas = document.getElementById("evaluation-chart");
    const source = document.getElementById("evaluation-chart-data");
    if (!canvas || !source || !window.Chart) return;
    const data = JSON.parse(source.textContent);
    const chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{
          label: "Weighted total",
          data: data.overall,
          backgroundColor: data.recommended.map((r) => (r ? "#198754" : "#8a9bb0")),
        }],
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => (item.raw === null ? "not scored" : item.raw.toFixed(1) + " / 100") } },
        },
        scales: { x: { min: 0, max: 100, title: { display: true, text: "Weighted total (0–100)" } } },
      },
    });
    window.addEventListener("beforeprint", () => chart.resize());
    window.addEventListener("afterprint", () => chart.resize());
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
