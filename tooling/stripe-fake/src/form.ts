// Stripe's SDK sends request bodies as application/x-www-form-urlencoded with bracket notation:
// `line_items[0][price]=price_pro&metadata[user_id]=u1`. This turns such a body into nested
// objects, with numerically indexed levels becoming arrays.

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

type Draft = { [key: string]: Draft | string };

const forbiddenKeys = new Set(["__proto__", "constructor", "prototype"]);

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** `a[b][0][c]` → ["a", "b", "0", "c"]; `a[]` → ["a", ""]. */
export function splitKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const pattern = /\[([^\]]*)\]/g;
  pattern.lastIndex = open;
  for (let match = pattern.exec(key); match; match = pattern.exec(key)) {
    parts.push(match[1] ?? "");
  }
  return parts;
}

function setPath(root: Draft, path: string[], value: string): void {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    let segment = path[i] ?? "";
    if (segment === "") segment = String(Object.keys(node).length);
    if (forbiddenKeys.has(segment)) return;
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (typeof next === "object") {
      node = next;
    } else {
      const child: Draft = Object.create(null);
      node[segment] = child;
      node = child;
    }
  }
}

function finish(node: Draft | string): FormValue {
  if (typeof node === "string") return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((key) => /^\d+$/.test(key))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((index) => finish(node[String(index)] ?? ""));
  }
  const out: FormObject = {};
  for (const key of keys) out[key] = finish(node[key] ?? "");
  return out;
}

/** Parses a form-encoded body (or a query string) into nested objects and arrays. */
export function parseForm(body: string): FormObject {
  const root: Draft = Object.create(null);
  for (const pair of body.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decode(pair.slice(eq + 1));
    setPath(root, splitKey(key), value);
  }
  const result = finish(root);
  return Array.isArray(result) || typeof result === "string" ? {} : result;
}

// Readers for parsed values, tolerant of what the SDK may send.

export function str(value: FormValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function obj(value: FormValue | undefined): FormObject | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}

export function list(value: FormValue | undefined): FormValue[] {
  if (Array.isArray(value)) return value;
  // `items[0]` and `items[]` always become arrays; an object here means sparse non-numeric keys.
  const asObject = obj(value);
  return asObject ? Object.values(asObject) : [];
}

export function int(value: FormValue | undefined): number | undefined {
  const text = str(value);
  if (text === undefined || text.trim() === "") return undefined;
  const parsed = Number(text);
  return Number.isFinite(parsed) ? Math.trunc(parsed) : undefined;
}

export function bool(value: FormValue | undefined): boolean | undefined {
  const text = str(value);
  if (text === "true") return true;
  if (text === "false") return false;
  return undefined;
}

/** Metadata as Stripe stores it: string values only. */
export function metadataOf(value: FormValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const source = obj(value);
  if (!source) return out;
  for (const [key, item] of Object.entries(source)) {
    if (typeof item === "string") out[key] = item;
  }
  return out;
}

/**
 * Stripe's metadata update semantics: keys are merged, a key set to "" is removed, and
 * `metadata=""` clears everything.
 */
export function mergeMetadata(
  current: Record<string, string>,
  update: FormValue | undefined,
): Record<string, string> {
  if (update === undefined) return current;
  if (update === "") return {};
  const next = { ...current };
  for (const [key, value] of Object.entries(metadataOf(update))) {
    if (value === "") delete next[key];
    else next[key] = value;
  }
  return next;
}
