// The progress of work spread over threads (a log read in byte ranges, a run split into parts):
// each thread writes its requests done and its units of work done (bytes read, requests run) in
// its slot of an array the threads share, and the thread that draws the progress adds them up -
// while it works itself, and while it waits for the others.

/** A thread's place in a ThreadProgress: the shared array and its index. */
export interface ProgressSlot {
  of: Float64Array;
  k: number;
}

/** Tell a thread's requests and units of work done so far (the working side of ThreadProgress). */
export function tellSlot(slot: ProgressSlot | undefined, requests: number, done: number): void {
  if (!slot) return;
  slot.of[2 * slot.k] = requests;
  slot.of[2 * slot.k + 1] = done;
}

/** how often the other threads' progress is shown while this thread waits for them */
const PROGRESS_MS = 250;

/** The progress of `threads` threads over `total` units of work, shown added up (this thread is slot 0). */
export class ThreadProgress {
  private readonly of: Float64Array;

  constructor(
    threads: number,
    private readonly total: number,
    private readonly show: (requests: number, fraction?: number) => void,
  ) {
    this.of = new Float64Array(new SharedArrayBuffer(16 * threads));
  }

  /** thread k's place */
  slot(k: number): ProgressSlot {
    return { of: this.of, k };
  }

  /** this thread's progress so far; then every thread's shown */
  tell(requests: number, done: number): void {
    tellSlot(this.slot(0), requests, done);
    this.shown();
  }

  /** every thread's progress shown (this thread's told in its slot already) */
  shown(): void {
    let n = 0;
    let done = 0;
    for (let k = 0; k < this.of.length; k += 2) {
      n += this.of[k]!;
      done += this.of[k + 1]!;
    }
    this.show(n, this.total > 0 ? Math.min(1, done / this.total) : undefined);
  }

  /** `others` (the other threads' work) awaited, their progress shown meanwhile and once they are done */
  async during<T>(others: Promise<T>): Promise<T> {
    const ticks = setInterval(() => this.shown(), PROGRESS_MS);
    try {
      return await others;
    } finally {
      clearInterval(ticks);
      this.shown();
    }
  }
}
