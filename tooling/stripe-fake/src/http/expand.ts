// Stripe's `expand[]` parameter, over every store of the fake.
import type { FakeContext } from "../context.ts";
import { clone } from "../objects.ts";

function findAny(ctx: FakeContext, id: string): object | undefined {
  for (const map of Object.values(ctx.state) as Map<string, object>[]) {
    const found = map.get(id);
    if (found) return found;
  }
  return undefined;
}

/** Stripe's `expand`: replaces id strings along dotted paths with the objects they name. */
export function expand(ctx: FakeContext, value: unknown, paths: string[]): unknown {
  if (paths.length === 0 || !value || typeof value !== "object") return value;
  const copy = clone(value);
  for (const path of paths) expandPath(ctx, copy, path.split("."));
  return copy;
}

function expandPath(ctx: FakeContext, node: unknown, segments: string[]): void {
  if (!node || typeof node !== "object" || segments.length === 0) return;
  if (Array.isArray(node)) {
    for (const item of node) expandPath(ctx, item, segments);
    return;
  }
  const record = node as Record<string, unknown>;
  const [key, ...rest] = segments as [string, ...string[]];
  let child = record[key];
  if (typeof child === "string") {
    const found = findAny(ctx, child);
    if (found) {
      child = clone(found);
      record[key] = child;
    }
  }
  expandPath(ctx, child, rest);
}
