// One way to print a figure: a readable line, or (with --json) one JSON object per figure:
// { name, value, unit, ratio?, reference? } where ratio = value / reference measured in the same run.
export interface Figure {
  name: string;
  value: number;
  unit: string;
  reference?: { name: string; value: number };
  ratio?: number;
}

const json = process.argv.includes('--json') || process.env.KUBE_ATLAS_BENCH_JSON === '1';

export function report(f: Figure): void {
  const out: Figure = { ...f, value: round(f.value) };
  if (f.reference) {
    out.reference = { ...f.reference, value: round(f.reference.value) };
    out.ratio = round(f.value / f.reference.value, 3);
  }
  if (json) console.log(JSON.stringify(out));
  else console.log(`${f.name}: ${out.value} ${f.unit}${out.reference ? `   (${out.reference.name}: ${out.reference.value} ${f.unit}; ratio ${out.ratio})` : ''}`);
}

export function note(text: string): void {
  if (!json) console.log(`  ${text}`);
  else console.error(text);
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

function round(v: number, digits = 2): number {
  const m = 10 ** digits;
  return Math.round(v * m) / m;
}
