import { GateError } from "./errors.js";

/**
 * What to do about a spent budget when the wait knows no better: the waits
 * are of every kind (sign-in, Azure, GitHub, in a check or a capture, which is
 * never sharded), so 'shard' is left to the waits it helps.
 */
const RAISE_BUDGET = "Raise 'timeout-minutes'; if a service never answers, check its status.";

/** A wait the run's time budget cannot afford: the run ends with this reason instead of waiting. */
export class BudgetSpent extends GateError {
  constructor(what: string, detail: string, hint: string = RAISE_BUDGET) {
    super(`The run's time budget ('timeout-minutes') does not allow ${what}: ${detail}.`, hint);
    this.name = "BudgetSpent";
  }
}

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}

/**
 * The run's one deadline, from `timeout-minutes`. Every wait of the run goes
 * through it: a wait longer than the time left fails at once, naming what it
 * waited for, and a wait in progress ends when the budget is spent.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(
    readonly endsAt: number,
    private readonly now: () => number = Date.now,
  ) {
    this.signal = this.controller.signal;
    this.timer = setTimeout(
      () => this.controller.abort(new BudgetSpent("more time", "it ran out")),
      this.remainingMs(),
    );
    this.timer.unref();
  }

  static after(ms: number, now: () => number = Date.now): Deadline {
    return new Deadline(now() + ms, now);
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - this.now());
  }

  /** Fails at once with BudgetSpent when `ms` is more than the time left; `hint` says what to do, if not RAISE_BUDGET. */
  afford(ms: number, what: string, hint?: string): void {
    const left = this.remainingMs();
    if (ms > left) throw new BudgetSpent(what, `it asks for ${seconds(ms)}, ${seconds(left)} are left`, hint);
  }

  /** Waits `ms`, unless the budget cannot afford it (fails at once) or runs out meanwhile. */
  async wait(ms: number, what: string, hint?: string): Promise<void> {
    this.afford(ms, what, hint);
    await this.race(new Promise<void>((resolve) => setTimeout(resolve, ms).unref()), what, hint);
  }

  /** The promise, or BudgetSpent naming what was still waiting when the budget ran out. */
  race<T>(promise: Promise<T>, what: string, hint?: string): Promise<T> {
    if (this.signal.aborted) return Promise.reject(new BudgetSpent(what, "it had already run out", hint));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new BudgetSpent(what, "it ran out while waiting", hint));
      this.signal.addEventListener("abort", onAbort, { once: true });
      promise.then(
        (value) => {
          this.signal.removeEventListener("abort", onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      );
    });
  }

  /** Stops the timer; the signal stays as it is. */
  dispose(): void {
    clearTimeout(this.timer);
  }
}
