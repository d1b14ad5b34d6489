// The tree's view of the access cache: markers for a row's contextValue, answered from the cache
// at once and asked for in the background (all the reviews one menu needs at once), with an event
// when answers arrive so the rows re-render.
import type { ResourceType } from '../kinds/resourceType';
import type { Event } from '../util/emitter';
import type { AccessReviewer } from './accessReviewer';
import { accessMarkers, actionQuery, actionsFor } from './objectActions';

/** What BrowseModel needs: markers per (context, kind, namespace), and when they changed. */
export interface AccessMarkerSource {
  /** `:can-…` markers for objects of `type` in `namespace`, or undefined while being reviewed. */
  markers(context: string, type: ResourceType, namespace: string | undefined): string | undefined;
  /** Fires the context whose answers changed. */
  readonly onDidChange: Event<string>;
}

export class TreeAccess implements AccessMarkerSource {
  readonly onDidChange: Event<string>;

  constructor(private readonly reviewer: AccessReviewer) {
    this.onDidChange = reviewer.onDidChange;
  }

  markers(context: string, type: ResourceType, namespace: string | undefined): string | undefined {
    const actions = actionsFor(type);
    if (!actions.length) return '';
    const queries = actions.map((a) => actionQuery(a, type, namespace));
    const fresh = queries.map((q) => this.reviewer.peek(context, q));
    if (fresh.some((d) => d === undefined)) {
      // Ask for all of them together; onDidChange re-renders the rows when they are in.
      void this.reviewer.reviewAll(context, queries);
      // Meanwhile an expired answer is better than hiding the menu entries.
      return accessMarkers(actions, queries.map((q) => this.reviewer.peekStale(context, q)));
    }
    return accessMarkers(actions, fresh);
  }
}
