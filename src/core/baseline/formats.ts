/**
 * The string formats of the baseline file. The JSON Schema names each one
 * (`format`) and carries its `pattern` (an ECMA-262 regular expression) for
 * editors; the parser gives ajv the `test` as that format, so a CIDR or an IP
 * is accepted exactly when the gate's CIDR math reads it. The tests check that
 * `pattern` and `test` agree.
 */
import { isValidIp, parseCidr } from "../cidr.js";

export interface StringFormat {
  /** What the value must be, for messages: "a CIDR such as 10.244.0.0/16". */
  describe: string;
  pattern: string;
  test(value: string): boolean;
}

/** A case-insensitive regular expression for a literal word: "Ab." → "[Aa][Bb]\." */
export function caseInsensitive(word: string): string {
  return [...word]
    .map((char) => {
      const lower = char.toLowerCase();
      const upper = char.toUpperCase();
      if (lower !== upper) return `[${upper}${lower}]`;
      return /[.*+?^${}()|[\]\\/]/u.test(char) ? `\\${char}` : char;
    })
    .join("");
}

const OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const IPV4 = `${OCTET}(\\.${OCTET}){3}`;
const H = "[0-9A-Fa-f]{1,4}";
const IPV6 = [
  `(${H}:){7}${H}`,
  `(${H}:){1,7}:`,
  `(${H}:){1,6}:${H}`,
  `(${H}:){1,5}(:${H}){1,2}`,
  `(${H}:){1,4}(:${H}){1,3}`,
  `(${H}:){1,3}(:${H}){1,4}`,
  `(${H}:){1,2}(:${H}){1,5}`,
  `${H}:(:${H}){1,6}`,
  `:((:${H}){1,7}|:)`,
].join("|");
const PREFIX_V4 = "(3[0-2]|[12]?[0-9])";
const PREFIX_V6 = "(12[0-8]|1[01][0-9]|[1-9]?[0-9])";
const IP_PATTERN = `^(${IPV4}|${IPV6})$`;
const CIDR_PATTERN = `^(${IPV4}/${PREFIX_V4}|(${IPV6})/${PREFIX_V6})$`;
const SERVICE_TAG = "[A-Za-z][A-Za-z0-9.]*";

const GUID = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";
const SEGMENT = "[^/\\s]+";

function armIdPattern(provider: string, ...types: string[]): string {
  const head = `/${caseInsensitive("subscriptions")}/${GUID}/${caseInsensitive("resourceGroups")}/${SEGMENT}`;
  const tail = types.map((type) => `/${caseInsensitive(type)}/${SEGMENT}`).join("");
  return `^${head}/${caseInsensitive("providers")}/${caseInsensitive(provider)}${tail}$`;
}

function patternFormat(describe: string, pattern: string): StringFormat {
  const regex = new RegExp(pattern, "u");
  return { describe, pattern, test: (value) => regex.test(value) };
}

const ARM_ID_EXAMPLE = "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers";

export const FORMATS = {
  text: patternFormat("a non-empty string", "\\S"),
  cidr: {
    describe: "a CIDR such as 10.244.0.0/16 or fd00::/64",
    pattern: CIDR_PATTERN,
    test: (value: string) => parseCidr(value) !== null,
  },
  ip: {
    describe: "an IP address such as 10.0.0.10",
    pattern: IP_PATTERN,
    test: isValidIp,
  },
  routePrefix: {
    describe: "a CIDR such as 0.0.0.0/0 or a service tag such as AzureCloud",
    pattern: `${CIDR_PATTERN}|^${SERVICE_TAG}$`,
    test: (value: string) => parseCidr(value) !== null || new RegExp(`^${SERVICE_TAG}$`, "u").test(value),
  },
  clusterId: patternFormat(
    `a managed-cluster resource ID (${ARM_ID_EXAMPLE}/Microsoft.ContainerService/managedClusters/<name>)`,
    armIdPattern("Microsoft.ContainerService", "managedClusters"),
  ),
  virtualNetworkId: patternFormat(
    `a virtual network resource ID (${ARM_ID_EXAMPLE}/Microsoft.Network/virtualNetworks/<name>)`,
    armIdPattern("Microsoft.Network", "virtualNetworks"),
  ),
  subnetId: patternFormat(
    `a subnet resource ID (${ARM_ID_EXAMPLE}/Microsoft.Network/virtualNetworks/<vnet>/subnets/<name>)`,
    armIdPattern("Microsoft.Network", "virtualNetworks", "subnets"),
  ),
  routeTableId: patternFormat(
    `a route table resource ID (${ARM_ID_EXAMPLE}/Microsoft.Network/routeTables/<name>)`,
    armIdPattern("Microsoft.Network", "routeTables"),
  ),
  networkSecurityGroupId: patternFormat(
    `a network security group resource ID (${ARM_ID_EXAMPLE}/Microsoft.Network/networkSecurityGroups/<name>)`,
    armIdPattern("Microsoft.Network", "networkSecurityGroups"),
  ),
  ruleId: patternFormat(
    "a rule ID such as lifecycle.kubenetRetirement",
    "^[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*$",
  ),
  date: patternFormat("a date such as 2027-06-30", "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
} as const satisfies Record<string, StringFormat>;

export type FormatName = keyof typeof FORMATS;
