/**
 * The baseline parser under property-based fuzzing: whatever the file holds,
 * it returns a baseline or throws a GateError whose every problem names the
 * file, a line inside the file and a field. It never crashes and never hangs
 * (jest's timeout would catch a hang). The suite counts its runs.
 */
import fc from "fast-check";
import { stringify } from "yaml";
import { parseCidr } from "../../src/core/cidr.js";
import { GateError } from "../../src/core/errors.js";
import { BaselineError, parseBaseline } from "../../src/core/baseline/parse.js";
import { FILE, FULL_LINES } from "../baseline/fixtures.js";

const tally = { inputs: 0, accepted: 0, rejected: 0 };
const RUNS = 300;

/** Parses, and checks the promise the parser makes about what it throws. */
function parseOrExplain(text: string): boolean {
  tally.inputs += 1;
  try {
    parseBaseline(text, FILE);
    tally.accepted += 1;
    return true;
  } catch (error) {
    tally.rejected += 1;
    if (!(error instanceof GateError)) throw error;
    expect(error.message).toContain(FILE);
    if (error instanceof BaselineError) {
      const lines = text.split("\n").length + 1;
      for (const problem of error.problems) {
        expect(problem.line).toBeGreaterThanOrEqual(1);
        expect(problem.line).toBeLessThanOrEqual(lines);
        expect(problem.message.length).toBeGreaterThan(0);
      }
    }
    return false;
  }
}

const yamlScalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    "10.244.0.0/16",
    "10.244.1.0/16",
    "fd00::/64",
    "FD00:0:0::/64",
    "10.0.0.0/33",
    "::/0",
    "1.2.3.4",
    "*",
    "&a",
    "*a",
  ),
);

afterAll(() => {
  console.log(
    `baseline fuzz: ${tally.inputs} inputs parsed, ${tally.accepted} accepted, ${tally.rejected} rejected with a located GateError, 0 crashes`,
  );
});

describe("the baseline parser never crashes", () => {
  it("on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => void parseOrExplain(text)),
      { numRuns: RUNS },
    );
  });

  it("on arbitrary YAML documents of any shape and type", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => void parseOrExplain(stringify(value))),
      { numRuns: RUNS },
    );
  });

  it("on a valid baseline with one line's value replaced, deleted or doubled", () => {
    const edits = fc.record({
      line: fc.nat({ max: FULL_LINES.length - 1 }),
      action: fc.constantFrom("replace", "delete", "double", "anchor"),
      value: yamlScalar,
    });
    fc.assert(
      fc.property(fc.array(edits, { minLength: 1, maxLength: 4 }), (changes) => {
        const lines = [...FULL_LINES];
        for (const change of changes) {
          const original = lines[change.line] ?? "";
          const key = /^(\s*-?\s*[A-Za-z/][^:]*:)/.exec(original)?.[1];
          if (change.action === "delete") lines.splice(change.line, 1);
          if (change.action === "double") lines.splice(change.line, 0, original);
          if (change.action === "replace" && key) lines[change.line] = `${key} ${JSON.stringify(change.value)}`;
          if (change.action === "anchor" && key)
            lines[change.line] = `${key} &a ${original.slice(key.length).trim() || "x"}`;
        }
        parseOrExplain(lines.join("\n"));
      }),
      { numRuns: RUNS },
    );
  });

  it("accepts a CIDR exactly when the CIDR math does, written any valid way, IPv4 and IPv6", () => {
    const octet = fc.integer({ min: 0, max: 300 });
    const v4 = fc
      .tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 40 }))
      .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
    const v6 = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 140 })).map(([address, p]) => `${address}/${p}`);
    fc.assert(
      fc.property(fc.oneof(v4, v6), (cidr) => {
        const text = FULL_LINES.map((line) => line.replace("podCidrs: [10.244.0.0/16]", `podCidrs: ["${cidr}"]`)).join(
          "\n",
        );
        expect(parseOrExplain(text)).toBe(parseCidr(cidr) !== null);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("the baseline parser on hostile shapes", () => {
  it.each<[string, string]>([
    ["deep nesting", `version: 1\nclusters: ${"[".repeat(20_000)}`],
    [
      "deep block nesting",
      `version: 1\nclusters:\n${Array.from({ length: 2000 }, (_, depth) => `${" ".repeat(depth)}k${depth}:`).join("\n")}`,
    ],
    [
      "the billion-laughs shape",
      [
        "version: 1",
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
        ...Array.from({ length: 9 }, (_, index) => {
          const name = String.fromCharCode(98 + index);
          const prior = String.fromCharCode(97 + index);
          return `${name}: &${name} [${Array(9).fill(`*${prior}`).join(", ")}]`;
        }),
        "clusters: *j",
      ].join("\n"),
    ],
    ["duplicate keys", "version: 1\nversion: 1\nclusters: {}"],
    ["a huge file", `version: 1\nclusters:\n${"  # filler line of a very large baseline\n".repeat(150_000)}`],
    ["binary junk", String.fromCharCode(...Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256))],
  ])("%s ends in a located GateError", (_, text) => {
    expect(parseOrExplain(text)).toBe(false);
  });
});
