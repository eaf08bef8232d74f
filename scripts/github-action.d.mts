// Types of scripts/github-action.mjs (the Action's script is plain JavaScript: it runs on the runner's Node
// without a build step), so its tests are type-checked.
export const COMMANDS: string[];
export const COMMENT_LIMIT: number;
export class InputError extends Error {}

export interface ActionInputs {
  command: string;
  args: string[];
  maxIncrease: string;
  baseRef: string;
  comment: boolean;
  marker: string;
  failOnIncrease: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: the GitHub API answers JSON
export type Api = (method: string, path: string, body?: { body: string }) => Promise<any>;

export function splitArgs(text: string): string[];
export function commentMarker(id: string): string;
export function readInputs(env: Record<string, string | undefined>): ActionInputs;
export function cliArgs(inputs: ActionInputs, mdPath: string): string[];
export function eventNumber(event: unknown): number | null;
export function commentBody(marker: string, markdown: string, limit?: number): string;
export function upsertComment(o: {
  api: Api;
  repo: string;
  issue: number;
  marker: string;
  body: string;
}): Promise<{ action: 'created' | 'updated' | 'unchanged'; id: number; url?: string }>;
export function githubApi(o: {
  token: string;
  apiUrl?: string;
  fetchFn?: (url: string, init: RequestInit) => Promise<Response>;
}): Api;
export function baseFromRef(
  inputs: ActionInputs,
  o: { cwd: string; tempDir: string; git: (args: string[], cwd: string) => string },
): ActionInputs;
export function main(o: {
  env: Record<string, string | undefined>;
  cli: (args: string[], cwd: string) => number | Promise<number>;
  api: Api;
  log: (line: string) => void;
  tempDir?: string;
  git?: (args: string[], cwd: string) => string;
  cwd?: string;
}): Promise<number>;
