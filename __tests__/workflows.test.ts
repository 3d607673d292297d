/**
 * The workflows in .github/workflows/ and the ready-to-copy ones in examples/:
 * valid YAML with `on` and `jobs`, steps that either run or use, and every step
 * that uses this action passing only inputs action.yml declares and reading
 * only outputs it declares.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const THIS_ACTION = /^(\.\/?|contoso\/aks-network-gate@.+)$/u;

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

interface Job {
  "runs-on"?: unknown;
  needs?: string | string[];
  steps?: Step[];
  strategy?: { matrix?: Record<string, unknown> };
}

interface Workflow {
  on?: unknown;
  jobs?: Record<string, Job>;
}

interface ActionYaml {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

const action = parse(readFileSync(path.join(ROOT, "action.yml"), "utf8")) as ActionYaml;

function workflowFiles(): string[] {
  const folders = [".github/workflows", "examples"];
  return folders.flatMap((folder) =>
    readdirSync(path.join(ROOT, folder))
      .filter((file) => /\.ya?ml$/u.test(file))
      .map((file) => `${folder}/${file}`),
  );
}

function load(file: string): Workflow {
  return parse(readFileSync(path.join(ROOT, file), "utf8"), { prettyErrors: true }) as Workflow;
}

function gateSteps(workflow: Workflow): [Job, Step][] {
  return Object.values(workflow.jobs ?? {}).flatMap((job) =>
    (job.steps ?? []).filter((step) => THIS_ACTION.test(step.uses ?? "")).map((step): [Job, Step] => [job, step]),
  );
}

const FILES = workflowFiles();

it("finds the CI workflows and the four examples", () => {
  expect(FILES).toEqual(
    expect.arrayContaining([
      ".github/workflows/ci.yml",
      ".github/workflows/check-dist.yml",
      "examples/release-gate.yml",
      "examples/nightly-fleet-scan.yml",
      "examples/capture-pull-request.yml",
      "examples/bootstrap-fleet.yml",
    ]),
  );
});

describe.each(FILES)("%s", (file) => {
  const workflow = load(file);

  it("has a trigger and jobs whose steps each either run a command or use an action", () => {
    expect(workflow.on).toBeDefined();
    const jobs = Object.entries(workflow.jobs ?? {});
    expect(jobs.length).toBeGreaterThan(0);
    for (const [name, job] of jobs) {
      expect([name, typeof job["runs-on"]]).toEqual([name, "string"]);
      expect(job.steps?.length).toBeGreaterThan(0);
      for (const step of job.steps ?? []) expect([name, "uses" in step !== "run" in step]).toEqual([name, true]);
      for (const need of [job.needs ?? []].flat()) expect(Object.keys(workflow.jobs ?? {})).toContain(need);
    }
  });

  it("passes this action only the inputs action.yml declares", () => {
    for (const [, step] of gateSteps(workflow)) {
      for (const input of Object.keys(step.with ?? {}))
        expect([input, Object.keys(action.inputs)]).toEqual([input, expect.arrayContaining([input])]);
    }
  });

  it("reads only outputs this action declares from its steps", () => {
    const ids = new Set(gateSteps(workflow).flatMap(([, step]) => (step.id ? [step.id] : [])));
    const text = readFileSync(path.join(ROOT, file), "utf8");
    for (const [, id, output] of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/gu)) {
      if (ids.has(id ?? "")) expect(Object.keys(action.outputs)).toContain(output);
    }
  });

  it("gives capture the cluster it writes, or the scope of the fleet it writes", () => {
    for (const [, step] of gateSteps(workflow).filter(([, step]) => step.with?.mode === "capture")) {
      const given = Object.keys(step.with ?? {});
      const oneCluster = ["subscription", "resource-group", "cluster-name"].every((name) => given.includes(name));
      expect(oneCluster !== given.includes("scope")).toBe(true);
    }
  });

  it("splits a fleet into as many shards as the matrix has jobs", () => {
    for (const [job, step] of gateSteps(workflow).filter(([, step]) => step.with?.shard !== undefined)) {
      const count = /^\$\{\{ matrix\.shard \}\}\/(\d+)$/u.exec(String(step.with?.shard))?.[1];
      expect(job.strategy?.matrix?.shard).toEqual(Array.from({ length: Number(count) }, (_, index) => index + 1));
    }
  });
});

describe("ci.yml", () => {
  const steps = load(".github/workflows/ci.yml").jobs?.action?.steps ?? [];

  it("starts the ARM sandbox before the action runs with uses: ./, and checks both a pass and a drift", () => {
    const sandbox = steps.findIndex((step) => step.run?.includes("npm run sandbox"));
    const uses = steps.flatMap((step, index) => (step.uses === "./" ? [index] : []));
    expect(sandbox).toBeGreaterThan(-1);
    expect(uses.length).toBe(2);
    expect(Math.min(...uses)).toBeGreaterThan(sandbox);
    expect(steps.find((step) => step.run?.includes("DRIFT_OUTCOME"))?.run).toContain('test "$DRIFT_RESULT" = drift');
  });

  it("runs the checks of .ci/run", () => {
    const runs = (load(".github/workflows/ci.yml").jobs?.test?.steps ?? []).map((step) => step.run);
    const ciRun = readFileSync(path.join(ROOT, ".ci/run"), "utf8");
    for (const script of ["typecheck", "lint", "format:check", "docs -- --check", "licenses -- --check"]) {
      expect(ciRun).toContain(`npm run ${script}`);
      expect(runs).toContain(`npm run ${script}`);
    }
    expect(runs).toContain("npm test");
  });
});

describe("check-dist.yml", () => {
  it("builds and fails when dist/ has any change or new file", () => {
    const steps = load(".github/workflows/check-dist.yml").jobs?.["check-dist"]?.steps ?? [];
    const runs = steps.map((step) => step.run ?? "").join("\n");
    expect(runs).toContain("npm run build");
    expect(runs).toContain("git status --porcelain --untracked-files=all -- dist");
  });
});
