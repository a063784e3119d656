// Generated names: each type and enum name once per generation, and a trailing `_` on members
// that would clash with generated ones.
import type { SpecFile } from './model.js';
import { walkTypes } from './sizes.js';
import { SpecError } from './spec-yaml.js';

const RESERVED_CS = new Set(['Decode', 'Encode', 'EncodeInto', 'EncodedSize', 'SizeOf', 'Read', 'Write', 'SIZE', 'Equals', 'GetHashCode', 'ToString', 'GetType']);
const RESERVED_VIEW = new Set(['bytes', 'offset', 'toObject', 'set', 'constructor', 'dv', 'at']);

export function checkNames(specs: SpecFile[]): void {
  const seen = new Map<string, string>();
  for (const s of specs) {
    for (const t of walkTypes(s.root)) {
      // A nested type or enum whose name is taken (two types each with an enum `kind`) is named
      // after its owner too (`F9TvSystem`, `F10TvSystem`), as Kaitai's own output nests it there.
      const claim = (name: string, at: string, owner: string | undefined): string => {
        let chosen = name;
        if (seen.has(chosen) && owner !== undefined) chosen = owner + name;
        const prev = seen.get(chosen);
        if (prev !== undefined) throw new SpecError(s.path, at, `the name ${name} is generated twice (also from ${prev}); rename one`, 'INVALID_ARGUMENT');
        seen.set(chosen, `${s.path} ${at}`);
        return chosen;
      };
      t.name = claim(t.name, t.specPath || '/', t.parent?.name);
      for (const e of t.enums) e.name = claim(e.name, `${t.specPath}/enums/${e.id}`, t.name);
      // A field named like a generated member (`offset`, `size`, `read`, ...) keeps its name in
      // the decoded value; only the clashing member gets a trailing `_`.
      for (const f of [...t.fields, ...t.instances]) {
        if (RESERVED_CS.has(f.csName) || f.csName === t.name) f.csName += '_';
        if (RESERVED_VIEW.has(f.viewName)) f.viewName += '_';
      }
      for (const i of t.instances) if (i.field) i.field.csName = i.csName;
    }
  }
}
