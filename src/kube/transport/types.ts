// The seam between the core and the network. Everything above this (discovery, the watch cache,
// actions) talks to a cluster only through KubeTransport, so unit tests can hand in a fake and the
// real implementation can own connection reuse (one dispatcher per cluster) and credentials.

import { redact } from '../util/redact';
import type { ChannelRequest, ChannelSocket } from './channel/channelSocket';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface KubeRequest {
  method?: HttpMethod;
  /** Absolute API path, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Serialised as JSON unless it is already a string. */
  body?: unknown;
  contentType?: string;
  /** Accept header; JSON by default (discovery asks for the aggregated v2 form). */
  accept?: string;
  signal?: AbortSignal;
  /** Whole-request deadline for non-streaming calls; streams use the signal instead. */
  timeoutMs?: number;
}

/** One entry of metav1.Status details.causes. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** What went wrong, in terms a user can act on. */
export type KubeErrorKind =
  | 'http' // the server answered with a non-2xx status (see status/reason)
  | 'network' // could not connect / connection reset / TLS failure
  | 'timeout' // no answer within the deadline
  | 'credentials' // exec plugin / token file / cert problem before any request was sent
  | 'aborted'; // the caller aborted

export class KubeApiError extends Error {
  readonly kind: KubeErrorKind;
  /** HTTP status for kind 'http' (401, 403, 404, 409, 410, 429, 5xx…). */
  readonly status: number | undefined;
  /** metav1.Status reason, e.g. 'Forbidden', 'Expired', 'Conflict'. */
  readonly reason: string | undefined;
  /** Seconds from Retry-After, when the server sent one. */
  readonly retryAfterSeconds: number | undefined;
  /** Suggested next step for the user (shown in the tree and in messages). */
  readonly hint: string | undefined;
  /** metav1.Status details.causes: which field failed and why (validation, conflicts, RV too large). */
  readonly causes: readonly StatusCause[] | undefined;

  constructor(
    message: string,
    init: {
      kind: KubeErrorKind;
      status?: number;
      reason?: string;
      retryAfterSeconds?: number;
      hint?: string;
      causes?: readonly StatusCause[];
      cause?: unknown;
    },
  ) {
    // Every error of the core is built here and may end in a tooltip, a notification or the
    // Output channel: the one place that guarantees no credential-shaped text gets that far.
    super(redact(message), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'KubeApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.reason = init.reason;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.hint = init.hint === undefined ? undefined : redact(init.hint);
    this.causes = init.causes;
  }
}


/** A response with what actions report besides the body: the status code and the server's warnings. */
export interface KubeResponse<T> {
  /** 200 configured / 201 created, etc. */
  status: number;
  body: T;
  /** `Warning` headers (deprecations, unknown fields under Warn validation), text only. */
  warnings: string[];
}

export interface KubeTransport {
  /** The API server URL, for display. */
  readonly server: string;
  /** A JSON request; resolves with the parsed body, rejects with KubeApiError. */
  request<T = unknown>(req: KubeRequest): Promise<T>;
  /** request(), keeping the status code and `Warning` headers (apply, scale, delete report them). */
  exchange<T = unknown>(req: KubeRequest): Promise<KubeResponse<T>>;
  /**
   * A streaming GET (watch, follow logs): resolves once the response headers arrived with 2xx
   * (rejects with KubeApiError otherwise) and yields the body line by line. Ends when the server
   * closes the stream; abort through req.signal.
   */
  streamLines(req: KubeRequest): Promise<AsyncIterable<string>>;
  /**
   * Called when a watch went silent: makes sure the next requests do not land on a dead
   * connection (over HTTP/2 all streams share one). Optional for fakes.
   */
  checkConnection?(timeoutMs?: number): Promise<void>;
  /**
   * A WebSocket channel (exec, attach, port-forward) with this context's credentials; rejects
   * with KubeApiError when the server refuses the upgrade (401/403/404/400…). Optional for fakes.
   */
  openChannel?(req: ChannelRequest): Promise<ChannelSocket>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}
