/**
 * The options table (src/app/options.ts) as the one source of every option:
 * action.yml's inputs are generated from it, both front ends read it, and an
 * option's error carries one structure that each front end words its way.
 */
import { readFileSync } from "node:fs";
import { format, resolveConfig } from "prettier";
import { parse } from "yaml";
import { DEFAULT_BASELINE_FILE } from "../src/core/baseline/spec.js";
import { INPUT_WORDS, OptionError } from "../src/app/option-values.js";
import { DEFAULT_ISSUE_LABEL, OPTIONS, type OptionName, type OptionSpec } from "../src/app/options.js";
import { readSettings } from "../src/app/settings.js";
import { cliSettings, FLAG_WORDS, parseCommandLine } from "../src/entry/cli/args.js";
import { ANY_TEXT, actionError, FALLIBLE, workspace, wrongInputs } from "./helpers/option-errors.js";
import { type ActionMetadata, withActionInputs } from "../tools/docs/action-tables.js";

const ACTION_YML = new URL("../action.yml", import.meta.url);
const actionYml = readFileSync(ACTION_YML, "utf8");
const action = parse(actionYml) as ActionMetadata;

describe("action.yml and the options table", () => {
  it("declare the same inputs, in the same order, with the same defaults and descriptions, none required", () => {
    expect(Object.keys(action.inputs)).toEqual(OPTIONS.map((option) => option.name));
    for (const option of OPTIONS as readonly OptionSpec[]) {
      expect([option.name, action.inputs[option.name]]).toEqual([
        option.name,
        {
          description: option.description,
          required: false,
          ...((option.runnerDefault ?? option.default) ? { default: option.runnerDefault ?? option.default } : {}),
        },
      ]);
    }
  });

  it("action.yml's inputs are the ones npm run docs generates", async () => {
    const options = { ...(await resolveConfig(ACTION_YML.pathname)), parser: "yaml" };
    expect(actionYml).toBe(await format(withActionInputs(actionYml), options));
  });

  it("regenerating cannot lose the outputs, and needs both blocks", () => {
    expect(parse(withActionInputs(actionYml))).toEqual(action);
    expect(() => withActionInputs("name: x\n")).toThrow(/no top-level 'inputs:' followed by 'outputs:'/u);
  });

  it("take the defaults the code uses from where the code keeps them", () => {
    const byName = (name: OptionName): OptionSpec | undefined => OPTIONS.find((option) => option.name === name);
    expect(byName("baseline")?.default).toBe(DEFAULT_BASELINE_FILE);
    expect(byName("issue-labels")?.default).toBe(DEFAULT_ISSUE_LABEL);
    const settings = readSettings(() => "", { GITHUB_WORKSPACE: workspace });
    expect(settings.baselineFile).toBe(DEFAULT_BASELINE_FILE);
    expect(settings.issues.labels).toEqual([DEFAULT_ISSUE_LABEL]);
  });
});

function thrown(build: () => unknown): OptionError {
  try {
    build();
  } catch (error) {
    if (error instanceof OptionError) return error;
    throw error;
  }
  throw new Error("no OptionError");
}

/** The same inputs as a command line, for the options the CLI has a flag for. */
function commandLine(inputs: Record<string, string>): string[] {
  const { mode = "check", ...flags } = inputs;
  return [mode, ...Object.entries(flags).flatMap(([name, value]) => [`--${name}=${value}`])];
}

describe("an option's error, worded by each front end from one structure", () => {
  it("covers every option that can be wrong", () => {
    for (const option of FALLIBLE) expect([option.name, wrongInputs(option).length > 0]).toEqual([option.name, true]);
  });

  const cases = FALLIBLE.flatMap((option) =>
    wrongInputs(option).map((inputs) => [option.name, inputs, option] as const),
  );

  it.each(cases)("%s: %j", (name, inputs, option) => {
    const asInput = actionError(inputs);
    expect(asInput.option).toBe(name);
    expect(asInput.value).toBe(inputs[name] ?? "");
    expect(asInput.message).toMatch(new RegExp(`^Inputs? '${name}'`, "u"));
    const asFlag = asInput.wordedFor(FLAG_WORDS);
    expect(asFlag.message).toMatch(new RegExp(`^--${name}\\b`, "u"));
    expect(asFlag.message).not.toMatch(/\bInputs?\b/u);
    expect(asFlag.wordedFor(INPUT_WORDS).message).toBe(asInput.message);
    if (!("cli" in option)) return;
    const fromCli = thrown(() => cliSettings(parseCommandLine(commandLine(inputs)), workspace, {}));
    expect({ option: fromCli.option, value: fromCli.value, problem: fromCli.problem }).toEqual({
      option: asInput.option,
      value: asInput.value,
      problem: asInput.problem,
    });
    expect(fromCli.message).toBe(asFlag.message);
    expect(fromCli.hint).toBe(asFlag.hint);
  });

  it("accepts any text where the option is free text", () => {
    const inputs = Object.fromEntries(ANY_TEXT.map((name) => [name, " any text: at all "]));
    expect(() => readSettings((name) => inputs[name] ?? "", { GITHUB_WORKSPACE: workspace })).not.toThrow();
  });
});
