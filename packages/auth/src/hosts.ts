// Which URL the auth endpoints answer with (redirects after sign-in, its errors, OAuth callbacks)
// when NEXTAUTH_URL does not fix one: the request's own, but only for a host the deployment trusts.
// A Host header is whatever the client wrote, so taking it as it comes would let a request send
// users (and, behind a cache, other users) to any site.

/** What a request's headers are read through (Headers, Next.js's headers()). */
export interface HeaderSource {
  get(name: string): string | null;
}

export interface HostSettings {
  /** Lower-cased `host[:port]` entries, exactly as browsers send them in Host. */
  trustedHosts: readonly string[];
  /** Proxies in front of the app (AUTH_TRUSTED_PROXIES): then their X-Forwarded-* are believed. */
  trustedProxies: number;
}

export interface RequestOrigin {
  host: string;
  protocol: "http" | "https";
  origin: string;
}

const hostPattern =
  /^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/;

/** Whether `entry` is a `host[:port]` (a name, an IPv4 address or a bracketed IPv6 address). */
export function isHostEntry(entry: string): boolean {
  return hostPattern.test(entry);
}

/** The entries of a comma-separated AUTH_TRUSTED_HOSTS, trimmed and lower-cased. */
export function parseHostList(value: string): string[] {
  return value
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
}

/** Without AUTH_TRUSTED_HOSTS, in development: this machine, on the port the app listens on. */
export function developmentHosts(port: string | undefined): string[] {
  const own = port ?? "3000";
  return [`localhost:${own}`, `127.0.0.1:${own}`, `[::1]:${own}`];
}

/** The first of a header's comma-separated values (proxies may append theirs). */
function firstValue(value: string | null): string | undefined {
  return value?.split(",")[0]?.trim().toLowerCase() || undefined;
}

/**
 * The origin a request was made to, or null when its host is not trusted. The host is the Host
 * header, or X-Forwarded-Host when proxies are trusted (they set it; a client could too, but then it
 * still has to name a trusted host); the scheme is https only when a trusted proxy says so, since
 * the app itself serves plain HTTP.
 */
export function requestOrigin(headers: HeaderSource, settings: HostSettings): RequestOrigin | null {
  const forwarded = settings.trustedProxies > 0;
  const host =
    (forwarded ? firstValue(headers.get("x-forwarded-host")) : undefined) ??
    firstValue(headers.get("host"));
  if (!host || !settings.trustedHosts.includes(host)) return null;
  const protocol =
    forwarded && firstValue(headers.get("x-forwarded-proto")) === "https" ? "https" : "http";
  return { host, protocol, origin: `${protocol}://${host}` };
}

/** The request as next-auth reads it: headers and cookies by name. */
export interface AuthRequestParts {
  headers: Record<string, string>;
  cookies: Record<string, string>;
}

/**
 * What next-auth gets of a request: its headers with Host (and X-Forwarded-Host/Proto) replaced by
 * the checked origin, or null for a host this deployment does not serve. With NEXTAUTH_URL set,
 * next-auth uses that URL whatever the request says, so the headers pass as they are.
 */
export function trustedAuthRequest(
  incoming: HeaderSource & Iterable<[string, string]>,
  cookies: { name: string; value: string }[],
  env: {
    NEXTAUTH_URL?: string;
    AUTH_TRUSTED_HOSTS: readonly string[];
    AUTH_TRUSTED_PROXIES: number;
  },
): AuthRequestParts | null {
  const parts = {
    headers: Object.fromEntries(incoming),
    cookies: Object.fromEntries(cookies.map((cookie) => [cookie.name, cookie.value])),
  };
  if (env.NEXTAUTH_URL) return parts;
  const origin = requestOrigin(incoming, {
    trustedHosts: env.AUTH_TRUSTED_HOSTS,
    trustedProxies: env.AUTH_TRUSTED_PROXIES,
  });
  if (!origin) return null;
  return {
    ...parts,
    headers: {
      ...parts.headers,
      host: origin.host,
      "x-forwarded-host": origin.host,
      "x-forwarded-proto": origin.protocol,
    },
  };
}
