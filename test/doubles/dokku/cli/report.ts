import { Console } from "./console";
import { DokkuFailure } from "./failure";
import { goJson } from "./go-json";

/** How one plugin's `<plugin>:report` prints (common.ReportSingleAppInput). */
export interface ReportShape {
  reportType: string;
  /** JSON keys lose the `--<type>-` prefix… */
  trimPrefix: boolean;
  /** …and keep the prefixed key too (ps does, domains does not). */
  emitLegacyPrefix: boolean;
  /** JSON built by jq in the plugin's flag order (dokku-letsencrypt), not Go's sorted, escaped map. */
  jqOrder?: boolean;
}

/** The arguments of `<plugin>:report [app] [--format stdout|json] [--<info-flag>]` (common.ParseReportArgs). */
export function parseReportArgs(args: readonly string[]): { app?: string; format: string; infoFlag?: string } {
  let format = "stdout";
  let app: string | undefined;
  let infoFlag: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--format") format = args[++i] ?? "";
    else if (arg.startsWith("--format=")) format = arg.slice("--format=".length);
    else if (arg.startsWith("--")) infoFlag = arg;
    else app ??= arg;
  }
  if (format !== "stdout" && format !== "json") throw DokkuFailure.of(`Invalid --format value specified: ${format}`);
  if (format === "json" && infoFlag) throw DokkuFailure.of("--format flag cannot be specified when specifying an info flag");
  return { app, format, infoFlag };
}

/** common.ReportSingleApp: JSON object, one info flag's value, or the padded human listing. */
export function printReport(
  console: Console,
  shape: ReportShape,
  flags: Record<string, string>,
  format: string,
  infoFlag: string | undefined,
): void {
  const keys = Object.keys(flags).sort();
  if (format === "json") {
    const prefix = `--${shape.reportType}-`;
    const data: Record<string, string> = {};
    for (const key of shape.jqOrder ? Object.keys(flags) : keys) {
      const legacyKey = key.slice(2);
      if (shape.trimPrefix && key.startsWith(prefix)) {
        data[key.slice(prefix.length)] = flags[key];
        if (shape.emitLegacyPrefix) data[legacyKey] = flags[key];
      } else {
        data[legacyKey] = flags[key];
      }
    }
    console.log(shape.jqOrder ? JSON.stringify(data) : goJson(data));
    return;
  }
  if (infoFlag) {
    if (!(infoFlag in flags)) throw DokkuFailure.of(`Invalid flag passed, valid flags: ${keys.join(", ")}`);
    console.log(flags[infoFlag]);
    return;
  }
  const width = Math.max(31, ...keys.map((key) => key.length));
  for (const key of keys) {
    const label = key.slice(2).replace(/[-.]/g, " ");
    const title = `${label.charAt(0).toUpperCase()}${label.slice(1)}:`;
    console.verbose(`${title.padEnd(width)}${flags[key]}`);
  }
}

/** `<plugin>:report` without an app reports every app (common.DokkuApps), warning when there is none. */
export function appsToReport(apps: Record<string, unknown>, app: string | undefined, console: Console): string[] {
  const names = app ? [app] : Object.keys(apps).sort();
  if (names.length === 0) console.warn("You haven't deployed any applications yet");
  return names;
}
