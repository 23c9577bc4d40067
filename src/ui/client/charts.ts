// The campaign page's time chart (issue 14): uPlot (MIT, ~22 KB gzipped), its own asset (charts.<hash>.js), loaded
// only when a campaign's page opens, so the other pages never carry it. Exposes window.wabridgeCharts.
import uPlot from 'uplot';
import css from 'uplot/dist/uPlot.min.css';

export interface TimeSeries {
  /** Bucket starts, ms since the epoch. */
  at: number[];
  series: { label: string; values: number[]; color: string }[];
}

export interface ChartsApi {
  timeChart(el: HTMLElement, data: TimeSeries): { update(data: TimeSeries): void };
}

declare global {
  interface Window {
    wabridgeCharts?: ChartsApi;
  }
}

function installStyles(): void {
  if (document.getElementById('uplot-css')) return;
  const style = document.createElement('style');
  style.id = 'uplot-css';
  style.textContent = css;
  document.head.append(style);
}

const toAligned = (data: TimeSeries): uPlot.AlignedData => [
  data.at.map((ms) => ms / 1000),
  ...data.series.map((s) => s.values),
];

window.wabridgeCharts = {
  timeChart(el, data) {
    installStyles();
    const fg = getComputedStyle(document.body).color;
    const grid = getComputedStyle(document.documentElement).getPropertyValue('--line').trim() || '#d1d5db';
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const width = () => Math.max(280, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 240,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true } },
        axes: [axis, { ...axis, size: 48 }],
        series: [
          {},
          ...data.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            points: { show: true, size: 4 },
          })),
        ],
      },
      toAligned(data),
      el,
    );
    new ResizeObserver(() => plot.setSize({ width: width(), height: 240 })).observe(el);
    return { update: (next) => plot.setData(toAligned(next)) };
  },
};
