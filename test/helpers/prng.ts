/**
 * A small seeded pseudo-random number generator for property tests and benchmark fixtures, so
 * that a failing run can be repeated from its seed. Not for anything that needs real randomness.
 */
export interface Random {
  /** The seed this generator started from. */
  readonly seed: number;
  /** Returns a float in [0, 1). */
  next(): number;
  /** Returns an integer from `min` to `max`, both included. */
  int(min: number, max: number): number;
  /** Returns one element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Returns true with probability `p`. */
  chance(p: number): boolean;
}

/** Returns a seed from the clock and `Math.random`, as an unsigned 32-bit integer. */
export function randomSeed(): number {
  return (Date.now() ^ Math.floor(Math.random() * 0x1_0000_0000)) >>> 0;
}

/**
 * Parses a seed given as a decimal or `0x` hexadecimal string, or returns a fresh one when
 * `text` is undefined or empty. Raises a RangeError for anything else.
 */
export function parseSeed(text: string | undefined): number {
  if (text === undefined || text.trim() === "") return randomSeed();

  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new RangeError(`Expected the seed to be an integer from 0 to 4294967295, got "${text}".`);
  }
  return value;
}

/**
 * Creates a generator from a 32-bit seed. The state advances by a Weyl sequence and each output
 * is a mixed copy of the state (the splitmix32 construction), so nearby seeds give unrelated
 * sequences.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;

  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x21f0aaad);
    mixed = Math.imul(mixed ^ (mixed >>> 15), 0x735a2d97);
    mixed ^= mixed >>> 15;
    return (mixed >>> 0) / 0x1_0000_0000;
  };

  return {
    seed: seed >>> 0,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError("Expected a non-empty array to pick from.");
      return items[Math.floor(next() * items.length)] as T;
    },
    chance: (p) => next() < p,
  };
}
