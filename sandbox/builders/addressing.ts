/**
 * The little address arithmetic the builders need: node IPs in a subnet and
 * per-node pod CIDRs, for IPv4 and IPv6.
 */
import { isIPv6 } from "node:net";

interface Cidr {
  base: bigint;
  prefix: number;
  v6: boolean;
}

function parseIPv4(ip: string): bigint {
  return ip.split(".").reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function parseIPv6(ip: string): bigint {
  const [head = "", tail] = ip.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const zeros = Array<string>(8 - headGroups.length - tailGroups.length).fill("0");
  const groups = tail === undefined ? headGroups : [...headGroups, ...zeros, ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
}

function longestZeroRun(groups: bigint[]): { start: number; length: number } {
  let best = { start: -1, length: 0 };
  let start = -1;
  groups.forEach((group, index) => {
    if (group !== 0n) return void (start = -1);
    if (start < 0) start = index;
    const length = index - start + 1;
    if (length > best.length) best = { start, length };
  });
  return best;
}

function formatIPv6(value: bigint): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => (value >> shift) & 0xffffn);
  const run = longestZeroRun(groups);
  const hex = (part: bigint[]) => part.map((group) => group.toString(16)).join(":");
  if (run.length < 2) return hex(groups);
  return `${hex(groups.slice(0, run.start))}::${hex(groups.slice(run.start + run.length))}`;
}

function parseCidr(cidr: string): Cidr {
  const [ip = "", prefix = ""] = cidr.split("/");
  const v6 = isIPv6(ip);
  return { base: v6 ? parseIPv6(ip) : parseIPv4(ip), prefix: Number(prefix), v6 };
}

function format(value: bigint, v6: boolean): string {
  return v6 ? formatIPv6(value) : formatIPv4(value);
}

export function isIPv6Cidr(cidr: string): boolean {
  return parseCidr(cidr).v6;
}

/** The address `offset` places after the start of a CIDR: Azure gives nodes .4 onwards. */
export function addressInCidr(cidr: string, offset: number): string {
  const { base, v6 } = parseCidr(cidr);
  return format(base + BigInt(offset), v6);
}

/** The `index`-th block of size `/blockPrefix` inside a CIDR, e.g. node i's /24 of 10.244.0.0/16. */
export function blockInCidr(cidr: string, blockPrefix: number, index: number): string {
  const { base, v6 } = parseCidr(cidr);
  const width = v6 ? 128 : 32;
  const block = base + (BigInt(index) << BigInt(width - blockPrefix));
  return `${format(block, v6)}/${blockPrefix}`;
}
