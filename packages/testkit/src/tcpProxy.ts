import net from 'node:net';

export interface TcpProxy extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`: the target's URL through the proxy. */
  url: string;
  /** Connections made through the proxy so far. */
  connections(): number;
  /** Cuts every open connection at once, as a flaky network or a restarted load balancer does. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** A loopback TCP proxy to `target` (a URL or port) whose connections a test can cut. */
export async function tcpProxy(target: string | number): Promise<TcpProxy> {
  const port = typeof target === 'number' ? target : Number(new URL(target).port);
  const open = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((client) => {
    count++;
    const upstream = net.connect(port, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as net.AddressInfo;
  const dropConnections = () => {
    // resetAndDestroy sends RST, which is what a dead peer looks like to the client.
    for (const socket of open) socket.resetAndDestroy();
    open.clear();
  };
  const close = async () => {
    dropConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${own}`,
    connections: () => count,
    dropConnections,
    close,
    [Symbol.asyncDispose]: close,
  };
}
