// One group of the TS codec rows in a process of its own (bench/codec.ts runs one per group):
//   node dist/bench/codec-child.js <group> <records> <pairs>  →  one {event: "rate", ...} JSON line per row
import { imageDataGroups, testDataGroups, TS_GROUPS } from './codec.js';
import { hikingGroups, myDataGroups, stlGroups, systemtimeGroups } from './codec-more.js';
import type { CodecRate } from './codec-rate.js';

type Group = (typeof TS_GROUPS)[number];
const GROUPS: Record<Group, (records: number, pairs: number) => CodecRate[] | Promise<CodecRate[]>> = {
  TestData: testDataGroups,
  ImageData: imageDataGroups,
  MyDataStructure: myDataGroups,
  HikingDatabase: hikingGroups,
  'gallery WindowsSystemtime': systemtimeGroups,
  'gallery Stl': stlGroups,
};

const [group, records, pairs] = process.argv.slice(2);
const measure = GROUPS[group as Group];
if (!measure) throw new Error(`codec-child: unknown group '${group}' (known: ${TS_GROUPS.join(', ')})`);
for (const r of await measure(Number(records), Number(pairs))) console.log(JSON.stringify({ event: 'rate', ...r }));
