/** Who reaches the app and how: HTTP basic auth for previews, Let's Encrypt certificates. */
export { HttpAuth, type HttpAuthArgs } from "./http-auth";
export { LetsEncrypt, type LetsEncryptArgs } from "./letsencrypt";
