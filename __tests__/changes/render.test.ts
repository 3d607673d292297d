/**
 * "Changed by" lines (src/present/changes.ts) from values Azure hands over:
 * a caller, a deployment or an operation name can hold Markdown, HTML,
 * mentions or links, and none of it may act in the summary or the issue.
 */
import { attributeChanges } from "../../src/core/changes/attribute.js";
import { changedByLines, reportChanges, whoToAskLines } from "../../src/present/changes.js";
import { AKS, CLUSTER, event, finding, ROUTE_TABLE } from "./fixtures.js";

const WINDOW = { from: new Date("2026-11-20T00:00:00Z"), to: new Date("2026-11-23T10:00:00Z"), basis: "test" };

describe("Changed by lines", () => {
  it("escape a hostile caller and deployment name: no mention, link, HTML or code span breaks out", () => {
    const hostile = "eve@contoso.com <img src=x> [x](https://evil.example) @org/admins `rm` #12";
    const write = event({
      claims: { upn: hostile, appid: "04b07795-8ddb-461a-bbee-02f9e1bf7b46" },
      correlationId: "c`1",
    });
    const deployment = event({
      operationName: "Microsoft.Resources/deployments/write",
      resourceId: `${CLUSTER.split("/providers/")[0]}/providers/Microsoft.Resources/deployments/x](https://evil.example)`,
      correlationId: "c`1",
      claims: write.claims,
    });
    const changes = attributeChanges(CLUSTER, [finding()], [write, deployment], WINDOW, AKS);
    const text = [...changedByLines(changes, ROUTE_TABLE, 5), ...whoToAskLines(changes)].join("\n");
    expect(text).not.toMatch(/(?<!\\)<img|(?<!\\)\]\(|https:\/\/|@org|@contoso|#12/);
    expect(text).toContain("\\<img src=x\\>");
    expect(text).toContain("correlation `c'1`");
  });

  it("show at most the limit, newest first, and count the rest for changes.json", () => {
    const writes = [1, 2, 3, 4, 5, 6, 7].map((day) =>
      event({ eventTimestamp: `2026-11-2${day > 3 ? 3 : day}T0${day}:00:00.000Z` }),
    );
    const changes = attributeChanges(CLUSTER, [finding()], writes, WINDOW, AKS);
    const lines = changedByLines(changes, ROUTE_TABLE, 5);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toContain("2026-11-23T07:00:00.000Z");
    expect(lines[5]).toBe("- and 2 earlier write(s) in `changes.json`");
  });

  it("say nothing for a resource that was not looked up, and the window and the reason once per cluster", () => {
    expect(changedByLines(undefined, ROUTE_TABLE, 5)).toEqual([]);
    const empty = attributeChanges(CLUSTER, [finding()], [], WINDOW, AKS);
    const report = reportChanges(empty).join("\n");
    expect(report).toContain(
      "Writes from the Azure Activity Log, 2026-11-20T00:00:00.000Z to 2026-11-23T10:00:00.000Z",
    );
    expect(report.match(/holds no write/g)).toHaveLength(1);
  });
});
