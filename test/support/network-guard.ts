import net from 'node:net';

const GUARDED = Symbol.for('users-api.network-guard');

const isLoopback = (host: string | undefined): boolean =>
  host === undefined || host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::ffff:127.0.0.1';

/**
 * Makes any TCP connection to a non-loopback host throw, so no test can reach GitHub (or anything
 * else) for real. Every client (pg, ioredis, undici/fetch, Octokit) connects through net.Socket.
 */
export function installNetworkGuard(): void {
  const proto = net.Socket.prototype as unknown as Record<symbol, boolean> & { connect: (...args: unknown[]) => unknown };
  if (proto[GUARDED]) return;
  proto[GUARDED] = true;
  const original = proto.connect;
  proto.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const [first, second] = args;
    let host: string | undefined;
    let path: string | undefined;
    if (Array.isArray(first)) {
      const options = first[0] as { host?: string; path?: string };
      host = options?.host;
      path = options?.path;
    } else if (first && typeof first === 'object') {
      host = (first as { host?: string }).host;
      path = (first as { path?: string }).path;
    } else if (typeof first === 'string' && Number.isNaN(Number(first))) {
      path = first;
    } else if (typeof second === 'string') {
      host = second;
    }
    if (!path && !isLoopback(host)) {
      throw new Error(`Network guard: tests may only connect to loopback hosts, not ${host}`);
    }
    return original.apply(this, args);
  };
}
