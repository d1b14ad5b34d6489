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
    throw await explainForbidden(reviewer, context, needs, e);
  }
}

/**
 * For an error an action got: a 403 becomes the error naming the first of `needs` that a fresh
 * review denies (the menus learn it too); anything else, or a 403 no review explains, is returned as it is.
 */
export async function explainForbidden(reviewer: AccessReviewer, context: string, needs: readonly AccessQuery[], e: unknown): Promise<unknown> {
  if (!(e instanceof KubeApiError) || e.status !== 403) return e;
  for (const q of needs) {
    const d = await reviewer.review(context, q, { fresh: true });
    if (d.allowed === false) return reviewer.deniedError(context, q, d);
  }
  return e;
}
