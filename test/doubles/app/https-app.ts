import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { createSecureContext, type SecureContext } from "node:tls";

/** What a request to the app looked like: the host it named, the path, and the basic-auth credentials it sent. */
export interface AppRequest {
  host: string;
  path: string;
  basicAuth: { user: string; password: string } | undefined;
}

/** Decides the status the app answers with (a function of the host, so one double serves every environment). */
export type AppAnswer = (request: AppRequest) => number | Promise<number>;

/**
 * The deployed app as the health check meets it from outside: an HTTPS server on loopback serving every host name with
 * a certificate made for that name by a test CA (trusted only by whoever is given `caPem`, as Let's Encrypt's would be
 * by the system). What it answers is the test's `answer`; every request is recorded.
 */
export class HttpsAppDouble {
  readonly requests: AppRequest[] = [];
  answer: AppAnswer = () => 200;
  private readonly contexts = new Map<string, SecureContext>();
  private server: Server | undefined;

  private constructor(private readonly dir: string) {}

  static async start(): Promise<HttpsAppDouble> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "https-app-"));
    openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Restant test CA"]);
    const app = new HttpsAppDouble(dir);
    await app.listen();
    return app;
  }

  /** The CA's certificate, for NODE_EXTRA_CA_CERTS or a probe's `ca`. */
  get caFile(): string {
    return path.join(this.dir, "ca.pem");
  }

  get caPem(): string {
    return readFileSync(this.caFile, "utf8");
  }

  /** `127.0.0.1:<port>`: where RESTANT_HEALTH_RESOLVE points the environment's host. */
  get address(): string {
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async listen(): Promise<void> {
    const fallback = this.contextFor("localhost");
    this.server = createServer(
      { ...fallback, SNICallback: (name, done) => done(null, this.contextFor(name)) },
      (req, res) => {
        void (async () => {
          const request: AppRequest = { host: (req.headers.host ?? "").replace(/:\d+$/, ""), path: req.url ?? "/", basicAuth: basicAuthOf(req.headers.authorization) };
          this.requests.push(request);
          const status = await this.answer(request);
          res.writeHead(status, { "content-type": "text/plain" });
          res.end(status === 200 ? "ok" : "unhealthy");
        })();
      },
    );
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
  }

  /** A certificate for exactly this name, signed by the test CA. */
  private contextFor(name: string): SecureContext & { key?: Buffer; cert?: Buffer } {
    const cached = this.contexts.get(name);
    if (cached) return cached;
    const base = path.join(this.dir, name.replace(/[^a-z0-9.-]/gi, "_"));
    writeFileSync(`${base}.ext`, `subjectAltName=DNS:${name}\n`);
    openssl(this.dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", `${base}.key`, "-out", `${base}.csr`, "-subj", `/CN=${name}`]);
    openssl(this.dir, ["x509", "-req", "-in", `${base}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${base}.crt`, "-days", "2", "-extfile", `${base}.ext`]);
    const context = createSecureContext({ key: readFileSync(`${base}.key`), cert: readFileSync(`${base}.crt`) });
    this.contexts.set(name, context);
    return Object.assign(context, { key: readFileSync(`${base}.key`), cert: readFileSync(`${base}.crt`) });
  }
}

function openssl(cwd: string, args: string[]): void {
  execFileSync("openssl", args, { cwd, stdio: "ignore" });
}

function basicAuthOf(header: string | undefined): AppRequest["basicAuth"] {
  if (!header?.startsWith("Basic ")) return undefined;
  const text = Buffer.from(header.slice("Basic ".length), "base64").toString("utf8");
  const at = text.indexOf(":");
  return at < 0 ? undefined : { user: text.slice(0, at), password: text.slice(at + 1) };
}
