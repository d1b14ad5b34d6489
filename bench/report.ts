// One way to print a figure: a readable line, or (with --json) one JSON object per figure:
// { name, value, unit, ratio?, reference?, goal? } where ratio = value / reference measured in the
// same run, and goal is the target the issue set (printed, never asserted).
export interface Figure {
  name: string;
  value: number;
  unit: string;
  reference?: { name: string; value: number };
  ratio?: number;
  goal?: string;
}

const json = process.argv.includes('--json') || process.env.KUBE_ATLAS_BENCH_JSON === '1';

export function report(f: Figure): void {
  const out: Figure = { ...f, value: round(f.value) };
  if (f.reference) {
    out.reference = { ...f.reference, value: round(f.reference.value) };
    out.ratio = round(f.value / f.reference.value, 3);
  }
  if (json) console.log(JSON.stringify(out));
  else console.log(`${f.name}: ${out.value} ${f.unit}${out.reference ? `   (${out.reference.name}: ${out.reference.value} ${f.unit}; ratio ${out.ratio})` : ''}${f.goal ? `   [goal ${f.goal}]` : ''}`);
}

/** p50 and p95 of `samples` as two figures, each against the same percentile of `ref`. */
export function reportPercentiles(name: string, samples: number[], ref: { name: string; samples: number[] } | undefined, goal?: { p50?: string; p95?: string }): void {
  for (const p of [50, 95] as const) {
    report({
      name: `${name}, p${p}`,
      value: percentile(samples, p),
      unit: 'ms',
      ...(ref?.samples.length ? { reference: { name: `${ref.name}, p${p}`, value: percentile(ref.samples, p) } } : {}),
      ...(goal?.[`p${p}`] ? { goal: goal[`p${p}`] } : {}),
    });
  }
}

/** Wall-clock milliseconds since `t` (a process.hrtime.bigint()). */
export function since(t: bigint): number {
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Pauses: benchmarks pace their own load (never used to wait for a condition). */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Uniformly random milliseconds in [min, max]: changes at random intervals, not paced to a throttle. */
export function jitter(min: number, max: number): number {
  return min + Math.random() * (max - min);
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

/** Runs a bench's main(): exit 0 when it finishes, the stack and exit 1 when it throws. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e instanceof Error ? e.stack : String(e));
      process.exit(1);
    },
  );
}
