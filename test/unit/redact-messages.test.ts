// Secrets stay out of every message a user or a log sees, proven with real parts: a kubeconfig file
// read by our loader, a credential plugin that really runs (a node script) with secrets in its
// arguments and environment and echoes them on stderr, our transport against a local HTTPS server
// that echoes the Authorization header back, and the Logger the Output channel gets. The messages
// must still name what a user needs to act: the command, its other arguments, the user.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClusterManager } from '../../src/kube/clusters/clusterManager';
import { ExecCredentialCache } from '../../src/kube/config/execCredential';
import { loadKubeconfigs } from '../../src/kube/config/kubeconfigLoad';
import type { MergedKubeconfig } from '../../src/kube/config/types';
import { createTransport } from '../../src/kube/transport/createTransport';
import { KubeApiError } from '../../src/kube/transport/types';
import { contextNode } from '../../src/kube/tree/structureNodes';
import type { Logger } from '../../src/kube/util/logger';
import { json, makePki, type Pki, startServer, status, type TestServer } from './transport-support';

// What must never show, and what must still show.
const SECRETS = {
  clientSecret: 'S3cr3t-client-7f1a9c',
  tokenArg: 'tok-ARG-88d2e6b1c4',
  password: 'pw-4471-hunter2',
  envKey: 'env-KEY-0b5e9d2a77',
  envSecret: 'AKIAXSECRETVALUE1234',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLWp3dA',
  proxyPassword: 'Pr0xyPa55-93e1',
  urlToken: 'qT0ken-5c8e2f19',
  bearer: 'opaque-bearer-61f0c2d9e8a7',
};

const PLUGIN = `
const mode = process.env.MODE;
const echo = 'tried: ' + process.argv.slice(2).join(' ') + '; API_KEY=' + process.env.API_KEY +
  ' (key ' + process.env.API_KEY + ', secret ' + process.env.AWS_SECRET_ACCESS_KEY + ')' +
  '; sent Authorization: Bearer ${SECRETS.jwt}; profile ' + process.env.AWS_PROFILE + '\\n';
process.stderr.write(echo);
if (mode === 'fail') process.exit(3);
if (mode === 'hang') setInterval(() => {}, 1000);
`;

function noSecret(text: string, where: string): void {
  for (const [name, value] of Object.entries(SECRETS)) {
    assert.ok(!text.includes(value), `${where} shows the ${name} secret:\n${text}`);
  }
  // A prefix of the JWT counts too: a cut-off token is still a token.
  assert.ok(!text.includes(SECRETS.jwt.slice(0, 24)), `${where} shows part of the JWT:\n${text}`);
}

class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  info(m: string): void {
    this.lines.push(m);
  }
  warn(m: string): void {
    this.lines.push(m);
  }
  error(m: string): void {
    this.lines.push(m);
  }
  debug(m: string): void {
    this.lines.push(m);
  }
}

describe('no secret in messages', { timeout: 60_000 }, () => {
  let dir: string;
  let script: string;
  let pki: Pki;
  let server: TestServer;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kube-atlas-redact-'));
    script = path.join(dir, 'login-plugin.js');
    writeFileSync(script, PLUGIN);
    pki = await makePki();
    // An apiserver (or a proxy in front of one) that echoes the credentials it got in its errors.
    server = await startServer(pki, (req, res) => {
      if (req.url?.startsWith('/version')) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`upstream failed for request with Authorization: ${req.headers.authorization} at ${new Date(0).toISOString()}`);
        return;
      }
      json(res, 401, status(401, 'Unauthorized', `token ${SECRETS.jwt} has expired; Bearer ${SECRETS.bearer} rejected`));
    });
  });
  after(async () => {
    await server.close();
    pki.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  function kubeconfigFile(name: string, mode: string, cluster: Record<string, string> = {}): string {
    const file = path.join(dir, name);
    const clusterLines = Object.entries({ server: 'https://127.0.0.1:1', ...cluster })
      .map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)
      .join('\n');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
${clusterLines}
contexts:
- name: dev
  context: {cluster: dev-cluster, user: alice}
users:
- name: alice
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${JSON.stringify(process.execPath)}
      args:
      - ${JSON.stringify(script)}
      - get-token
      - --region
      - eu-west-1
      - --client-secret=${SECRETS.clientSecret}
      - --token
      - ${SECRETS.tokenArg}
      - --password=${SECRETS.password}
      env:
      - {name: MODE, value: ${mode}}
      - {name: API_KEY, value: ${SECRETS.envKey}}
      - {name: AWS_SECRET_ACCESS_KEY, value: ${SECRETS.envSecret}}
      - {name: AWS_PROFILE, value: dev-profile}
`,
    );
    return file;
  }

  /** Connects the context through our real stack; returns its error, the log and the tree tooltip. */
  async function connect(merged: MergedKubeconfig, timeoutMs = 10_000): Promise<{ error: KubeApiError; log: string; tooltip: string }> {
    const log = new RecordingLogger();
    const execCredentials = new ExecCredentialCache({ timeoutMs });
    const clusters = new ClusterManager((m, ctx) => createTransport(m, ctx, { execCredentials }), {}, log);
    try {
      await clusters.setKubeconfig(merged);
      const session = clusters.session('dev')!;
      const state = await session.connect();
      assert.equal(state.phase, 'error');
      const ctx = merged.contexts[0]!;
      const node = contextNode(ctx, true, state, [], undefined, merged.clusters.get(ctx.cluster)?.server);
      return { error: (state as { error: KubeApiError }).error, log: log.lines.join('\n'), tooltip: `${node.description}\n${node.tooltip}` };
    } finally {
      await clusters.dispose();
    }
  }

  it('a failing plugin: error, hint, log and tooltip name the command but none of its secrets', async () => {
    const merged = await loadKubeconfigs([kubeconfigFile('fail.yaml', 'fail')]);
    const { error, log, tooltip } = await connect(merged);
    for (const [where, text] of [
      ['message', error.message],
      ['hint', error.hint ?? ''],
      ['log', log],
      ['tooltip', tooltip],
    ] as const) {
      noSecret(text, where);
    }
    // Still actionable: which plugin, which user, how it failed, the harmless arguments.
    assert.match(error.message, /exec plugin .*login-plugin\.js get-token --region eu-west-1 .*for user "alice" exited with code 3/);
    assert.match(error.message, /profile dev-profile/);
    assert.match(error.hint ?? '', /login-plugin\.js get-token --region eu-west-1 --client-secret=\*\*\* --token \*\*\* --password=\*\*\*`/);
    assert.match(log, /Cannot connect to "dev": exec plugin/);
    assert.match(tooltip, /exited with code 3/);
  });

  it('a hanging plugin that prints its secrets before the deadline', async () => {
    const merged = await loadKubeconfigs([kubeconfigFile('hang.yaml', 'hang')]);
    const { error, log, tooltip } = await connect(merged, 1500);
    noSecret(error.message, 'message');
    noSecret(error.hint ?? '', 'hint');
    noSecret(log, 'log');
    noSecret(tooltip, 'tooltip');
    assert.match(error.message, /did not finish within 1\.5 s: tried: get-token --region eu-west-1/);
  });

  it('proxy-url and server URL credentials', async () => {
    const unsupported = await loadKubeconfigs([
      kubeconfigFile('proxy.yaml', 'fail', { 'proxy-url': `ftp://proxyuser:${SECRETS.proxyPassword}@proxy.invalid:21` }),
    ]);
    // The plugin must not decide this test: give the user a static token instead.
    unsupported.users.set('alice', { name: 'alice', token: SECRETS.bearer, file: 'x' });
    const a = await connect(unsupported);
    noSecret(`${a.error.message}\n${a.error.hint}\n${a.log}\n${a.tooltip}`, 'unsupported proxy');
    assert.match(a.error.message, /proxy-url ftp:\/\/proxyuser:\*\*\*@proxy\.invalid:21 uses ftp:/);

    const malformed = await loadKubeconfigs([
      kubeconfigFile('proxy2.yaml', 'fail', { 'proxy-url': `http://proxyuser:${SECRETS.proxyPassword}@proxy:no-port` }),
    ]);
    malformed.users.set('alice', { name: 'alice', token: SECRETS.bearer, file: 'x' });
    const b = await connect(malformed);
    noSecret(`${b.error.message}\n${b.error.hint}\n${b.log}\n${b.tooltip}`, 'malformed proxy');
    assert.match(b.error.message, /proxy-url .* is not a URL/);

    const inServer = await loadKubeconfigs([
      kubeconfigFile('server.yaml', 'fail', { server: `https://admin:${SECRETS.proxyPassword}@127.0.0.1:1/k8s?access_token=${SECRETS.urlToken}&x=1` }),
    ]);
    inServer.users.set('alice', { name: 'alice', token: SECRETS.bearer, file: 'x' });
    const c = await connect(inServer);
    noSecret(`${c.error.message}\n${c.error.hint}\n${c.log}\n${c.tooltip}`, 'server URL');
    assert.match(c.tooltip, /https:\/\/admin:\*\*\*@127\.0\.0\.1:1\/k8s\?access_token=\*\*\*&x=1/);
  });

  it('a bearer token echoed by the server, in a body or in a Status message', async () => {
    const merged = await loadKubeconfigs([kubeconfigFile('bearer.yaml', 'fail', { server: server.url, 'certificate-authority-data': Buffer.from(pki.caCert).toString('base64') })]);
    merged.users.set('alice', { name: 'alice', token: SECRETS.bearer, file: 'x' });
    const transport = createTransport(merged, 'dev');
    try {
      const echoed = (await transport.request({ path: '/version' }).catch((e: unknown) => e)) as KubeApiError;
      assert.ok(echoed instanceof KubeApiError);
      noSecret(`${echoed.message}\n${echoed.hint}`, 'echoed header');
      assert.match(echoed.message, /get \/version failed: HTTP 502 .*Authorization: \*\*\*/);
      const rejected = (await transport.request({ path: '/api/v1/pods' }).catch((e: unknown) => e)) as KubeApiError;
      noSecret(`${rejected.message}\n${rejected.hint}`, 'Status message');
      assert.match(rejected.message, /list pods failed: HTTP 401 Unauthorized — token \*\*\* has expired; Bearer \*\*\* rejected/);
    } finally {
      await transport.close();
    }
  });
});
