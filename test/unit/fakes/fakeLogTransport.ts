// A stand-in for our KubeTransport seam that serves log streams scripted by the test: each
// streamLines() call gets a LineFeed the test pushes lines into, ends, or fails; an abort of the
// request's signal ends the feed (as the real transport does) and is recorded.
import type { KubeRequest, KubeResponse, KubeTransport } from '../../../src/kube/transport/types';

export class LineFeed implements AsyncIterable<string> {
  private queue: string[] = [];
  private waiter: { resolve: (r: IteratorResult<string>) => void; reject: (e: unknown) => void } | undefined;
  private ended = false;
  private error: unknown;
  aborted = false;

  constructor(readonly req: KubeRequest) {
    req.signal?.addEventListener('abort', () => {
      this.aborted = true;
      this.end();
    });
  }

  push(...lines: string[]): void {
    for (const l of lines) {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w.resolve({ value: l, done: false });
      } else this.queue.push(l);
    }
  }

  end(): void {
    this.ended = true;
    if (this.waiter && !this.queue.length) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: undefined, done: true });
    }
  }

  fail(e: unknown): void {
    this.error = e;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.reject(e);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    return {
      next: () => {
        const v = this.queue.shift();
        if (v !== undefined) return Promise.resolve({ value: v, done: false });
        if (this.error) return Promise.reject(this.error);
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiter = { resolve, reject };
        });
      },
    };
  }
}

/** `respond` decides each call: a LineFeed to stream (the test keeps it), or an error to throw. */
export class FakeLogTransport implements KubeTransport {
  readonly server = 'https://fake';
  readonly calls: KubeRequest[] = [];
  readonly feeds: LineFeed[] = [];

  constructor(private readonly respond: (req: KubeRequest, feed: LineFeed) => unknown = () => undefined) {}

  async streamLines(req: KubeRequest): Promise<AsyncIterable<string>> {
    this.calls.push(req);
    const feed = new LineFeed(req);
    const r = this.respond(req, feed);
    if (r instanceof Error) throw r;
    this.feeds.push(feed);
    return feed;
  }

  /** The feed of the latest stream whose path contains `pod` (and query container `container`). */
  feedFor(pod: string, container?: string): LineFeed | undefined {
    return [...this.feeds].reverse().find((f) => f.req.path.includes(`/pods/${pod}/`) && (!container || f.req.query?.container === container));
  }

  request<T>(): Promise<T> {
    return Promise.reject(new Error('not scripted'));
  }
  exchange<T>(): Promise<KubeResponse<T>> {
    return Promise.reject(new Error('not scripted'));
  }
  async close(): Promise<void> {}
}
