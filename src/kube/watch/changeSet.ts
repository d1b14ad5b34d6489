// Subscribers get batched, coalesced change sets instead of one callback per event: a burst of
// 10,000 pod updates becomes a handful of deliveries, and an object added then deleted inside one
// batch is never seen at all.
import type { KubeObject } from '../kinds/types';

export interface ChangeSet {
  added: KubeObject[];
  updated: { old: KubeObject; new: KubeObject }[];
  deleted: KubeObject[];
  /** True when the batch contains a relist (the whole content was replaced). */
  relisted: boolean;
}

type Pending = { type: 'added'; obj: KubeObject } | { type: 'updated'; old: KubeObject; obj: KubeObject } | { type: 'deleted'; obj: KubeObject };

export class ChangeAccumulator {
  private readonly pending = new Map<string, Pending>();
  private relisted = false;

  get isEmpty(): boolean {
    return this.pending.size === 0 && !this.relisted;
  }

  added(key: string, obj: KubeObject): void {
    const p = this.pending.get(key);
    // deleted then re-added within a batch: to a subscriber that is an update.
    if (p?.type === 'deleted') this.pending.set(key, { type: 'updated', old: p.obj, obj });
    else this.pending.set(key, { type: 'added', obj });
  }

  updated(key: string, old: KubeObject, obj: KubeObject): void {
    const p = this.pending.get(key);
    if (p?.type === 'added') this.pending.set(key, { type: 'added', obj });
    else if (p?.type === 'updated') this.pending.set(key, { type: 'updated', old: p.old, obj });
    else this.pending.set(key, { type: 'updated', old, obj });
  }

  deleted(key: string, obj: KubeObject): void {
    const p = this.pending.get(key);
    if (p?.type === 'added') this.pending.delete(key);
    else if (p?.type === 'updated') this.pending.set(key, { type: 'deleted', obj: p.old });
    else this.pending.set(key, { type: 'deleted', obj });
  }

  markRelisted(): void {
    this.relisted = true;
  }

  take(): ChangeSet {
    const cs: ChangeSet = { added: [], updated: [], deleted: [], relisted: this.relisted };
    for (const p of this.pending.values()) {
      if (p.type === 'added') cs.added.push(p.obj);
      else if (p.type === 'updated') cs.updated.push({ old: p.old, new: p.obj });
      else cs.deleted.push(p.obj);
    }
    this.pending.clear();
    this.relisted = false;
    return cs;
  }
}
