// The pods a multi-pod log view follows, read from the shared watch cache: the pods watch of the
// namespace (or a synced cluster-wide one the tree already runs), held through a ViewLeases of its
// own, so the view sees every pod a rollout creates or deletes as the tree does and nothing
// polls. A watch stopped by a reconnect is re-acquired.
import type { ResourceType } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import { Emitter, type Event } from '../util/emitter';
import { type LabelSelector, selectFromStore } from '../watch/labelSelector';
import type { SharedWatch } from '../watch/sharedWatch';
import { ViewLeases } from '../watch/viewLeases';
import type { WatchHub } from '../watch/watchHub';

/** The seam the multi-pod follower reads (tests hand in their own). */
export interface PodSource {
  /** The matching pods as the cache holds them now. */
  pods(): readonly KubeObject[];
  /** The cache changed (pods added, updated or deleted). */
  readonly onDidChange: Event<void>;
  dispose(): void;
}

const HOLDER = 'logs';

export class WatchedPods implements PodSource {
  private readonly changed = new Emitter<void>();
  readonly onDidChange: Event<void> = this.changed.event;
  private readonly leases: ViewLeases;
  private watch: SharedWatch | undefined;
  private disposed = false;

  private constructor(
    hub: WatchHub,
    private readonly context: string,
    private readonly podType: ResourceType,
    private readonly namespace: string,
    private readonly selector: LabelSelector,
  ) {
    this.leases = new ViewLeases(hub, {
      changed: () => this.changed.fire(),
      statusChanged: (_w, st) => {
        if (st.phase === 'stopped') void this.acquire().then(() => this.changed.fire());
      },
    });
  }

  /** Resolves once the pods are listed, or with the reason they cannot be (forbidden, failed). */
  static async open(hub: WatchHub, context: string, podType: ResourceType, namespace: string, selector: LabelSelector): Promise<WatchedPods | { error: string }> {
    const p = new WatchedPods(hub, context, podType, namespace, selector);
    const err = await p.acquire();
    if (err) {
      p.dispose();
      return { error: err };
    }
    return p;
  }

  private async acquire(): Promise<string | undefined> {
    if (this.disposed) return undefined;
    const a = await this.leases.acquire(HOLDER, this.context, this.podType, this.namespace);
    if ('watch' in a) {
      this.watch = a.watch;
      return undefined;
    }
    this.watch = undefined;
    return 'forbidden' in a ? `cannot list pods in namespace "${this.namespace}": ${a.message}` : `cannot list pods: ${a.message}`;
  }

  pods(): readonly KubeObject[] {
    return this.watch ? selectFromStore(this.watch.store, this.selector, this.namespace) : [];
  }

  dispose(): void {
    this.disposed = true;
    this.leases.dispose();
    this.changed.dispose();
  }
}

/** `app=web,tier!=db,env in (a,b),!legacy,debug` (kubectl's -l syntax) → a LabelSelector; an error text when it does not parse. */
export function parseLabelSelector(text: string): LabelSelector | { error: string } {
  const sel: Required<LabelSelector> = { matchLabels: {}, matchExpressions: [] };
  // Split on commas outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    const r = requirement(p);
    if (!r) return { error: `"${p}" is not a valid requirement` };
    if ('label' in r) sel.matchLabels[r.label[0]] = r.label[1];
    else sel.matchExpressions.push(r.expr);
  }
  if (!Object.keys(sel.matchLabels).length && !sel.matchExpressions.length) return { error: 'the selector is empty: it would select every pod' };
  return sel;
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
type Expr = NonNullable<LabelSelector['matchExpressions']>[number];

/** One requirement of a selector: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`. */
function requirement(p: string): { label: [string, string] } | { expr: Expr } | undefined {
  const eq = /^(\S+?)\s*(==|=|!=)\s*(\S*)$/.exec(p);
  if (eq) {
    const [, k = '', op, v = ''] = eq;
    if (!NAME.test(k) || !VALUE.test(v)) return undefined;
    return op === '!=' ? { expr: { key: k, operator: 'NotIn', values: [v] } } : { label: [k, v] };
  }
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p);
  if (set) {
    const [, k = '', op, vs = ''] = set;
    const values = vs.split(',').map((v) => v.trim()).filter(Boolean);
    if (!NAME.test(k) || !values.every((v) => VALUE.test(v))) return undefined;
    return { expr: { key: k, operator: op === 'in' ? 'In' : 'NotIn', values } };
  }
  const not = /^!\s*(\S+)$/.exec(p);
  if (not?.[1] && NAME.test(not[1])) return { expr: { key: not[1], operator: 'DoesNotExist' } };
  if (NAME.test(p)) return { expr: { key: p, operator: 'Exists' } };
  return undefined;
}
