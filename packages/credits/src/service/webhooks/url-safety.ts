// Which addresses an endpoint may reach. A webhook URL is chosen by whoever manages endpoints, and
// the worker requests it from inside the deployment's network: without these rules it could be
// pointed at the database, a cloud metadata service or an admin port (server-side request forgery).
// The check runs on every address the name resolves to at the moment of each attempt, so a name
// that later resolves elsewhere (DNS rebinding) is refused too.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

const privateRanges = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const) {
  privateRanges.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  privateRanges.addSubnet(network, prefix, "ipv6");
}

/** Whether an IP address is loopback, private, link-local, multicast or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return privateRanges.check(address, "ipv4");
  if (family !== 6) return true;
  const mappedV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  return mappedV4 ? privateRanges.check(mappedV4, "ipv4") : privateRanges.check(address, "ipv6");
}

/** A refused address: the attempt's error, shown to operators. */
export class RefusedAddressError extends Error {
  constructor(address: string) {
    super(
      `refused: ${address} is a private or loopback address (WEBHOOK_ALLOW_PRIVATE_URLS=on allows it)`,
    );
  }
}

/** The host of a URL as the network sees it (IPv6 literals without their brackets). */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * A DNS lookup for node:http that refuses names resolving to private addresses (unless allowed).
 * Node skips the lookup for an IP literal, so callers check those with isPrivateAddress first.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      const refused = allowPrivate
        ? undefined
        : addresses.find((candidate) => isPrivateAddress(candidate.address));
      if (refused) return callback(new RefusedAddressError(refused.address), "", 0);
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first) return callback(new Error(`${hostname} has no address`), "", 0);
      return callback(null, first.address, first.family);
    });
  };
}
