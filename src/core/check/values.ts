import { parseCidr, parseIp, sameNetwork } from "../cidr.js";

/**
 * How a field compares: CIDRs as networks, IPs as addresses, resource IDs
 * and enum values case-insensitively (real ARM responses mix cases).
 */
export type ValueKind = "cidrs" | "ip" | "id" | "enum" | "enums" | "number" | "boolean";

export type Value = string | number | boolean | null | string[];

function sameCidrSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((cidr) => b.some((other) => sameNetwork(cidr, other)));
}

function sameIp(a: string, b: string): boolean {
  const left = parseIp(a);
  const right = parseIp(b);
  if (left === null || right === null) return a === b;
  return left.family === right.family && left.value === right.value;
}

function sameTextSet(a: string[], b: string[]): boolean {
  const lower = (values: string[]) => [...new Set(values.map((value) => value.toLowerCase()))].sort().join("\n");
  return a.length === b.length && lower(a) === lower(b);
}

export function sameValue(kind: ValueKind, expected: Value, actual: Value): boolean {
  if (expected === null || actual === null) return expected === actual;
  switch (kind) {
    case "cidrs":
      return Array.isArray(expected) && Array.isArray(actual) && sameCidrSet(expected, actual);
    case "enums":
      return Array.isArray(expected) && Array.isArray(actual) && sameTextSet(expected, actual);
    case "ip":
      return sameIp(String(expected), String(actual));
    case "id":
    case "enum":
      return String(expected).toLowerCase() === String(actual).toLowerCase();
    case "number":
    case "boolean":
      return expected === actual;
  }
}

/** A value as the report shows it. */
export function display(value: Value | undefined): string {
  if (value === null || value === undefined) return "(none)";
  if (Array.isArray(value)) return value.length === 0 ? "(empty)" : value.join(", ");
  return String(value);
}

/** The canonical network of a prefix, to key routes by; not a CIDR: as written. */
export function prefixKey(prefix: string): string {
  return parseCidr(prefix)?.text ?? prefix.toLowerCase();
}
