// A bar chart drawn by chart.js on a canvas (CSP-safe: no inline script or style), named by
// aria-label, with a visually hidden table of the same numbers for screen readers.
import { useEffect, useRef } from "preact/hooks";
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import type { ChartData } from "../../lib/reports";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

// Distinct, AA-contrast colours on white (also told apart by the legend's order and the table).
const COLOURS = ["#0b5394", "#1d6b2f", "#a61b1b", "#7a4d00", "#5b2a86", "#00636b"];

interface Props {
  title: string;
  data: ChartData;
  rowHeader: string;
}

export function BarChart({ title, data, rowHeader }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map((d, i) => ({ label: d.label, data: d.data,
          backgroundColor: COLOURS[i % COLOURS.length], borderColor: COLOURS[i % COLOURS.length] })),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0, color: "#111" } }, x: { ticks: { color: "#111" } } },
        plugins: { legend: { labels: { color: "#111", font: { size: 16 } } } },
      },
    });
    return () => chart.destroy();
  }, [data]);

  return (
    <figure class="chart">
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
      <figcaption>{title}</figcaption>
      <table class="sr-only">
        <caption>{title}</caption>
        <thead><tr><th scope="col">{rowHeader}</th>{data.datasets.map((d) => <th scope="col">{d.label}</th>)}</tr></thead>
        <tbody>
          {data.labels.map((label, r) => (
            <tr><th scope="row">{label}</th>{data.datasets.map((d) => <td>{d.data[r]}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
