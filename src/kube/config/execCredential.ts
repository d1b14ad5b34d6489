// Exec credential plugins (aws, gke-gcloud-auth-plugin, kubelogin…) run by us rather than by
// client-node's ExecAuth, which has no timeout (a plugin waiting for a browser login hangs the
// whole view) and caches per user name without sharing a run between concurrent callers.
// Credentials are never logged: errors carry the plugin's stderr, never its stdout, and the secret
// values of its arguments and environment are replaced wherever they appear (stderr may echo them).

import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { KubeApiError } from '../transport/types';
import { execSecrets, REDACTED, redact, redactArgs } from '../util/redact';
import { dropUndefined } from './dropUndefined';
import type { ClusterEntry, ExecConfig, UserEntry } from './types';

/** What a plugin returned, reduced to what a request needs. */
export interface ExecCredential {
  token?: string;
  /** PEM, when the plugin hands out a client certificate instead of (or besides) a token. */
  clientCertificateData?: string;
  clientKeyData?: string;
  /** Epoch ms from status.expirationTimestamp; undefined = valid until rejected. */
  expiresAt?: number;
}

export interface ExecPluginRun {
  userName: string;
  exec: ExecConfig;
  /** Passed to the plugin in KUBERNETES_EXEC_INFO when exec.provideClusterInfo is set. */
  cluster?: ClusterEntry;
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL once the deadline passed. */
  killGraceMs?: number;
}

export const DEFAULT_EXEC_TIMEOUT_MS = 10_000;
const STDERR_TAIL_CHARS = 2048;
const MAX_STDOUT_BYTES = 1024 * 1024;

export async function runExecPlugin(run: ExecPluginRun): Promise<ExecCredential> {
  const { exec, userName } = run;
  const shown = displayCommand(exec);
  const secrets = execSecrets(exec);
  const fail = (message: string, hint: string, cause?: unknown): KubeApiError =>
    new KubeApiError(redact(message, secrets), { kind: 'credentials', hint: redact(hint, secrets), cause });

  if (!exec.command) {
    throw fail(`user "${userName}" has an exec section without a command`, 'Set exec.command for that user in the kubeconfig.');
  }
  if (!exec.apiVersion) {
    throw fail(
      `exec plugin ${shown} for user "${userName}" has no apiVersion`,
      'Set exec.apiVersion (usually client.authentication.k8s.io/v1) for that user in the kubeconfig.',
    );
  }
  if (exec.interactiveMode === 'Always') {
    throw fail(
      `exec plugin ${shown} for user "${userName}" needs an interactive terminal (interactiveMode: Always)`,
      `Run \`${shown}\` in a terminal to log in, or set interactiveMode to IfAvailable if the plugin can work without one.`,
    );
  }

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const e of exec.env) env[e.name] = e.value;
  env.KUBERNETES_EXEC_INFO = JSON.stringify(await execInfo(exec, run.cluster));

  const outcome = await spawnWithDeadline(exec.command, exec.args, env, run.timeoutMs, run.killGraceMs ?? 2000);
  // Redacted before the cut: a secret cut in half at the tail's start would no longer match.
  const stderr = tail(redact(outcome.stderr, secrets));
  const withStderr = (m: string): string => (stderr ? `${m}: ${stderr}` : m);
  const retryHint = `Run \`${shown}\` in a terminal to see the full output and log in if asked, then retry.`;

  switch (outcome.type) {
    case 'spawn-error': {
      const code = (outcome.error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw fail(
          `exec plugin "${exec.command}" for user "${userName}" was not found`,
          exec.installHint?.trim() ||
            'Install it, or put its folder on PATH. VS Code started from a desktop launcher may have a shorter PATH than your shell: start it from a terminal or use an absolute command path.',
          outcome.error,
        );
      }
      throw fail(`could not start exec plugin ${shown} for user "${userName}": ${outcome.error.message}`, retryHint, outcome.error);
    }
    case 'timeout':
      throw fail(
        withStderr(`exec plugin ${shown} for user "${userName}" did not finish within ${formatSeconds(run.timeoutMs)}`),
        `${retryHint} It may be waiting for a browser login or a prompt.`,
      );
    case 'too-much-output':
      throw fail(`exec plugin ${shown} for user "${userName}" printed more than 1 MiB`, retryHint);
    case 'exit':
      if (outcome.code !== 0) {
        const how = outcome.code === null ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
        throw fail(withStderr(`exec plugin ${shown} for user "${userName}" ${how}`), retryHint);
      }
      return parseCredential(outcome.stdout, exec, userName, shown, retryHint);
  }
}

export interface ExecCredentialCacheOptions {
  timeoutMs?: number;
  /** A credential this close to expiry is refreshed before use, so it does not expire in flight. */
  skewMs?: number;
  now?: () => number;
  /** Test seam. */
  run?: (run: ExecPluginRun) => Promise<ExecCredential>;
}

/**
 * Credentials per user, kept until their expirationTimestamp (less a skew) or until invalidated
 * after a 401. Concurrent callers for one user share a single plugin run.
 */
export class ExecCredentialCache {
  private readonly cached = new Map<string, { userName: string; credential: ExecCredential }>();
  private readonly running = new Map<string, { userName: string; promise: Promise<ExecCredential> }>();
  private generation = 0;
  private timeoutMs: number;
  private readonly skewMs: number;
  private readonly now: () => number;
  private readonly run: (run: ExecPluginRun) => Promise<ExecCredential>;

  constructor(options: ExecCredentialCacheOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    this.skewMs = options.skewMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.run = options.run ?? runExecPlugin;
  }

  /** A new deadline for plugin runs from now on (the setting changed); runs in flight keep theirs. */
  setTimeoutMs(ms: number): void {
    this.timeoutMs = ms > 0 ? ms : DEFAULT_EXEC_TIMEOUT_MS;
  }

  get(user: UserEntry, cluster?: ClusterEntry): Promise<ExecCredential> {
    const exec = user.exec;
    if (!exec) {
      return Promise.reject(
        new KubeApiError(`user "${user.name}" has no exec plugin`, { kind: 'credentials', hint: 'This is a bug in Kube Atlas.' }),
      );
    }
    // Keyed by the plugin's definition too: an edited kubeconfig must not get the old credential.
    // The cluster only matters when the plugin is told which one it is.
    const forCluster = exec.provideClusterInfo ? cluster?.server : undefined;
    const key = JSON.stringify([user.name, exec.command, exec.args, exec.env, exec.apiVersion, forCluster]);
    const hit = this.cached.get(key);
    if (hit && (hit.credential.expiresAt === undefined || hit.credential.expiresAt - this.skewMs > this.now())) {
      return Promise.resolve(hit.credential);
    }
    const inFlight = this.running.get(key);
    if (inFlight) return inFlight.promise;

    const generation = this.generation;
    const promise = this.run({ userName: user.name, exec, cluster, timeoutMs: this.timeoutMs }).then(
      (credential) => {
        this.running.delete(key);
        if (generation === this.generation) this.cached.set(key, { userName: user.name, credential });
        return credential;
      },
      (e: unknown) => {
        this.running.delete(key);
        throw e;
      },
    );
    this.running.set(key, { userName: user.name, promise });
    return promise;
  }

  /**
   * Forget the user's credential (after the server rejected it), so the next get runs the plugin.
   * With `rejected`, only that credential is dropped: when ten requests fail with the same stale
   * token, the first invalidation starts one new run and the other nine reuse it.
   */
  invalidate(userName: string, rejected?: ExecCredential): void {
    if (rejected) {
      for (const [k, v] of this.cached) if (v.userName === userName && v.credential === rejected) this.cached.delete(k);
      return;
    }
    this.generation++;
    for (const [k, v] of this.cached) if (v.userName === userName) this.cached.delete(k);
    for (const [k, v] of this.running) if (v.userName === userName) this.running.delete(k);
  }
}

async function execInfo(exec: ExecConfig, cluster: ClusterEntry | undefined): Promise<object> {
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo && cluster) {
    let caData = cluster.certificateAuthorityData;
    if (!caData && cluster.certificateAuthority) {
      // A missing CA file is reported by the transport; the plugin just goes without it.
      caData = await fs.readFile(cluster.certificateAuthority).then(
        (b) => b.toString('base64'),
        () => undefined,
      );
    }
    spec.cluster = dropUndefined({
      server: cluster.server,
      'tls-server-name': cluster.tlsServerName,
      'insecure-skip-tls-verify': cluster.insecureSkipTlsVerify,
      'certificate-authority-data': caData,
      'proxy-url': cluster.proxyUrl,
    });
  }
  return { apiVersion: exec.apiVersion, kind: 'ExecCredential', spec };
}

type SpawnOutcome =
  | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
  | { type: 'timeout'; stderr: string }
  | { type: 'too-much-output'; stderr: string }
  | { type: 'spawn-error'; error: Error; stderr: string };

function spawnWithDeadline(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  killGraceMs: number,
): Promise<SpawnOutcome> {
  return new Promise((resolve) => {
    const group = process.platform !== 'win32';
    // Argument array and no shell: nothing in a kubeconfig can inject shell syntax. Its own
    // process group (POSIX) lets a timeout kill a wrapper script together with what it started.
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: group, windowsHide: true });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let settled = false;
    const settle = (o: SpawnOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(o);
    };
    const kill = (): void => {
      signalChild(child.pid, 'SIGTERM', group, () => child.kill('SIGTERM'));
      const hard = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) {
          signalChild(child.pid, 'SIGKILL', group, () => child.kill('SIGKILL'));
        }
      }, killGraceMs);
      hard.unref();
      child.once('exit', () => clearTimeout(hard));
    };
    const deadline = setTimeout(() => {
      kill();
      settle({ type: 'timeout', stderr });
    }, timeoutMs);

    child.stdout.on('data', (b: Buffer) => {
      stdoutBytes += b.length;
      if (stdoutBytes > MAX_STDOUT_BYTES) {
        kill();
        settle({ type: 'too-much-output', stderr });
        return;
      }
      stdout.push(b);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      // Keep a bounded tail: a chatty plugin must not grow memory, and the end holds the error.
      stderr = (stderr + s).slice(-4 * STDERR_TAIL_CHARS);
    });
    const exited = (code: number | null, signal: NodeJS.Signals | null): void =>
      settle({ type: 'exit', code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr });
    child.on('error', (error) => settle({ type: 'spawn-error', error, stderr }));
    child.on('close', exited);
    // 'close' waits for stdout to close, which never happens if the plugin left a background
    // helper holding it; the process's exit plus a moment to drain the pipes is enough.
    child.on('exit', (code, signal) => setTimeout(() => exited(code, signal), 500).unref());
  });
}

function signalChild(pid: number | undefined, sig: NodeJS.Signals, group: boolean, fallback: () => void): void {
  if (pid === undefined) return;
  try {
    if (group) process.kill(-pid, sig);
    else fallback();
  } catch {
    // Already gone.
  }
}

function parseCredential(stdout: string, exec: ExecConfig, userName: string, shown: string, hint: string): ExecCredential {
  const bad = (why: string): KubeApiError =>
    new KubeApiError(`exec plugin ${shown} for user "${userName}" returned ${why}`, { kind: 'credentials', hint });
  let obj: unknown;
  try {
    obj = JSON.parse(stdout);
  } catch {
    // The output may hold a token; say what is wrong with it without echoing it.
    const trimmed = stdout.trim();
    throw bad(trimmed.length === 0 ? 'no output (expected an ExecCredential JSON object)' : `output that is not JSON (${trimmed.length} characters)`);
  }
  if (typeof obj !== 'object' || obj === null) throw bad('JSON that is not an ExecCredential object');
  const cred = obj as { kind?: unknown; apiVersion?: unknown; status?: Record<string, unknown> };
  if (cred.kind !== 'ExecCredential') throw bad(`kind ${JSON.stringify(cred.kind)} instead of ExecCredential`);
  if (cred.apiVersion !== exec.apiVersion) {
    throw bad(`apiVersion ${JSON.stringify(cred.apiVersion)} but the kubeconfig asks for ${exec.apiVersion}`);
  }
  const status = cred.status;
  if (typeof status !== 'object' || status === null) throw bad('an ExecCredential without status');
  const token = typeof status.token === 'string' && status.token !== '' ? status.token : undefined;
  const cert = typeof status.clientCertificateData === 'string' ? status.clientCertificateData : undefined;
  const key = typeof status.clientKeyData === 'string' ? status.clientKeyData : undefined;
  if (!token && !(cert && key)) throw bad('neither a token nor a client certificate and key');
  if (Boolean(cert) !== Boolean(key)) throw bad('a client certificate without a key (or a key without a certificate)');
  let expiresAt: number | undefined;
  if (status.expirationTimestamp !== undefined && status.expirationTimestamp !== null) {
    expiresAt = typeof status.expirationTimestamp === 'string' ? Date.parse(status.expirationTimestamp) : Number.NaN;
    if (Number.isNaN(expiresAt)) throw bad(`an invalid expirationTimestamp ${JSON.stringify(status.expirationTimestamp)}`);
  }
  return dropUndefined({ token, clientCertificateData: cert, clientKeyData: key, expiresAt });
}

/**
 * The command as a user would type it, for hints, with the values of secret-named flags replaced
 * (env values are left out: they may be secret).
 */
export function displayCommand(exec: ExecConfig): string {
  const plain = (a: string): boolean => /^[\w@%+=:,./-]+$/.test(a.split(REDACTED).join('x'));
  return [exec.command, ...redactArgs(exec.args)].map((a) => (plain(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function tail(s: string): string {
  const t = s.trim();
  return t.length <= STDERR_TAIL_CHARS ? t : `…${t.slice(-STDERR_TAIL_CHARS)}`;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
