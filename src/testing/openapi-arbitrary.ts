import fc from 'fast-check';

/**
 * fast-check arbitraries from the controller's own /openapi.json: values
 * shaped as a schema says (so requests get past validation and reach the
 * store), hostile values (what the store cannot keep, wrong types, numbers
 * past int4), and mutations of a valid value with one hostile part.
 */
export type JsonSchema = Record<string, unknown>;
export interface OpenApiDoc {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { schemas?: Record<string, JsonSchema> };
}
export interface Operation {
  readonly parameters?: { name: string; in: string; schema?: JsonSchema }[];
  readonly requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/** Known-good strings (names and ids of the seeded fleet), tried often so requests go deep. */
export type StringPool = readonly string[];

export const hostileStrings = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\udbff\ud800',
  '\u0007',
  '\u001b[31mred',
  '\r\n',
  '',
  ' ',
  'x'.repeat(5000),
  '../../etc/passwd',
  '%00',
  "'; drop table hosts; --",
  '\u202e',
  '\uffff',
  '💥',
] as const;

export const hostileNumbers = [
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31) - 1,
  2 ** 53,
  -1,
  0,
  0.5,
  1e308,
  -1e308,
  1e-7,
  4096,
  4097,
  65536,
] as const;

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...hostileStrings),
  fc.constantFrom(...hostileNumbers),
  fc.constantFrom(null, true, false, [], {}, [[[]]], { a: { b: { c: '\u0000' } } }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.jsonValue({ maxDepth: 2 }),
);

const resolve = (s: JsonSchema, doc: OpenApiDoc): JsonSchema => {
  const ref = s.$ref;
  if (typeof ref !== 'string') return s;
  const name = ref.replace('#/components/schemas/', '');
  return doc.components?.schemas?.[name] ?? {};
};

const num = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback);

function stringArb(s: JsonSchema, pool: StringPool): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [];
  if (pool.length > 0) options.push(fc.constantFrom(...pool));
  if (typeof s.example === 'string') options.push(fc.constant(s.example));
  if (typeof s.pattern === 'string') {
    // A pattern says what valid looks like: mostly that, so the request gets past the schema.
    const re = new RegExp(s.pattern);
    options.push(fc.stringMatching(re).filter((x) => x.length <= 63));
  } else {
    const minLength = num(s.minLength, 0);
    options.push(fc.string({ minLength, maxLength: Math.max(minLength, num(s.maxLength, 24)) }));
  }
  return fc.oneof(...options);
}

/** A value of the schema's shape; `depth` bounds recursion. */
export function fromSchema(
  schema: JsonSchema,
  doc: OpenApiDoc,
  pool: StringPool,
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  const inner = innerArb(s, doc, pool, depth);
  return s.nullable === true ? fc.option(inner, { nil: null, freq: 4 }) : inner;
}

function innerArb(
  s: JsonSchema,
  doc: OpenApiDoc,
  pool: StringPool,
  depth: number,
): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant({});
  const alts = (s.anyOf ?? s.oneOf ?? s.allOf) as JsonSchema[] | undefined;
  if (Array.isArray(alts) && alts.length > 0)
    return fc.oneof(...alts.map((a) => fromSchema(a, doc, pool, depth + 1)));
  if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...(s.enum as unknown[]));
  switch (s.type) {
    case 'string':
      return stringArb(s, pool);
    case 'integer': {
      const min = num(s.minimum, -1000);
      const max = num(s.maximum, 1000);
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
    }
    case 'number':
      return fc.double({
        min: num(s.minimum, -1e6),
        max: num(s.maximum, 1e6),
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fromSchema((s.items ?? {}) as JsonSchema, doc, pool, depth + 1), {
        minLength: Math.min(num(s.minItems, 0), 3),
        maxLength: Math.min(num(s.maxItems, 3), 3),
      });
    case 'object':
    case undefined:
      return objectArb(s, doc, pool, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectArb(
  s: JsonSchema,
  doc: OpenApiDoc,
  pool: StringPool,
  depth: number,
): fc.Arbitrary<unknown> {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = (s.required ?? []) as string[];
  const extra = s.additionalProperties;
  const known = fc.record(
    Object.fromEntries(
      Object.entries(props).map(([k, v]) => [k, fromSchema(v, doc, pool, depth + 1)]),
    ),
    { requiredKeys: required.filter((k) => k in props) },
  );
  if (typeof extra !== 'object' || extra === null) {
    if (s.properties === undefined && s.type === undefined) return fc.jsonValue({ maxDepth: 2 });
    return known;
  }
  const more = fc.dictionary(
    stringArb({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,8}$' }, pool),
    fromSchema(extra as JsonSchema, doc, pool, depth + 1),
    { maxKeys: 3 },
  );
  return fc.tuple(known, more).map(([a, b]) => ({ ...b, ...a }));
}

/** Every path to a part of `v` (the root is []). */
function partsOf(v: unknown): (string | number)[][] {
  const out: (string | number)[][] = [[]];
  const walk = (x: unknown, at: (string | number)[]) => {
    if (typeof x !== 'object' || x === null) return;
    for (const [k, y] of Object.entries(x)) {
      const p = [...at, Array.isArray(x) ? Number(k) : k];
      out.push(p);
      walk(y, p);
    }
  };
  walk(v, []);
  return out;
}

/** What the store cannot keep, appended to an otherwise valid string. */
const badSuffixes = ['\u0000', '\ud800', '\udc00x', '\u0007'] as const;

/**
 * `v` with one part changed: a string given a NUL or unpaired-surrogate
 * suffix (it may still pass the schema: free text), or the part replaced by
 * a hostile value, dropped, or given a hostile sibling.
 */
export function mutate(v: unknown, pick: number, hostile: unknown, how: number): unknown {
  const parts = partsOf(v);
  const path = parts[pick % parts.length] ?? [];
  if (path.length === 0) return how % 2 === 0 ? hostile : { ...(v as object), zz: hostile };
  const copy = structuredClone(v) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path.at(-1) ?? 0;
  const old = parent[last];
  if (how % 4 === 0 && typeof old === 'string')
    parent[last] = `${old}${badSuffixes[Math.floor(how / 4) % badSuffixes.length] ?? ''}`;
  else if (how % 4 === 1) Reflect.deleteProperty(parent, last);
  else if (how % 4 === 2 && !Array.isArray(parent)) parent[`x${String(last)}`] = hostile;
  else parent[last] = hostile;
  return copy;
}
