// metav1.LabelSelector matching, plus index-assisted lookup: the first equality requirement
// narrows the candidates through the label index before the full match runs.
import type { KubeObject } from '../kinds/types';
import type { IndexedStore } from './store';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export function matchesSelector(labels: Record<string, string> | undefined, sel: LabelSelector | undefined): boolean {
  // An absent selector selects nothing (Deployment semantics need a selector; Services with none select nothing).
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const val = l[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !(e.values ?? []).includes(val!)) return false;
        break;
      case 'NotIn':
        if (has && (e.values ?? []).includes(val!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length > 0;
}

/** Objects in `namespace` (or all) whose labels match. */
export function selectFromStore(store: IndexedStore, sel: LabelSelector, namespace?: string): KubeObject[] {
  const first = Object.entries(sel.matchLabels ?? {})[0];
  const candidates = first ? store.byIndex('label', `${first[0]}=${first[1]}`) : namespace ? store.byIndex('namespace', namespace) : [...store.list()];
  return candidates.filter((o) => (!namespace || o.metadata.namespace === namespace) && matchesSelector(o.metadata.labels, sel));
}
