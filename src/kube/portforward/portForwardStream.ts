// One TCP connection through the API server to a pod's port, over the direct WebSocket
// port-forward protocol (`portforward.k8s.io`, answered as v4.channel.k8s.io by kube-apiserver
// 1.36, which relays it to the kubelet): channel 0 carries the data, channel 1 the error text,
// and the server's first message on each is the port number (2 bytes), which we drop. One socket
// per connection: the protocol has no stream ids, so many connections mean many sockets.
import type { Socket } from 'node:net';
import { encodeFrame, PORT_FORWARD_PROTOCOLS } from '../transport/channel/channelProtocol';
import type { ChannelOpener, ChannelSocket } from '../transport/channel/channelSocket';
import { KubeApiError } from '../transport/types';

export interface PodPort {
  namespace: string;
  pod: string;
  port: number;
}

/** Above this many bytes queued towards the server, the local socket is paused. */
const HIGH_WATER = 1 << 20;

export async function openPortForwardChannel(opener: ChannelOpener, target: PodPort, signal?: AbortSignal): Promise<ChannelSocket> {
  const path = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/portforward`;
  try {
    return await opener.openChannel({ path, query: `ports=${target.port}`, protocols: PORT_FORWARD_PROTOCOLS, signal });
  } catch (e) {
    if (e instanceof KubeApiError && e.kind === 'http' && e.status === 403) {
      throw new KubeApiError(`Not allowed to port-forward to pod ${target.namespace}/${target.pod}: ${e.message.split(' — ').pop()}`, {
        kind: 'http',
        status: 403,
        reason: e.reason,
        hint: `Ask a cluster admin for "create" and "get" on pods/portforward in namespace ${target.namespace}.`,
        cause: e,
      });
    }
    if (e instanceof KubeApiError && e.kind === 'http' && e.status === 404) {
      throw new KubeApiError(`Cannot port-forward: pod ${target.namespace}/${target.pod} is gone`, { kind: 'http', status: 404, reason: e.reason, hint: 'Pick a running pod.', cause: e });
    }
    throw e;
  }
}

/**
 * Pipes `local` through `channel` until either side ends; resolves when both are closed, with the
 * error text the server sent if any (e.g. "connection refused" from the pod's port).
 */
export function pipeConnection(local: Socket, channel: ChannelSocket): Promise<{ error?: string }> {
  return new Promise((resolve) => {
    const prefix = [2, 2]; // bytes of the port-number prefix still to drop, per channel (data, error)
    let error = '';
    let pauseTimer: ReturnType<typeof setInterval> | undefined;
    const strip = (i: 0 | 1, data: Buffer): Buffer => {
      const n = Math.min(prefix[i]!, data.length);
      prefix[i]! -= n;
      return data.subarray(n);
    };
    channel.onMessage((m) => {
      if (m.length === 0) return;
      const body = m.subarray(1);
      if (m[0] === 0) {
        const data = strip(0, body);
        if (data.length && !local.destroyed) local.write(data);
      } else if (m[0] === 1) {
        error += strip(1, body).toString('utf8');
      }
    });
    local.on('data', (d: Buffer) => {
      channel.send(encodeFrame(0, d));
      if (channel.bufferedAmount > HIGH_WATER && !pauseTimer) {
        local.pause();
        pauseTimer = setInterval(() => {
          if (channel.bufferedAmount <= HIGH_WATER || channel.isClosed) {
            clearInterval(pauseTimer);
            pauseTimer = undefined;
            local.resume();
          }
        }, 10);
      }
    });
    // The protocol cannot half-close: the local side ending ends the tunnel.
    local.on('end', () => channel.close());
    local.on('error', () => channel.close());
    local.on('close', () => channel.close());
    channel.onClose(() => {
      if (pauseTimer) clearInterval(pauseTimer);
      if (!local.destroyed) local.end();
      // A peer that never reads must not keep the socket: end() then destroy after a moment.
      const t = setTimeout(() => local.destroy(), 1000);
      t.unref();
      const finish = (): void => resolve(error ? { error: error.trim() } : {});
      if (local.destroyed) finish();
      else local.once('close', finish);
    });
  });
}
