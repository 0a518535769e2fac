import { Console } from "./console";
import { DokkuFailure } from "./failure";

/**
 * The report the bash plugins print from a `flag_map` (dokku-mysql's service_info, http-auth:report):
 * `printf "%-<width>s %-25s"` per flag, or one flag's value, or their "Invalid flag passed" failure.
 */
export function printShellReport(
  console: Console,
  flags: [string, string][],
  infoFlag: string | undefined,
  labelWidth: number,
): [string, string] | undefined {
  if (!infoFlag) {
    for (const [flag, value] of flags) {
      const label = flag.slice(2).replace(/-/g, " ");
      console.verbose(`${`${label.charAt(0).toUpperCase()}${label.slice(1)}`.padEnd(labelWidth)} ${value.padEnd(25)}`);
    }
    return undefined;
  }
  const match = flags.find(([flag]) => flag === infoFlag);
  if (!match) throw DokkuFailure.of(`Invalid flag passed, valid flags:${flags.map(([flag]) => ` ${flag}`).join("")}`);
  return match;
}
