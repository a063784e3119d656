// Bit-sized fields: Kaitai's stream keeps the unread bits of the last byte a bit field took, and
// only aligns before a byte-sized field that follows a bit field of the same type. A nested type
// that ends inside a byte leaves those bits to whatever its parent reads next: twinmap supports the
// layouts where that cannot happen (every run of bits starts at a byte; sizes are whole bytes).
import { constValue } from './expr.js';
import { caseUserTypes, type Field, type TypeDef } from './model.js';
import { subByteCases } from './sizes.js';
import { SpecError } from './spec-yaml.js';

/** 'aligned': the type ends on a byte boundary; 'bits': it may end inside a byte. */
type BitEnd = 'aligned' | 'bits';
const bitEnds = new Map<TypeDef, BitEnd>();

/** Types read in the same stream as this field (a field with a size gets its own). */
function sameStreamTypes(f: Field): TypeDef[] {
  const ty = f.type;
  if (ty.t === 'user' && !ty.size) return [ty.type];
  if (ty.t === 'switch' && !ty.size) return caseUserTypes(ty);
  return [];
}

export function bitEnd(t: TypeDef): BitEnd {
  const known = bitEnds.get(t);
  if (known) return known;
  bitEnds.set(t, 'aligned'); // a recursive type: its own bits are checked where it is defined
  let state: BitEnd = 'aligned';
  /** Bits of the current run, mod 8, when known. */
  let run: number | undefined = 0;
  t.fields.forEach((f, i) => {
    const where = `${f.specPath} (${t.name}.${f.id})`;
    if (f.type.t === 'bits') {
      if (i === 0 || !isBitsField(t.fields[i - 1]!)) {
        if (state !== 'aligned') throw new SpecError(t.spec.path, where, 'a bit-sized field that continues in the bits a nested type left in its last byte is not supported');
        run = 0;
      }
      const n = f.repeat ? (f.repeat.kind === 'expr' ? constValue(f.repeat.count) : undefined) : 1;
      const bits = f.type.width % 8;
      if (bits !== 0) run = run !== undefined && n !== undefined && !f.cond ? (run + n * bits) % 8 : undefined;
      state = run === 0 ? 'aligned' : 'bits';
      return;
    }
    if (i > 0 && isBitsField(t.fields[i - 1]!)) state = 'aligned';
    if (state !== 'aligned') throw new SpecError(t.spec.path, where, 'a field after a nested type that ends inside a byte (bit-sized fields) is not supported');
    // A case of bits that are not whole bytes (`b4`) leaves the rest of its byte to what follows.
    if (subByteCases(f)) state = 'bits';
    for (const sub of sameStreamTypes(f)) {
      const end = bitEnd(sub);
      if (end === 'bits' && f.repeat) throw new SpecError(t.spec.path, where, `repeating ${sub.name}, which can end inside a byte (bit-sized fields), is not supported`);
      if (end === 'bits') state = 'bits';
      if (sub.touchesBits) t.touchesBits = true;
    }
  });
  bitEnds.set(t, state);
  return state;
}

function isBitsField(f: Field): boolean {
  return f.type.t === 'bits';
}
