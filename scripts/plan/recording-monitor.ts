import type * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { type RecordedResource, SECRET_MASK } from "./recorded-resource";

const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The subset of the engine's RegisterResourceRequest the recording reads (generated protobuf class). */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getIgnorechangesList(): string[];
  getDependenciesList(): string[];
}

/**
 * Pulumi's mock monitor, also keeping what its `newResource` callback is not told: parent, resource options, and which
 * inputs are secret. The plan prints it; the policies and tests read it.
 */
export class RecordingMonitor extends MockMonitor {
  readonly recorded: RecordedResource[] = [];

  constructor(mocks: pulumi.runtime.Mocks) {
    super(mocks);
  }

  override async registerResource(req: RegisterRequest, callback: (err: unknown, response: unknown) => void): Promise<void> {
    const raw = req.getObject()?.toJavaScript() ?? {};
    const secretPaths: string[] = [];
    const inputs = walk(raw, "", secretPaths, true) as Record<string, unknown>;
    const revealedInputs = walk(raw, "", [], false) as Record<string, unknown>;
    const parent = req.getParent();
    const type = req.getType();
    const name = req.getName();
    this.recorded.push({
      urn: urnOf(parent, type, name),
      type,
      name,
      custom: req.getCustom(),
      parent: parent === "" ? undefined : parent,
      inputs,
      revealedInputs,
      secretPaths,
      options: {
        protect: req.getProtect() ?? false,
        retainOnDelete: req.getRetainondelete() ?? false,
        deleteBeforeReplace: req.getDeletebeforereplace(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        ignoreChanges: req.getIgnorechangesList(),
        dependsOn: req.getDependenciesList(),
      },
    });
    return super.registerResource(req, callback);
  }
}

/** The URN MockMonitor gives the same resource (kept in step with its private newUrn). */
function urnOf(parent: string, type: string, name: string): string {
  const qualified = parent ? `${parent.split("::")[2]?.split("$").pop()}$${type}` : type;
  return `urn:pulumi:${currentStack()}::${currentProject()}::${qualified}::${name}`;
}

function currentStack(): string {
  return (require("@pulumi/pulumi") as typeof pulumi).getStack();
}
function currentProject(): string {
  return (require("@pulumi/pulumi") as typeof pulumi).getProject();
}

/** Unwraps the wire format: secrets masked (or revealed) and their paths noted, references shown by URN. */
function walk(value: unknown, at: string, secretPaths: string[], mask: boolean): unknown {
  if (value === UNKNOWN) return "[unknown]";
  if (Array.isArray(value)) return value.map((v, i) => walk(v, `${at}[${i}]`, secretPaths, mask));
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  if (object[specialSigKey] === specialSecretSig) {
    secretPaths.push(at);
    return mask ? maskKeepingKeys(object.value) : walk(object.value, at, [], false);
  }
  if (object[specialSigKey] === RESOURCE_REFERENCE_SIG) return `[resource ${String(object.urn)}]`;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(object)) out[key] = walk(v, at === "" ? key : `${at}.${key}`, secretPaths, mask);
  return out;
}

/** A secret object shows its keys (names are not secret), every value masked: `config = { APP_KEY: "[secret]", … }`. */
function maskKeepingKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return SECRET_MASK;
  return Object.fromEntries(Object.keys(value).map((key) => [key, SECRET_MASK]));
}
