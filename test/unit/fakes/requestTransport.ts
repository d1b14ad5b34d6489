// A KubeTransport that answers plain requests only (access and rules reviews): exchange goes through
// `request`, streams are refused. Tests add their own counters to the object it returns.
import type { KubeRequest, KubeTransport } from '../../../src/kube/transport/types';

export function requestTransport(request: <T>(req: KubeRequest) => Promise<T>): KubeTransport {
  return {
    server: 'https://fake',
    request,
    async exchange<T>(req: KubeRequest) {
      return { status: 201, body: await request<T>(req), warnings: [] };
    },
    async streamLines(): Promise<AsyncIterable<string>> {
      throw new Error('no streams');
    },
    async close() {},
  };
}
