// What the text rules (src/text.ts) allow, PostgreSQL stores and gives back unchanged, in text
// and in jsonb, for every character of the Basic Multilingual Plane and a sample beyond it; what
// they refuse for Postgres's sake it really cannot store as sent.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textProblem } from "../src/text.ts";

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error("DATABASE_URL must point at the test database (pnpm test sets it)");

const client = new pg.Client({ connectionString: serverUrl });
beforeAll(() => client.connect());
afterAll(() => client.end());

/** Each text as Postgres gives it back from a text column and from a jsonb string. */
async function roundTrip(texts: string[]): Promise<{ text: string; json: string }[]> {
  const { rows } = await client.query<{ text: string; json: string }>(
    `SELECT t AS text, jsonb_build_object('v', t)->>'v' AS json
     FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n`,
    [texts],
  );
  return rows;
}

describe("text the rules allow", () => {
  it("is stored and read back unchanged, every allowed character of the BMP and beyond", async () => {
    const codes = [
      ...Array.from({ length: 0x10000 }, (_, code) => code),
      0x1f600,
      0x1fffd,
      0x2a6d6,
      0xe0067,
      0x10fffd,
    ];
    const allowed = codes
      .map((code) => `<${String.fromCodePoint(code)}>`)
      .filter((text) => textProblem(text, { multiline: true }) === null);
    expect(allowed.length).toBeGreaterThan(60_000);
    const rows = await roundTrip(allowed);
    const changed = rows.filter(
      (row, index) => row.text !== allowed[index] || row.json !== allowed[index],
    );
    expect(changed).toEqual([]);
  });
});

describe("text the rules refuse for Postgres's sake", () => {
  it("cannot be stored as sent: U+0000 fails, a lone surrogate comes back as U+FFFD", async () => {
    await expect(roundTrip(["a\u0000b"])).rejects.toThrow(/0x00/);
    await expect(roundTrip(["a\ud800b"])).resolves.toEqual([
      { text: "a\ufffdb", json: "a\ufffdb" },
    ]);
  });
});
