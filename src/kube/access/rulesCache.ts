// SelfSubjectRulesReview answers ("What can I do here?"), cached per (context, namespace) under
// the same rules as the access reviews: concurrent callers share one request, an answer is kept
// for the reviewer's TTL, and a context's answers are dropped when its credentials may have
// changed (AccessReviewer.invalidate, i.e. ClusterManager.onDidResetContext); an answer still in
// flight for the old identity is thrown away. A failed review is not kept: the next call asks.
import type { RulesStatus } from './rulesReview';

export interface RulesAnswer {
  status: RulesStatus;
  /** When the server answered (ms since the epoch, the cache's clock). */
  at: number;
}

interface Entry {
  answer?: RulesAnswer;
  pending?: Promise<RulesAnswer>;
}

export class RulesCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly fetch: (context: string, namespace: string) => Promise<RulesStatus>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached answer when fresh, else one review (shared by concurrent callers). */
  get(context: string, namespace: string, opts: { fresh?: boolean } = {}): Promise<RulesAnswer> {
    const key = JSON.stringify([context, namespace]);
    const e = this.entries.get(key);
    if (e?.pending) return e.pending;
    if (!opts.fresh && e?.answer && this.now() - e.answer.at < this.ttlMs) return Promise.resolve(e.answer);
    // invalidate() removes the entry from the map: an answer for the old identity lands on an
    // orphan nobody reads.
    const entry: Entry = e ?? {};
    const pending = this.fetch(context, namespace).then(
      (status) => {
        entry.answer = { status, at: this.now() };
        entry.pending = undefined;
        return entry.answer;
      },
      (err: unknown) => {
        entry.pending = undefined;
        throw err;
      },
    );
    entry.pending = pending;
    this.entries.set(key, entry);
    return pending;
  }

  /** Forgets a context's answers (its credentials changed). */
  invalidate(context: string): void {
    const prefix = JSON.stringify([context]).slice(0, -1);
    for (const key of [...this.entries.keys()]) if (key.startsWith(`${prefix},`)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
