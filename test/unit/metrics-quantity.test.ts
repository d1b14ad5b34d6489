// Quantities as exact nano-units and kubectl top's rounding: CPU rounded up to the millicore
// (Quantity.MilliValue), memory as whole bytes rounded up then whole MiB rounded down
// (Value()/(1024*1024)), percentages truncated. Expected values are apimachinery's for the same
// strings (resource.ParseQuantity(s).MilliValue() / .Value() / .ScaledValue(Nano), checked with
// k8s.io/apimachinery v0.36.3).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatCpu,
  formatMemory,
  formatMemoryMi,
  milliValue,
  parseQuantity,
  percentOf,
  wholeValue,
} from '../../src/kube/metrics/quantity';

test('CPU quantities: n, u, m, plain and decimal cores parse exactly', () => {
  assert.equal(parseQuantity('1234567n'), 1234567n);
  assert.equal(parseQuantity('250u'), 250_000n);
  assert.equal(parseQuantity('100m'), 100_000_000n);
  assert.equal(parseQuantity('2'), 2_000_000_000n);
  assert.equal(parseQuantity('1.1'), 1_100_000_000n, 'no binary floating point on the way');
  assert.equal(parseQuantity('0.5'), 500_000_000n);
  assert.equal(parseQuantity('.5'), 500_000_000n);
  assert.equal(parseQuantity('1.5k'), 1_500_000_000_000n);
  assert.equal(parseQuantity('12e3'), 12_000_000_000_000n);
  assert.equal(parseQuantity('1E-3'), 1_000_000n);
  assert.equal(parseQuantity('+3m'), 3_000_000n);
  assert.equal(parseQuantity('-3m'), -3_000_000n);
  assert.equal(parseQuantity(2), 2_000_000_000n, 'a number from hand-written YAML');
});

test('memory quantities: Ki, Mi, Gi (binary), k, M, G (decimal), fractions', () => {
  const bytes = (s: string) => (parseQuantity(s) ?? -1n) / 1_000_000_000n;
  assert.equal(bytes('12345Ki'), 12_641_280n);
  assert.equal(bytes('64Mi'), 67_108_864n);
  assert.equal(bytes('1.5Gi'), 1_610_612_736n);
  assert.equal(bytes('2Ti'), 2n * 2n ** 40n);
  assert.equal(bytes('100M'), 100_000_000n);
  assert.equal(bytes('1G'), 1_000_000_000n);
  assert.equal(bytes('129e6'), 129_000_000n);
  assert.equal(parseQuantity('0.1Ki'), 102_400_000_000n, '102.4 bytes, exact in nanos');
});

test('anything that is not a quantity gives no figure', () => {
  for (const bad of ['', 'abc', '1.2.3', '5 Mi', '1Ki2', '1mi', '--1', undefined, null]) assert.equal(parseQuantity(bad as string), undefined, String(bad));
  assert.equal(parseQuantity('Mi'), 0n, 'apimachinery reads a bare suffix as zero');
});

test('past nano precision a quantity rounds up, as apimachinery does', () => {
  assert.equal(parseQuantity('0.1n'), 1n);
  assert.equal(parseQuantity('1.0000000001'), 1_000_000_001n);
});

test('MilliValue rounds up; Value rounds up', () => {
  assert.equal(milliValue(parseQuantity('1234567n')!), 2n, 'metrics-server reports nanocores: 1.234567m → 2m');
  assert.equal(milliValue(parseQuantity('1000000n')!), 1n);
  assert.equal(milliValue(parseQuantity('0')!), 0n);
  assert.equal(milliValue(parseQuantity('1n')!), 1n);
  assert.equal(wholeValue(parseQuantity('0.1Ki')!), 103n, '102.4 bytes → 103');
  assert.equal(wholeValue(parseQuantity('100m')!), 1n);
});

test('formatting as kubectl top prints it', () => {
  assert.equal(formatCpu(parseQuantity('1234567n')!), '2m');
  assert.equal(formatCpu(parseQuantity('100m')!), '100m');
  assert.equal(formatCpu(parseQuantity('2')!), '2000m');
  assert.equal(formatMemoryMi(parseQuantity('12345Ki')!), '12Mi', '12.06 MiB → 12Mi (whole MiB, down)');
  assert.equal(formatMemoryMi(parseQuantity('1048575')!), '0Mi');
  assert.equal(formatMemoryMi(parseQuantity('1Gi')!), '1024Mi');
});

test('short memory for rows: Ki below a MiB, whole Mi below 10 GiB, Gi with one decimal above', () => {
  assert.equal(formatMemory(parseQuantity('1000')!), '0Ki');
  assert.equal(formatMemory(parseQuantity('500Ki')!), '500Ki');
  assert.equal(formatMemory(parseQuantity('34Mi')!), '34Mi');
  assert.equal(formatMemory(parseQuantity('9Gi')!), '9216Mi');
  assert.equal(formatMemory(parseQuantity('10Gi')!), '10Gi');
  assert.equal(formatMemory(parseQuantity('12.56Gi')!), '12.5Gi', 'one decimal, truncated');
  assert.equal(formatMemory(parseQuantity('256Gi')!), '256Gi');
});

test('percentages are whole and truncated (kubectl top node: int64 of the float ratio)', () => {
  assert.equal(percentOf(parseQuantity('999m')!, parseQuantity('1')!), 99);
  assert.equal(percentOf(parseQuantity('250m')!, parseQuantity('32')!), 0);
  assert.equal(percentOf(parseQuantity('1')!, parseQuantity('32')!), 3, '3.125% → 3');
  assert.equal(percentOf(parseQuantity('200Mi')!, parseQuantity('100Mi')!), 200, 'over 100% stays visible');
  assert.equal(percentOf(parseQuantity('1')!, parseQuantity('0')!), 0, 'kubectl prints 0% against nothing');
});
