// The bench chart, as plain SVG (no chart library): left, round-trip latency by percentile for
// every transport (log scale, "nines" on the x axis); right, one-way GB/s per message size.
import type { Summary } from './report.js';
import type { RunResult } from './results.js';
import type { Machine } from './machine.js';

const COLORS = ['#444444', '#999999', '#d62728', '#ff7f0e', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const W = 1100;
const H = 480;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Panel {
  x: number;
  y: number;
  w: number;
  h: number;
}

function axisLog(lo: number, hi: number): { lo: number; hi: number; ticks: number[] } {
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const ticks: number[] = [];
  for (let e = a; e <= b; e++) ticks.push(10 ** e);
  return { lo: 10 ** a, hi: 10 ** b, ticks };
}

const ns = (v: number) => (v >= 1e6 ? `${v / 1e6} ms` : v >= 1e3 ? `${v / 1e3} µs` : `${v} ns`);
const gb = (v: number) => `${v} GB/s`;
const size = (b: number) => (b >= 1 << 20 ? `${b / (1 << 20)} MiB` : b >= 1024 ? `${b / 1024} KiB` : `${b} B`);

function latencyPanel(s: Summary, p: Panel, color: (id: string) => string): string {
  const rows = s.latency;
  if (rows.length === 0) return '';
  const nines = (q: number) => -Math.log10(1 - Math.min(q, 99.99) / 100);
  const pts = rows.flatMap((r) => r.latency.percentiles.filter(([q]) => q < 100).map(([, v]) => Math.max(v, 1)));
  const ax = axisLog(Math.min(...pts), Math.max(...pts));
  const X = (q: number) => p.x + (nines(q) / 4) * p.w;
  const Y = (v: number) => p.y + p.h - ((Math.log10(Math.max(v, 1)) - Math.log10(ax.lo)) / (Math.log10(ax.hi) - Math.log10(ax.lo))) * p.h;
  const out: string[] = [`<text x="${p.x}" y="${p.y - 12}" class="t">Round trip, 64 B: latency by percentile</text>`];
  for (const t of ax.ticks) out.push(`<line x1="${p.x}" x2="${p.x + p.w}" y1="${Y(t)}" y2="${Y(t)}" class="g"/><text x="${p.x - 6}" y="${Y(t) + 4}" text-anchor="end">${ns(t)}</text>`);
  for (const q of [0, 90, 99, 99.9, 99.99]) out.push(`<line x1="${X(q)}" x2="${X(q)}" y1="${p.y}" y2="${p.y + p.h}" class="g"/><text x="${X(q)}" y="${p.y + p.h + 16}" text-anchor="middle">p${q}</text>`);
  for (const r of rows) {
    const line = r.latency.percentiles.filter(([q]) => q < 100).map(([q, v]) => `${X(q).toFixed(1)},${Y(v).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${line}" fill="none" stroke="${color(r.id)}" stroke-width="2"/>`);
  }
  return out.join('\n');
}

function throughputPanel(s: Summary, p: Panel, color: (id: string) => string): string {
  const rows = s.throughput;
  if (rows.length === 0) return '';
  const sizes = [...new Set(rows.map((r) => r.bytes))];
  const ids = [...new Set(rows.map((r) => r.id))];
  const ax = axisLog(Math.max(1e-3, Math.min(...rows.map((r) => r.gbPerSecond))), Math.max(...rows.map((r) => r.gbPerSecond)));
  const Y = (v: number) => p.y + p.h - ((Math.log10(Math.max(v, ax.lo)) - Math.log10(ax.lo)) / (Math.log10(ax.hi) - Math.log10(ax.lo))) * p.h;
  const group = p.w / sizes.length;
  const bar = (group * 0.8) / ids.length;
  const out: string[] = [`<text x="${p.x}" y="${p.y - 12}" class="t">One way: GB/s by message size</text>`];
  for (const t of ax.ticks) out.push(`<line x1="${p.x}" x2="${p.x + p.w}" y1="${Y(t)}" y2="${Y(t)}" class="g"/><text x="${p.x - 6}" y="${Y(t) + 4}" text-anchor="end">${gb(t)}</text>`);
  sizes.forEach((b, gi) => {
    const gx = p.x + gi * group + group * 0.1;
    out.push(`<text x="${gx + group * 0.4}" y="${p.y + p.h + 16}" text-anchor="middle">${size(b)}</text>`);
    ids.forEach((id, i) => {
      const r = rows.find((x) => x.bytes === b && x.id === id);
      if (!r) return;
      const y = Y(r.gbPerSecond);
      out.push(`<rect x="${(gx + i * bar).toFixed(1)}" y="${y.toFixed(1)}" width="${(bar - 1).toFixed(1)}" height="${(p.y + p.h - y).toFixed(1)}" fill="${color(id)}"><title>${esc(r.label)} ${size(b)}: ${r.gbPerSecond.toFixed(3)} GB/s</title></rect>`);
    });
  });
  return out.join('\n');
}

export function renderChart(s: Summary, _runs: RunResult[], m: Machine): string {
  const ids = [...new Set([...s.latency.map((r) => r.id), ...s.throughput.map((r) => r.id)])];
  const labels = new Map([...s.latency, ...s.throughput].map((r) => [r.id, r.label]));
  const color = (id: string) => COLORS[ids.indexOf(id) % COLORS.length]!;
  const legend = ids
    .map((id, i) => `<rect x="${70 + (i % 4) * 260}" y="${H - 44 + Math.floor(i / 4) * 18}" width="12" height="12" fill="${color(id)}"/><text x="${88 + (i % 4) * 260}" y="${H - 34 + Math.floor(i / 4) * 18}">${esc(labels.get(id) ?? id)}</text>`)
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + 20}" viewBox="0 0 ${W} ${H + 20}" font-family="sans-serif" font-size="11">
<style>.g{stroke:#ddd;stroke-width:1}.t{font-size:13px;font-weight:bold}</style>
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="18" font-size="12">${esc(`twinmap benchmark · ${m.date.slice(0, 16).replace('T', ' ')} UTC · ${m.cpuModel}, ${m.cores} cores · Node ${m.node} · .NET ${m.dotnet} · ${s.runs} run(s): latency from the median run, throughput from the best`)}</text>
${latencyPanel(s, { x: 70, y: 60, w: 420, h: 330 }, color)}
${throughputPanel(s, { x: 620, y: 60, w: 450, h: 330 }, color)}
${legend}
</svg>
`;
}
