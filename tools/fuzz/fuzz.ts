// Mutation fuzzing of generated decoders: valid encodings are damaged (bit flips, hostile
// lengths, truncation, extension, splices) and decoded. The only acceptable outcomes are a
// value or a DecodeError; anything else (another exception, a decode that takes too long) is
// a finding. Used by `npm run fuzz` (millions of inputs) and by a short CI test.

/** What a decoder is: bytes in, a value or a DecodeError out. */
export type Decode = (bytes: Uint8Array) => unknown;

export interface FuzzResult {
  name: string;
  iterations: number;
  decoded: number;
  decodeErrors: number;
  /** Exceptions that were not a DecodeError (must be 0), with the first few inputs. */
  crashes: number;
  crashSamples: Array<{ input: string; error: string }>;
  /** Slowest single decode, in milliseconds (a hang would show here). */
  slowestMs: number;
  /** Decodes that took over 50 ms (on a busy machine: scheduling and GC pauses, not loops). */
  over50ms: number;
  seconds: number;
}

/** xorshift32: reproducible runs from a seed, no dependency. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
}

const INTERESTING_32 = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe];

/** One damaged copy of `seed` (1 to 4 mutations). */
export function mutate(seed: Uint8Array, rng: Rng): Uint8Array {
  let b = Uint8Array.from(seed);
  const ops = 1 + rng.below(4);
  for (let k = 0; k < ops; k++) {
    switch (rng.below(8)) {
      case 0: // flip a bit
        if (b.length) b[rng.below(b.length)]! ^= 1 << rng.below(8);
        break;
      case 1: // random byte
        if (b.length) b[rng.below(b.length)] = rng.below(256);
        break;
      case 2: // hostile 32-bit value (lengths, counts) at any offset, either endianness
        if (b.length >= 4) {
          const at = rng.below(b.length - 3);
          const v = INTERESTING_32[rng.below(INTERESTING_32.length)]!;
          new DataView(b.buffer).setUint32(at, v, rng.below(2) === 0);
        }
        break;
      case 3: // truncate
        b = b.slice(0, rng.below(b.length + 1));
        break;
      case 4: {
        // extend with random bytes
        const extra = new Uint8Array(1 + rng.below(16));
        for (let i = 0; i < extra.length; i++) extra[i] = rng.below(256);
        const out = new Uint8Array(b.length + extra.length);
        out.set(b);
        out.set(extra, b.length);
        b = out;
        break;
      }
      case 5: {
        // duplicate a slice somewhere else
        if (b.length >= 2) {
          const from = rng.below(b.length);
          const len = 1 + rng.below(Math.min(16, b.length - from));
          const to = rng.below(b.length);
          b.copyWithin(to, from, from + len);
        }
        break;
      }
      case 6: // 0xff / 0x00 run
        if (b.length) b.fill(rng.below(2) ? 0xff : 0, rng.below(b.length), rng.below(b.length + 1));
        break;
      default: // a byte +/- 1 (off-by-one lengths)
        if (b.length) {
          const i = rng.below(b.length);
          b[i] = (b[i]! + (rng.below(2) ? 1 : 255)) & 0xff;
        }
    }
  }
  return b;
}

/** Runs `iterations` mutated inputs against one decoder. */
export function fuzzDecoder(name: string, decode: Decode, seeds: Uint8Array[], iterations: number, seed = 1): FuzzResult {
  const rng = new Rng(seed);
  const result: FuzzResult = { name, iterations, decoded: 0, decodeErrors: 0, crashes: 0, crashSamples: [], slowestMs: 0, over50ms: 0, seconds: 0 };
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    const input = mutate(seeds[rng.below(seeds.length)]!, rng);
    const start = performance.now();
    try {
      decode(input);
      result.decoded++;
    } catch (e) {
      const isDecodeError = e instanceof Error && e.name === 'DecodeError' && (e as { code?: unknown }).code === 'DECODE';
      if (isDecodeError) result.decodeErrors++;
      else {
        result.crashes++;
        if (result.crashSamples.length < 5) result.crashSamples.push({ input: Buffer.from(input).toString('hex'), error: String(e) });
      }
    }
    const took = performance.now() - start;
    if (took > result.slowestMs) result.slowestMs = took;
    if (took > 50) result.over50ms++;
  }
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}
