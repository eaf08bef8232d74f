// A scenario's traffic as the `source` of runSimulation, plus the rows/period figures the report
// states. Profile: the seeded generator (rows = requests, nothing rejected). Log: the streaming
// reader (src/traffic/logs/read.ts), whose stats fill rows and period once the stream is consumed.
import type { SimRequest } from '../engine/request.js';
import type { LogTraffic } from '../config/scenario.js';
import { generateProfile, periodOf, type Profile } from './profile.js';

export interface SourceStats {
  rows: { read: number; priced: number; rejected: number };
  period: { startMs: number | null; endMs: number | null };
  warnings: string[];
}

export interface TrafficSource {
  source: AsyncIterable<SimRequest[]> | Iterable<SimRequest[]>;
  /** call after the source is consumed */
  stats(requests: number): SourceStats;
}

export function profileSource(profile: Profile, seed: number): TrafficSource {
  const { startMs, endMs } = periodOf(profile);
  return {
    source: generateProfile(profile, seed),
    stats: (requests) => ({ rows: { read: requests, priced: requests, rejected: 0 }, period: { startMs, endMs }, warnings: [] }),
  };
}

/** The log reader's contract (src/traffic/logs/read.ts). */
interface LogStats {
  read: number;
  priced: number;
  rejected: number;
  startMs: number | null;
  endMs: number | null;
  warnings: unknown[];
}

export async function logSource(log: LogTraffic, cwd: string): Promise<TrafficSource> {
  // TODO(static import) once src/traffic/logs/read.ts lands in every checkout
  const spec = './logs/read.js';
  const mod = (await import(spec)) as {
    readLog(opts: Record<string, unknown>, stats: LogStats): AsyncIterable<SimRequest[]>;
    newLogStats(): LogStats;
  };
  const stats = mod.newLogStats();
  const source = mod.readLog({ ...log, cwd }, stats);
  return {
    source,
    stats: () => ({
      rows: { read: stats.read, priced: stats.priced, rejected: stats.rejected },
      period: { startMs: stats.startMs ?? null, endMs: stats.endMs ?? null },
      warnings: (stats.warnings ?? []).map((w) => (typeof w === 'string' ? w : String((w as { message?: string }).message ?? w))),
    }),
  };
}
