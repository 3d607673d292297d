/** The GitHub stand-in answers as GitHub does where the gate depends on it. */
import {
  type GitHubSandbox,
  notAccessibleFault,
  secondaryRateLimitFault,
  startGitHubSandbox,
} from "../../sandbox/github.js";

let github: GitHubSandbox;

beforeEach(async () => {
  github = await startGitHubSandbox({ token: "t", assignable: ["octocat"] });
});

afterEach(async () => {
  await github.close();
});

async function call(method: string, path: string, body?: unknown, token = "t") {
  const response = await fetch(`${github.url}${path}`, {
    method,
    headers: { authorization: `token ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown> & unknown[],
  };
}

const ISSUES = "/repos/contoso/platform-network/issues";

describe("GitHub stand-in", () => {
  it("creates, lists by label and state, updates and closes issues", async () => {
    const created = await call("POST", ISSUES, { title: "a", body: "b", labels: ["x"], assignees: ["octocat"] });
    expect(created).toMatchObject({
      status: 201,
      body: { number: 1, state: "open", labels: [{ name: "x" }], assignees: [{ login: "octocat" }] },
    });
    await call("POST", ISSUES, { title: "other" });
    expect(
      (await call("GET", `${ISSUES}?labels=x&state=open`)).body.map((issue) => (issue as { number: number }).number),
    ).toEqual([1]);
    const closed = await call("PATCH", `${ISSUES}/1`, { state: "closed", state_reason: "not_planned" });
    expect(closed.body).toMatchObject({ state: "closed", state_reason: "not_planned", closed_at: expect.any(String) });
    expect((await call("GET", `${ISSUES}?labels=x`)).body).toEqual([]);
    expect((await call("GET", `${ISSUES}?labels=x&state=closed`)).body).toHaveLength(1);
  });

  it("pages with a Link header", async () => {
    for (let index = 0; index < 5; index++) await call("POST", ISSUES, { title: `i${index}` });
    const first = await call("GET", `${ISSUES}?per_page=2&sort=created&direction=asc`);
    expect(first.body.map((issue) => (issue as { number: number }).number)).toEqual([1, 2]);
    expect(first.headers.get("link")).toMatch(/page=2>; rel="next", <.*page=3>; rel="last"/);
    const last = await call("GET", `${ISSUES}?per_page=2&sort=created&direction=asc&page=3`);
    expect(last.body.map((issue) => (issue as { number: number }).number)).toEqual([5]);
    expect(last.headers.get("link")).toBeNull();
  });

  it("refuses a body over 65,536 characters, an unassignable user and a wrong token", async () => {
    expect(await call("POST", ISSUES, { title: "a", body: "x".repeat(65_537) })).toMatchObject({
      status: 422,
      body: {
        message: "Validation Failed",
        errors: [{ field: "body", message: "body is too long (maximum is 65536 characters)" }],
      },
    });
    expect((await call("POST", ISSUES, { title: "a", body: "é".repeat(65_536) })).status).toBe(201);
    expect(await call("POST", ISSUES, { title: "a", assignees: ["ghost"] })).toMatchObject({
      status: 422,
      body: { errors: [{ field: "assignees", value: "ghost" }] },
    });
    expect(await call("GET", ISSUES, undefined, "wrong")).toMatchObject({
      status: 401,
      body: { message: "Bad credentials" },
    });
    expect((await call("GET", "/repos/contoso/other/issues")).status).toBe(404);
  });

  it("adds and removes labels and comments", async () => {
    await call("POST", ISSUES, { title: "a" });
    await call("POST", `${ISSUES}/1/labels`, { labels: ["resolved"] });
    await call("POST", `${ISSUES}/1/comments`, { body: "hello" });
    expect(github.issues.get(1)).toMatchObject({ labels: ["resolved"], comments: ["hello"] });
    expect((await call("DELETE", `${ISSUES}/1/labels/resolved`)).status).toBe(200);
    expect((await call("DELETE", `${ISSUES}/1/labels/resolved`)).status).toBe(404);
  });

  it("injects GitHub's faults", async () => {
    github.faults.add(notAccessibleFault({ method: "POST", times: 1 }));
    github.faults.add(secondaryRateLimitFault({ method: "POST", times: 1, retryAfter: 7 }));
    expect(await call("POST", ISSUES, { title: "a" })).toMatchObject({
      status: 403,
      body: { message: "Resource not accessible by integration" },
    });
    const limited = await call("POST", ISSUES, { title: "a" });
    expect(limited).toMatchObject({ status: 403, body: { message: expect.stringContaining("secondary rate limit") } });
    expect(limited.headers.get("retry-after")).toBe("7");
    expect((await call("POST", ISSUES, { title: "a" })).status).toBe(201);
  });

  it("holds requests at a barrier until enough have arrived", async () => {
    github.holdUntil(2, { method: "GET" });
    let first = false;
    const waiting = call("GET", ISSUES).then(() => (first = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(first).toBe(false);
    await call("GET", ISSUES);
    await waiting;
    expect(first).toBe(true);
  });
});
