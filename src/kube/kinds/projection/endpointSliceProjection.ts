// EndpointSlices keep what the topology graph reads: each endpoint's targetRef (the pod it points
// at), its conditions (ready / serving / terminating), addresses and node, and the slice's ports.
// Their fields sit at the top level (no spec/status), hence a projection of their own. Hints,
// zones and hostnames are left out: no view reads them.
import type { KubeObject } from '../types';
import type { Pool } from './internPool';
import { projectMeta } from './metaProjection';
import { pick, type Shape } from './pick';

const ENDPOINT: Shape = {
  addresses: 'keep',
  conditions: 'share',
  nodeName: 'str',
  targetRef: { kind: 'str', name: 'keep', namespace: 'str', uid: 'keep' },
};
const PORT: Shape = { name: 'str', port: 'keep', protocol: 'str', appProtocol: 'str' };

export function projectEndpointSlice(o: KubeObject, pool: Pool): KubeObject {
  const out: KubeObject = { metadata: projectMeta(o.metadata, pool) };
  if (typeof o.addressType === 'string') out.addressType = pool.str(o.addressType);
  const endpoints = pick(o.endpoints, [ENDPOINT], pool);
  if (endpoints !== undefined) out.endpoints = endpoints;
  const ports = pick(o.ports, [PORT], pool);
  if (ports !== undefined) out.ports = pool.share(ports);
  return Object.freeze(out);
}
