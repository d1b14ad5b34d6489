// The seam between channel sessions (exec, port-forward) and the WebSocket library: a socket that
// carries binary messages and says once how it ended. Sessions are written against this, so the
// framing logic is unit-tested with a fake and the library can be swapped without touching them.

export interface ChannelClosed {
  /** WebSocket close code (1000 normal, 1006 dropped without a close frame…). */
  code: number;
  reason: string;
  /** The socket failed (reset, TLS error) rather than being closed by either side. */
  error?: Error;
  /** We closed it (close() or the caller's abort). */
  byUs: boolean;
}

export interface ChannelSocket {
  /** The subprotocol the server chose, e.g. `v5.channel.k8s.io`. */
  readonly protocol: string;
  readonly isClosed: boolean;
  /** Bytes queued but not yet written to the network (for back-pressure). */
  readonly bufferedAmount: number;
  send(data: Buffer): void;
  /** Normal closure (1000); the close listener fires once the socket is gone. */
  close(): void;
  /**
   * Messages received before a listener is set are kept and delivered to it: a server may send
   * its first frames in the same packet as the handshake answer.
   */
  onMessage(listener: (data: Buffer) => void): void;
  /** Fires exactly once, whoever ended the socket; at once when it already ended. */
  onClose(listener: (closed: ChannelClosed) => void): void;
}

/** Where channels are opened: a context's transport implements this. */
export interface ChannelRequest {
  /** API path of the subresource, e.g. `/api/v1/namespaces/a/pods/b/exec`. */
  path: string;
  /** Query string without `?` (repeated keys such as `command` are allowed). */
  query: string;
  /** Subprotocols offered, best first. */
  protocols: readonly string[];
  signal?: AbortSignal;
  /** Deadline for the handshake. Default 30 s. */
  timeoutMs?: number;
}

export interface ChannelOpener {
  openChannel(req: ChannelRequest): Promise<ChannelSocket>;
}

/** The transport's channel opener; a transport without one (a test fake) cannot exec. */
export function channelsOf(t: Partial<ChannelOpener> & { server: string }): ChannelOpener {
  const open = t.openChannel?.bind(t);
  if (!open) throw new Error(`the transport for ${t.server} cannot open exec/port-forward channels`);
  return { openChannel: open };
}
