import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExecCredentialCache } from '../../src/kube/config/execCredential';
import { loadKubeconfigs } from '../../src/kube/config/kubeconfigLoad';
import { toClientNodeConfig } from '../../src/kube/config/toClientNodeConfig';
import { KubeApiError } from '../../src/kube/transport/types';

const CONFIG = `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority: pki/ca.crt
users:
- name: dev-user
  user:
    client-certificate: pki/dev.crt
    client-key: pki/missing.key
- name: sa
  user:
    tokenFile: sa-token
- name: sso
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/sso
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user, namespace: apps}
- name: sa
  context: {cluster: dev-cluster, user: sa}
- name: sso
  context: {cluster: dev-cluster, user: sso}
`;

describe('loadKubeconfigs', { timeout: 60_000 }, () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kube-atlas-load-'));
    mkdirSync(path.join(dir, 'pki'));
    writeFileSync(path.join(dir, 'pki', 'ca.crt'), 'ca');
    writeFileSync(path.join(dir, 'pki', 'dev.crt'), 'cert');
    writeFileSync(path.join(dir, 'sa-token'), 'sa-token-value');
    file = path.join(dir, 'config');
    writeFileSync(file, CONFIG);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the files, skips missing ones and reports missing certificate files with context, file and hint', async () => {
    const before = statSync(file).mtimeMs;
    const merged = await loadKubeconfigs([path.join(dir, 'absent'), file]);
    assert.deepEqual(merged.files, [
      { path: path.join(dir, 'absent'), exists: false },
      { path: file, exists: true },
    ]);
    assert.equal(merged.currentContext, 'dev');
    assert.equal(merged.problems.length, 1, JSON.stringify(merged.problems));
    const p = merged.problems[0]!;
    assert.equal(p.message, `client key file ${path.join(dir, 'pki', 'missing.key')} not found (from context dev in file ${file})`);
    assert.equal(p.context, 'dev');
    assert.equal(p.file, file);
    assert.equal(p.line, 10);
    assert.ok(p.hint.length > 0);
    assert.equal(statSync(file).mtimeMs, before, 'the kubeconfig is never written');
    assert.equal(readFileSync(file, 'utf8'), CONFIG);
  });

  it('reports when no file exists', async () => {
    const merged = await loadKubeconfigs([path.join(dir, 'nope')]);
    assert.match(merged.problems[0]!.message, /No kubeconfig found/);
  });

  describe('toClientNodeConfig', () => {
    it('holds only the one context, with absolute paths', async () => {
      const merged = await loadKubeconfigs([file]);
      const kc = toClientNodeConfig(merged, 'dev');
      assert.equal(kc.getCurrentContext(), 'dev');
      assert.equal(kc.getContexts().length, 1);
      assert.equal(kc.getContextObject('dev')?.namespace, 'apps');
      assert.equal(kc.getCurrentCluster()?.caFile, path.join(dir, 'pki', 'ca.crt'));
      assert.equal(kc.getCurrentUser()?.certFile, path.join(dir, 'pki', 'dev.crt'));
    });

    it('throws a credentials error with a hint for an unknown context, cluster or user', async () => {
      const merged = await loadKubeconfigs([file]);
      assert.throws(
        () => toClientNodeConfig(merged, 'nope'),
        (e: unknown) => e instanceof KubeApiError && e.kind === 'credentials' && /Pick one of: dev, sa, sso/.test(e.hint ?? ''),
      );
      merged.contexts.push({ name: 'broken', cluster: 'ghost', user: 'sa', file });
      assert.throws(
        () => toClientNodeConfig(merged, 'broken'),
        (e: unknown) => e instanceof KubeApiError && e.kind === 'credentials' && /cluster "ghost"/.test(e.message),
      );
    });

    it('re-reads token files through client-node’s FileAuth', async () => {
      const merged = await loadKubeconfigs([file]);
      const opts: RequestOptions = {};
      await toClientNodeConfig(merged, 'sa').applyToHTTPSOptions(opts);
      assert.equal((opts.headers as Record<string, string>).Authorization, 'Bearer sa-token-value');
    });

    it('routes exec plugins through a shared ExecCredentialCache when given one', async () => {
      const merged = await loadKubeconfigs([file]);
      let runs = 0;
      const cache = new ExecCredentialCache({
        run: async (r) => {
          runs++;
          assert.equal(r.exec.command, path.join(dir, 'bin', 'sso'));
          return { token: 'from-cache' };
        },
      });
      for (let i = 0; i < 3; i++) {
        const opts: RequestOptions = {};
        await toClientNodeConfig(merged, 'sso', { execCredentials: cache }).applyToHTTPSOptions(opts);
        assert.equal((opts.headers as Record<string, string>).Authorization, 'Bearer from-cache');
      }
      assert.equal(runs, 1);
    });
  });
});
