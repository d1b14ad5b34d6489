import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Throttle } from '../../src/kube/util/throttle';
import { waitFor } from '../support/waitFor';

test('an isolated call runs on the next turn; a burst runs at most once per window', async () => {
  let runs = 0;
  const t = new Throttle(() => runs++, 200);
  t.schedule();
  t.schedule();
  assert.equal(runs, 0, 'not synchronously');
  await waitFor(() => runs === 1, { what: 'leading-edge run', timeoutMs: 100 });
  const at = Date.now();
  t.schedule();
  t.schedule();
  await waitFor(() => runs === 2, { what: 'trailing run', timeoutMs: 1000 });
  assert.ok(Date.now() - at >= 150, 'the second run waited for the window');
  t.schedule();
  t.cancel();
  assert.equal(runs, 2);
});
