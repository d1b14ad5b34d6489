// A loopback TCP proxy in front of the apiserver that can go silent without closing: the sockets
// it holds stay open and keep answering TCP keepalives, but no byte passes either way. That is
// what a laptop sleep, a VPN drop or a NAT/middlebox that forgot the connection look like to a
// client: nothing fails, nothing arrives. New connections made after silence() pass normally.
import { createServer, type Server, Socket } from 'node:net';

export interface SilentProxy {
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open now. */
  readonly open: number;
  /** Every connection open now stops forwarding (in both directions) but stays open. */
  silence(): void;
  close(): Promise<void>;
}

export async function startSilentProxy(targetPort: number): Promise<SilentProxy> {
  const live = new Set<{ client: Socket; upstream: Socket; silent: boolean }>();
  let accepted = 0;
  const server: Server = createServer((client) => {
    accepted++;
    const upstream = new Socket();
    const pair = { client, upstream, silent: false };
    live.add(pair);
    upstream.connect(targetPort, '127.0.0.1');
    client.on('data', (d) => {
      if (!pair.silent) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!pair.silent) client.write(d);
    });
    const end = (): void => {
      live.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', () => {
      // A silenced connection hides the upstream's close too: the client must find out by itself.
      if (!pair.silent) end();
    });
    client.on('error', end);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    get accepted() {
      return accepted;
    },
    get open() {
      return live.size;
    },
    silence() {
      for (const p of live) p.silent = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const p of live) {
          p.client.destroy();
          p.upstream.destroy();
        }
        live.clear();
        server.close(() => resolve());
      }),
  };
}
