/**
 * The sandbox refuses an api-version as Resource Manager does: each case is
 * one of ARM's real 400 answers (their texts are quoted in the issues named in
 * sandbox/api-versions.ts).
 */
import { refuseApiVersion, resourceTypeOf, SERVED_API_VERSIONS } from "../../sandbox/api-versions.js";

const RG = "/subscriptions/s1/resourceGroups/rg1";
const VMSS_NICS = `${RG}/providers/Microsoft.Compute/virtualMachineScaleSets/vmss1/networkInterfaces`;

describe("the sandbox's api-version check", () => {
  it.each([
    [`${RG}/providers/Microsoft.ContainerService/managedClusters/c1`, "Microsoft.ContainerService/managedClusters"],
    [
      `${RG}/providers/Microsoft.ContainerService/managedClusters/c1/agentPools`,
      "Microsoft.ContainerService/managedClusters/agentPools",
    ],
    [VMSS_NICS, "Microsoft.Compute/virtualMachineScaleSets/networkInterfaces"],
    [`${RG}/providers/microsoft.network/routeTables/rt1`, "microsoft.network/routeTables"],
    [RG, "Microsoft.Resources/resourceGroups"],
    ["/subscriptions/s1", "Microsoft.Resources/subscriptions"],
  ])("names the type of %s as %s", (path, type) => {
    expect(resourceTypeOf(path)).toBe(type);
  });

  it("serves the versions its table lists", () => {
    expect(refuseApiVersion(VMSS_NICS, "2018-10-01", "westeurope")).toBeNull();
    expect(
      refuseApiVersion(`${RG}/providers/Microsoft.Network/routeTables/rt1`, "2026-01-01", "westeurope"),
    ).toBeNull();
  });

  it("answers a scale-set NIC list at Microsoft.Network's newest version with NoRegisteredProviderFound", () => {
    const reply = refuseApiVersion(VMSS_NICS, "2026-01-01", "westeurope");
    expect(reply?.status).toBe(400);
    expect(reply?.body).toEqual({
      error: expect.objectContaining({
        code: "NoRegisteredProviderFound",
        message: expect.stringMatching(
          /^No registered resource provider found for location 'westeurope' and API version '2026-01-01' for type 'virtualMachineScaleSets\/networkInterfaces'\. The supported api-versions are '2015-05-01-preview, .*2018-10-01, .*2023-07-01'/,
        ),
      }),
    });
  });

  it.each([
    [null, "MissingApiVersionParameter"],
    ["", "MissingApiVersionParameter"],
    ["latest", "InvalidApiVersionParameter"],
  ])("answers api-version %p with %s", (version, code) => {
    const reply = refuseApiVersion(`${RG}/providers/Microsoft.Network/routeTables/rt1`, version, "westeurope");
    expect(reply?.status).toBe(400);
    expect((reply?.body as { error: { code: string } }).error.code).toBe(code);
  });

  it("answers an unknown version of a resource group with InvalidApiVersionParameter, as ARM's own provider does", () => {
    const reply = refuseApiVersion(RG, "2026-01-01", "westeurope");
    expect((reply?.body as { error: { code: string; message: string } }).error).toEqual(
      expect.objectContaining({
        code: "InvalidApiVersionParameter",
        message: expect.stringContaining("'2026-01-01' is invalid"),
      }),
    );
  });

  it("answers a type it does not know with InvalidResourceType", () => {
    const reply = refuseApiVersion(`${RG}/providers/Microsoft.Network/routeTablez/rt1`, "2026-01-01", "westeurope");
    expect((reply?.body as { error: { code: string } }).error.code).toBe("InvalidResourceType");
  });

  it("names a real source beside every served type", () => {
    for (const entry of SERVED_API_VERSIONS) {
      expect({ type: entry.type, sources: entry.sources.length > 0, versions: entry.versions.length > 0 }).toEqual({
        type: entry.type,
        sources: true,
        versions: true,
      });
    }
  });
});
