// Runs an action only when the permissions it needs are there, and explains a denial in RBAC's
// terms for the user the cluster sees: "user "restricted" may not patch deployments.apps in
// namespace "team-a"". A 403 from the action itself (RBAC changed after the check) re-asks, so
// the message names the permission that is really missing, and the menus learn it too.
import { KubeApiError } from '../transport/types';
import type { AccessReviewer } from './accessReviewer';
import type { AccessQuery } from './accessTypes';

export async function guardAction<T>(reviewer: AccessReviewer, context: string, needs: readonly AccessQuery[], run: () => Promise<T>): Promise<T> {
  for (const q of needs) await reviewer.require(context, q);
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof KubeApiError) || e.status !== 403) throw e;
    for (const q of needs) {
      const d = await reviewer.review(context, q, { fresh: true });
      if (d.allowed === false) throw await reviewer.deniedError(context, q, d);
    }
    throw e;
  }
}
