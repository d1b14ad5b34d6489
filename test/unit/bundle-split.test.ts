// The shipped bundle is three files (esbuild.mjs): requiring dist/extension.js, which is all that
// activation does, must not load dist/undici.js nor dist/clientNode.js; those load on first use
// and work on their own (clientNode.js shares undici.js). Runs on the dist/ the test build made.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '../../..');
const dist = join(root, 'dist');

/**
 * Requires `file` in a fresh Node and prints the dist files it loaded. `vscode` exists only inside
 * the extension host; loading (not activating) the bundle needs just a module of that name.
 */
function loadedBy(file: string): string[] {
  const script = `
    const Module = require('node:module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
    };
    require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: {} };
    require(${JSON.stringify(file)});
    const distDir = ${JSON.stringify(dist)};
    console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.startsWith(distDir)).map((k) => k.slice(distDir.length + 1))));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
}

describe('the extension bundle is split so activation loads only what it needs', () => {
  it('the build wrote the four bundles', () => {
    for (const f of ['extension.js', 'undici.js', 'clientNode.js', 'ws.js']) assert.ok(existsSync(join(dist, f)), `dist/${f} exists`);
  });

  it('requiring dist/extension.js loads none of undici.js, clientNode.js, ws.js', () => {
    assert.deepEqual(loadedBy(join(dist, 'extension.js')), ['extension.js']);
    const text = readFileSync(join(dist, 'extension.js'), 'utf8');
    // They are required from the bundle by these relative names (so the .vsix must carry them).
    assert.match(text, /require\("\.\/undici\.js"\)/);
    assert.match(text, /require\("\.\/clientNode\.js"\)/);
    assert.match(text, /require\("\.\/ws\.js"\)/);
    // And their code is not inside it.
    assert.doesNotMatch(text, /class KubeConfig\b/);
    assert.doesNotMatch(text, /class WebSocketServer\b/);
    // A tripwire for either of them coming back whole (undici alone is ~1.1 MB unminified): the
    // bundle's own size grows with features (800 KB with resource usage, this test build being
    // unminified), and its load time is what the bench measures.
    assert.ok(text.length < 900_000, `dist/extension.js is ${text.length} bytes`);
  });

  it('dist/clientNode.js loads on its own, shares dist/undici.js, and computes an auth-provider header', async () => {
    assert.deepEqual(loadedBy(join(dist, 'clientNode.js')).sort(), ['clientNode.js', 'undici.js']);
    const { KubeConfig } = require(join(dist, 'clientNode.js')) as typeof import('@kubernetes/client-node');
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const idToken = `${part({ alg: 'none' })}.${part({ sub: 'ann', exp: 4102444800 })}.sig`;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: false }],
      users: [{ name: 'u', authProvider: { name: 'oidc', config: { 'id-token': idToken, 'client-id': 'kube', 'idp-issuer-url': 'https://idp.invalid' } } }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const opts: { headers: Record<string, string> } = { headers: {} };
    await kc.applyToHTTPSOptions(opts);
    assert.equal(opts.headers.Authorization, `Bearer ${idToken}`);
  });

  it('dist/undici.js is the HTTP client the transport uses', () => {
    const undici = require(join(dist, 'undici.js')) as typeof import('undici');
    assert.equal(typeof undici.Agent, 'function');
    assert.equal(typeof undici.ProxyAgent, 'function');
  });
});
