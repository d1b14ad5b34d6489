// The Kubernetes channel protocol over WebSocket (k8s.io/apimachinery/pkg/util/httpstream/wsstream,
// client-go's remotecommand websocket executor), as pure functions: every binary message is one
// channel byte followed by that channel's bytes.
//
// exec/attach: 0 stdin, 1 stdout, 2 stderr, 3 error (a metav1.Status when the command ends),
// 4 resize (JSON {"Width","Height"}). v5.channel.k8s.io adds channel 255, "close": [255, n] ends
// stream n (stdin) without closing the socket, so `cat` sees EOF and can still answer. v4 has no
// such signal: the only way to end stdin there is to close the whole socket.
//
// port-forward (the direct WebSocket protocol, `portforward.k8s.io` / v4.channel.k8s.io): for the
// i-th port asked for, channel 2i carries data and 2i+1 errors; the server's first message on each
// channel is the port number (2 bytes, little endian), which the client reads and drops.
import { StringDecoder } from 'node:string_decoder';

export const V5_PROTOCOL = 'v5.channel.k8s.io';
export const V4_PROTOCOL = 'v4.channel.k8s.io';
/** Offered for exec/attach, best first: the server picks the first it speaks. */
export const EXEC_PROTOCOLS = [V5_PROTOCOL, V4_PROTOCOL] as const;
/** Offered for port-forward; kube-apiserver 1.36 answers v4.channel.k8s.io. */
export const PORT_FORWARD_PROTOCOLS = ['portforward.k8s.io', V4_PROTOCOL] as const;

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

export function encodeFrame(channel: number, data: Uint8Array | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = channel;
  out.set(body, 1);
  return out;
}

/** Terminal size as the server's TerminalSize JSON (Width = columns, Height = rows). */
export function resizeFrame(columns: number, rows: number): Buffer {
  const w = Math.max(1, Math.min(65535, Math.floor(columns)));
  const h = Math.max(1, Math.min(65535, Math.floor(rows)));
  return encodeFrame(RESIZE, JSON.stringify({ Width: w, Height: h }));
}

/** v5 only: ends `channel` (stdin) and keeps the socket open for the output and the exit status. */
export function closeFrame(channel: number): Buffer {
  return Buffer.from([CLOSE, channel]);
}

export interface Frame {
  channel: number;
  data: Buffer;
}

export function decodeFrame(message: Buffer): Frame | undefined {
  if (message.length === 0) return undefined;
  return { channel: message[0]!, data: message.subarray(1) };
}

/** Whether the negotiated protocol can end stdin without closing the socket. */
export function canCloseStdin(protocol: string): boolean {
  return protocol === V5_PROTOCOL;
}

/**
 * Text of one output stream. A UTF-8 character may be split across two frames (the server cuts
 * its reads wherever the buffer ends): the decoder keeps the partial bytes for the next frame
 * instead of emitting U+FFFD.
 */
export class StreamText {
  private readonly decoder = new StringDecoder('utf8');

  write(data: Buffer): string {
    return this.decoder.write(data);
  }

  /** What remains at the end of the stream (an incomplete character becomes U+FFFD). */
  end(): string {
    return this.decoder.end();
  }
}

/** How a command ended, from the error channel's Status. */
export type ExecOutcome =
  /** The command ran and exited with this code (0 = Success). */
  | { kind: 'exit'; code: number; message?: string }
  /** The command could not run or the stream failed (no such executable, container gone…). */
  | { kind: 'failure'; message: string; reason?: string };

interface StatusLike {
  status?: unknown;
  reason?: unknown;
  message?: unknown;
  details?: { causes?: { reason?: unknown; message?: unknown }[] };
}

/**
 * The error channel's metav1.Status → the outcome, as client-go's remotecommand reads it:
 * `Success` = exit 0; `NonZeroExitCode` with an `ExitCode` cause = that code; anything else is a
 * failure with the server's message. Non-JSON text (very old servers) is a failure too.
 */
export function statusOutcome(text: string): ExecOutcome {
  let s: StatusLike;
  try {
    s = JSON.parse(text) as StatusLike;
  } catch {
    return { kind: 'failure', message: text.trim() || 'the command failed' };
  }
  if (s.status === 'Success') return { kind: 'exit', code: 0 };
  const message = typeof s.message === 'string' ? s.message : 'the command failed';
  if (s.reason === 'NonZeroExitCode') {
    const cause = s.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = Number(cause?.message);
    if (Number.isInteger(code)) return { kind: 'exit', code, message };
  }
  return { kind: 'failure', message, reason: typeof s.reason === 'string' ? s.reason : undefined };
}

/** The port number a port-forward channel announces in its first message (little endian). */
export function readPortPrefix(data: Buffer): { port: number; rest: Buffer } | undefined {
  if (data.length < 2) return undefined;
  return { port: data.readUInt16LE(0), rest: data.subarray(2) };
}

/** `?command=a&command=b&container=c&stdin=true…`: the exec subresource's query. */
export function execQuery(opts: { command: readonly string[]; container?: string; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }): string {
  const q = new URLSearchParams();
  for (const c of opts.command) q.append('command', c);
  if (opts.container) q.set('container', opts.container);
  if (opts.stdin) q.set('stdin', 'true');
  if (opts.stdout) q.set('stdout', 'true');
  // With a TTY the server merges stderr into stdout and rejects stderr=true.
  if (opts.stderr && !opts.tty) q.set('stderr', 'true');
  if (opts.tty) q.set('tty', 'true');
  return q.toString();
}
