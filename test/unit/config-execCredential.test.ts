import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExecCredentialCache, runExecPlugin } from '../../src/kube/config/execCredential';
import type { ClusterEntry, ExecConfig, UserEntry } from '../../src/kube/config/types';
import { KubeApiError } from '../../src/kube/transport/types';
import { waitFor } from '../support/waitFor';

// A credential plugin written in node: the behaviour is picked by MODE so one script covers the
// well-behaved plugin and each way a real one goes wrong.
const PLUGIN = `
const fs = require('node:fs');
const mode = process.env.MODE;
if (process.env.RUNS_FILE) fs.appendFileSync(process.env.RUNS_FILE, 'run\\n');
if (process.env.INFO_FILE) fs.writeFileSync(process.env.INFO_FILE, process.env.KUBERNETES_EXEC_INFO || '');
if (process.env.PID_FILE) fs.writeFileSync(process.env.PID_FILE, String(process.pid));
const cred = (status) => process.stdout.write(JSON.stringify({
  apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status }));
switch (mode) {
  case 'ok': {
    const status = { token: process.env.TOKEN || 'tok-' + Date.now() };
    if (process.env.EXPIRES) status.expirationTimestamp = process.env.EXPIRES;
    cred(status);
    break;
  }
  case 'hang':
    process.stderr.write('Opening browser for login at https://login.example/device\\n');
    if (process.env.IGNORE_TERM) process.on('SIGTERM', () => process.stderr.write('ignoring SIGTERM\\n'));
    setInterval(() => {}, 1000);
    break;
  case 'fail':
    process.stderr.write('x'.repeat(5000) + '\\nerror: refresh token expired; run login\\n');
    process.exit(1);
  case 'garbage':
    process.stdout.write('Token: secret-should-not-leak');
    break;
  case 'wrong-version':
    process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 't' } }));
    break;
}
`;

describe('exec credential plugins', { timeout: 60_000 }, () => {
  let dir: string;
  let script: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kube-atlas-exec-'));
    script = path.join(dir, 'plugin.js');
    writeFileSync(script, PLUGIN);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  const exec = (mode: string, extraEnv: Record<string, string> = {}, more: Partial<ExecConfig> = {}): ExecConfig => ({
    command: process.execPath,
    args: [script],
    env: Object.entries({ MODE: mode, ...extraEnv }).map(([name, value]) => ({ name, value })),
    apiVersion: 'client.authentication.k8s.io/v1',
    ...more,
  });
  const user = (e: ExecConfig): UserEntry => ({ name: `user-${++n}`, exec: e, file: '/k/config' });
  const runsFile = (): string => {
    const f = path.join(dir, `runs-${++n}`);
    writeFileSync(f, '');
    return f;
  };
  const runs = (f: string): number => readFileSync(f, 'utf8').split('\n').filter(Boolean).length;

  it('runs the plugin with argument arrays and returns its token', async () => {
    const cred = await runExecPlugin({ userName: 'u', exec: exec('ok', { TOKEN: 'abc' }), timeoutMs: 10_000 });
    assert.equal(cred.token, 'abc');
    assert.equal(cred.expiresAt, undefined);
  });

  it('passes KUBERNETES_EXEC_INFO, with the cluster only when provideClusterInfo is set', async () => {
    const info = path.join(dir, 'info.json');
    const cluster: ClusterEntry = {
      name: 'c',
      server: 'https://api.example:6443',
      certificateAuthorityData: Buffer.from('PEM').toString('base64'),
      tlsServerName: 'kubernetes',
      file: '/k',
    };
    await runExecPlugin({ userName: 'u', exec: exec('ok', { INFO_FILE: info }), cluster, timeoutMs: 10_000 });
    assert.deepEqual(JSON.parse(readFileSync(info, 'utf8')), {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: false },
    });
    await runExecPlugin({
      userName: 'u',
      exec: exec('ok', { INFO_FILE: info }, { provideClusterInfo: true }),
      cluster,
      timeoutMs: 10_000,
    });
    assert.deepEqual(JSON.parse(readFileSync(info, 'utf8')).spec, {
      interactive: false,
      cluster: {
        server: 'https://api.example:6443',
        'tls-server-name': 'kubernetes',
        'certificate-authority-data': cluster.certificateAuthorityData,
      },
    });
  });

  it('times out a hanging plugin within the deadline, reporting its stderr and a hint', async () => {
    const started = Date.now();
    const err = await runExecPlugin({ userName: 'sso', exec: exec('hang'), timeoutMs: 3000 }).then(
      () => assert.fail('should time out'),
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    assert.ok(err instanceof KubeApiError);
    assert.equal(err.kind, 'credentials');
    assert.match(err.message, /did not finish within 3 s/);
    assert.match(err.message, /Opening browser for login at https:\/\/login\.example\/device/);
    assert.match(err.hint ?? '', /in a terminal/);
    assert.ok(elapsed < 3000 + 1500, `rejected after ${elapsed} ms`);
  });

  it('kills a plugin that ignores SIGTERM with SIGKILL', async () => {
    const pidFile = path.join(dir, 'pid');
    await runExecPlugin({
      userName: 'u',
      exec: exec('hang', { IGNORE_TERM: '1', PID_FILE: pidFile }),
      timeoutMs: 2000,
      killGraceMs: 200,
    }).catch(() => {});
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(pid > 0);
    await until(() => !alive(pid), 5000, `plugin ${pid} still running`);
  });

  it('reports a non-zero exit with the tail of stderr', async () => {
    const err = (await runExecPlugin({ userName: 'u', exec: exec('fail'), timeoutMs: 10_000 }).catch((e: unknown) => e)) as KubeApiError;
    assert.equal(err.kind, 'credentials');
    assert.match(err.message, /exited with code 1/);
    assert.match(err.message, /refresh token expired; run login$/);
    assert.ok(err.message.length < 2300, `message is ${err.message.length} chars`);
    assert.match(err.hint ?? '', new RegExp(`Run \`${escapeRegExp(process.execPath)} ${escapeRegExp(script)}\``));
  });

  it('explains bad output without echoing it', async () => {
    const err = (await runExecPlugin({ userName: 'u', exec: exec('garbage'), timeoutMs: 10_000 }).catch((e: unknown) => e)) as KubeApiError;
    assert.equal(err.kind, 'credentials');
    assert.match(err.message, /output that is not JSON/);
    assert.doesNotMatch(err.message, /secret-should-not-leak/);
    const wrong = (await runExecPlugin({ userName: 'u', exec: exec('wrong-version'), timeoutMs: 10_000 }).catch((e: unknown) => e)) as KubeApiError;
    assert.match(wrong.message, /apiVersion "client.authentication.k8s.io\/v1beta1" but the kubeconfig asks for client.authentication.k8s.io\/v1/);
  });

  it('gives the installHint when the command does not exist', async () => {
    const err = (await runExecPlugin({
      userName: 'u',
      exec: { ...exec('ok'), command: 'kube-atlas-no-such-plugin', installHint: 'brew install no-such-plugin' },
      timeoutMs: 10_000,
    }).catch((e: unknown) => e)) as KubeApiError;
    assert.equal(err.kind, 'credentials');
    assert.match(err.message, /was not found/);
    assert.equal(err.hint, 'brew install no-such-plugin');
  });

  it('caches a credential until shortly before it expires', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const cache = new ExecCredentialCache({ now: () => now, skewMs: 10_000 });
    const f = runsFile();
    const u = user(exec('ok', { RUNS_FILE: f, EXPIRES: '2030-01-01T01:00:00Z' }));
    const first = await cache.get(u);
    assert.equal(first.expiresAt, Date.parse('2030-01-01T01:00:00Z'));
    now += 59 * 60_000; // 59 min later: still valid beyond the skew
    assert.deepEqual(await cache.get(u), first);
    assert.equal(runs(f), 1);
    now += 55_000; // 5 s before expiry: inside the skew
    await cache.get(u);
    assert.equal(runs(f), 2);
  });

  it('caches a credential without expiry until invalidated', async () => {
    const cache = new ExecCredentialCache();
    const f = runsFile();
    const u = user(exec('ok', { RUNS_FILE: f }));
    const a = await cache.get(u);
    const b = await cache.get(u);
    assert.equal(a.token, b.token);
    assert.equal(runs(f), 1);
    cache.invalidate(u.name);
    await cache.get(u);
    assert.equal(runs(f), 2);
  });

  it('takes a new plugin deadline when the setting changes, without a new cache', async () => {
    const cache = new ExecCredentialCache({ timeoutMs: 60_000 });
    cache.setTimeoutMs(1000);
    const started = Date.now();
    const err = await cache.get(user(exec('hang'))).then(
      () => assert.fail('should time out'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof KubeApiError);
    assert.match(err.message, /did not finish within 1 s/);
    assert.ok(Date.now() - started < 5_000, 'cut at the new deadline, not the one the cache was made with');
  });

  it('shares one plugin run between concurrent callers for a user', async () => {
    const cache = new ExecCredentialCache();
    const f = runsFile();
    const u = user(exec('ok', { RUNS_FILE: f }));
    const creds = await Promise.all(Array.from({ length: 8 }, () => cache.get(u)));
    assert.equal(runs(f), 1);
    assert.equal(new Set(creds.map((c) => c.token)).size, 1);
  });

  it('does not cache failures', async () => {
    const cache = new ExecCredentialCache();
    const f = runsFile();
    const u = user(exec('fail', { RUNS_FILE: f }));
    await assert.rejects(cache.get(u), KubeApiError);
    await assert.rejects(cache.get(u), KubeApiError);
    assert.equal(runs(f), 2);
  });

  it('refuses interactive-only plugins with a hint', async () => {
    const err = (await runExecPlugin({
      userName: 'u',
      exec: exec('ok', {}, { interactiveMode: 'Always' }),
      timeoutMs: 10_000,
    }).catch((e: unknown) => e)) as KubeApiError;
    assert.equal(err.kind, 'credentials');
    assert.match(err.hint ?? '', /in a terminal/);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  await waitFor(cond, { timeoutMs, what });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

