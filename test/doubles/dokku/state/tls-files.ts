import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { StateStore } from "./store";

/**
 * $DOKKU_ROOT, where Dokku keeps each app's files; the certificate files are real files there, because server scripts
 * read them (`$DOKKU_ROOT/<app>/tls/server.crt`). The real default is /home/dokku; the double's, when DOKKU_ROOT is
 * unset, is a folder in its state, so tests never write into a real home.
 */
export function dokkuRoot(env: NodeJS.ProcessEnv, store: StateStore): string {
  return env.DOKKU_ROOT || path.join(store.dir, "dokku-root");
}

/** `$DOKKU_ROOT/<app>/tls`. */
export function tlsDir(root: string, app: string): string {
  return path.join(root, app, "tls");
}

/** certs' is_ssl_enabled: both server.crt and server.key are present. */
export function sslEnabled(root: string, app: string): boolean {
  const dir = tlsDir(root, app);
  return existsSync(path.join(dir, "server.crt")) && existsSync(path.join(dir, "server.key"));
}

/** The installed certificate's PEM text, when there is one. */
export function installedCertificate(root: string, app: string): string | undefined {
  return sslEnabled(root, app) ? readFileSync(path.join(tlsDir(root, app), "server.crt"), "utf8") : undefined;
}

/** fn-certs-set: replaces server.crt and server.key (0640 in a 0750 folder). */
export function installCertificate(root: string, app: string, crt: string, key: string): void {
  const dir = tlsDir(root, app);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "server.crt"), crt);
  writeFileSync(path.join(dir, "server.key"), key);
  chmodSync(dir, 0o750);
  chmodSync(path.join(dir, "server.crt"), 0o640);
  chmodSync(path.join(dir, "server.key"), 0o640);
}

/** dokku-letsencrypt's copy of what it installed, which `letsencrypt:active` compares with server.crt. */
export function writeLetsEncryptCopy(root: string, app: string, crt: string): void {
  writeFileSync(path.join(tlsDir(root, app), "server.letsencrypt.crt"), crt, { mode: 0o640 });
}

/** fn-certs-remove's `rm -rf $DOKKU_ROOT/<app>/tls`. */
export function removeTls(root: string, app: string): void {
  rmSync(tlsDir(root, app), { recursive: true, force: true });
}

/** apps:destroy removes `$DOKKU_ROOT/<app>`. */
export function removeAppFiles(root: string, app: string): void {
  rmSync(path.join(root, app), { recursive: true, force: true });
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
