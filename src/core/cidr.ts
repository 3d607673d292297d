/**
 * IP and CIDR math, the one place for it, done by ip-address (which ip-cidr is
 * built on). CIDRs compare as networks: host bits are cleared, IPv6 is
 * lowercased and compressed (RFC 5952), so "10.244.1.0/16" and "10.244.0.0/16"
 * are the same network. IPv4 and IPv6 never overlap.
 *
 * Parsing is strict on purpose: no whitespace, no zone IDs (`%eth0`), no
 * leading zeros in IPv4 octets or prefix lengths, and no IPv4-embedded IPv6
 * notation (`::ffff:1.2.3.4`, which ip-cidr would misread as IPv4).
 * The predicates return false for input that does not parse.
 */
import { Address4, Address6 } from "ip-address";
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

/** An address, or a block: ip-address keeps the prefix length as `subnetMask`. */
type Block = Address4 | Address6;

// Both libraries accept a prefix length with leading zeros ("/08", "/064"): the one check they lack.
const PREFIXED = /^[^/]+\/(0|[1-9][0-9]{0,2})$/u;

/**
 * A plain address or a CIDR as ip-address reads it, or null. IPv4 goes through
 * ip-cidr, which refuses leading zeros in octets; ip-address alone reads
 * "010.0.0.1" as 10.0.0.1. Zone IDs and IPv4-embedded IPv6 are refused here
 * because ip-address accepts both.
 */
function readBlock(text: unknown): Block | null {
  if (typeof text !== "string") return null;
  const known = BLOCKS.get(text);
  if (known !== undefined) return known;
  const block = parseBlock(text);
  if (BLOCKS.size >= CACHE_LIMIT) BLOCKS.clear();
  BLOCKS.set(text, block);
  return block;
}

/**
 * The blocks read so far, by their text: a fleet check reads the same pod
 * CIDRs and node addresses again in every rule, and parsing (ip-address's
 * bigints and regular expressions) was most of a check's CPU. ip-address's
 * objects are not changed by the predicates used here, so one serves all.
 */
const BLOCKS = new Map<string, Block | null>();
/** Beyond this many texts the cache starts again: a bound on memory, whatever the input. */
const CACHE_LIMIT = 50_000;

function parseBlock(text: string): Block | null {
  if (text.includes("/") && !PREFIXED.test(text)) return null;
  try {
    if (!text.includes(":")) return IPCIDR.createAddress(text) as Address4;
    const address = new Address6(text);
    return address.zone === "" && !address.v4 ? address : null;
  } catch {
    return null;
  }
}

function familyOf(block: Block): IpFamily {
  return block instanceof Address6 ? 6 : 4;
}

/** Each block's number, made once: ip-address makes it through a BigInteger of its own (jsbn) on every call. */
const VALUES = new WeakMap<Block, bigint>();

function valueOf(address: Block): bigint {
  const known = VALUES.get(address);
  if (known !== undefined) return known;
  const value = IPCIDR.formatIP<bigint>(address, { type: "bigInteger" });
  VALUES.set(address, value);
  return value;
}

/** A plain address (no prefix) as family and number, or null. */
export function parseIp(text: string): IpAddress | null {
  const address = typeof text === "string" && !text.includes("/") ? readBlock(text) : null;
  return address && { family: familyOf(address), value: valueOf(address) };
}

export function isValidIp(text: string): boolean {
  return parseIp(text) !== null;
}

function readCidr(text: unknown): Block | null {
  return typeof text === "string" && text.includes("/") ? readBlock(text) : null;
}

function requireCidr(text: string): Block {
  const block = readCidr(text);
  if (block === null) throw new GateError(`${JSON.stringify(text)} is not a valid CIDR.`);
  return block;
}

const CIDRS = new WeakMap<Block, Cidr>();

/** The network of a block, computed once per block (blocks are cached by text). */
function cidrOf(block: Block): Cidr {
  const known = CIDRS.get(block);
  if (known !== undefined) return known;
  const cidr = networkOf(block);
  CIDRS.set(block, cidr);
  return cidr;
}

function networkOf(block: Block): Cidr {
  const network = block.startAddress();
  const text = `${network.correctForm()}/${block.subnetMask}`;
  return { family: familyOf(block), prefixLength: block.subnetMask, network: valueOf(network), text };
}

/** A CIDR as its network, or null when it is not a valid CIDR. */
export function parseCidr(text: string): Cidr | null {
  const block = readCidr(text);
  return block && cidrOf(block);
}

/** The canonical form of a CIDR; throws GateError when it is not one. */
export function canonicalCidr(text: string): string {
  return cidrOf(requireCidr(text)).text;
}

/** The number of addresses in a CIDR (2^(bits - prefix)); throws GateError when invalid. */
export function addressCount(cidr: string): bigint {
  const block = requireCidr(cidr);
  return 1n << BigInt((familyOf(block) === 4 ? 32 : 128) - block.subnetMask);
}

/**
 * How many blocks of `/blockPrefix` a CIDR holds: 256 /24s in 10.244.0.0/16, one
 * in a /24, none in a /25. Throws GateError when the CIDR is invalid.
 */
export function blockCount(cidr: string, blockPrefix: number): bigint {
  const { subnetMask } = requireCidr(cidr);
  // Neither library counts the sub-blocks of a block; it is one power of two.
  return blockPrefix < subnetMask ? 0n : 1n << BigInt(blockPrefix - subnetMask);
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

/**
 * Whether block `inner` lies inside block `outer`: the same family, a prefix
 * at least as long, and the same leading `outer` bits. This is ip-address's
 * isInSubnet on the cached networks' numbers: isInSubnet builds binary strings
 * on every call, which a fleet's rules call hundreds of thousands of times.
 */
function holds(outer: Block, inner: Block): boolean {
  const container = cidrOf(outer);
  const contained = cidrOf(inner);
  if (container.family !== contained.family || contained.prefixLength < container.prefixLength) return false;
  const hostBits = BigInt((container.family === 4 ? 32 : 128) - container.prefixLength);
  return contained.network >> hostBits === container.network >> hostBits;
}

/** Whether `inner` (a CIDR or a plain address) lies wholly inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const container = readCidr(outer);
  const contained = readBlock(inner);
  // Families are compared first: by bits alone, an IPv4 block would lie "inside" ::/0.
  return container !== null && contained !== null && holds(container, contained);
}

/** Whether two CIDRs (or plain addresses) share at least one address. */
export function cidrOverlaps(a: string, b: string): boolean {
  const left = readBlock(a);
  const right = readBlock(b);
  // Two aligned blocks share an address only when one holds the other.
  return left !== null && right !== null && (holds(right, left) || holds(left, right));
}

/** Whether a plain address lies inside a CIDR. */
export function addressInCidr(ip: string, cidr: string): boolean {
  return isValidIp(ip) && cidrContains(cidr, ip);
}

/** An address as text: dotted quad, or lowercase compressed IPv6 (RFC 5952). */
export function formatIp(address: IpAddress): string {
  const hex = address.value.toString(16).padStart(address.family === 4 ? 8 : 32, "0");
  if (address.family === 4) return Address4.fromHex(hex).correctForm();
  // ip-address builds an IPv6 address only from text (or a jsbn number): its eight hex groups.
  return new Address6(hex.replace(/(.{4})(?!$)/gu, "$1:")).correctForm();
}
