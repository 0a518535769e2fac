/**
 * How long each resource of a preview takes to create, in seconds, with where each figure comes from. The
 * time-to-ready bench (bench/time-to-ready.ts) makes every mocked resource wait this long, so the run's wall time
 * follows the program's own dependency graph.
 *
 * Sources:
 * - [measured] bench/data.ts on this machine: mysql:clone of the generated snapshot over SSH at 9.2 MB/s of dump, and
 *   verification (both inventories, in parallel) within 20 % of the clone; one Redis slot claim ≈ 0.5 s.
 * - [measured] bench/dokku.ts: a DokkuApp create (apps:create, domains, config, scale) ≈ 4 s of SSH round trips and
 *   dokku commands; a link or http-auth ≈ 1–2 s (one or two dokku commands).
 * - [issue 12] a build (`git:sync --build` of the Laravel app) 80 s; Let's Encrypt HTTP-01 issuance 20 s.
 * - [vendor docs] Cloudflare, Sentry, Flagsmith, Grafana and GitHub API writes: one HTTPS request each, ≈ 1 s
 *   (Flagsmith's environment clone copies flags server-side, ≈ 2 s).
 * - [estimate] the one-time `git:sync` clone of the repository before a preview's first deploy: 15 s.
 * - [target] claiming a warm pool member over SSH: ≤ 2 s (issue 12), modelled at its target; bench/pool.ts measures it.
 */
export interface Latency {
  /** Seconds for this resource. */
  seconds: number;
  source: string;
}

/** Bytes per second of a verified clone: measured clone rate, plus verification at 20 % of the clone. */
export const CLONE_MB_PER_SECOND = 9.2;
export const VERIFICATION_SHARE = 0.2;
export const POOL_CLAIM_SECONDS = 2;

/** Latency of a resource by its type token (and logical name where one type does different things). */
export function latencyOf(type: string, name: string, snapshotGb: number, poolMember: boolean): Latency {
  switch (type) {
    case "pulumi-nodejs:dynamic/dokku:MysqlService": {
      if (poolMember) return { seconds: POOL_CLAIM_SECONDS, source: "[target] pool claim over SSH" };
      const clone = (snapshotGb * 1024) / CLONE_MB_PER_SECOND;
      return { seconds: clone * (1 + VERIFICATION_SHARE), source: "[measured] 9.2 MB/s clone + 20 % verification" };
    }
    case "pulumi-nodejs:dynamic/dokku:App":
      return { seconds: 4, source: "[measured] bench/dokku.ts" };
    case "pulumi-nodejs:dynamic/dokku:AppVariables":
      return { seconds: 1.5, source: "[measured] one config:export and one config:set, like a link" };
    case "pulumi-nodejs:dynamic/dokku:MysqlLink":
    case "pulumi-nodejs:dynamic/dokku:RedisLink":
      return { seconds: 1.5, source: "[measured] one dokku link command" };
    case "pulumi-nodejs:dynamic/dokku:RedisSlot":
      return { seconds: 1.5, source: "[measured] claim 0.5 s + link and config:set" };
    case "pulumi-nodejs:dynamic/dokku:HttpAuth":
      return { seconds: 2, source: "[measured] http-auth:enable + add-user" };
    case "pulumi-nodejs:dynamic/dokku:LetsEncrypt":
      return { seconds: 20, source: "[issue 12] HTTP-01 issuance" };
    case "pulumi-nodejs:dynamic/flagsmith:Environment":
      return { seconds: 2, source: "[vendor docs] environment clone" };
    case "command:remote:Command":
      if (name.endsWith("-deploy")) return { seconds: 80, source: "[issue 12] git:sync --build" };
      if (name.endsWith("-source")) return { seconds: 15, source: "[estimate] first git:sync clone" };
      if (name.endsWith("-tls")) return { seconds: 3, source: "[estimate] certs:add of the wildcard" };
      return { seconds: 2, source: "[estimate] one remote command" };
    case "random:index/randomBytes:RandomBytes":
    case "random:index/randomPassword:RandomPassword":
      return { seconds: 0, source: "local" };
    default:
      return { seconds: 1, source: "[vendor docs] one API write" };
  }
}
