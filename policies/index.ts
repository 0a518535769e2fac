// The policy pack the engine runs: `pulumi preview --policy-pack policies`. Constructing a PolicyPack serves it to
// the engine, so this file does nothing else; the policies live in all.ts and rules/.
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./all";

new PolicyPack(POLICY_PACK_NAME, { policies });
