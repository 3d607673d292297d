/** The Azure clouds the gate knows, named as `azure/login` names them. */
export const CLOUD_NAMES = ["AzureCloud", "AzureUSGovernment", "AzureChinaCloud", "AzureStack"] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

/** Where ARM and Entra ID live for one cloud, after inputs and environment. */
export interface Cloud {
  name: CloudName;
  /** ARM base URL, no trailing slash. */
  armEndpoint: string;
  /** The token scope for ARM. */
  scope: string;
  /** The Entra ID authority host; undefined leaves the SDK default of the cloud. */
  authorityHost: string | undefined;
  /** True when the authority is not a public Entra host (Azure Stack, a custom host). */
  disableInstanceDiscovery: boolean;
  /** Default audience of the GitHub OIDC token exchanged with Entra ID. */
  oidcAudience: string;
}

interface KnownCloud {
  armEndpoint: string;
  authorityHost: string;
  oidcAudience: string;
}

const KNOWN_CLOUDS: Record<Exclude<CloudName, "AzureStack">, KnownCloud> = {
  AzureCloud: {
    armEndpoint: "https://management.azure.com",
    authorityHost: "https://login.microsoftonline.com",
    oidcAudience: "api://AzureADTokenExchange",
  },
  AzureUSGovernment: {
    armEndpoint: "https://management.usgovcloudapi.net",
    authorityHost: "https://login.microsoftonline.us",
    oidcAudience: "api://AzureADTokenExchangeUSGov",
  },
  AzureChinaCloud: {
    armEndpoint: "https://management.chinacloudapi.cn",
    authorityHost: "https://login.chinacloudapi.cn",
    oidcAudience: "api://AzureADTokenExchangeChina",
  },
};

export function isCloudName(value: string): value is CloudName {
  return (CLOUD_NAMES as readonly string[]).includes(value);
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * The cloud's endpoints. `armEndpoint` (the input) overrides the ARM URL and,
 * for Azure Stack, is the only source of it; `authorityHost` (the
 * AZURE_AUTHORITY_HOST variable) overrides the authority and turns instance
 * discovery off, since a custom authority is not known to Entra ID.
 * The caller has checked that Azure Stack comes with both.
 */
export function resolveCloud(
  name: CloudName,
  armEndpoint: string | undefined,
  authorityHost: string | undefined,
): Cloud {
  if (name === "AzureStack") {
    const arm = withoutTrailingSlash(armEndpoint ?? "");
    return {
      name,
      armEndpoint: arm,
      scope: `${arm}/.default`,
      authorityHost,
      disableInstanceDiscovery: true,
      oidcAudience: KNOWN_CLOUDS.AzureCloud.oidcAudience,
    };
  }
  const known = KNOWN_CLOUDS[name];
  return {
    name,
    armEndpoint: withoutTrailingSlash(armEndpoint ?? known.armEndpoint),
    scope: `${known.armEndpoint}/.default`,
    authorityHost: authorityHost ?? known.authorityHost,
    disableInstanceDiscovery: authorityHost !== undefined,
    oidcAudience: known.oidcAudience,
  };
}
