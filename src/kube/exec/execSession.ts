// One command in a container over the channel protocol: what a terminal, a batch run or a shell
// probe drive. Output arrives as text per stream (UTF-8 split across frames is reassembled), the
// end as one ExecEnd that always resolves (never rejects), whoever ended it.
import {
  canCloseStdin,
  closeFrame,
  decodeFrame,
  encodeFrame,
  ERROR,
  EXEC_PROTOCOLS,
  type ExecOutcome,
  execQuery,
  resizeFrame,
  STDERR,
  STDIN,
  STDOUT,
  StreamText,
  statusOutcome,
} from '../transport/channel/channelProtocol';
import type { ChannelClosed, ChannelOpener, ChannelSocket } from '../transport/channel/channelSocket';
import { KubeApiError } from '../transport/types';

export interface ExecTarget {
  namespace: string;
  pod: string;
  /** Needed when the pod has more than one container (the server then refuses without it). */
  container?: string;
}

export interface ExecOptions extends ExecTarget {
  command: readonly string[];
  tty: boolean;
  stdin: boolean;
  /** Size to apply as soon as the session opens (a TTY starts at the server's default). */
  size?: { columns: number; rows: number };
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * Attach to the container's own process (`kubectl attach`, what `kubectl debug -it` does) instead
   * of starting `command`: same channel protocol, the `attach` subresource.
   */
  attach?: boolean;
}

export type ExecEnd =
  | ExecOutcome
  /** The socket ended without a status: the pod went away, the connection dropped, or we closed it. */
  | { kind: 'closed'; byUs: boolean; code: number; reason: string; error?: Error };

export type OutputListener = (stream: 'stdout' | 'stderr', text: string) => void;

export class ExecSession {
  /** Resolves once, with how the command (or the connection) ended. */
  readonly ended: Promise<ExecEnd>;
  private readonly out = new StreamText();
  private readonly err = new StreamText();
  private outcome: ExecOutcome | undefined;
  private resolveEnd!: (e: ExecEnd) => void;
  private stdinClosed = false;

  /**
   * Opens the exec channel. Rejects with a KubeApiError whose message says what to do when the
   * server refuses (forbidden, pod or container not found, pod not running).
   */
  static async open(opener: ChannelOpener, opts: ExecOptions, output: OutputListener): Promise<ExecSession> {
    const path = `/api/v1/namespaces/${encodeURIComponent(opts.namespace)}/pods/${encodeURIComponent(opts.pod)}/${opts.attach ? 'attach' : 'exec'}`;
    const query = execQuery({ command: opts.attach ? [] : opts.command, container: opts.container, stdin: opts.stdin, stdout: true, stderr: true, tty: opts.tty });
    let socket: ChannelSocket;
    try {
      socket = await opener.openChannel({ path, query, protocols: EXEC_PROTOCOLS, signal: opts.signal, timeoutMs: opts.timeoutMs });
    } catch (e) {
      throw execRefusal(e, opts);
    }
    const session = new ExecSession(socket, output);
    if (opts.size) session.resize(opts.size.columns, opts.size.rows);
    return session;
  }

  constructor(
    private readonly socket: ChannelSocket,
    private readonly output: OutputListener,
  ) {
    this.ended = new Promise((resolve) => {
      this.resolveEnd = resolve;
    });
    socket.onMessage((m) => this.receive(m));
    socket.onClose((c) => this.finish(c));
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  get isOpen(): boolean {
    return !this.socket.isClosed;
  }

  write(data: string | Buffer): void {
    if (this.stdinClosed || this.socket.isClosed) return;
    this.socket.send(encodeFrame(STDIN, data));
  }

  resize(columns: number, rows: number): void {
    if (!this.socket.isClosed) this.socket.send(resizeFrame(columns, rows));
  }

  /**
   * Ends stdin (EOF for `cat`, `sh -c 'read x'`). With v5 the socket stays open for the rest of
   * the output and the exit code; v4 has no such signal, so the socket is closed (and the exit
   * code is lost): returns false then.
   */
  endStdin(): boolean {
    if (this.stdinClosed) return true;
    this.stdinClosed = true;
    if (canCloseStdin(this.socket.protocol)) {
      this.socket.send(closeFrame(STDIN));
      return true;
    }
    this.socket.close();
    return false;
  }

  /** Closes the socket; `ended` resolves with kind 'closed', byUs true (unless the command ended first). */
  close(): void {
    this.socket.close();
  }

  private receive(message: Buffer): void {
    const f = decodeFrame(message);
    if (!f) return;
    switch (f.channel) {
      case STDOUT: {
        const t = this.out.write(f.data);
        if (t) this.output('stdout', t);
        return;
      }
      case STDERR: {
        const t = this.err.write(f.data);
        if (t) this.output('stderr', t);
        return;
      }
      case ERROR:
        // The server sends the Status when the command ended, then closes the socket.
        if (f.data.length) this.outcome = statusOutcome(f.data.toString('utf8'));
        return;
      default:
        // Unknown channels (a newer protocol's) are ignored rather than fatal.
        return;
    }
  }

  private finish(c: ChannelClosed): void {
    const tailOut = this.out.end();
    if (tailOut) this.output('stdout', tailOut);
    const tailErr = this.err.end();
    if (tailErr) this.output('stderr', tailErr);
    if (this.outcome) this.resolveEnd(this.outcome);
    else {
      const end: ExecEnd = { kind: 'closed', byUs: c.byUs, code: c.code, reason: c.reason };
      if (c.error) end.error = c.error;
      this.resolveEnd(end);
    }
  }
}

/**
 * The server's refusal, in words that say what to do. The API server authorizes a WebSocket exec
 * as `get pods/exec` and, since 1.35 (AuthorizePodWebsocketUpgradeCreatePermission), also
 * `create pods/exec`, which is what kubectl's SPDY path always needed: a Role needs both.
 */
export function execRefusal(e: unknown, t: ExecTarget): unknown {
  if (!(e instanceof KubeApiError) || e.kind !== 'http') return e;
  const pod = `pod ${t.namespace}/${t.pod}`;
  const server = serverMessage(e.message);
  const init = { kind: e.kind, status: e.status, reason: e.reason, cause: e } as const;
  switch (e.status) {
    case 403:
      return new KubeApiError(`Not allowed to exec into ${pod}: ${server}`, {
        ...init,
        hint: `Ask a cluster admin for "create" and "get" on pods/exec in namespace ${t.namespace} (\`kubectl auth can-i create pods/exec -n ${t.namespace}\` checks it).`,
      });
    case 404:
      return new KubeApiError(`Cannot exec: ${pod} is gone (${server})`, { ...init, hint: 'The pod was deleted or replaced: pick a running pod.' });
    case 400: {
      if (/container .* is not valid|container not found|no container named/i.test(server)) {
        return new KubeApiError(`Cannot exec: ${t.container ? `container "${t.container}"` : 'the container'} is not in ${pod} (${server})`, {
          ...init,
          hint: 'Pick one of the pod’s containers.',
        });
      }
      return new KubeApiError(`Cannot exec into ${pod}: ${server}`, { ...init, hint: 'The pod or container may not be running yet (or any more).' });
    }
    default:
      return e;
  }
}

/** The server's own words from a KubeApiError message (`… failed: HTTP 403 Forbidden — <message>`). */
function serverMessage(message: string): string {
  const i = message.indexOf(' — ');
  return i >= 0 ? message.slice(i + 3) : message;
}
