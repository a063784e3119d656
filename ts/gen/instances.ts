// A type's instances: value instances (an expression over the fields) and parse instances (a
// field read lazily at a position), checked and defined in the order they are first needed.
import { ExprError, isBoolExpr, parseExpr, type Expr } from './expr.js';
import { defineField } from './fields.js';
import { instanceEntries, instanceEntry, parseValue, setInstanceEntries, type InstanceEntry } from './instance-table.js';
import { camel, pascal, type Instance, type TypeDef } from './model.js';
import { deferred, resolveRefs, withLazyRoot } from './refs.js';
import { SpecError, docOf, isMap, keysOf, type Yaml } from './spec-yaml.js';
import { typeCtx, type Ctx } from './type-tree.js';

// `enum` only names the value's meaning: the value is the integer (as Kaitai's JS gives it).
const VALUE_INSTANCE_KEYS = new Set(['value', 'doc', 'doc-ref', 'enum', 'if']);

export function registerInstances(ctx: Ctx, t: TypeDef, node: unknown, seq: unknown): void {
  if (node === undefined) return;
  if (!isMap(node)) throw new SpecError(ctx.file, `${t.specPath}/instances`, 'instances must be a map', 'INVALID_ARGUMENT');
  const map = new Map<string, InstanceEntry>();
  const seqIds = new Set(Array.isArray(seq) ? seq.map((a: unknown) => (isMap(a) ? a['id'] : undefined)) : []);
  for (const [id, body] of Object.entries(node)) {
    const at = `${t.specPath}/instances/${id}`;
    if (!isMap(body)) throw new SpecError(ctx.file, at, 'an instance must be a map', 'INVALID_ARGUMENT');
    if (seqIds.has(id)) throw new SpecError(ctx.file, at, `instance '${id}' has the name of a seq field`, 'INVALID_ARGUMENT');
    map.set(id, { node: body, at, inst: undefined, defining: false, inlining: false, raw: undefined, define: () => defineInstance(t, id) });
  }
  setInstanceEntries(t, map);
}

export function defineInstances(_ctx: Ctx, t: TypeDef, node: unknown): void {
  if (node === undefined) return;
  const map = instanceEntries(t)!;
  for (const id of map.keys()) defineInstance(t, id);
  // In the spec's order (an instance used by another one is defined first).
  t.instances = [...map.values()].map((e) => e.inst!);
}

function defineInstance(t: TypeDef, id: string): Instance {
  const ctx = typeCtx.get(t)!;
  const entry = instanceEntry(t, id)!;
  if (entry.inst) return entry.inst;
  const where = `${entry.at} (${t.name}.${id})`;
  const fail = (problem: string, code: 'UNSUPPORTED' | 'INVALID_ARGUMENT' = 'UNSUPPORTED'): never => {
    throw new SpecError(ctx.file, where, problem, code);
  };
  if (entry.defining) return fail(`instance '${id}' depends on itself`);
  entry.defining = true;
  const body = entry.node;
  const inst: Instance = { id, specPath: entry.at, doc: docOf(body), value: undefined, field: undefined, pos: undefined, csName: pascal(id), viewName: camel(id) };
  if (body['value'] !== undefined) {
    for (const k of keysOf(body)) if (!VALUE_INSTANCE_KEYS.has(k)) fail(`'${k}' on a value instance is not supported`);
    entry.inlining = true;
    inst.value = resolveRefs(t, parseValue(entry, fail), 'instance', where, fail);
    if (body['if'] !== undefined) {
      let cond: Expr;
      try {
        cond = resolveRefs(t, parseExpr(body['if']), 'instance', where, fail);
      } catch (e) {
        if (e instanceof ExprError) return fail(`if: ${e.message}`);
        throw e;
      }
      inst.valueCond = cond;
    }
    entry.inlining = false;
  } else {
    const io = body['io'];
    if (io !== undefined) {
      if (typeof io !== 'string') fail('io must be an expression naming a stream', 'INVALID_ARGUMENT');
      const text = (io as string).replace(/\s+/g, '');
      const own = /^([a-z][a-z0-9_]*)\._io$/.exec(text);
      const f = own ? t.fields.find((x) => x.id === own[1]) : undefined;
      if (text === '_root._io') inst.io = 'root';
      else if (f) {
        if (f.type.t !== 'user' || f.repeat || f.cond)
          fail(`io: '${text}': only the stream of a single, unconditional user-type field is supported ('${f.id}' is ${f.repeat ? 'repeated' : f.cond ? 'conditional' : `a ${f.type.t} field`})`);
        // Read without a size, the field shares the type's stream.
        if (f.type.t === 'user' && f.type.size) inst.io = { field: f };
      }
      // The stream of an object a path of fields and parse instances reaches (from the type or _root).
      else if (/^(_root\.)?[a-z][a-z0-9_]*(\[\d+\])?(\.[a-z][a-z0-9_]*(\[\d+\])?)*\._io$/.test(text)) inst.ioPath = ioPath(t, text, fail);
      // A parent's stream: checked once every type is read somewhere (parent-root.ts).
      else if (/^(_parent\.)+_io$/.test(text)) inst.ioParents = text.split('.').length - 1;
      // The type's own stream, said explicitly.
      else if (text !== '_io') fail(`io: '${io as string}' is not supported (an instance reads from its type's stream, or from the stream of an object that fields and instances reach, from it or from _root)`);
    }
    // Without pos, Kaitai reads wherever the stream is when the instance is first used.
    if (body['pos'] !== undefined) {
      let pos: Expr;
      try {
        pos = withLazyRoot(() => resolveRefs(t, parseExpr(body['pos']), 'instance', where, fail));
      } catch (e) {
        if (e instanceof ExprError) return fail(`pos: ${e.message}`);
        throw e;
      }
      if (isBoolExpr(pos)) fail('pos must be an integer expression', 'INVALID_ARGUMENT');
      inst.pos = pos;
    }
    const attr: Yaml = { ...body, id };
    delete attr['pos'];
    delete attr['io'];
    inst.field = defineField(ctx, t, attr, entry.at, 'instance');
  }
  entry.inst = inst;
  entry.defining = false;
  return inst;
}

/**
 * `io: a.b._io` (or `_root.a.b._io`): each name a single (maybe conditional) user-type field or parse
 * instance. Resolved once every type has its fields (the root's are defined last); the type the
 * path ends at keeps the stream its values were read from.
 */
function ioPath(t: TypeDef, text: string, fail: (problem: string) => never): NonNullable<Instance['ioPath']> {
  const fromRoot = text.startsWith('_root.');
  const names = text.replace(/^_root\./, '').replace(/\._io$/, '').split('.');
  const out: NonNullable<Instance['ioPath']> = { steps: [], fromRoot };
  deferred.push(() => {
    let owner = fromRoot ? t.spec.root : t;
    for (const name of names) {
      const m = /^([a-z0-9_]+)(?:\[(\d+)\])?$/.exec(name)!;
      const id = m[1]!;
      const index = m[2] === undefined ? undefined : Number(m[2]);
      const f = owner.fields.find((x) => x.id === id);
      const entry = f ? undefined : instanceEntry(owner, id);
      if (!f && !entry && owner.params.some((p) => p.id === id)) return fail(`io: '${text}': '${id}' is a param (the stream of a param's value is not supported)`);
      if (!f && (!entry || entry.node['value'] !== undefined)) return fail(`io: '${text}': ${owner.name} has no field or parse instance '${id}'`);
      const inst = f ? undefined : entry!.define();
      const field = f ?? inst!.field!;
      // A conditional one that has no value: reading the stream is a decode error, where Kaitai fails too.
      if ((field.repeat && index === undefined) || field.type.t !== 'user')
        return fail(`io: '${text}': '${id}' is ${field.repeat ? 'repeated' : `a ${field.type.t} value`} (the stream of a single user-type value, or of an element of a repeated one, is supported)`);
      if (!field.repeat && index !== undefined) return fail(`io: '${text}': '${id}' is not repeated (no element to index)`);
      out.steps.push({ id, member: f ?? inst!, ...(index !== undefined && { index }) });
      owner = field.type.type;
    }
    owner.keepsIo = true;
  });
  return out;
}
