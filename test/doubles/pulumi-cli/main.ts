#!/usr/bin/env node
// A `pulumi` CLI double for the Automation API: the commands and flags LocalWorkspace and Stack run, their JSON
// output, their error texts (which the Automation API turns into typed errors), exit codes and the DIY lock.
// `up` and `preview` evaluate the real program (infra/) under Pulumi's mocks with the stack's config, through the offline
// plan's evaluator (real-program.ts). Run from build/ (compiled, no ts-node); put a shim that runs it on PATH as `pulumi`.
import { CliError, BackendStore } from "./backend-store";
import { flag, has, parseArgs, UsageError, type ParsedArgs } from "./cli-args";
import { EventSink } from "./event-sink";
import { destroy, preview, up, type Output } from "./operations";
import { StackLock } from "./stack-lock";

export const DOUBLE_VERSION = "v3.270.0";

async function run(argv: string[], out: Output): Promise<void> {
  const args = parseArgs(argv);
  const [command, sub, ...rest] = args.words;
  if (command === "version") {
    out.stdout.push(DOUBLE_VERSION);
    return;
  }
  const store = new BackendStore(process.cwd(), process.env);
  store.recordCall(argv);
  const stackFlag = flag(args, "stack", "s");
  const json = (value: unknown) => out.stdout.push(JSON.stringify(value, null, 4));

  switch (command) {
    case "up":
    case "preview":
    case "destroy": {
      const stack = store.requireStack(stackFlag);
      const sink = new EventSink(flag(args, "event-log"));
      try {
        if (command === "up") await up(store, stack, args, sink, out);
        else if (command === "preview") await preview(store, stack, args, sink, out);
        else await destroy(store, stack, args, sink, out);
      } finally {
        await sink.close();
      }
      return;
    }
    case "stack":
      return stackCommand(store, sub, rest, args, stackFlag, out, json);
    case "config": {
      const stack = store.requireStack(stackFlag);
      const secret = has(args, "secret");
      if (sub === "set") {
        const key = rest[0];
        const value = args.rest[0] ?? rest[1];
        if (!key || value === undefined) throw new CliError("error: config set requires a key and a value", 2);
        store.setConfig(stack, key, value, secret);
        return;
      }
      if (sub === "set-all") {
        // `--plaintext k=v` and `--secret k=v` pairs: each flag takes the next argument as its value here.
        const pairs: Array<{ pair: string; secret: boolean }> = [];
        argv.forEach((arg, i) => {
          if ((arg === "--plaintext" || arg === "--secret") && argv[i + 1] !== undefined) pairs.push({ pair: argv[i + 1]!, secret: arg === "--secret" });
        });
        if (pairs.length === 0) throw new CliError("error: config set-all requires at least one --plaintext or --secret key=value", 2);
        for (const { pair, secret: isSecret } of pairs) {
          const at = pair.indexOf("=");
          if (at < 1) throw new CliError(`error: invalid config '${pair}': expected key=value`, 2);
          store.setConfig(stack, pair.slice(0, at), pair.slice(at + 1), isSecret);
        }
        return;
      }
      throw new CliError(`error: the pulumi double does not implement \`config ${sub ?? ""}\``, 2);
    }
    default:
      throw new CliError(`error: unknown command "${command ?? ""}" for "pulumi"`, 2);
  }
}

function stackCommand(
  store: BackendStore,
  sub: string | undefined,
  rest: string[],
  args: ParsedArgs,
  stackFlag: string | undefined,
  out: Output,
  json: (value: unknown) => void,
): void {
  switch (sub) {
    case "init": {
      const name = rest[0] ?? stackFlag;
      if (!name) throw new CliError("error: a stack name is required", 2);
      store.create(name);
      out.stdout.push(`Created stack '${name}'`);
      return;
    }
    case "select":
      store.requireStack(rest[0] ?? stackFlag);
      return;
    case "ls": {
      if (!has(args, "json")) throw new CliError("error: the pulumi double only prints `stack ls --json`", 2);
      json(
        store.stacks().map((name) => {
          const state = store.read(name);
          return {
            name,
            current: false,
            updateInProgress: new StackLock(store, name).isHeld(),
            ...(state.history[0] ? { lastUpdate: state.history[0].endTime } : {}),
            ...(state.resources ? { resourceCount: state.resources.length } : {}),
            url: `file://${store.root}`,
          };
        }),
      );
      return;
    }
    case "rm": {
      const name = rest[0] ?? stackFlag;
      const stack = store.requireStack(name);
      if (!has(args, "yes", "y")) throw new CliError("error: --yes must be passed in to proceed when running in non-interactive mode", 2);
      const resources = store.read(stack).resources ?? [];
      if (resources.length > 0 && !has(args, "force")) {
        throw new CliError(
          [
            `error: '${stack}' still has resources; removal rejected. Possible actions:`,
            `- Make sure that '${stack}' is the stack that you want to destroy`,
            "- Run `pulumi destroy` to delete the resources, then run `pulumi stack rm`",
            "- Run `pulumi stack rm --force` to override this error",
          ].join("\n"),
          1,
        );
      }
      const lock = new StackLock(store, stack);
      lock.acquire();
      try {
        store.remove(stack, has(args, "preserve-config"));
      } finally {
        lock.release();
      }
      out.stdout.push(`Stack '${stack}' has been removed!`);
      return;
    }
    case "tag": {
      const stack = store.requireStack(stackFlag);
      const [action, name, value] = rest;
      if (action === "set" && name && value !== undefined) return store.setTag(stack, name, value);
      if (action === "ls") return json(store.tags(stack));
      if (action === "get" && name) {
        const tags = store.tags(stack);
        if (!(name in tags)) throw new CliError(`error: stack tag '${name}' not found for stack '${stack}'`, 1);
        out.stdout.push(tags[name]!);
        return;
      }
      throw new CliError(`error: the pulumi double does not implement \`stack tag ${action ?? ""}\``, 2);
    }
    case "output": {
      const stack = store.requireStack(stackFlag);
      const show = has(args, "show-secrets");
      if (show) store.requirePassphrase();
      const outputs = store.read(stack).outputs;
      json(Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.secret && !show ? "[secret]" : o.value])));
      return;
    }
    case "history": {
      const stack = store.requireStack(stackFlag);
      const size = Number(flag(args, "page-size") ?? 0);
      const page = Number(flag(args, "page") ?? 1);
      const show = has(args, "show-secrets");
      if (show) store.requirePassphrase();
      const history = store.read(stack).history.map((entry) => ({
        ...entry,
        ...(entry.config
          ? { config: Object.fromEntries(Object.entries(entry.config).map(([k, c]) => [k, c.secret && !show ? { value: "[secret]", secret: true } : c])) }
          : {}),
      }));
      json(size > 0 ? history.slice((page - 1) * size, page * size) : history);
      return;
    }
    default:
      throw new CliError(`error: the pulumi double does not implement \`stack ${sub ?? ""}\``, 2);
  }
}

const out: Output = { stdout: [], stderr: [] };
run(process.argv.slice(2), out).then(
  () => {
    if (out.stdout.length) process.stdout.write(`${out.stdout.join("\n")}\n`);
    if (out.stderr.length) process.stderr.write(`${out.stderr.join("\n")}\n`);
  },
  (error: unknown) => {
    if (out.stdout.length) process.stdout.write(`${out.stdout.join("\n")}\n`);
    const code = error instanceof CliError ? error.exitCode : error instanceof UsageError ? 2 : 1;
    const message = error instanceof UsageError ? `error: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`${[...out.stderr, message].join("\n")}\n`);
    process.exitCode = code;
  },
);
