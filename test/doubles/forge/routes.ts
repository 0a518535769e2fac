import { accepted, invalid, notFound, one, page, type Answer, resource } from "./json-api";
import { securityRules } from "./security-rules";
import { type DatabaseUserRecord, type ForgeState, PHP_VERSIONS, type SiteRecord } from "./state";

type Body = Record<string, unknown>;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ALPHA_DASH = /^[A-Za-z0-9_-]+$/;
const LINUX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

function siteAttributes(site: SiteRecord): Record<string, unknown> {
  return {
    name: site.name,
    status: site.status,
    url: `https://${site.name}`,
    user: site.user,
    https: site.domains.some((d) => d.certificate?.status === "installed"),
    web_directory: site.webDirectory,
    root_directory: "/",
    aliases: [],
    php_version: site.phpVersion,
    deployment_status: null,
    isolated: site.isolated,
    repository: site.repository ? { ...site.repository, status: "installed" } : null,
    app_type: "laravel",
  };
}

function text(body: Body, key: string): string | undefined {
  return typeof body[key] === "string" ? (body[key] as string) : undefined;
}

/**
 * Routes one authenticated request of /api/orgs/{organization}/…, as Forge's organization API answers it: the
 * documented paths, 202 for asynchronous writes, 404 `{message}` for what does not exist, 422 with field errors.
 */
export function route(state: ForgeState, method: string, path: string, query: URLSearchParams, body: Body): Answer {
  state.settle();
  const parts = path.replace(/^\/api\//, "").split("/").filter(Boolean);
  if (parts[0] !== "orgs" || parts[1] !== state.organization) return notFound();
  const rest = parts.slice(2);
  if (rest[0] === "sites" && rest.length === 2 && method === "GET") {
    const site = state.site(Number(rest[1]));
    return site ? one("sites", site.id, siteAttributes(site)) : notFound("No query results for model [App\\Models\\Site].");
  }
  if (rest[0] !== "servers" || rest[1] === undefined) return notFound();
  const serverId = Number(rest[1]);
  if (!state.servers.has(serverId)) return notFound("No query results for model [App\\Models\\Server].");
  const [kind, id, ...more] = rest.slice(2);
  switch (kind) {
    case "sites":
      return sites(state, serverId, method, id, more, query, body);
    case "database":
      if (id === "schemas") return databases(state, serverId, method, more[0], query, body);
      if (id === "users") return databaseUsers(state, serverId, method, more[0], query, body);
      return notFound();
    case "background-processes":
      return backgroundProcesses(state, serverId, method, id, query, body);
    default:
      return notFound();
  }
}

function sites(state: ForgeState, serverId: number, method: string, id: string | undefined, more: string[], query: URLSearchParams, body: Body): Answer {
  const onServer = state.sites.filter((site) => site.serverId === serverId);
  if (id === undefined) {
    if (method === "GET") return page(onServer.map((site) => resource("sites", site.id, siteAttributes(site))), query);
    if (method === "POST") return createSite(state, serverId, onServer, body);
    return { status: 405, body: { message: `The ${method} method is not supported for route.` } };
  }
  const site = onServer.find((s) => s.id === Number(id));
  if (!site) return notFound("No query results for model [App\\Models\\Site].");
  const [part, partId, ...tail] = more;
  if (part === undefined) {
    if (method === "PUT") {
      const errors: Record<string, string[]> = {};
      if (body.php_version !== undefined && !PHP_VERSIONS.includes(String(body.php_version))) errors.php_version = ["The selected php version is invalid."];
      if (body.web_directory !== undefined && !String(body.web_directory).startsWith("/")) errors.web_directory = ["The web directory field format is invalid."];
      if (Object.keys(errors).length > 0) return invalid(errors);
      if (typeof body.php_version === "string") site.phpVersion = body.php_version;
      if (typeof body.web_directory === "string") site.webDirectory = body.web_directory;
      return accepted;
    }
    if (method === "DELETE") {
      state.startAsync(site, "removing", "gone");
      return accepted;
    }
    return { status: 405, body: { message: "Method not allowed." } };
  }
  if (site.status !== "installed") return { status: 409, body: { message: "The site is still being installed." } };
  switch (part) {
    case "git": {
      if (method !== "PUT") return notFound();
      const repository = text(body, "repository");
      const branch = text(body, "branch");
      const errors: Record<string, string[]> = {};
      if (!repository) errors.repository = ["The repository field is required."];
      if (!branch) errors.branch = ["The branch field is required."];
      if (Object.keys(errors).length > 0) return invalid(errors);
      site.repository = { provider: text(body, "provider") ?? "custom", url: repository!, branch: branch! };
      return accepted;
    }
    case "domains":
      return domains(state, site, method, partId, tail, query, body);
    case "environment":
      if (method === "GET") return one("environments", site.id, { content: site.environment });
      if (method === "PUT") {
        if (typeof body.environment !== "string") return invalid({ environment: ["The environment field is required."] });
        site.environment = body.environment;
        return { status: 200, body: { message: "The environment file has been updated." } };
      }
      return notFound();
    case "deployments":
      return deployments(state, site, method, partId, tail, body);
    case "security-rules":
      return tail.length === 0 ? securityRules(state, site, method, partId, query, body) : notFound();
    default:
      return notFound();
  }
}

function createSite(state: ForgeState, serverId: number, onServer: SiteRecord[], body: Body): Answer {
  const name = text(body, "name");
  const errors: Record<string, string[]> = {};
  if (text(body, "domain_mode") === undefined) errors.domain_mode = ["The domain mode field is required."];
  if (!name) errors.name = ["The name field is required."];
  else if (!DOMAIN.test(name)) errors.name = ["The name field must be a valid domain."];
  else if (onServer.some((site) => site.name === name)) errors.name = ["The name has already been taken."];
  const php = text(body, "php_version");
  if (php !== undefined && !PHP_VERSIONS.includes(php)) errors.php_version = ["The selected php version is invalid."];
  const web = text(body, "web_directory") ?? "/public";
  if (!web.startsWith("/")) errors.web_directory = ["The web directory field format is invalid."];
  const isolated = body.is_isolated === true;
  const user = text(body, "isolated_user");
  if (isolated && (!user || !LINUX_USER.test(user))) errors.isolated_user = ["The isolated user field format is invalid."];
  if (isolated && user && state.sites.some((site) => site.serverId === serverId && site.isolated && site.user === user)) errors.isolated_user = ["The isolated user has already been taken."];
  const repository = text(body, "repository");
  const branch = text(body, "branch");
  if (repository !== undefined && !branch) errors.branch = ["The branch field is required when repository is present."];
  if (Object.keys(errors).length > 0) return invalid(errors);
  const site: SiteRecord = {
    id: state.nextId(),
    serverId,
    name: name!,
    webDirectory: web,
    phpVersion: php ?? "php84",
    isolated,
    user: isolated ? user! : "forge",
    repository: repository ? { provider: "custom", url: repository, branch: branch! } : null,
    environment: "",
    deployScript: "",
    domains: [],
    securityRules: [],
    status: "installing",
  };
  site.domains.push({ id: state.nextId(), name: site.name, type: "primary" });
  state.startAsync(site, "installing", "installed", state.stuckSites.has(site.name));
  state.sites.push(site);
  return one("sites", site.id, siteAttributes(site), 202);
}

function domains(state: ForgeState, site: SiteRecord, method: string, id: string | undefined, tail: string[], query: URLSearchParams, body: Body): Answer {
  const attributes = (d: SiteRecord["domains"][number]) => ({ name: d.name, type: d.type, status: "enabled" });
  if (id === undefined) return method === "GET" ? page(site.domains.map((d) => resource("domains", d.id, attributes(d))), query) : notFound();
  const domain = site.domains.find((d) => d.id === Number(id));
  if (!domain) return notFound("No query results for model [App\\Models\\Domain].");
  if (tail[0] !== "certificate" || tail.length !== 1) return notFound();
  const certificateAttributes = () => ({
    type: "letsencrypt",
    verification_method: "http-01",
    key_type: "ecdsa",
    request_status: domain.certificate!.requestStatus,
    status: domain.certificate!.status,
  });
  if (method === "GET") return domain.certificate ? one("certificates", domain.certificate.id, certificateAttributes()) : notFound("The domain has no certificate.");
  if (method === "POST") {
    if (domain.certificate) return invalid({ type: ["The domain already has a certificate."] });
    if (text(body, "type") !== "letsencrypt") return invalid({ type: ["The selected type is invalid."] });
    domain.certificate = { id: state.nextId(), status: "installing", requestStatus: "verifying" };
    state.startAsync(domain.certificate, "installing", "installed");
    return one("certificates", domain.certificate.id, certificateAttributes(), 202);
  }
  if (method === "DELETE") {
    if (!domain.certificate) return notFound("The domain has no certificate.");
    state.startAsync(domain.certificate, "removing", "gone");
    return accepted;
  }
  return notFound();
}

function deployments(state: ForgeState, site: SiteRecord, method: string, id: string | undefined, tail: string[], body: Body): Answer {
  const attributes = (d: (typeof state.deployments)[number]) => ({ commit: { hash: d.commit, branch: site.repository?.branch ?? null }, status: d.status, started_at: null, ended_at: null });
  if (id === "script") {
    if (method === "GET") return one("deploymentScripts", site.id, { content: site.deployScript, auto_source: false });
    if (method === "PUT") {
      if (typeof body.content !== "string" || body.content.trim() === "") return invalid({ content: ["The content field is required."] });
      site.deployScript = body.content;
      return one("deploymentScripts", site.id, { content: site.deployScript, auto_source: body.auto_source === true });
    }
    return notFound();
  }
  if (id === undefined) {
    if (method !== "POST") return notFound();
    if (!site.repository) return invalid({ site: ["The site has no repository to deploy."] });
    const failure = state.failNextDeploymentWith;
    state.failNextDeploymentWith = undefined;
    const deployment = {
      id: state.nextId(),
      siteId: site.id,
      commit: commitDeployedBy(site.deployScript),
      log: failure ?? `Deploying ${site.name}\n${site.deployScript}\nDone.`,
      status: "queued",
    };
    state.startAsync(deployment, "queued", failure === undefined ? "finished" : "failed");
    state.deployments.push(deployment);
    return one("deployments", deployment.id, attributes(deployment), 202);
  }
  const deployment = state.deployments.find((d) => d.siteId === site.id && d.id === Number(id));
  if (!deployment) return notFound("No query results for model [App\\Models\\Deployment].");
  if (tail[0] === "log" && method === "GET") return one("deploymentLogs", deployment.id, { output: deployment.log });
  return method === "GET" && tail.length === 0 ? one("deployments", deployment.id, attributes(deployment)) : notFound();
}

/** What a branch's head is in the double: a deployment whose script checks out no exact commit deploys this. */
export const BRANCH_HEAD = "0123456789abcdef0123456789abcdef01234567";

/**
 * The commit a deployment runs: the one its script checks out (`git checkout … <sha>`, as the deploy script of
 * components/forge/deploy-script.ts does), else the branch's head — what Forge then shows as the deployment's commit.
 */
function commitDeployedBy(script: string): string {
  return /^git checkout\b[^\n]*\b([0-9a-f]{40})\s*$/m.exec(script)?.[1] ?? BRANCH_HEAD;
}

function databases(state: ForgeState, serverId: number, method: string, id: string | undefined, query: URLSearchParams, body: Body): Answer {
  const onServer = state.databases.filter((d) => d.serverId === serverId);
  const attributes = (d: (typeof onServer)[number]) => ({ name: d.name, status: d.status });
  if (id === undefined) {
    if (method === "GET") return page(onServer.map((d) => resource("databases", d.id, attributes(d))), query);
    if (method !== "POST") return notFound();
    const name = text(body, "name");
    if (!name) return invalid({ name: ["The name field is required."] });
    if (!ALPHA_DASH.test(name) || name.length > 64) return invalid({ name: ["The name field must only contain letters, numbers, dashes, and underscores."] });
    if (onServer.some((d) => d.name === name)) return invalid({ name: ["The name has already been taken."] });
    const database = { id: state.nextId(), serverId, name, status: "installing" };
    const realServer = state.serverDatabases;
    // Stuck in "installing" until the server has made it, when a test gives the double a real server.
    state.startAsync(database, "installing", "installed", realServer !== undefined);
    if (realServer) void realServer.create(name).then(() => state.startAsync(database, "installing", "installed"));
    state.databases.push(database);
    return one("databases", database.id, attributes(database), 202);
  }
  const database = onServer.find((d) => d.id === Number(id));
  if (!database) return notFound("No query results for model [App\\Models\\Database].");
  if (method === "GET") return one("databases", database.id, attributes(database));
  if (method === "DELETE") {
    state.startAsync(database, "removing", "gone");
    void state.serverDatabases?.drop(database.name);
    for (const user of state.databaseUsers) user.databaseIds = user.databaseIds.filter((d) => d !== database.id);
    return accepted;
  }
  return notFound();
}

function databaseUsers(state: ForgeState, serverId: number, method: string, id: string | undefined, query: URLSearchParams, body: Body): Answer {
  const onServer = state.databaseUsers.filter((u) => u.serverId === serverId);
  const attributes = (u: DatabaseUserRecord) => ({ name: u.name, status: u.status, database_ids: u.databaseIds });
  const databaseIdErrors = (): Record<string, string[]> => {
    const ids = body.database_ids;
    if (!Array.isArray(ids)) return { database_ids: ["The database ids field must be an array."] };
    const known = new Set(state.databases.filter((d) => d.serverId === serverId).map((d) => d.id));
    return ids.every((d) => known.has(Number(d))) ? {} : { database_ids: ["The selected database ids is invalid."] };
  };
  if (id === undefined) {
    if (method === "GET") return page(onServer.map((u) => resource("databaseUsers", u.id, attributes(u))), query);
    if (method !== "POST") return notFound();
    const name = text(body, "name");
    const password = text(body, "password");
    const errors: Record<string, string[]> = { ...databaseIdErrors() };
    if (!name) errors.name = ["The name field is required."];
    else if (onServer.some((u) => u.name === name)) errors.name = ["The name has already been taken."];
    if (!password) errors.password = ["The password field is required."];
    if (Object.keys(errors).length > 0) return invalid(errors);
    const user = { id: state.nextId(), serverId, name: name!, password: password!, databaseIds: (body.database_ids as unknown[]).map(Number), status: "installing" };
    state.startAsync(user, "installing", "installed");
    state.databaseUsers.push(user);
    return one("databaseUsers", user.id, attributes(user), 202);
  }
  const user = onServer.find((u) => u.id === Number(id));
  if (!user) return notFound("No query results for model [App\\Models\\DatabaseUser].");
  if (method === "GET") return one("databaseUsers", user.id, attributes(user));
  if (method === "PUT") {
    const errors = body.database_ids === undefined ? {} : databaseIdErrors();
    if (Object.keys(errors).length > 0) return invalid(errors);
    if (typeof body.password === "string") user.password = body.password;
    if (Array.isArray(body.database_ids)) user.databaseIds = body.database_ids.map(Number);
    state.startAsync(user, "updating", "installed");
    return accepted;
  }
  if (method === "DELETE") {
    state.startAsync(user, "removing", "gone");
    return accepted;
  }
  return notFound();
}

function backgroundProcesses(state: ForgeState, serverId: number, method: string, id: string | undefined, query: URLSearchParams, body: Body): Answer {
  const onServer = state.backgroundProcesses.filter((p) => p.serverId === serverId);
  const attributes = (p: (typeof onServer)[number]) => ({ name: p.name, command: p.command, user: p.user, directory: p.directory, processes: p.processes, status: p.status });
  if (id === undefined) {
    if (method === "GET") return page(onServer.map((p) => resource("backgroundProcesses", p.id, attributes(p))), query);
    if (method !== "POST") return notFound();
    const errors: Record<string, string[]> = {};
    const users = new Set(["root", "forge", ...state.sites.filter((s) => s.serverId === serverId && s.isolated).map((s) => s.user)]);
    if (!text(body, "name")) errors.name = ["The name field is required."];
    if (!text(body, "command")) errors.command = ["The command field is required."];
    if (!users.has(text(body, "user") ?? "")) errors.user = ["The selected user is invalid."];
    if (!Number.isInteger(body.processes) || (body.processes as number) < 1) errors.processes = ["The processes field must be at least 1."];
    if (Object.keys(errors).length > 0) return invalid(errors);
    const process = {
      id: state.nextId(),
      serverId,
      name: text(body, "name")!,
      command: text(body, "command")!,
      user: text(body, "user")!,
      directory: text(body, "directory") ?? "/home/forge",
      processes: body.processes as number,
      status: "installing",
    };
    state.startAsync(process, "installing", "running");
    state.backgroundProcesses.push(process);
    return one("backgroundProcesses", process.id, attributes(process), 202);
  }
  const process = onServer.find((p) => p.id === Number(id));
  if (!process) return notFound("No query results for model [App\\Models\\Daemon].");
  if (method === "GET") return one("backgroundProcesses", process.id, attributes(process));
  if (method === "DELETE") {
    state.startAsync(process, "removing", "gone");
    return accepted;
  }
  return notFound();
}
