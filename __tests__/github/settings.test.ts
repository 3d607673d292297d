/** The issue inputs, read and checked with the others in readSettings. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readSettings } from "../../src/app/settings.js";

const workspace = mkdtempSync(path.join(tmpdir(), "gate-issue-settings-"));

function issues(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return readSettings((name) => inputs[name] ?? "", { GITHUB_WORKSPACE: workspace, ...env }).issues;
}

describe("issue settings", () => {
  it("apply the defaults of action.yml", () => {
    expect(issues({})).toEqual({
      enabled: true,
      token: undefined,
      labels: ["aks-network-drift"],
      owner: [],
      ownerTag: "owner",
      maxIssues: 10,
      onError: false,
      apiUrl: "https://api.github.com",
      serverUrl: "https://github.com",
    });
  });

  it("read every input and the GitHub endpoints", () => {
    const settings = issues(
      {
        "create-issue": "false",
        "github-token": " ghs_x ",
        "issue-labels": "network, drift,network\nsev-2",
        owner: "@octocat @contoso/platform",
        "owner-tag": "team",
        "max-issues": "0",
        "issue-on-error": "TRUE",
      },
      { GITHUB_API_URL: "https://ghe.example/api/v3/", GITHUB_SERVER_URL: "https://ghe.example" },
    );
    expect(settings).toEqual({
      enabled: false,
      token: "ghs_x",
      labels: ["network", "drift", "sev-2"],
      owner: [
        { kind: "user", login: "octocat" },
        { kind: "team", org: "contoso", slug: "platform" },
      ],
      ownerTag: "team",
      maxIssues: 0,
      onError: true,
      apiUrl: "https://ghe.example/api/v3",
      serverUrl: "https://ghe.example",
    });
  });

  it.each([
    ["auto", "schedule", true],
    ["auto", "push", false],
    ["", "schedule", true],
    ["false", "schedule", false],
    ["true", "pull_request", true],
  ])("issue-on-error: %s on %s", (value, event, expected) => {
    expect(issues({ "issue-on-error": value }, { GITHUB_EVENT_NAME: event }).onError).toBe(expected);
  });

  it.each([
    [
      "create-issue",
      "yes",
      /Input 'create-issue' has the value 'yes', which is not allowed\. Allowed values: true, false\./,
    ],
    ["create-issue", "1", /Input 'create-issue' has the value '1'/],
    [
      "issue-on-error",
      "sometimes",
      /Input 'issue-on-error' has the value 'sometimes'.*Allowed values: auto, true, false/,
    ],
    ["max-issues", "-1", /Input 'max-issues' has the value '-1'; expected a whole number from 0 to 1000/],
    ["max-issues", "ten", /Input 'max-issues' has the value 'ten'/],
    ["owner", "@payments-team!", /Input 'owner' has the value '@payments-team!', which is not a GitHub user or team/],
    ["issue-labels", "x".repeat(51), /Input 'issue-labels' holds the label 'x+', longer than GitHub's 50 characters/],
  ])("refuse %s=%s, naming the input, the value and what is allowed", (name, value, message) => {
    expect(() => issues({ [name]: value })).toThrow(message);
  });
});
