import { type MetadataReadOptions, readStackMetadata, type StackMetadata } from "./stack-metadata.js";

/** The Azure clouds the gate knows, named as `azure/login` names them. */
export const CLOUD_NAMES = ["AzureCloud", "AzureUSGovernment", "AzureChinaCloud", "AzureStack"] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];
export type KnownCloudName = Exclude<CloudName, "AzureStack">;

/** Where ARM and Entra ID live for one cloud, after inputs, environment and (Azure Stack) the stamp's metadata. */
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

/** The cloud as the inputs and the environment name it; Azure Stack's sign-in endpoints are read when the run starts. */
export interface CloudSettings {
  name: CloudName;
  /** ARM base URL, no trailing slash. */
  armEndpoint: string;
  /** AZURE_AUTHORITY_HOST, when set: overrides the cloud's (or the stamp's) authority. */
  authorityHost: string | undefined;
  /** Default audience of the GitHub OIDC token exchanged with Entra ID. */
  oidcAudience: string;
}

interface KnownCloud {
  armEndpoint: string;
  authorityHost: string;
  oidcAudience: string;
}

const KNOWN_CLOUDS: Record<KnownCloudName, KnownCloud> = {
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
 * The cloud the inputs name. `armEndpoint` (the input) overrides the ARM URL
 * and, for Azure Stack, is the only source of it (the caller has checked it is
 * there); `authorityHost` is the AZURE_AUTHORITY_HOST variable.
 */
export function cloudSettings(
  name: CloudName,
  armEndpoint: string | undefined,
  authorityHost: string | undefined,
): CloudSettings {
  const known = name === "AzureStack" ? undefined : KNOWN_CLOUDS[name];
  return {
    name,
    armEndpoint: withoutTrailingSlash(armEndpoint ?? known?.armEndpoint ?? ""),
    authorityHost,
    // azure/login's `audience` input defaults to api://AzureADTokenExchange whatever the cloud.
    oidcAudience: (known ?? KNOWN_CLOUDS.AzureCloud).oidcAudience,
  };
}

/**
 * The endpoints of a public or sovereign cloud. `authorityHost` (the
 * AZURE_AUTHORITY_HOST variable) overrides the authority and turns instance
 * discovery off, since a custom authority is not known to Entra ID.
 */
export function resolveCloud(
  name: KnownCloudName,
  armEndpoint: string | undefined,
  authorityHost: string | undefined,
): Cloud {
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

/**
 * An Azure Stack stamp's endpoints from its metadata document: the token is
 * for the audience the stamp names, as the Azure CLI asks for it (scope
 * `<audiences[0]>/.default`, the resource kept as written: Azure/azure-cli
 * azure-cli-core azure/cli/core/auth/util.py, resource_to_scopes), from the
 * stamp's login endpoint unless AZURE_AUTHORITY_HOST overrides it. An AD FS
 * login endpoint ends in `/adfs`; @azure/identity then takes it as the whole
 * authority for tenant-id `adfs` (msal/utils.js getAuthority), as the CLI does
 * (azure/cli/core/_profile.py, _get_authority_url). Instance discovery stays
 * off: no stamp's authority is known to Entra ID's public discovery.
 */
export function azureStackCloud(settings: CloudSettings, metadata: StackMetadata): Cloud {
  return {
    name: "AzureStack",
    armEndpoint: settings.armEndpoint,
    scope: `${metadata.audience}/.default`,
    authorityHost: settings.authorityHost ?? metadata.loginEndpoint,
    disableInstanceDiscovery: true,
    oidcAudience: settings.oidcAudience,
  };
}

/** The run's cloud: known clouds at once, Azure Stack after reading its metadata (anonymously, once per run). */
export async function loadCloud(settings: CloudSettings, options: MetadataReadOptions = {}): Promise<Cloud> {
  if (settings.name === "AzureStack") {
    return azureStackCloud(settings, await readStackMetadata(settings.armEndpoint, options));
  }
  return resolveCloud(settings.name, settings.armEndpoint, settings.authorityHost);
}
