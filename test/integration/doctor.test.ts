import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";
import { copyProject, type ProjectCopy } from "../support/project-copy";

type Store = typeof import("../doubles/dokku/state/store");
const { StateStore } = requireBuilt<Store>("test/doubles/dokku/state/store.ts");

let server: DokkuServer;
let project: ProjectCopy;

beforeAll(async () => {
  server = await startDokkuServer();
  project = copyProject();
  // The new user's Pulumi.yaml names their server; the platform stack file their Let's Encrypt e-mail.
  project.editYaml("Pulumi.yaml", (doc) => {
    doc.config!["restant:dokku"] = { value: { host: server.host, port: server.port, user: "dokku", hostKey: server.hostKey, ipv4: "198.18.0.10" } };
  });
  project.editYaml("stacks/Pulumi.platform.yaml", (doc) => {
    doc.config!["restant:tls"] = { email: "ops@restant.app" };
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (project) rmSync(project.dir, { recursive: true, force: true });
});

const doctor = () => project.run("doctor", ["staging"], { DOKKU_SSH_PRIVATE_KEY: server.privateKey });

describe("npm run doctor -- <stack> against the Dokku double over SSH", () => {
  it("reports a server with everything as ready: versions, plugins, both keys, the e-mail", () => {
    const result = doctor();
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`doctor: dokku@${server.host}:${server.port}`);
    expect(result.stdout).toMatch(/ok {5} {2}Dokku version: 0\.38\.27/);
    for (const plugin of ["mysql", "redis", "letsencrypt", "http-auth"]) expect(result.stdout).toMatch(new RegExp(`ok {5} {2}plugin ${plugin}: \\d+\\.\\d+\\.\\d+`));
    expect(result.stdout).toContain("dokku key: accepted");
    expect(result.stdout).toContain("root key: accepted");
    expect(result.stdout).toContain("Let's Encrypt e-mail: ops@restant.app");
  });

  it("names a missing plugin and how to install it, and exits 1", () => {
    new StateStore(server.stateDir).updateSync((state) => {
      state.uninstalledPlugins = ["http-auth"];
    });
    const result = doctor();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("MISSING  plugin http-auth: missing");
    expect(result.stdout).toContain("fix: as root on the server: dokku plugin:install https://github.com/dokku/dokku-http-auth.git http-auth");
    expect(result.stdout).toMatch(/ok {5} {2}plugin mysql/);
    // What it read, it read through the dokku user's forced command, as the program does.
    expect(server.commands().some((c) => c.user === "dokku" && c.argv.join(" ") === "plugin:list --format json")).toBe(true);
  });

  it("says which setting is missing when the key is not given, without touching the server", () => {
    const result = project.run("doctor", ["staging"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/set DOKKU_SSH_PRIVATE_KEY/);
  });
});
