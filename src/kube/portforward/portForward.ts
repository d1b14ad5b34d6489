// A local port forwarded to a pod, or to a Service (a ready pod behind it, re-chosen when that pod
// goes). Listens on 127.0.0.1 only; every accepted connection gets its own channel through the
// API server. stop() closes the listener and every connection: no socket outlives the forward.
import { createServer, type Server, type Socket } from 'node:net';
import type { ChannelOpener } from '../transport/channel/channelSocket';
import { Emitter } from '../util/emitter';
import type { Disposable } from '../watch/sharedWatch';
import { openPortForwardChannel, type PodPort, pipeConnection } from './portForwardStream';

export type ForwardTarget =
  | { kind: 'pod'; namespace: string; pod: string; port: number }
  | { kind: 'service'; namespace: string; service: string; port?: number | string }
  /** A Deployment, StatefulSet or DaemonSet: one of its ready pods, another when that one goes. */
  | { kind: 'workload'; namespace: string; workloadKind: string; name: string; port: number };

export interface PortForwardOptions {
  context: string;
  target: ForwardTarget;
  /** 0 or undefined: a free port. */
  localPort?: number;
  /** The context's channel opener, resolved per connection (a reconnect makes a new transport). */
  opener: () => ChannelOpener;
  /** Service and workload targets: a ready pod, avoiding the ones that just went. */
  resolve?: (avoid: ReadonlySet<string>) => Promise<PodPort>;
  /** Calls back when the pod goes (deleted, context reset), so a Service forward re-attaches. */
  watchPod?: (pod: PodPort, gone: () => void) => Disposable;
  onError?: (message: string) => void;
  /** Releases what `resolve` holds (a workload forward's pod watch) when the forward stops. */
  onStop?: () => void;
}

export class PortForward {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private current: PodPort | undefined;
  private resolving: Promise<PodPort> | undefined;
  private podWatch: Disposable | undefined;
  private readonly gone = new Set<string>();
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  localPort = 0;
  stopped = false;
  /** Connections accepted so far, and failures (the server's error text) for the status line. */
  accepted = 0;
  lastError: string | undefined;

  constructor(private readonly opts: PortForwardOptions) {
    if (opts.target.kind === 'pod') this.current = { namespace: opts.target.namespace, pod: opts.target.pod, port: opts.target.port };
  }

  get context(): string {
    return this.opts.context;
  }

  get target(): ForwardTarget {
    return this.opts.target;
  }

  /** The pod connections go to now (a Service forward's changes when the pod goes). */
  get pod(): PodPort | undefined {
    return this.current;
  }

  get activeConnections(): number {
    return this.sockets.size;
  }

  /** "svc/web:80 → pod web-1:8080" style description. */
  describe(): string {
    const t = this.opts.target;
    const to =
      t.kind === 'pod'
        ? `pod ${t.namespace}/${t.pod}:${t.port}`
        : t.kind === 'service'
          ? `service ${t.namespace}/${t.service}${t.port !== undefined ? `:${t.port}` : ''}`
          : `${t.workloadKind.toLowerCase()} ${t.namespace}/${t.name}:${t.port}`;
    const via = t.kind !== 'pod' && this.current ? ` (pod ${this.current.pod}:${this.current.port})` : '';
    return `127.0.0.1:${this.localPort} → ${to}${via}`;
  }

  async start(): Promise<void> {
    if (this.opts.target.kind !== 'pod') await this.podFor();
    else this.watchCurrent();
    const server = createServer((s) => this.accept(s));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.localPort ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    this.localPort = typeof addr === 'object' && addr ? addr.port : 0;
    this.changed.fire();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.podWatch?.dispose();
    this.opts.onStop?.();
    const server = this.server;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.changed.fire();
    this.changed.dispose();
  }

  private accept(local: Socket): void {
    if (this.stopped) {
      local.destroy();
      return;
    }
    this.accepted++;
    this.sockets.add(local);
    local.on('close', () => {
      this.sockets.delete(local);
      this.changed.fire();
    });
    local.on('error', () => {});
    local.pause();
    void this.connect(local).catch((e: unknown) => {
      this.lastError = e instanceof Error ? e.message : String(e);
      this.opts.onError?.(this.lastError);
      local.destroy();
    });
    this.changed.fire();
  }

  private async connect(local: Socket): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const pod = await this.podFor();
      let channel: Awaited<ReturnType<typeof openPortForwardChannel>>;
      try {
        channel = await openPortForwardChannel(this.opts.opener(), pod);
      } catch (e) {
        // The pod went between resolution and dial: a Service or workload forward picks another one, once.
        if (this.opts.target.kind !== 'pod' && attempt === 0 && (e as { status?: number }).status === 404) {
          this.podGone(pod);
          continue;
        }
        throw e;
      }
      if (local.destroyed || this.stopped) {
        channel.close();
        return;
      }
      local.resume();
      const { error } = await pipeConnection(local, channel);
      if (error) {
        this.lastError = error;
        this.opts.onError?.(error);
      }
      return;
    }
  }

  private podFor(): Promise<PodPort> {
    if (this.current) return Promise.resolve(this.current);
    if (this.opts.target.kind === 'pod' || !this.opts.resolve) return Promise.reject(new Error(`Pod ${this.describe()} is gone: stop this forward and start another`));
    if (!this.resolving) {
      const p = this.opts.resolve(this.gone).then((pod) => {
        if (this.resolving === p) this.resolving = undefined;
        this.current = pod;
        this.watchCurrent();
        this.changed.fire();
        return pod;
      });
      p.catch(() => {
        if (this.resolving === p) this.resolving = undefined;
      });
      this.resolving = p;
    }
    return this.resolving;
  }

  private watchCurrent(): void {
    this.podWatch?.dispose();
    const pod = this.current;
    if (!pod || !this.opts.watchPod) return;
    this.podWatch = this.opts.watchPod(pod, () => this.podGone(pod));
  }

  private podGone(pod: PodPort): void {
    if (this.current?.pod !== pod.pod) return;
    this.gone.add(pod.pod);
    this.podWatch?.dispose();
    this.podWatch = undefined;
    // Open connections to it end by themselves (the kubelet closes them); new ones go elsewhere.
    this.current = this.opts.target.kind !== 'pod' ? undefined : this.current;
    if (this.opts.target.kind === 'pod') {
      this.current = undefined;
      this.lastError = `pod ${pod.namespace}/${pod.pod} is gone`;
    }
    this.changed.fire();
  }
}
