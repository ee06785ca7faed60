// An open-loop load generator: requests are sent on a fixed schedule (rate r → one every 1/r s),
// whether or not earlier ones have answered, and each latency is measured from the request's
// *scheduled* send time. A closed-loop tool (autocannon, even with `overallRate`) waits for answers
// before sending more, so a slow server is offered less load and its queueing delay is hidden
// ("coordinated omission"). Node's own HTTP client does the sending; hdr-histogram-js the percentiles.
import * as hdr from 'hdr-histogram-js';
import http from 'node:http';

/**
 * Offers `rate` requests per second to `url` for `durationS` seconds.
 * @param {{ url: string, headers?: Record<string,string>, rate: number, durationS: number, maxSockets?: number, timeoutMs?: number }} o
 * @returns {Promise<{ offered: number, achieved: number, ok: number, errors: number, p50: number, p90: number, p99: number, max: number }>}
 */
export async function openLoop({ url, headers = {}, rate, durationS, maxSockets = 512, timeoutMs = 10_000 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const target = new URL(url);
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const total = Math.round(rate * durationS);
  let sent = 0;
  let ok = 0;
  let errors = 0;
  let inFlight = 0;
  let okInWindow = 0;
  const start = performance.now();
  const windowEnd = start + durationS * 1000;

  /** @param {number} scheduledAt */
  const send = (scheduledAt) => {
    inFlight++;
    const done = (/** @type {boolean} */ success) => {
      const now = performance.now();
      inFlight--;
      if (success) {
        ok++;
        if (now <= windowEnd) okInWindow++;
        histogram.recordValue(Math.max(1, Math.round((now - scheduledAt) * 1000))); // µs
      } else errors++;
    };
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, headers, agent, timeout: timeoutMs },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => done(res.statusCode !== undefined && res.statusCode < 300));
        res.on('error', () => done(false));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done(false));
    req.end();
  };

  await new Promise((resolve) => {
    // Every tick sends all requests whose scheduled time has passed, so a late tick catches up
    // instead of lowering the offered rate.
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / rate <= now) send(start + (sent++ * 1000) / rate);
      if (sent < total) setImmediate(tick);
      else resolve(undefined);
    };
    tick();
  });
  const drainDeadline = performance.now() + timeoutMs + 1000;
  const pending = () => inFlight > 0 && performance.now() < drainDeadline;
  while (pending()) await new Promise((r) => setTimeout(r, 20));
  agent.destroy();
  const ms = (/** @type {number} */ p) => histogram.getValueAtPercentile(p) / 1000;
  return {
    offered: rate,
    achieved: okInWindow / durationS,
    ok,
    errors: errors + inFlight,
    p50: ms(50),
    p90: ms(90),
    p99: ms(99),
    max: histogram.maxValue / 1000,
  };
}
