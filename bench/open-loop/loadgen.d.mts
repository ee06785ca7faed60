export interface OpenLoopResult {
  offered: number;
  achieved: number;
  ok: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
export function openLoop(options: {
  url: string;
  headers?: Record<string, string>;
  rate: number;
  durationS: number;
  maxSockets?: number;
  timeoutMs?: number;
}): Promise<OpenLoopResult>;
