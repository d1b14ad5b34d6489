// One kubeconfig context, connected: its transport (one pooled connection per cluster), its
// server version and its kind registry from discovery. Connecting never throws: failures become
// a state the tree shows with a fix, and one unreachable cluster never blocks another.
import { setMaxListeners } from 'node:events';
import type { ContextEntry } from '../config/types';
import { discover } from '../kinds/discovery';
import type { KindRegistry } from '../kinds/kindRegistry';
import { KubeApiError, type KubeTransport } from '../transport/types';
import { Emitter } from '../util/emitter';

export type SessionState =
  | { phase: 'idle' }
  | { phase: 'connecting' }
  | { phase: 'ready'; version: string; registry: KindRegistry }
  | { phase: 'error'; error: KubeApiError };

export class ClusterSession {
  private current: SessionState = { phase: 'idle' };
  private connecting: Promise<SessionState> | undefined;
  private readonly changed = new Emitter<SessionState>();
  readonly onDidChangeState = this.changed.event;
  private abort = new AbortController();

  constructor(
    readonly context: ContextEntry,
    private readonly makeTransport: () => KubeTransport,
    private readonly connectTimeoutMs = 15_000,
  ) {}

  private transportInstance: KubeTransport | undefined;

  /** The transport; creating it can fail (unknown cluster/user) and then throws a KubeApiError. */
  get transport(): KubeTransport {
    this.transportInstance ??= this.makeTransport();
    return this.transportInstance;
  }

  get state(): SessionState {
    return this.current;
  }

  /** Connects once (discovery + version); concurrent callers share the attempt. */
  connect(): Promise<SessionState> {
    if (this.current.phase === 'ready') return Promise.resolve(this.current);
    this.connecting ??= this.doConnect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /**
   * Re-reads discovery (CRDs were added or removed) and swaps in the new registry; keeps the old
   * one if discovery fails, since a transient error must not empty the tree.
   */
  async rediscover(): Promise<void> {
    if (this.current.phase !== 'ready') return;
    const version = this.current.version;
    try {
      const registry = await discover(this.transport, this.abort.signal);
      if (this.current.phase === 'ready') this.set({ phase: 'ready', version, registry });
    } catch {
      // Next CRD change tries again.
    }
  }

  /** Forget the connection state (after kubeconfig changes or when the user retries). */
  async reset(): Promise<void> {
    this.abort.abort();
    this.abort = new AbortController();
    const t = this.transportInstance;
    this.transportInstance = undefined;
    this.set({ phase: 'idle' });
    await t?.close();
  }

  private async doConnect(): Promise<SessionState> {
    this.set({ phase: 'connecting' });
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.connectTimeoutMs)]);
    // Legacy discovery sends one request per API group on this signal: dozens of listeners is expected.
    setMaxListeners(200, signal);
    try {
      const transport = this.transport;
      const [version, registry] = await Promise.all([
        transport.request<{ gitVersion?: string }>({ path: '/version', signal, timeoutMs: this.connectTimeoutMs }),
        discover(transport, signal),
      ]);
      return this.set({ phase: 'ready', version: version.gitVersion ?? 'unknown', registry });
    } catch (e) {
      const error =
        e instanceof KubeApiError
          ? e
          : new KubeApiError(`Could not connect to context "${this.context.name}": ${e instanceof Error ? e.message : String(e)}`, {
              kind: 'network',
              hint: 'Check that the cluster is running and the kubeconfig server URL is right, then retry.',
              cause: e,
            });
      return this.set({ phase: 'error', error });
    }
  }

  private set(s: SessionState): SessionState {
    this.current = s;
    this.changed.fire(s);
    return s;
  }

  async dispose(): Promise<void> {
    await this.reset();
    this.changed.dispose();
  }
}
