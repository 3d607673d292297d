/**
 * The pull request a run was started for, read from the event payload the
 * runner writes to GITHUB_EVENT_PATH. The fields are those of GitHub's
 * `pull_request` webhook payload (docs.github.com, "Webhook events and
 * payloads", pull_request): `pull_request.number`, `pull_request.base.sha`
 * and `.head.sha`, and `.base.repo.full_name` / `.head.repo.full_name`, where
 * `head.repo` is null once the fork was deleted.
 *
 * Which token the run has: a `pull_request` run for a pull request from a
 * fork gets a read-only GITHUB_TOKEN whatever `permissions:` asks
 * (docs.github.com, "GITHUB_TOKEN reference": "Maximum access for pull
 * requests from public forked repositories" is `read`; github/docs#22492),
 * while `pull_request_target` runs in the base repository with a read and
 * write token, also for forks. Pure.
 */
import { GateError } from "../errors.js";

export const PULL_REQUEST_EVENTS = ["pull_request", "pull_request_target"] as const;
export type PullRequestEventName = (typeof PULL_REQUEST_EVENTS)[number];

export interface PullRequestEvent {
  event: PullRequestEventName;
  number: number;
  /** The base branch's commit the pull request is compared with. */
  baseSha: string;
  headSha: string | undefined;
  /** `owner/name` of the repository the pull request is made to. */
  baseRepository: string;
  /** `owner/name` of the repository its commits come from; null when that fork was deleted. */
  headRepository: string | null;
  /** The commits come from another repository than the base: a fork. */
  fromFork: boolean;
  /** GitHub gives this run a read-only GITHUB_TOKEN: a `pull_request` run of a fork's pull request. */
  readOnlyToken: boolean;
}

export function isPullRequestEvent(name: string | undefined): name is PullRequestEventName {
  return (PULL_REQUEST_EVENTS as readonly string[]).includes(name ?? "");
}

type Json = Record<string, unknown>;

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Json)[key] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function missing(name: string, what: string): GateError {
  return new GateError(
    `The ${name} event's payload (GITHUB_EVENT_PATH) has no ${what}, so the gate cannot tell which pull request to plan for.`,
    "The runner writes this file for every run; a step that replaces it, or a run outside GitHub Actions, must give the whole payload.",
  );
}

/** The pull request of a `pull_request` or `pull_request_target` event's payload. */
export function pullRequestOf(name: PullRequestEventName, payload: unknown): PullRequestEvent {
  const pull = field(payload, "pull_request");
  const number = field(pull, "number");
  if (typeof number !== "number" || !Number.isInteger(number) || number < 1) throw missing(name, "pull_request.number");
  const base = field(pull, "base");
  const baseSha = text(field(base, "sha"));
  if (baseSha === undefined) throw missing(name, "pull_request.base.sha");
  const baseRepository = text(field(field(base, "repo"), "full_name"));
  if (baseRepository === undefined) throw missing(name, "pull_request.base.repo.full_name");
  const head = field(pull, "head");
  const headRepository = text(field(field(head, "repo"), "full_name")) ?? null;
  const fromFork = headRepository === null || headRepository.toLowerCase() !== baseRepository.toLowerCase();
  return {
    event: name,
    number,
    baseSha,
    headSha: text(field(head, "sha")),
    baseRepository,
    headRepository,
    fromFork,
    readOnlyToken: fromFork && name === "pull_request",
  };
}
