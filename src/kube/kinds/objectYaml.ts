// The YAML view of one object, read from the server when it is opened (and again on each change
// the watch reports): the cache holds projections and metadata only, never whole objects, and a
// Secret's values must not be kept anywhere (they live in the returned text, which the editor
// shows because the user asked for it). managedFields are left out, as kubectl does.
import { dump } from 'js-yaml';
import { KubeApiError, type KubeTransport } from '../transport/types';
import { apiVersionOf, objectPath, type ResourceType } from './resourceType';
import type { KubeObject } from './types';

export interface ObjectYaml {
  yaml: string;
  /** The version shown (undefined when the object could not be read). */
  resourceVersion?: string;
}

export async function fetchObjectYaml(transport: KubeTransport, type: ResourceType, namespace: string | undefined, name: string, signal?: AbortSignal): Promise<ObjectYaml> {
  let obj: KubeObject;
  try {
    obj = await transport.request<KubeObject>({ path: objectPath(type, namespace, name), signal, timeoutMs: 30_000 });
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) return { yaml: `# ${type.kind} ${namespace ? `${namespace}/` : ''}${name} does not exist (deleted?).\n` };
    if (e instanceof KubeApiError) return { yaml: `# Cannot read ${type.kind} ${name}: ${e.message}${e.hint ? `\n# ${e.hint}` : ''}\n` };
    throw e;
  }
  const { managedFields: _mf, ...metadata } = obj.metadata ?? {};
  const yaml = dump({ apiVersion: obj.apiVersion ?? apiVersionOf(type), kind: obj.kind ?? type.kind, ...obj, metadata }, { noRefs: true, lineWidth: 120, sortKeys: false });
  return { yaml, resourceVersion: metadata.resourceVersion };
}
