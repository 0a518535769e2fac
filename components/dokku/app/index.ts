/** The Dokku app: its dynamic resource, the provider that plans and applies changes, and the model both share. */
export { DokkuApp, type DokkuAppArgs } from "./app";
export { dokkuAppProvider } from "./app-provider";
export type { AppProps, AppScale } from "./app-model";
export { AppVariables, type AppVariablesArgs } from "./app-variables";
export { appVariablesProvider } from "./app-variables-provider";
