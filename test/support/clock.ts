import { addMilliseconds } from 'date-fns';

/** A clock that stands still until moved: tests control every timestamp. */
export interface FakeClock {
  (): Date;
  /** Moves the clock forward. */
  advance(ms: number): void;
  /** Sets the clock. */
  set(at: Date | string): void;
}

/** A fake clock starting at `start`. */
export function fixedClock(start: Date | string): FakeClock {
  let now = new Date(start);
  const clock = (() => new Date(now)) as FakeClock;
  clock.advance = (ms) => {
    now = addMilliseconds(now, ms);
  };
  clock.set = (at) => {
    now = new Date(at);
  };
  return clock;
}
