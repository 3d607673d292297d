/**
 * Who the gate is on GitHub: the login GitHub records as the author of the
 * issues its token writes. Only issues by that login are the gate's own:
 * anyone who can open an issue can copy the hidden marker, and an issue
 * template can give it the label.
 *
 * How the login is learnt, for every kind of token:
 * - GraphQL `query { viewer { login } }` answers a user token (classic or
 *   fine-grained) with the user's login and an app installation token with
 *   the app's bot login, `<slug>[bot]`: fullsend-ai/fullsend#1953 replaced
 *   `GET /app` (JWT only, 401 for an installation token) by it and saw
 *   `fullsend-ai-coder[bot]`; pingdotgg/t3code#11273 did the same for
 *   `ghs_` tokens. The GITHUB_TOKEN of Actions is the installation token of
 *   the GitHub Actions app: it writes as `github-actions[bot]`.
 * - `GET /user` answers user tokens only; an installation token, the
 *   GITHUB_TOKEN included, gets `403 Resource not accessible by integration`
 *   (actions/create-github-app-token#258, zerocracy/judges-action#637). It is
 *   asked when GraphQL does not answer.
 * - When neither answers, the gate takes `github-actions[bot]` (user ID
 *   41898282), the author of what a GITHUB_TOKEN writes, and says so.
 * The author of the issue a run creates is GitHub's own word: the run
 * compares it with this login and trusts the create response (publish.ts).
 */
import { BudgetSpent } from "../../core/deadline.js";
import type { Logger } from "../../core/logger.js";
import { explainGitHubError, type IssueApi } from "./client.js";

/** The author GitHub records for what the GITHUB_TOKEN of Actions writes. */
export const ACTIONS_BOT_LOGIN = "github-actions[bot]";

export interface GateIdentity {
  login: string;
  /** How the login was learnt. */
  source: "GraphQL viewer" | "GET /user" | "assumed";
}

type Source = Exclude<GateIdentity["source"], "assumed">;

async function ask(source: Source, question: () => Promise<string>, reasons: string[]) {
  try {
    const login = await question();
    if (login !== "") return { login, source };
    reasons.push(`${source} gave no login`);
  } catch (error) {
    if (error instanceof BudgetSpent) throw error;
    const failure = explainGitHubError(error);
    // A bad token or GitHub down fails every request the same way: say so once, as the listing would.
    if (failure.status === 401 || (failure.status ?? 0) >= 500) throw error;
    reasons.push(`${source}: ${failure.detail}`);
  }
  return undefined;
}

/** The token's login, by GraphQL, then `GET /user`, else `github-actions[bot]`; logged once, for `what` it writes. */
export async function resolveIdentity(
  api: Pick<IssueApi, "viewerLogin" | "authenticatedUser">,
  logger: Logger,
  what: { area: string; things: string } = { area: "GitHub issues", things: "issues" },
): Promise<GateIdentity> {
  const reasons: string[] = [];
  const found =
    (await ask("GraphQL viewer", () => api.viewerLogin(), reasons)) ??
    (await ask("GET /user", () => api.authenticatedUser(), reasons));
  if (found) {
    logger.info(`${what.area}: the gate acts only on ${what.things} written by ${found.login}, the token's identity.`);
    return found;
  }
  logger.info(
    `${what.area}: GitHub did not name the token's identity (${reasons.join("; ")}); the gate acts only on ${what.things} written by ${ACTIONS_BOT_LOGIN}, as the GITHUB_TOKEN writes them.`,
  );
  return { login: ACTIONS_BOT_LOGIN, source: "assumed" };
}
