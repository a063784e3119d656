// `npm run bench -- [options]`: what to measure, how long, how often.

export const ALL_CASES = ['latency', 'throughput', 'idle', 'memory', 'mutex', 'codec', 'nrbf'] as const;
export type CaseName = (typeof ALL_CASES)[number];

export interface Options {
  quick: boolean;
  cases: Set<CaseName>;
  /** Pair ids to run (floor always runs: every ratio needs it); empty = all. */
  transports: Set<string>;
  sizes: number[];
  runs: number;
  durationMs: number;
  roundTrips: number;
  /** Cap on one latency case: on a busy machine blocking round trips can take 10x longer. */
  maxCaseSeconds: number;
  idleMs: number;
  outDir: string;
  pin: boolean;
  build: boolean;
  /** Print the targets table (met/missed per target, from same-run ratios) after the results. */
  targets: boolean;
  /** Re-render from this JSON file of raw figures instead of measuring. */
  report?: string;
}

export const USAGE = `usage: npm run bench -- [options]   (from a checkout of the repository)
  --quick               short run (under a minute): 1 run, 5,000 round trips, 200 ms per size
  --cases a,b           ${ALL_CASES.join(',')} (default: all)
  --transports a,b      pair ids to run, e.g. pipe,uds (default: all that exist; the floor always runs)
  --sizes a,b           one-way message sizes in bytes (default 64,1024,65536,1048576)
  --runs N              repetitions; every figure is the median of the runs (default 3)
  --duration MS         time per one-way throughput case (default 1000)
  --round-trips N       64-byte round trips per latency case (default 100000)
  --max-seconds S       stop a latency case early after S seconds, with fewer round trips (default 10)
  --idle MS             window for idle CPU (default 2000)
  --out DIR             where the JSON, SVG and table go (default bench-results)
  --no-pin              do not pin the two sides to CPUs 0 and 1
  --no-build            do not rebuild the .NET Peer first
  --targets             also print the targets (each a ratio within one run) and whether each is met
  --report FILE         measure nothing: re-render table and chart from a JSON file the bench wrote`;

export function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const o: Options = {
    quick,
    cases: new Set(ALL_CASES),
    transports: new Set(),
    sizes: [64, 1024, 65536, 1048576],
    runs: quick ? 1 : 3,
    durationMs: quick ? 200 : 1000,
    roundTrips: quick ? 5_000 : 100_000,
    maxCaseSeconds: quick ? 3 : 10,
    idleMs: quick ? 500 : 2000,
    outDir: 'bench-results',
    pin: true,
    build: true,
    targets: false,
  };
  const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
  const int = (flag: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} ${v}: expected an integer >= ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--quick') continue;
    if (flag === '--no-pin') {
      o.pin = false;
      continue;
    }
    if (flag === '--no-build') {
      o.build = false;
      continue;
    }
    if (flag === '--targets') {
      o.targets = true;
      continue;
    }
    if (flag === '--help' || flag === '-h') throw new UsageRequest();
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    switch (flag) {
      case '--cases': {
        const cs = list(value);
        for (const c of cs) if (!(ALL_CASES as readonly string[]).includes(c)) throw new Error(`--cases: unknown case '${c}' (known: ${ALL_CASES.join(', ')})`);
        o.cases = new Set(cs as CaseName[]);
        break;
      }
      case '--transports':
        o.transports = new Set(list(value));
        break;
      case '--sizes':
        o.sizes = list(value).map((v) => int('--sizes', v, 1));
        break;
      case '--runs':
        o.runs = int(flag, value, 1);
        break;
      case '--duration':
        o.durationMs = int(flag, value, 10);
        break;
      case '--round-trips':
        o.roundTrips = int(flag, value, 100);
        break;
      case '--max-seconds':
        o.maxCaseSeconds = int(flag, value, 1);
        break;
      case '--idle':
        o.idleMs = int(flag, value, 100);
        break;
      case '--report':
        o.report = value;
        break;
      case '--out':
        o.outDir = value;
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return o;
}

export class UsageRequest extends Error {}
