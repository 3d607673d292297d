/**
 * The recorder (`--record`, `--scrub`) and its replay, without a network: the
 * policy is handed requests and responses as the pipeline would, and the
 * replay is asked as the sandbox asks it.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createHttpHeaders, createPipelineRequest, type PipelineResponse, RestError } from "@azure/core-rest-pipeline";
import { ArmRecorder, GuidScrubber, type RecordedResponse } from "../../src/io/azure/recorder.js";
import { parseCommandLine, UsageError } from "../../src/entry/cli/args.js";
import { USAGE } from "../../src/entry/cli/usage.js";
import { GateError } from "../../src/core/errors.js";
import { parseRecording, Replay } from "../../sandbox/replay.js";

const SUBSCRIPTION = "6F1C2B9E-3D4A-4F8B-9E7C-1A2B3C4D5E6F";
const OTHER_SUBSCRIPTION = "0d6b3a51-8c2e-4b7f-a1d9-5e3f7c2b8a40";
const TENANT = "9b7e4c21-5a3d-4e6f-8b1a-0c2d3e4f5a6b";
const PRINCIPAL = "4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const TOKEN = "opaque-bearer-token-1234567890";
const JWT_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhcm0ifQ.c2lnbmF0dXJl";
const ARM = "https://management.azure.com";
const CLUSTER = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments/providers/Microsoft.ContainerService/managedClusters/aks-payments-prod`;

function fake(index: number): string {
  return `00000000-0000-0000-0000-${String(index).padStart(12, "0")}`;
}

describe("GuidScrubber", () => {
  it("replaces subscription and tenant GUIDs, in order of first appearance, the same in any case", () => {
    const scrubber = new GuidScrubber();
    const body = JSON.stringify({
      id: CLUSTER,
      // @azure/arm-containerservice: ManagedClusterIdentity.tenantId, ManagedClusterAADProfile.tenantID.
      identity: { type: "SystemAssigned", principalId: PRINCIPAL, tenantId: TENANT },
      properties: { aadProfile: { managed: true, tenantID: TENANT.toUpperCase() } },
      subscriptionId: OTHER_SUBSCRIPTION,
    });
    expect(scrubber.learn(body)).toEqual([SUBSCRIPTION.toLowerCase(), TENANT, OTHER_SUBSCRIPTION]);
    expect(scrubber.learn(body)).toEqual([]);
    const scrubbed = scrubber.apply(`${body} ${SUBSCRIPTION.toLowerCase()}`);
    expect(scrubbed).toContain(`/subscriptions/${fake(1)}/resourceGroups/rg-payments`);
    expect(scrubbed).toContain(`"tenantId":"${fake(2)}"`);
    expect(scrubbed).toContain(`"tenantID":"${fake(2)}"`);
    expect(scrubbed).toContain(`"subscriptionId":"${fake(3)}"`);
    expect(scrubbed).toContain(` ${fake(1)}`);
    expect(scrubbed).toContain(PRINCIPAL);
    for (const guid of [SUBSCRIPTION, OTHER_SUBSCRIPTION, TENANT])
      expect(scrubbed.toLowerCase()).not.toContain(guid.toLowerCase());
  });

  it("never takes one of its own fakes for a GUID to hide", () => {
    const scrubber = new GuidScrubber();
    scrubber.learn(`/subscriptions/${SUBSCRIPTION}`);
    expect(scrubber.learn(`/subscriptions/${fake(1)}`)).toEqual([]);
    expect(scrubber.apply(`/subscriptions/${fake(1)}`)).toBe(`/subscriptions/${fake(1)}`);
  });
});

function response(
  url: string,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): { request: ReturnType<typeof createPipelineRequest>; response: PipelineResponse } {
  const request = createPipelineRequest({ url, method: "GET" });
  const result: PipelineResponse = {
    request,
    status,
    headers: createHttpHeaders({ "content-type": "application/json; charset=utf-8", ...headers }),
    bodyAsText: body,
  };
  return { request, response: result };
}

/** Sends one request through the recorder's policy; the pipeline signs it with `token` on the way. */
async function through(recorder: ArmRecorder, exchange: ReturnType<typeof response>, token = TOKEN) {
  return recorder.policy().sendRequest(exchange.request, async (request) => {
    request.headers.set("Authorization", `Bearer ${token}`);
    return exchange.response;
  });
}

async function folder(): Promise<string> {
  return path.join(await mkdtemp(path.join(tmpdir(), "gate-recorder-")), "rec");
}

async function readAll(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(path.join(dir, name), "utf8"));
  return files;
}

describe("ArmRecorder", () => {
  it("writes one file per request: method, path, query, status, chosen headers and the body", async () => {
    const recorder = new ArmRecorder(await folder(), { scrub: false });
    await recorder.open();
    const cluster = { id: CLUSTER, name: "aks-payments-prod", properties: { provisioningState: "Succeeded" } };
    await through(
      recorder,
      response(`${ARM}${CLUSTER}?api-version=2026-06-01`, 200, JSON.stringify(cluster), {
        "x-ms-ratelimit-remaining-subscription-reads": "11999",
        "x-ms-request-id": "0f9e8d7c",
        "set-cookie": "x-ms-gateway-slice=estsfd; path=/; secure; samesite=none; httponly",
      }),
    );
    await recorder.close();
    const files = await readAll(recorder.dir);
    expect([...files.keys()]).toEqual([
      `0001-GET-subscriptions_${SUBSCRIPTION}_resourceGroups_rg-payments_providers_Microsoft.ContainerService_managedClusters_aks-payments-prod.json`,
    ]);
    const recorded = JSON.parse([...files.values()][0] ?? "") as RecordedResponse;
    expect(recorded).toEqual({
      method: "GET",
      path: CLUSTER,
      query: { "api-version": "2026-06-01" },
      status: 200,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "x-ms-ratelimit-remaining-subscription-reads": "11999",
      },
      body: cluster,
    });
    expect(recorder.responses).toBe(1);
  });

  it("names a file after a long path by its last whole segments, within 255 bytes", async () => {
    const recorder = new ArmRecorder(await folder(), { scrub: false });
    await recorder.open();
    const group = `MC_${"rg-payments-platform-".repeat(4)}westeurope`;
    const nics = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-12345678-vmss/networkInterfaces`;
    await through(recorder, response(`${ARM}${nics}?api-version=2018-10-01`, 200, '{"value":[]}'));
    await recorder.close();
    const [name = ""] = await readdir(recorder.dir);
    expect(name).toBe(
      `0001-GET-${group}_providers_Microsoft.Compute_virtualMachineScaleSets_aks-nodepool1-12345678-vmss_networkInterfaces.json`,
    );
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
  });

  it("never writes the bearer token, nor anything shaped like a JWT, even when a body holds it", async () => {
    const recorder = new ArmRecorder(await folder(), { scrub: false });
    await recorder.open();
    const echo = JSON.stringify({ error: { code: "Odd", message: `a proxy echoed Bearer ${TOKEN} and ${JWT_TOKEN}` } });
    await through(recorder, response(`${ARM}${CLUSTER}?api-version=2026-06-01`, 401, echo));
    await through(
      recorder,
      response(`${ARM}${CLUSTER}/agentPools?api-version=2026-06-01`, 502, `<html>${TOKEN}</html>`),
    );
    await recorder.close();
    const text = [...(await readAll(recorder.dir)).values()].join("\n");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(JWT_TOKEN);
    expect(text).not.toMatch(/authorization/i);
    expect(text).toContain("a proxy echoed Bearer [token removed] and [token removed]");
    expect(text).toContain('"bodyText": "<html>[token removed]</html>"');
  });

  it("records the failed response an error carries, and nothing for a request that got none", async () => {
    const recorder = new ArmRecorder(await folder(), { scrub: false });
    await recorder.open();
    const throttled = response(`${ARM}${CLUSTER}?api-version=2026-06-01`, 429, "{}", { "retry-after": "7" });
    const policy = recorder.policy();
    const error = new RestError("throttled", { statusCode: 429, response: throttled.response });
    await expect(policy.sendRequest(throttled.request, () => Promise.reject(error))).rejects.toBe(error);
    const reset = new RestError("socket hang up", { code: "ECONNRESET" });
    await expect(policy.sendRequest(throttled.request, () => Promise.reject(reset))).rejects.toBe(reset);
    await recorder.close();
    const files = await readAll(recorder.dir);
    expect(files.size).toBe(1);
    expect(JSON.parse([...files.values()][0] ?? "")).toMatchObject({ status: 429, headers: { "retry-after": "7" } });
  });

  it("with scrub, hides a GUID learnt late in the files written before, and in names and paths", async () => {
    const recorder = new ArmRecorder(await folder(), { scrub: true });
    await recorder.open();
    await recorder.attach("baseline.yml", `clusters:\n  ${CLUSTER}:\n    networkProfile: {}\n`);
    const issuer = JSON.stringify({
      id: CLUSTER,
      properties: { oidcIssuerProfile: { issuerURL: `https://x/${TENANT}/` } },
    });
    await through(recorder, response(`${ARM}${CLUSTER}?api-version=2026-06-01`, 200, issuer));
    const identity = JSON.stringify({ value: [{ id: `${CLUSTER}/agentPools/np1`, identity: { tenantId: TENANT } }] });
    await through(recorder, response(`${ARM}${CLUSTER}/agentPools?api-version=2026-06-01`, 200, identity));
    await recorder.close();
    const files = await readAll(recorder.dir);
    const everything = [...files.keys(), ...files.values()].join("\n").toLowerCase();
    expect(everything).not.toContain(SUBSCRIPTION.toLowerCase());
    expect(everything).not.toContain(TENANT);
    expect(files.get("baseline.yml")).toContain(`/subscriptions/${fake(1)}/resourceGroups/rg-payments`);
    const first = JSON.parse(
      [...files.entries()].find(([name]) => name.startsWith("0001-"))?.[1] ?? "",
    ) as RecordedResponse;
    expect(first.path).toBe(CLUSTER.replace(SUBSCRIPTION, fake(1)));
    expect(JSON.stringify(first.body)).toContain(`https://x/${fake(2)}/`);
    expect([...files.keys()].some((name) => name.includes(fake(1)))).toBe(true);
  });

  it("refuses a folder that already holds files, and says an unwritable recording is incomplete", async () => {
    const dir = await folder();
    await mkdir(dir);
    await writeFile(path.join(dir, "old.json"), "{}");
    await expect(new ArmRecorder(dir, { scrub: false }).open()).rejects.toThrow(
      new GateError(`The --record folder '${dir}' already holds files.`),
    );
    const gone = new ArmRecorder(await folder(), { scrub: false });
    await gone.open();
    await rm(gone.dir, { recursive: true });
    await through(gone, response(`${ARM}${CLUSTER}?api-version=2026-06-01`, 200, "{}"));
    await expect(gone.close()).rejects.toThrow(/^The recording in '.*' is incomplete: .*ENOENT/);
  });
});

function recording(overrides: Partial<RecordedResponse>): RecordedResponse {
  return {
    method: "GET",
    path: CLUSTER,
    query: { "api-version": "2026-06-01" },
    status: 200,
    headers: {},
    body: {},
    ...overrides,
  };
}

async function replayOf(recordings: RecordedResponse[], misses: string[] = []): Promise<Replay> {
  const dir = await folder();
  await mkdir(dir);
  for (const [index, each] of recordings.entries()) {
    await writeFile(path.join(dir, `${String(index + 1).padStart(4, "0")}-GET-x.json`), JSON.stringify(each));
  }
  return Replay.load(dir, (request) => misses.push(request));
}

describe("Replay", () => {
  const sandbox = "https://127.0.0.1:8443";

  it("answers by method, path in any case and query, in the order recorded, then the last again", async () => {
    const replay = await replayOf([
      recording({
        status: 429,
        headers: { "retry-after": "1", "content-type": "application/json" },
        body: { error: {} },
      }),
      recording({ body: { name: "aks-payments-prod" } }),
    ]);
    const url = new URL(`${sandbox}${CLUSTER.toLowerCase()}?api-version=2026-06-01`);
    expect(replay.answer("GET", url, sandbox)).toMatchObject({
      status: 429,
      headers: { "retry-after": "1", "Content-Type": "application/json" },
    });
    expect(replay.answer("GET", url, sandbox)).toMatchObject({ status: 200, body: { name: "aks-payments-prod" } });
    expect(replay.answer("GET", url, sandbox)).toMatchObject({ status: 200, body: { name: "aks-payments-prod" } });
    expect(replay.size).toBe(2);
    expect(replay.baseline).toBeUndefined();
  });

  it("points nextLink at the sandbox, and sends a body that was not JSON as it came", async () => {
    const list = `${CLUSTER}/agentPools`;
    const replay = await replayOf([
      recording({ path: list, body: { value: [], nextLink: `${ARM}${list}?api-version=2026-06-01&$skipToken=2` } }),
      recording({
        path: list,
        query: { "api-version": "2026-06-01", $skipToken: "2" },
        status: 502,
        body: undefined,
        bodyText: "<html>bad gateway</html>",
      }),
    ]);
    const first = replay.answer("GET", new URL(`${sandbox}${list}?api-version=2026-06-01`), sandbox);
    expect(first.body).toEqual({ value: [], nextLink: `${sandbox}${list}?api-version=2026-06-01&$skipToken=2` });
    const next = replay.answer("GET", new URL(`${sandbox}${list}?$skipToken=2&api-version=2026-06-01`), sandbox);
    expect(next).toMatchObject({ status: 502, text: "<html>bad gateway</html>" });
  });

  it("answers a request it holds no recording of with ARM's 404, naming it and the versions it holds", async () => {
    const misses: string[] = [];
    const replay = await replayOf([recording({})], misses);
    const reply = replay.answer("GET", new URL(`${sandbox}${CLUSTER}?api-version=2027-01-01`), sandbox);
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({
      error: {
        code: "RecordingNotFound",
        message: expect.stringContaining(
          `holds no recording of GET ${CLUSTER}?api-version=2027-01-01. It holds this path with: api-version=2026-06-01.`,
        ) as unknown,
      },
    });
    expect(misses).toEqual([`GET ${CLUSTER}?api-version=2027-01-01`]);
  });

  it("refuses a folder without recordings, and a file that is not one, naming it", async () => {
    const empty = await folder();
    await mkdir(empty);
    await expect(Replay.load(empty)).rejects.toThrow(/holds no recordings/);
    expect(() => parseRecording("rec/0001-GET-x.json", JSON.stringify({ method: "GET", path: "/x" }))).toThrow(
      "rec/0001-GET-x.json is not a recording of 'aks-network-gate --record': query, status, headers missing or wrong.",
    );
    expect(existsSync(empty)).toBe(true);
  });
});

describe("--record and --scrub on the command line", () => {
  it("takes --record DIR and --scrub, and refuses --scrub alone, naming the flag", () => {
    const line = parseCommandLine(["check", "--record", "rec", "--scrub"]);
    expect(line.values.get("record")).toBe("rec");
    expect(line.switches.has("scrub")).toBe(true);
    expect(() => parseCommandLine(["check", "--scrub"])).toThrow(
      new UsageError("Option --scrub needs --record DIR: it scrubs the recording, and there is none."),
    );
    expect(() => parseCommandLine(["check", "--record"])).toThrow(
      new UsageError("Option --record needs a value: --record DIR."),
    );
  });

  it("--help names both, and what --scrub leaves in", () => {
    expect(USAGE).toContain("--record DIR");
    expect(USAGE).toContain("--scrub");
    expect(USAGE.replace(/\s+/gu, " ")).toContain(
      "It does not remove resource and group names, IP addresses and CIDRs, tags",
    );
  });
});
