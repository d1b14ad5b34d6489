// Projections: what the watch cache keeps of each object (the fields its views read), so a
// cached object costs a fraction of the JSON the server sent. The full object is fetched when
// the user opens it (kinds/objectYaml.ts).
import { resourceId, type ResourceType } from '../resourceType';
import type { KubeObject } from '../types';
import type { Pool } from './internPool';
import { GENERIC_SHAPE, KIND_SHAPES } from './kindShapes';
import { projectEndpointSlice } from './endpointSliceProjection';
import { projectMeta } from './metaProjection';
import { pick } from './pick';
import { projectEvent } from './eventProjection';
import { projectPod } from './podProjection';

export { InternPool, NO_POOL, type Pool } from './internPool';

export type Projection = (o: KubeObject, pool: Pool) => KubeObject;

/** Metadata only: what a PartialObjectMetadata watch delivers (and all such kinds keep). */
export const projectMetadataOnly: Projection = (o, pool) => Object.freeze({ metadata: projectMeta(o.metadata, pool) });

function shaped(shape: { spec?: Parameters<typeof pick>[1]; status?: Parameters<typeof pick>[1] }): Projection {
  return (o, pool) => {
    const out: KubeObject = { metadata: projectMeta(o.metadata, pool) };
    const spec = shape.spec ? pick(o.spec, shape.spec, pool) : undefined;
    if (spec !== undefined) out.spec = spec;
    const status = shape.status ? pick(o.status, shape.status, pool) : undefined;
    if (status !== undefined) out.status = status;
    return Object.freeze(out);
  };
}

const BY_ID = new Map<string, Projection>(Object.entries(KIND_SHAPES).map(([id, s]) => [id, shaped(s)]));
BY_ID.set('pods', projectPod);
BY_ID.set('events', projectEvent);
BY_ID.set('events.events.k8s.io', projectEvent);
BY_ID.set('endpointslices.discovery.k8s.io', projectEndpointSlice);
const GENERIC = shaped(GENERIC_SHAPE);

/** The projection the cache applies to objects of this kind. */
export function projectionFor(type: ResourceType): Projection {
  if (type.metadataOnly) return projectMetadataOnly;
  return BY_ID.get(resourceId(type)) ?? GENERIC;
}
