/** `aks-network-gate --help`. A test checks that it names every flag the parser takes. */
export const USAGE = `Usage: aks-network-gate capture|check [options]

  check     compare the live network of the baseline's clusters with the baseline
            and the network rules
  capture   write one cluster's live network into the baseline (needs
            --subscription, --resource-group and --cluster-name)

Options (named as the action's inputs; paths are relative to the current
directory and stay inside it):
  --baseline PATH          baseline file (default .github/aks-network-baseline.yml)
  --subscription ID        subscription of the cluster; narrows check
  --resource-group RG      resource group of the cluster; narrows check
  --cluster-name NAME      name of the cluster; narrows check
  --environment CLOUD      AzureCloud (default), AzureUSGovernment, AzureChinaCloud
                           or AzureStack
  --arm-endpoint URL       ARM base URL (https); required with AzureStack
  --fail-on LEVEL          error (default), warning or never
  --evidence-dir PATH      folder for the evidence packages (default aks-network-evidence)
  --concurrency N          clusters read at once, 1 to 64 (default 8)
  --shard I/N              check slice I of N of the baseline's clusters, e.g. 2/8
  --timeout-minutes N      the run's time budget (default 15)
  --json                   print the result as JSON on stdout (see the README)
  --no-color               no colour (also off when NO_COLOR is set or stdout is not a terminal)
  --progress               show "read N/M clusters" on stderr even when it is not a terminal
  --verbose                print the gate's log on stderr
  -h, --help               this help

Recording, for a report of a wrong result:
  --record DIR             write every ARM response the run reads into DIR (a new or
                           empty folder): one JSON file per request with its method,
                           path, api-version, status and body, and the baseline the run
                           read. Never a token or a request header. We replay it offline
                           with 'npm run sandbox -- --replay DIR' from the repository
  --scrub                  with --record: subscription and tenant IDs become
                           00000000-0000-0000-0000-00000000000N, the same ID the same
                           fake in every file. It does not remove resource and group
                           names, IP addresses and CIDRs, tags, or other IDs (principal
                           and client IDs): read the folder before you share it

Sign-in: DefaultAzureCredential, so an Azure CLI login ('az login') or the
AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET (or federated token)
environment variables. The CLI writes no GitHub issue and uploads no artifact.

Exit codes: 0 pass, 1 drift (findings fail the gate under --fail-on),
2 error (a cluster could not be read, a bad baseline or option).
`;
