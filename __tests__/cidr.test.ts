import {
  addressCount,
  addressInCidr,
  blockCount,
  canonicalCidr,
  cidrContains,
  cidrOverlaps,
  formatIp,
  isValidIp,
  offsetInCidr,
  parseCidr,
  parseIp,
  sameNetwork,
} from "../src/core/cidr.js";
import fc from "fast-check";
import { Address4, Address6 } from "ip-address";
import { GateError } from "../src/core/errors.js";

describe("parseCidr", () => {
  test.each([
    ["10.244.0.0/16", 4, 16, 0x0af40000n, "10.244.0.0/16"],
    ["10.244.1.0/16", 4, 16, 0x0af40000n, "10.244.0.0/16"],
    ["0.0.0.0/0", 4, 0, 0n, "0.0.0.0/0"],
    ["203.0.113.77/0", 4, 0, 0n, "0.0.0.0/0"],
    ["10.1.2.3/8", 4, 8, 0x0a000000n, "10.0.0.0/8"],
    ["10.1.2.3/31", 4, 31, 0x0a010202n, "10.1.2.2/31"],
    ["10.1.2.3/32", 4, 32, 0x0a010203n, "10.1.2.3/32"],
    ["255.255.255.255/32", 4, 32, 0xffffffffn, "255.255.255.255/32"],
    ["fd00::/64", 6, 64, 0xfd00n << 112n, "fd00::/64"],
    ["FD00:0:0:0:0:0:0:0/64", 6, 64, 0xfd00n << 112n, "fd00::/64"],
    ["fd00:0000:0000:0000:1234::/64", 6, 64, 0xfd00n << 112n, "fd00::/64"],
    ["::/0", 6, 0, 0n, "::/0"],
    ["2001:db8::1/0", 6, 0, 0n, "::/0"],
    ["::1/128", 6, 128, 1n, "::1/128"],
    ["2001:db8:0:0:1:0:0:1/128", 6, 128, 0x20010db8000000000001000000000001n, "2001:db8::1:0:0:1/128"],
    ["2001:0:0:1:0:0:0:1/128", 6, 128, 0x20010000000000010000000000000001n, "2001:0:0:1::1/128"],
    ["2001:db8:1:2:3:4:5:6/128", 6, 128, 0x20010db8000100020003000400050006n, "2001:db8:1:2:3:4:5:6/128"],
    ["2001:db8:0:1:1:1:1:1/128", 6, 128, 0x20010db8000000010001000100010001n, "2001:db8:0:1:1:1:1:1/128"],
    ["fd12:3456:789a::/48", 6, 48, 0xfd123456789an << 80n, "fd12:3456:789a::/48"],
  ])("%s → family %i /%i", (text, family, prefixLength, network, canonical) => {
    expect(parseCidr(text)).toEqual({ family, prefixLength, network, text: canonical });
  });

  test.each([
    "",
    "10.0.0.0",
    "10.0.0.0/",
    "10.0.0.0/33",
    "10.0.0.0/-1",
    "10.0.0.0/+8",
    "10.0.0.0/08",
    "10.0.0.0/8/8",
    "10.0.0/8",
    "010.0.0.0/8",
    "256.0.0.0/8",
    " 10.0.0.0/8",
    "10.0.0.0/8 ",
    "10.0.0.0/ 8",
    "fd00::/129",
    "fd00::/064",
    "fe80::1%eth0/64",
    "::ffff:10.0.0.0/104",
    "1::2::3/64",
    "1:2:3:4:5:6:7:8:9/64",
    "gg::/64",
    "AzureCloud",
    "10.0.0.0/1.2",
  ])("rejects %j", (text) => {
    expect(parseCidr(text)).toBeNull();
  });

  test("rejects values that are not strings at runtime", () => {
    expect(parseCidr(42 as unknown as string)).toBeNull();
    expect(parseIp(null as unknown as string)).toBeNull();
  });
});

describe("isValidIp / parseIp", () => {
  test.each([
    ["10.0.0.10", true],
    ["0.0.0.0", true],
    ["255.255.255.255", true],
    ["::", true],
    ["::1", true],
    ["FD00::A", true],
    ["1:2:3:4:5:6:7:8", true],
    ["10.0.0.10/32", false],
    ["10.0.0.010", false],
    ["10.0.0", false],
    ["10.0.0.256", false],
    ["fe80::1%eth0", false],
    ["::ffff:10.0.0.1", false],
    ["", false],
    ["localhost", false],
    [" 10.0.0.1", false],
  ])("%j → %s", (text, valid) => {
    expect(isValidIp(text)).toBe(valid);
  });

  test.each([
    ["10.0.0.10", 4, 0x0a00000an],
    ["FD00::A", 6, (0xfd00n << 112n) + 10n],
  ])("parseIp(%j)", (text, family, value) => {
    expect(parseIp(text)).toEqual({ family, value });
  });
});

describe("formatIp", () => {
  test.each([
    [4, 0n, "0.0.0.0"],
    [4, 0xc0a80101n, "192.168.1.1"],
    [6, 0n, "::"],
    [6, 1n, "::1"],
    [6, 0xfd00n << 112n, "fd00::"],
    [6, 0x00010000000000000000000000000000n, "1::"],
    [6, 0x00010000000000020000000000000003n, "1:0:0:2::3"],
    [6, 0x00010000000000020000000000030004n, "1::2:0:0:3:4"],
  ] as const)("family %i %s → %s", (family, value, text) => {
    expect(formatIp({ family, value })).toBe(text);
  });
});

describe("canonicalCidr / addressCount", () => {
  test.each([
    ["10.244.1.0/16", "10.244.0.0/16", 65536n],
    ["0.0.0.0/0", "0.0.0.0/0", 4294967296n],
    ["10.0.0.0/8", "10.0.0.0/8", 16777216n],
    ["10.0.0.0/31", "10.0.0.0/31", 2n],
    ["10.0.0.7/32", "10.0.0.7/32", 1n],
    ["FD00::1/64", "fd00::/64", 18446744073709551616n],
    ["::/0", "::/0", 340282366920938463463374607431768211456n],
    ["::1/128", "::1/128", 1n],
  ])("%s → %s with %s addresses", (text, canonical, count) => {
    expect(canonicalCidr(text)).toBe(canonical);
    expect(addressCount(text)).toBe(count);
  });

  test.each(["10.0.0.0/33", "nope", "10.0.0.1"])("throws a GateError for %j", (text) => {
    expect(() => canonicalCidr(text)).toThrow(GateError);
    expect(() => canonicalCidr(text)).toThrow(`"${text}" is not a valid CIDR`);
    expect(() => addressCount(text)).toThrow(GateError);
  });
});

describe("sameNetwork", () => {
  test.each([
    ["10.244.0.0/16", "10.244.0.0/16", true],
    ["10.244.0.0/16", "10.244.255.1/16", true],
    ["10.244.0.0/16", "10.244.0.0/17", false],
    ["10.244.0.0/16", "10.245.0.0/16", false],
    ["fd00::/64", "FD00:0:0:0::1/64", true],
    ["fd00::/64", "fd00:0:0:1::/64", false],
    ["0.0.0.0/0", "::/0", false],
    ["0.0.0.0/0", "1.2.3.4/0", true],
    ["bad", "bad", false],
    ["10.0.0.0/8", "bad", false],
  ])("%s vs %s → %s", (a, b, same) => {
    expect(sameNetwork(a, b)).toBe(same);
    expect(sameNetwork(b, a)).toBe(same);
  });
});

describe("cidrContains", () => {
  test.each([
    ["10.244.0.0/16", "10.244.3.0/24", true],
    ["10.244.0.0/16", "10.244.0.0/16", true],
    ["10.244.0.0/16", "10.244.0.0/15", false],
    ["10.244.0.0/16", "10.245.0.0/24", false],
    ["10.244.0.0/16", "10.243.255.0/24", false],
    ["10.244.0.0/16", "10.244.255.255", true],
    ["10.244.0.0/16", "10.245.0.0", false],
    ["0.0.0.0/0", "255.255.255.255/32", true],
    ["0.0.0.0/0", "::/0", false],
    ["::/0", "10.0.0.0/8", false],
    ["::/0", "2001:db8::/32", true],
    ["10.0.0.0/8", "10.0.0.0/31", true],
    ["10.0.0.4/31", "10.0.0.5", true],
    ["10.0.0.4/31", "10.0.0.6", false],
    ["10.0.0.4/32", "10.0.0.4", true],
    ["10.0.0.4/32", "10.0.0.4/31", false],
    ["fd00::/64", "fd00::ffff:ffff:ffff:ffff", true],
    ["fd00::/64", "fd00:0:0:1::", false],
    ["fd00::1/128", "FD00::1", true],
    ["fd00::1/128", "fd00::2", false],
    ["10.0.0.0/8", "bad", false],
    ["10.0.0.1", "10.0.0.1", false],
  ])("%s contains %s → %s", (outer, inner, contains) => {
    expect(cidrContains(outer, inner)).toBe(contains);
  });
});

describe("cidrOverlaps", () => {
  test.each([
    ["10.0.0.0/8", "10.244.0.0/16", true],
    ["10.244.0.0/16", "10.245.0.0/16", false],
    ["10.244.0.0/15", "10.245.0.0/16", true],
    ["10.0.0.0/31", "10.0.0.1/32", true],
    ["10.0.0.0/31", "10.0.0.2/31", false],
    ["0.0.0.0/0", "192.168.0.0/16", true],
    ["0.0.0.0/0", "fd00::/8", false],
    ["::/0", "fd00::/8", true],
    ["fd00::/64", "fd00:0:0:1::/64", false],
    ["fd00::/63", "fd00:0:0:1::/64", true],
    ["::1/128", "::1/128", true],
    ["::1/128", "::2/128", false],
    ["10.0.0.5", "10.0.0.0/29", true],
    ["10.0.0.0/8", "bad", false],
  ])("%s ∩ %s → %s", (a, b, overlaps) => {
    expect(cidrOverlaps(a, b)).toBe(overlaps);
    expect(cidrOverlaps(b, a)).toBe(overlaps);
  });
});

describe("addressInCidr", () => {
  test.each([
    ["10.224.0.4", "10.224.0.0/16", true],
    ["10.225.0.4", "10.224.0.0/16", false],
    ["10.224.0.4", "0.0.0.0/0", true],
    ["10.224.0.4", "::/0", false],
    ["fd00::4", "fd00::/64", true],
    ["10.224.0.0/24", "10.224.0.0/16", false],
    ["10.224.0.4", "10.224.0.4/32", true],
    ["10.224.0.5", "10.224.0.4/32", false],
    ["bad", "10.224.0.0/16", false],
  ])("%s in %s → %s", (ip, cidr, inside) => {
    expect(addressInCidr(ip, cidr)).toBe(inside);
  });
});

describe("blockCount", () => {
  test.each([
    ["10.244.0.0/16", 24, 256n],
    ["10.244.0.0/22", 24, 4n],
    ["10.244.0.0/24", 24, 1n],
    ["10.244.0.0/25", 24, 0n],
    ["10.0.0.0/8", 24, 65536n],
    ["10.0.0.0/31", 32, 2n],
    ["10.0.0.1/32", 32, 1n],
    ["fd12:3456:789a::/64", 80, 65536n],
    ["fd12:3456:789a::/80", 80, 1n],
    ["fd12:3456:789a::/128", 80, 0n],
    ["::/0", 80, 1n << 80n],
  ])("%s holds %i-bit blocks: %s", (cidr, prefix, count) => {
    expect(blockCount(cidr, prefix)).toBe(count);
  });

  test("throws a GateError for an invalid CIDR", () => {
    expect(() => blockCount("10.0.0.0/33", 24)).toThrow(GateError);
  });
});

describe("offsetInCidr", () => {
  test.each([
    ["10.0.0.0/16", "10.0.0.0", 0n],
    ["10.0.0.0/16", "10.0.0.10", 10n],
    ["10.0.0.0/16", "10.0.255.255", 65535n],
    ["10.0.7.0/16", "10.0.0.1", 1n],
    ["10.0.0.10/32", "10.0.0.10", 0n],
    ["fd00::/108", "fd00::a", 10n],
    ["fd00::a/128", "fd00::a", 0n],
  ])("%s: %s is at %s", (cidr, ip, offset) => {
    expect(offsetInCidr(cidr, ip)).toBe(offset);
  });

  test.each([
    ["10.0.0.0/16", "10.1.0.10"],
    ["10.0.0.0/16", "fd00::a"],
    ["fd00::/108", "10.0.0.10"],
    ["10.0.0.0/33", "10.0.0.1"],
    ["10.0.0.0/16", "10.0.0.300"],
  ])("%s: %s is outside (or invalid)", (cidr, ip) => {
    expect(offsetInCidr(cidr, ip)).toBeNull();
  });
});

describe("containment on the cached networks", () => {
  const v4 = fc
    .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }))
    .map(([value, prefix]) => `${[24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".")}/${prefix}`);
  const v6 = fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
      fc.integer({ min: 0, max: 128 }),
    )
    .map(([groups, prefix]) => `${groups.map((group) => group.toString(16)).join(":")}/${prefix}`);
  const block = fc.oneof(v4, v6);
  const bySubnet = (outer: string, inner: string): boolean => {
    const read = (text: string) => (text.includes(":") ? new Address6(text) : new Address4(text));
    const [container, contained] = [read(outer), read(inner)];
    return container instanceof Address6 === contained instanceof Address6 && contained.isInSubnet(container);
  };

  it("agrees with ip-address's isInSubnet for any two blocks of either family", () => {
    fc.assert(
      fc.property(block, block, (outer, inner) => {
        expect(cidrContains(outer, inner)).toBe(bySubnet(outer, inner));
        expect(cidrOverlaps(outer, inner)).toBe(bySubnet(outer, inner) || bySubnet(inner, outer));
      }),
      { numRuns: 2000 },
    );
  });

  it("agrees when one block is cut from the other", () => {
    fc.assert(
      fc.property(v4, fc.integer({ min: 0, max: 32 }), (outer, longer) => {
        const [address, prefix] = outer.split("/") as [string, string];
        const inner = `${address}/${Math.max(Number(prefix), longer)}`;
        expect(cidrContains(outer, inner)).toBe(bySubnet(outer, inner));
        expect(cidrContains(outer, inner)).toBe(true);
      }),
    );
  });
});
