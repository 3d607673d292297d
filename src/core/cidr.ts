/**
 * IP and CIDR math, the one place for it. CIDRs compare as networks: host bits
 * are cleared, IPv6 is lowercased and compressed, so "10.244.1.0/16" and
 * "10.244.0.0/16" are the same network. IPv4 and IPv6 never overlap.
 *
 * Parsing is strict on purpose: no whitespace, no zone IDs (`%eth0`), no
 * leading zeros in IPv4 octets or prefix lengths, and no IPv4-embedded IPv6
 * notation (`::ffff:1.2.3.4`, which ip-cidr would misread as IPv4).
 * The predicates return false for input that does not parse.
 */
import IPCIDR from "ip-cidr";
import { GateError } from "./errors.js";

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export interface Cidr {
  family: IpFamily;
  prefixLength: number;
  /** The network address, host bits cleared. */
  network: bigint;
  /** Canonical form, e.g. "10.244.0.0/16", "fd00::/64". */
  text: string;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };
const PREFIX_LENGTH = /^(0|[1-9][0-9]{0,2})$/;
const IPV4 = /^[0-9.]+$/;
const IPV6 = /^[0-9A-Fa-f:]+$/;

/** A plain address (no prefix) as family and number, or null. */
export function parseIp(text: string): IpAddress | null {
  if (typeof text !== "string") return null;
  const family = IPV4.test(text) ? 4 : IPV6.test(text) && text.includes(":") ? 6 : null;
  if (family === null || !IPCIDR.isValidAddress(text)) return null;
  try {
    const address = IPCIDR.createAddress(text);
    return { family, value: BigInt(address.bigInteger().toString()) };
  } catch {
    return null;
  }
}

export function isValidIp(text: string): boolean {
  return parseIp(text) !== null;
}

/** A CIDR as its network, or null when it is not a valid CIDR. */
export function parseCidr(text: string): Cidr | null {
  if (typeof text !== "string") return null;
  const parts = text.split("/");
  if (parts.length !== 2) return null;
  const [addressText = "", prefixText = ""] = parts;
  const address = parseIp(addressText);
  if (address === null || !PREFIX_LENGTH.test(prefixText)) return null;
  const prefixLength = Number(prefixText);
  if (prefixLength > BITS[address.family]) return null;
  const network = address.value & networkMask(address.family, prefixLength);
  const canonical = `${formatIp({ family: address.family, value: network })}/${prefixLength}`;
  return { family: address.family, prefixLength, network, text: canonical };
}

/** The canonical form of a CIDR; throws GateError when it is not one. */
export function canonicalCidr(text: string): string {
  const cidr = parseCidr(text);
  if (cidr === null) throw new GateError(`${JSON.stringify(text)} is not a valid CIDR.`);
  return cidr.text;
}

/** The number of addresses in a CIDR (2^(bits - prefix)); throws GateError when invalid. */
export function addressCount(cidr: string): bigint {
  const parsed = parseCidr(cidr);
  if (parsed === null) throw new GateError(`${JSON.stringify(cidr)} is not a valid CIDR.`);
  return 1n << BigInt(BITS[parsed.family] - parsed.prefixLength);
}

/**
 * How many blocks of `/blockPrefix` a CIDR holds: 256 /24s in 10.244.0.0/16, one
 * in a /24, none in a /25. Throws GateError when the CIDR is invalid.
 */
export function blockCount(cidr: string, blockPrefix: number): bigint {
  const parsed = parseCidr(cidr);
  if (parsed === null) throw new GateError(`${JSON.stringify(cidr)} is not a valid CIDR.`);
  if (blockPrefix < parsed.prefixLength) return 0n;
  return 1n << BigInt(blockPrefix - parsed.prefixLength);
}

/** The position of an address inside a CIDR (0 is the network address), or null when it lies outside. */
export function offsetInCidr(cidr: string, ip: string): bigint | null {
  const container = parseCidr(cidr);
  const address = parseIp(ip);
  if (container === null || address === null || !cidrContains(cidr, ip)) return null;
  return address.value - container.network;
}

export function sameNetwork(a: string, b: string): boolean {
  const left = parseCidr(a);
  const right = parseCidr(b);
  return left !== null && right !== null && left.text === right.text;
}

/** Whether `inner` (a CIDR or a plain address) lies wholly inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const container = parseCidr(outer);
  const contained = parseCidrOrHost(inner);
  if (container === null || contained === null) return false;
  return (
    container.family === contained.family &&
    container.network <= contained.network &&
    lastAddress(contained) <= lastAddress(container)
  );
}

/** Whether two CIDRs (or plain addresses) share at least one address. */
export function cidrOverlaps(a: string, b: string): boolean {
  const left = parseCidrOrHost(a);
  const right = parseCidrOrHost(b);
  if (left === null || right === null || left.family !== right.family) return false;
  return left.network <= lastAddress(right) && right.network <= lastAddress(left);
}

/** Whether a plain address lies inside a CIDR. */
export function addressInCidr(ip: string, cidr: string): boolean {
  return isValidIp(ip) && cidrContains(cidr, ip);
}

/** An address as text: dotted quad, or lowercase compressed IPv6 (RFC 5952). */
export function formatIp(address: IpAddress): string {
  if (address.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join(".");
  }
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) {
    groups.push(Number((address.value >> shift) & 0xffffn));
  }
  return compressIpv6(groups);
}

function compressIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < groups.length; start++) {
    let length = 0;
    while (groups[start + length] === 0) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(":");
  const head = hex.slice(0, bestStart).join(":");
  const tail = hex.slice(bestStart + bestLength).join(":");
  return `${head}::${tail}`;
}

function parseCidrOrHost(text: string): Cidr | null {
  const address = parseIp(text);
  if (address === null) return parseCidr(text);
  const prefixLength = BITS[address.family];
  return {
    family: address.family,
    prefixLength,
    network: address.value,
    text: `${formatIp(address)}/${prefixLength}`,
  };
}

function networkMask(family: IpFamily, prefixLength: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return all ^ ((1n << (bits - BigInt(prefixLength))) - 1n);
}

function lastAddress(cidr: Cidr): bigint {
  return cidr.network + (1n << BigInt(BITS[cidr.family] - cidr.prefixLength)) - 1n;
}
