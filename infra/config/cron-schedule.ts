/**
 * Why `schedule` is not a five-field cron schedule Debian's cron runs, or undefined when it is. Checked field by
 * field, because the schedule is written into a root cron line: `@`-macros, a sixth field (which cron takes as the
 * user), `#` (a comment that swallows the rest) and newlines are refused. Hand-written: the maintained parsers
 * (cron-parser, croner) accept Quartz extensions (`L`, `W`, `?`, `#`, seconds) that cron rejects.
 */
export function cronScheduleProblem(schedule: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(schedule.replace(/ /g, ""))) return "must be one line: no newline, tab or control character";
  if (schedule.includes("@")) return 'must not use an @-macro such as "@hourly": write the five fields ("0 * * * *")';
  if (schedule.includes("#")) return "must not contain '#' (cron would take the rest of the line as a comment)";
  const fields = schedule.trim().split(/ +/);
  if (fields.length !== 5) return `must have exactly 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  for (const [index, field] of fields.entries()) {
    const problem = fieldProblem(field, FIELDS[index]!);
    if (problem) return `${FIELDS[index]!.name} field "${field}": ${problem}`;
  }
  return undefined;
}

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Names cron accepts instead of a number (alone, not in ranges or lists). */
  names?: readonly string[];
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] as const;
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

const FIELDS: readonly CronField[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day-of-week", min: 0, max: 7, names: DAYS },
];

/** One field: `*`, `n`, `n-m`, each optionally `/step`, in a comma-separated list; or one month or day name. */
function fieldProblem(field: string, spec: CronField): string | undefined {
  if (spec.names?.includes(field.toLowerCase())) return undefined;
  for (const item of field.split(",")) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!match) return `"${item}" is not *, a number, a range n-m or one of those with /step`;
    const [, , from, to, step] = match;
    for (const value of [from, to]) {
      if (value !== undefined && (Number(value) < spec.min || Number(value) > spec.max)) {
        return `${value} is outside ${spec.min}-${spec.max}`;
      }
    }
    if (from !== undefined && to !== undefined && Number(from) > Number(to)) return `the range ${from}-${to} runs backwards`;
    if (step !== undefined && Number(step) === 0) return "a step of 0 never fires";
  }
  return undefined;
}
