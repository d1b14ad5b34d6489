// The live causes of the workloads an open YAML file describes, for the Problems view. Each file
// ("document", by id) holds, through its own ViewLeases, the watches its targets need in their
// namespaces — the target's kind, pods, events (and ReplicaSets for a Deployment) — the same
// shared watches the tree uses, so a file about a namespace the tree shows costs no second list.
// Causes are recomputed from the cache when one of those watches reports a change (throttled) and
// announced only when they differ; a watch that stops (reconnect, new credentials) is re-acquired.
// Untracking a document releases its leases. Plain TypeScript: ui/diagnosis/problemsView.ts
// turns the causes into VS Code diagnostics.
import type { ClusterManager } from '../clusters/clusterManager';
import type { KindRegistry } from '../kinds/kindRegistry';
import type { ResourceType } from '../kinds/resourceType';
import { type Disposable, Emitter } from '../util/emitter';
import { Throttle } from '../util/throttle';
import type { SharedWatch } from '../watch/sharedWatch';
import { ViewLeases } from '../watch/viewLeases';
import { CacheDiagnosis } from './cacheDiagnosis';
import type { ManifestTarget } from './manifestTargets';
import type { Diagnosis } from './types';

export interface ManifestCause {
  target: ManifestTarget;
  diagnosis: Diagnosis;
}

interface Scope {
  type: ResourceType;
  namespace: string;
}

interface Tracked {
  context: string;
  namespace: string;
  targets: readonly ManifestTarget[];
  resolved: { target: ManifestTarget; type: ResourceType; namespace: string }[];
  watches: Set<SharedWatch>;
  /** What it holds, to give back what a new version of the file no longer needs. */
  held: Scope[];
  causes: ManifestCause[];
  signature: string;
}

export class ManifestCauses implements Disposable {
  private readonly leases: ViewLeases;
  private readonly engine: CacheDiagnosis;
  private readonly docs = new Map<string, Tracked>();
  private readonly dirty = new Set<string>();
  private readonly throttle: Throttle;
  private readonly changes = new Emitter<string>();
  /** A document's causes changed (its id). */
  readonly onDidChange = this.changes.event;
  private disposed = false;

  constructor(
    private readonly clusters: Pick<ClusterManager, 'hub' | 'session'>,
    opts: { now?: () => number; throttleMs?: number } = {},
  ) {
    this.leases = new ViewLeases(clusters.hub, {
      changed: (w) => this.touch((d) => d.watches.has(w.watch)),
      statusChanged: (w, st) => {
        if (st.phase !== 'stopped') return;
        // Its leases were dropped: take live watches (a new session after a credentials change).
        for (const [id, d] of this.docs) if (d.watches.has(w.watch)) void this.track(id, d.context, d.namespace, d.targets);
      },
    });
    this.engine = new CacheDiagnosis(this.leases, clusters.hub, (c) => this.registryNow(c), opts.now ?? Date.now);
    this.throttle = new Throttle(() => this.flush(), opts.throttleMs ?? 100);
  }

  /**
   * Follows a document's targets in `context`; targets without a namespace of their own are
   * looked for in `namespace`. Called again when the file, the context or the namespace changes.
   */
  async track(id: string, context: string, namespace: string, targets: readonly ManifestTarget[]): Promise<void> {
    const prev = this.docs.get(id);
    // The newest call wins: an older one still acquiring sees it is no longer `docs.get(id)`.
    const d: Tracked = { context, namespace, targets, resolved: [], watches: new Set(), held: [], causes: prev?.causes ?? [], signature: prev?.signature ?? '' };
    this.docs.set(id, d);
    const holder = holderOf(id);
    const registry = targets.length ? await this.registry(context) : undefined;
    const needs = new Map<string, Scope>();
    const need = (type: ResourceType | undefined, ns: string): void => {
      if (type) needs.set(scopeKey({ type, namespace: ns }), { type, namespace: ns });
    };
    for (const target of registry ? targets : []) {
      const type = registry?.resolve(target.kind, target.apiVersion);
      if (!type?.namespaced) continue;
      const ns = target.namespace ?? namespace;
      d.resolved.push({ target, type, namespace: ns });
      need(type, ns);
      need(registry?.get('pods'), ns);
      need(registry?.get('events'), ns);
      if (type.kind === 'Deployment') need(registry?.get('replicasets.apps'), ns);
    }
    d.held = [...needs.values()];
    const acquired = await Promise.all(d.held.map((n) => this.leases.acquire(holder, context, n.type, n.namespace)));
    const current = this.docs.get(id);
    if (this.disposed || current !== d) {
      // Superseded or untracked meanwhile: give back what the newer version does not hold.
      const kept = new Set(current?.context === context ? current.held.map(scopeKey) : []);
      for (const n of d.held) if (!kept.has(scopeKey(n))) this.leases.releaseOne(holder, context, n.type, n.namespace);
      return;
    }
    for (const a of acquired) if ('watch' in a) d.watches.add(a.watch);
    // Give back what the previous version held and this one does not (same holder, other scopes).
    const kept = new Set(d.held.map(scopeKey));
    for (const h of prev?.held ?? []) if (prev?.context !== context || !kept.has(scopeKey(h))) this.leases.releaseOne(holder, prev?.context ?? context, h.type, h.namespace);
    this.recompute(id, d, true);
  }

  /** Stops following a document (closed, or the setting turned off) and releases its watches. */
  untrack(id: string): void {
    if (!this.docs.delete(id)) return;
    this.dirty.delete(id);
    this.leases.release((h) => h === holderOf(id));
  }

  causes(id: string): readonly ManifestCause[] {
    return this.docs.get(id)?.causes ?? [];
  }

  tracked(): string[] {
    return [...this.docs.keys()];
  }

  dispose(): void {
    this.disposed = true;
    this.throttle.cancel();
    this.docs.clear();
    this.leases.dispose();
    this.changes.dispose();
  }

  private touch(matches: (d: Tracked) => boolean): void {
    for (const [id, d] of this.docs) if (matches(d)) this.dirty.add(id);
    if (this.dirty.size) this.throttle.schedule();
  }

  private flush(): void {
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      const d = this.docs.get(id);
      if (d) this.recompute(id, d, false);
    }
  }

  private recompute(id: string, d: Tracked, announce: boolean): void {
    const causes: ManifestCause[] = [];
    for (const r of d.resolved) {
      const obj = this.leases.serving(d.context, r.type, r.namespace)?.watch.store.get(`${r.namespace}/${r.target.name}`);
      if (!obj) continue;
      const o = { ...obj, kind: obj.kind ?? r.type.kind };
      const diagnosis = r.type.kind === 'Pod' ? this.engine.causeFor(d.context, r.type, o) : this.engine.rollUpFor(d.context, r.type, o);
      if (diagnosis) causes.push({ target: r.target, diagnosis });
    }
    const signature = JSON.stringify(causes.map((c) => [c.target.line, c.diagnosis.code, c.diagnosis.summary, c.diagnosis.nextStep]));
    d.causes = causes;
    if (signature === d.signature && !announce) return;
    d.signature = signature;
    this.changes.fire(id);
  }

  private registryNow(context: string): KindRegistry | undefined {
    const st = this.clusters.session(context)?.state;
    return st?.phase === 'ready' ? st.registry : undefined;
  }

  private async registry(context: string): Promise<KindRegistry | undefined> {
    const s = this.clusters.session(context);
    if (!s) return undefined;
    const st = await s.connect();
    return st.phase === 'ready' ? st.registry : undefined;
  }
}

function scopeKey(s: Scope): string {
  return `${s.type.group}/${s.type.plural}/${s.namespace}`;
}

function holderOf(id: string): string {
  return `problems:${id}`;
}
