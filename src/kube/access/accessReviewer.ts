// May I? SelfSubjectAccessReview answers, cached per (context, namespace, verb, resource,
// subresource): one review answers for every object of that kind in that namespace, so the tree
// asks a handful of questions per open namespace, not one per row. The cache of a context is
// dropped when its credentials may have changed (its kubeconfig entry changed, or the user
// reconnected), and answers expire after a few minutes, since RBAC can change on the server.
//
// This is the core API every view uses: the tree (menus), actions (a direct call that is not
// allowed says what is missing), diagnosis (may I read events?) and "What can I do here?" (the
// SelfSubjectRulesReview answers in `rules`, cached and dropped the same way).
import { KubeApiError, type KubeTransport } from '../transport/types';
import { Emitter } from '../util/emitter';
import { type AccessDecision, type AccessQuery, queryKey, type UserInfo } from './accessTypes';
import { describeUser, forbiddenHint, forbiddenMessage } from './explainAccess';
import { RulesCache } from './rulesCache';
import { fetchRules } from './rulesReview';

export interface AccessReviewerOptions {
  /** How long an answer is trusted. Default 5 min. */
  ttlMs?: number;
  /** How long a failed review (unknown) is kept before asking again. Default 30 s. */
  failureTtlMs?: number;
  /** Reviews in flight per context at most (writes go over HTTP/1.1: one socket each). Default 4. */
  concurrency?: number;
  now?: () => number;
}

/** Where the reviewer reaches a context: its transport, and the kubeconfig user it names. */
export interface AccessTarget {
  transport(context: string): KubeTransport | undefined;
  kubeconfigUser?(context: string): string | undefined;
}

interface Entry {
  decision?: AccessDecision;
  at: number;
  pending?: Promise<AccessDecision>;
}

const SSAR_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const SELF_REVIEW_PATH = '/apis/authentication.k8s.io/v1/selfsubjectreviews';

export class AccessReviewer {
  private readonly entries = new Map<string, Entry>();
  private readonly users = new Map<string, Promise<UserInfo | undefined>>();
  private readonly queues = new Map<string, { running: number; waiting: (() => void)[] }>();
  /** Bumped per context on invalidate(): answers of an older generation are thrown away. */
  private readonly generations = new Map<string, number>();
  private readonly changed = new Emitter<string>();
  /** Subscriptions that live as long as the reviewer (accessForClusters). */
  private readonly owned: { dispose(): void }[] = [];
  /** Fires a context's name when answers for it arrived or were dropped. */
  readonly onDidChange = this.changed.event;
  /** SelfSubjectRulesReview answers per (context, namespace), dropped with the context's other answers. */
  readonly rules: RulesCache;
  private readonly ttlMs: number;
  private readonly failureTtlMs: number;
  private readonly concurrency: number;
  private readonly now: () => number;

  constructor(
    private readonly target: AccessTarget,
    opts: AccessReviewerOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 300_000;
    this.failureTtlMs = opts.failureTtlMs ?? 30_000;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.now = opts.now ?? Date.now;
    this.rules = new RulesCache(
      (context, namespace) => {
        const transport = this.target.transport(context);
        return transport ? fetchRules(transport, namespace) : Promise.reject(new Error(`context "${context}" is not in the kubeconfig`));
      },
      this.ttlMs,
      this.now,
    );
  }

  /** The cached answer if there is one and it is fresh; never asks. */
  peek(context: string, q: AccessQuery): AccessDecision | undefined {
    const e = this.entries.get(queryKey(context, q));
    return e?.decision && this.fresh(e) ? e.decision : undefined;
  }

  /** The cached answer even if it is stale (callers show it while a fresh one is asked for). */
  peekStale(context: string, q: AccessQuery): AccessDecision | undefined {
    return this.entries.get(queryKey(context, q))?.decision;
  }

  /** One answer: from the cache when fresh, else one review (concurrent callers share it). */
  review(context: string, q: AccessQuery, opts: { fresh?: boolean } = {}): Promise<AccessDecision> {
    const key = queryKey(context, q);
    const e = this.entries.get(key);
    if (e?.pending) return e.pending;
    if (!opts.fresh && e?.decision && this.fresh(e)) return Promise.resolve(e.decision);
    const generation = this.generation(context);
    const entry: Entry = e ?? { at: 0 };
    const pending = this.ask(context, q).then((decision) => {
      // Dropped meanwhile (credentials changed): this answer is for the old identity.
      if (this.generation(context) !== generation) return decision;
      entry.decision = decision;
      entry.at = this.now();
      entry.pending = undefined;
      this.changed.fire(context);
      return decision;
    });
    entry.pending = pending;
    this.entries.set(key, entry);
    return pending;
  }

  /** The answers a menu needs, asked together (shared, de-duplicated, a few at a time). */
  reviewAll(context: string, qs: readonly AccessQuery[]): Promise<AccessDecision[]> {
    return Promise.all(qs.map((q) => this.review(context, q)));
  }

  /**
   * Throws a KubeApiError (403) naming the missing verb, resource and user unless the action is
   * allowed or unknown. Only a fresh "allowed" is taken from the cache: a denial is asked again
   * (the admin may just have granted it), and the new answer updates the menus too.
   */
  async require(context: string, q: AccessQuery): Promise<void> {
    const cached = this.peek(context, q);
    const d = cached?.allowed === true ? cached : await this.review(context, q, { fresh: true });
    if (d.allowed !== false) return;
    throw await this.deniedError(context, q, d);
  }

  /** The error for a denied query (also used when the server itself answered 403). */
  async deniedError(context: string, q: AccessQuery, d?: AccessDecision): Promise<KubeApiError> {
    const who = describeUser(await this.user(context), this.target.kubeconfigUser?.(context));
    return new KubeApiError(forbiddenMessage(q, who, d), { kind: 'http', status: 403, reason: 'Forbidden', hint: forbiddenHint(q) });
  }

  /**
   * Who we are on this context (SelfSubjectReview, GA since Kubernetes 1.28); undefined where the
   * server does not serve it or forbids it. Cached with the context's answers.
   */
  user(context: string): Promise<UserInfo | undefined> {
    let p = this.users.get(context);
    if (!p) {
      p = this.askUser(context);
      this.users.set(context, p);
    }
    return p;
  }

  /** Forgets a context's answers (its credentials changed); views re-ask. */
  invalidate(context: string): void {
    this.generations.set(context, this.generation(context) + 1);
    const prefix = JSON.stringify([context]).slice(0, -1);
    for (const key of [...this.entries.keys()]) if (key.startsWith(`${prefix},`)) this.entries.delete(key);
    this.users.delete(context);
    this.rules.invalidate(context);
    this.changed.fire(context);
  }

  /** Ties a subscription's life to the reviewer's. */
  own(d: { dispose(): void }): void {
    this.owned.push(d);
  }

  dispose(): void {
    for (const d of this.owned.splice(0)) d.dispose();
    this.entries.clear();
    this.users.clear();
    this.rules.clear();
    this.changed.dispose();
  }

  private fresh(e: Entry): boolean {
    const ttl = e.decision?.allowed === undefined ? this.failureTtlMs : this.ttlMs;
    return this.now() - e.at < ttl;
  }

  private generation(context: string): number {
    return this.generations.get(context) ?? 0;
  }

  private async ask(context: string, q: AccessQuery): Promise<AccessDecision> {
    await this.slot(context);
    try {
      const transport = this.target.transport(context);
      if (!transport) return { allowed: undefined, reason: `context "${context}" is not in the kubeconfig` };
      const attrs: Record<string, string> = { verb: q.verb, group: q.group, resource: q.resource };
      if (q.subresource) attrs.subresource = q.subresource;
      if (q.namespace) attrs.namespace = q.namespace;
      const res = await transport.request<{ status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string } }>({
        method: 'POST',
        path: SSAR_PATH,
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attrs } },
        timeoutMs: 10_000,
      });
      const st = res?.status ?? {};
      const reason = st.reason || st.evaluationError || undefined;
      return st.allowed === true ? { allowed: true, reason } : { allowed: false, reason };
    } catch (e) {
      // The review failed (network, or reviews themselves are forbidden): unknown, not denied.
      return { allowed: undefined, reason: e instanceof Error ? e.message : String(e) };
    } finally {
      this.release(context);
    }
  }

  private async askUser(context: string): Promise<UserInfo | undefined> {
    try {
      const transport = this.target.transport(context);
      if (!transport) return undefined;
      const res = await transport.request<{ status?: { userInfo?: { username?: string; groups?: string[] } } }>({
        method: 'POST',
        path: SELF_REVIEW_PATH,
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        timeoutMs: 10_000,
      });
      const u = res?.status?.userInfo;
      return u?.username ? { username: u.username, groups: u.groups ?? [] } : undefined;
    } catch {
      // Older servers (404) or a policy that forbids it: the kubeconfig user name stands in.
      this.users.delete(context);
      return undefined;
    }
  }

  private slot(context: string): Promise<void> {
    let q = this.queues.get(context);
    if (!q) {
      q = { running: 0, waiting: [] };
      this.queues.set(context, q);
    }
    if (q.running < this.concurrency) {
      q.running++;
      return Promise.resolve();
    }
    const queue = q;
    return new Promise((resolve) => queue.waiting.push(resolve));
  }

  private release(context: string): void {
    const q = this.queues.get(context);
    if (!q) return;
    const next = q.waiting.shift();
    if (next) next();
    else q.running--;
  }
}

/** The reviewer of a ClusterManager's contexts: answers are dropped whenever a context is reset. */
export function accessForClusters(
  clusters: {
    session(context: string): { transport: KubeTransport; context: { user: string } } | undefined;
    onDidResetContext(listener: (context: string) => void): { dispose(): void };
  },
  opts?: AccessReviewerOptions,
): AccessReviewer {
  const reviewer = new AccessReviewer(
    {
      transport: (context) => clusters.session(context)?.transport,
      kubeconfigUser: (context) => clusters.session(context)?.context.user,
    },
    opts,
  );
  reviewer.own(clusters.onDidResetContext((context) => reviewer.invalidate(context)));
  return reviewer;
}
