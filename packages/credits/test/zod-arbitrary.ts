// Inputs for a zod schema, for property-based fuzzing: mostly values the schema describes (so that
// calls get past validation into the service layer and the database), and at any depth sometimes
// values beyond it: wrong types, characters text cannot hold, numbers past every limit, dates
// JavaScript cannot show. Read from the schema's own definition, so a field added tomorrow is fuzzed
// too.
import fc from "fast-check";
import type { z } from "zod";

/** Values that real rows have, so generated ids and emails sometimes name something that exists. */
export interface KnownValues {
  uuids: string[];
  emails: string[];
  /** Mixed into free text: words that mean something to some field (a pack id, a tier). */
  words: string[];
}

interface Definition {
  type: string;
  checks?: { _zod: { def: Check } }[];
  [key: string]: unknown;
}

interface Check {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
}

const definitionOf = (schema: unknown) => (schema as { _zod: { def: Definition } })._zod.def;

/** What no schema should let through to the database, and what every refusal must survive. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\ud800",
    "x\udfffy",
    "\uffff",
    "\u202eevil",
    "\u001b[2J",
    "line\nbreak",
    "'; DROP TABLE credit_transactions; --",
    "9".repeat(400),
    "9999999999999999999",
    "",
    " ",
    "__proto__",
  ),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom(
    0,
    -1,
    0.5,
    1e21,
    -1e21,
    2 ** 53 + 2,
    2 ** 63,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
  fc.constantFrom(null, undefined, true, false, [], {}, new Date(Number.NaN), new Date(8.64e15)),
  fc.array(fc.integer(), { maxLength: 3 }),
);

function checksOf(definition: Definition): Check[] {
  return (definition.checks ?? []).map((check) => check._zod.def);
}

/**
 * Strings the schema accepts: its pattern's, known values, free text within its lengths; each
 * checked against the schema itself (a candidate it refuses becomes a missing value, so a
 * pattern the candidates rarely meet cannot stall the run).
 */
function stringWithin(schema: z.ZodType, known: KnownValues): fc.Arbitrary<unknown> {
  const definition = definitionOf(schema);
  const checks = checksOf(definition);
  const pattern = [definition as unknown as Check, ...checks].find(
    (check) => check.pattern,
  )?.pattern;
  const minLength = checks.find((check) => check.check === "min_length")?.minimum ?? 0;
  const maxLength = Math.max(
    minLength,
    Math.min(checks.find((check) => check.check === "max_length")?.maximum ?? 40, 40),
  );
  const free = fc.oneof(
    fc.constantFrom(...known.words),
    fc.string({ minLength, maxLength }),
    fc.string({ minLength, maxLength, unit: "grapheme" }),
  );
  const formatted =
    definition.format === "uuid"
      ? fc.oneof(fc.constantFrom(...known.uuids), fc.uuid())
      : definition.format === "email"
        ? fc.oneof(fc.constantFrom(...known.emails), fc.emailAddress())
        : pattern
          ? fc.stringMatching(pattern, { size: "medium" })
          : null;
  const candidates = formatted
    ? fc.oneof({ arbitrary: formatted, weight: 6 }, { arbitrary: free, weight: 1 })
    : free;
  return candidates.map((value) => (schema.safeParse(value).success ? value : undefined));
}

function numberWithin(definition: Definition): fc.Arbitrary<number> {
  const checks = checksOf(definition);
  const integer = checks.some((check) => check.format === "safeint" || check.format === "int32");
  const above = checks.find((check) => check.check === "greater_than");
  const below = checks.find((check) => check.check === "less_than");
  const step = integer ? 1 : 1e-6;
  const min = above ? (above.value ?? 0) + (above.inclusive ? 0 : step) : -1e6;
  const max = below ? (below.value ?? 0) - (below.inclusive ? 0 : step) : 1e6;
  return integer
    ? fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max))
    : fc.double({ min, max, noNaN: true });
}

/** Values the schema describes (their parts still sometimes hostile, through `arbitraryFor`). */
function within(schema: z.ZodType, known: KnownValues): fc.Arbitrary<unknown> {
  const definition = definitionOf(schema);
  const inner = (key: string) => arbitraryFor(definition[key] as z.ZodType, known);
  switch (definition.type) {
    case "string":
      return stringWithin(schema, known);
    case "number":
      return numberWithin(definition);
    case "boolean":
      return fc.boolean();
    case "date":
      return fc.date({ min: new Date(0), max: new Date("2100-01-01") });
    case "enum":
      return fc.constantFrom(...Object.values(definition.entries as Record<string, unknown>));
    case "literal":
      return fc.constantFrom(...(definition.values as unknown[]));
    case "optional":
    case "default":
    case "prefault":
      return fc.option(inner("innerType"), { nil: undefined });
    case "nullable":
      return fc.option(inner("innerType"), { nil: null });
    case "pipe":
      return inner("in");
    case "object":
      return fc.record(
        Object.fromEntries(
          Object.entries(definition.shape as Record<string, z.ZodType>).map(([key, field]) => [
            key,
            arbitraryFor(field, known),
          ]),
        ),
      );
    case "array": {
      const checks = checksOf(definition);
      const minLength = checks.find((check) => check.check === "min_length")?.minimum ?? 0;
      return fc.array(inner("element"), { minLength, maxLength: Math.max(minLength, 4) });
    }
    case "union":
      return fc.oneof(
        ...(definition.options as z.ZodType[]).map((option) => arbitraryFor(option, known)),
      );
    case "intersection":
      return fc
        .tuple(inner("left"), inner("right"))
        .map(([left, right]) =>
          typeof left === "object" && typeof right === "object" ? { ...left, ...right } : left,
        );
    case "record":
      return fc.dictionary(
        fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: "binary", maxLength: 20 })),
        inner("valueType"),
        { maxKeys: 4 },
      );
    default:
      return hostile;
  }
}

/** Mostly what `schema` describes, sometimes (at every depth) something beyond it. */
export function arbitraryFor(
  schema: z.ZodType | undefined,
  known: KnownValues,
): fc.Arbitrary<unknown> {
  if (!schema) return hostile;
  return fc.oneof(
    { arbitrary: within(schema, known), weight: 10 },
    { arbitrary: hostile, weight: 1 },
  );
}
