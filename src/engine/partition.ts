// Splitting one run into parts that run in parallel and add up exactly. Each strategy declares the
// key its state lives on (Strategy.state); requests that could meet in some strategy's state must
// run in the same part (traffic/table/partition.ts groups them). A run is split only when each part
// then sees exactly what one pass would show it:
// - no stage keeps state across the whole stream;
// - clocks (running maxima of request times) read the same times: the log is sorted and no stage
//   before a clocked one moves requests in time;
// - random draws are per request (StrategyContext.draw), never a stream shared by many requests.
import type { SimRequest } from './request.js';

/** Where a strategy's state lives (Strategy.state), as a function of the request the source gave. */
export type StateKey =
  /** no state across requests */
  | { on: 'none' }
  /** cumulative prefix keys: requests with different first blocks never share an entry */
  | { on: 'prefix' }
  /** request ids named by retry_of */
  | { on: 'retry' }
  /**
   * equal keys may share state; the key is read on the source request and must be the same for
   * any two requests that could meet, whatever earlier stages do to them (so leave out fields an
   * earlier stage may change, like the model); undefined = the request keeps no state
   */
  | {
      on: 'key';
      key: (r: SimRequest) => string | undefined;
      /** the key is undefined for every request with prefix blocks (a split need not read those) */
      prefixless?: boolean;
    }
  /** state across the whole stream: the run cannot be split */
  | { on: 'stream'; why: string };

export interface StageState {
  label: string;
  state: StateKey;
  /** reads time through a running maximum (expiring caches, windows) */
  clock: boolean;
  /** changes atMs (a batch window) */
  movesTime: boolean;
}

export type Relation =
  | { on: 'prefix' }
  | { on: 'retry' }
  | { on: 'key'; key: (r: SimRequest) => string | undefined; prefixless?: boolean };

export type SplitPlan = { relations: Relation[] } | { reason: string };

/** Whether a run of these stages can be split, and on which relations; `unsorted` = rows out of time order. */
export function splitPlan(stages: readonly StageState[], unsorted: number): SplitPlan {
  const relations: Relation[] = [];
  let mover: string | undefined;
  for (const s of stages) {
    const st = s.state;
    if (st.on === 'stream') return { reason: `${s.label} keeps state across the whole stream (${st.why})` };
    if (s.clock) {
      if (unsorted > 0)
        return {
          reason: `the log is not sorted by time (${unsorted} rows are earlier than a row before them) and ${s.label} keeps time`,
        };
      if (mover) return { reason: `${mover} moves requests in time before ${s.label}, which keeps time` };
    }
    if (s.movesTime) mover ??= s.label;
    if (st.on === 'prefix' && !relations.some((r) => r.on === 'prefix')) relations.push(st);
    else if (st.on === 'retry' && !relations.some((r) => r.on === 'retry')) relations.push(st);
    else if (st.on === 'key') relations.push(st);
  }
  return { relations };
}
