// Mutation fuzzing of the NRBF reader: valid payloads, damaged the ways bad memory and hostile
// writers damage them (bit flips, extreme lengths and counts, cut, spliced and repeated ranges).
// Every input must decode or fail with NrbfDecodeError; anything else is a crash.
import { decodeNrbf, type NrbfDecodeOptions } from '../../ts/nrbf/decode.js';
import { encodeNrbf } from '../../ts/nrbf/encode.js';
import { NrbfDecodeError, NrbfEncodeError } from '../../ts/nrbf/errors.js';
import { toPlain } from '../../ts/nrbf/plain.js';

export interface NrbfFuzzResult {
  inputs: number;
  /** Inputs the reader accepted (then also passed through toPlain and encodeNrbf). */
  accepted: number;
  /** Inputs refused with NrbfDecodeError. */
  refused: number;
  /** Inputs that threw anything else (first few kept). */
  crashes: Array<{ error: string; input: string }>;
  crashCount: number;
  /** Slowest single input, ms. */
  slowestMs: number;
  /** Largest resident set seen, bytes. */
  peakRss: number;
}

/** A small fast PRNG (mulberry32), so a run is repeatable from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING_32 = [0, 1, -1, 0x7fffffff, -0x80000000, 0xff, 0x100, 0xffff, 0x10000, 255, 256, 1000, 1 << 24];
const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff, 6, 7, 9, 10, 12, 13, 14, 15, 16, 17, 21];

export function mutate(input: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number): number => Math.floor(random() * n);
  let b = Uint8Array.from(input);
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = pick(Math.max(1, b.length));
    switch (pick(8)) {
      case 0:
        b[at] = (b[at] ?? 0) ^ (1 << pick(8));
        break;
      case 1:
        b[at] = INTERESTING_8[pick(INTERESTING_8.length)]!;
        break;
      case 2: {
        const v = INTERESTING_32[pick(INTERESTING_32.length)]!;
        for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = (v >>> (8 * i)) & 0xff;
        break;
      }
      case 3: // 7-bit length prefix at its maximum
        for (const [i, v] of [0xff, 0xff, 0xff, 0xff, 0x07].entries()) if (at + i < b.length) b[at + i] = v;
        break;
      case 4:
        b = b.subarray(0, at);
        break;
      case 5: {
        const len = pick(16);
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + len)]);
        break;
      }
      case 6: {
        const from = pick(Math.max(1, b.length));
        const len = 1 + pick(32);
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(from, from + len), ...b.subarray(at)]);
        break;
      }
      default:
        b[at] = pick(256);
    }
  }
  return b;
}

/** Decodes `count` mutants of the seeds (round robin); see NrbfFuzzResult. */
export function fuzzNrbf(seeds: Uint8Array[], count: number, seed = 1, options: NrbfDecodeOptions = {}, onProgress?: (done: number) => void): NrbfFuzzResult {
  const random = rng(seed);
  const result: NrbfFuzzResult = { inputs: 0, accepted: 0, refused: 0, crashes: [], crashCount: 0, slowestMs: 0, peakRss: process.memoryUsage.rss() };
  for (let i = 0; i < count; i++) {
    const input = mutate(seeds[i % seeds.length]!, random);
    const start = performance.now();
    try {
      const v = decodeNrbf(input, options);
      result.accepted++;
      toPlain(v);
      try {
        encodeNrbf(v);
      } catch (e) {
        if (!(e instanceof NrbfEncodeError)) throw e;
      }
    } catch (e) {
      if (e instanceof NrbfDecodeError) result.refused++;
      else {
        result.crashCount++;
        if (result.crashes.length < 5) result.crashes.push({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), input: Buffer.from(input).toString('hex') });
      }
    }
    const ms = performance.now() - start;
    if (ms > result.slowestMs) result.slowestMs = ms;
    result.inputs++;
    if ((i & 1023) === 0) {
      result.peakRss = Math.max(result.peakRss, process.memoryUsage.rss());
      onProgress?.(i);
    }
  }
  result.peakRss = Math.max(result.peakRss, process.memoryUsage.rss());
  return result;
}
