/**
 * The run's time budget holds against every wait of an ARM read, and every
 * list is guarded, through the bundled action as the runner runs it: a 429
 * storm whose Retry-After outlasts a 6-second budget ends the run at once
 * with the reason, and an agent-pool list whose nextLink loops (paged by the
 * SDK, not by the gate's own loop) ends as an error naming the list after a
 * bounded number of requests.
 */
import { type ArmSandbox, startArmSandbox, throttledFault } from "../../sandbox/arm.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { type BuiltCluster, World } from "../../sandbox/world.js";
import { newWorkspace, paymentsCluster, SIX_SECONDS, TARGET } from "../helpers/e2e-world.js";

let sandbox: ArmSandbox;
let cluster: BuiltCluster;

const workspace = () => newWorkspace("gate-budget-");

function gate(folder: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    workspace: folder,
    armEndpoint: sandbox.url,
    ca: sandbox.ca,
    inputs: { ...TARGET, "create-issue": "false", "upload-evidence": "false", ...inputs },
  });
}

beforeAll(async () => {
  cluster = paymentsCluster();
  sandbox = await startArmSandbox(new World(...cluster.resources));
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.faults.clear();
  sandbox.requests.length = 0;
});

describe("the time budget against Retry-After", () => {
  it.each(["40", "3600"])(
    "ends a run whose read is throttled with Retry-After %s s under a 6 s budget at once, naming the wait",
    async (retryAfter) => {
      sandbox.faults.add(throttledFault({ path: "/routeTables/", retryAfter: Number(retryAfter) }));
      const run = await gate(await workspace(), { mode: "capture", "timeout-minutes": SIX_SECONDS });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe("error");
      const text = `${run.stdout}\n${run.summary}`;
      expect(text).toContain(`Retry-After ${retryAfter} s`);
      expect(text).toMatch(/time budget \('timeout-minutes'\) does not allow the wait Azure asked for/);
      const throttled = sandbox.requests.filter((request) => request.status === 429);
      expect(throttled).toHaveLength(1);
    },
    30_000,
  );
});

describe("a looping nextLink on an SDK-paged list", () => {
  it("ends the agent-pool list as an error naming it, after two requests for it", async () => {
    const list = `${cluster.clusterId}/agentPools`;
    const loop = `${sandbox.url}${list}?api-version=2026-06-01&$skipToken=loop`;
    sandbox.faults.add({ method: "GET", path: /\/agentPools$/i, status: 200, body: { value: [], nextLink: loop } });
    const run = await gate(await workspace(), { mode: "capture", "timeout-minutes": "1" });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe("error");
    expect(`${run.stdout}\n${run.summary}`).toContain("nextLink loops back to a page already read");
    expect(run.stdout).toContain("/agentPools");
    const poolReads = sandbox.requests.filter((request) => /\/agentPools$/i.test(request.path));
    expect(poolReads.length).toBeLessThanOrEqual(2 * 3);
  });
});
