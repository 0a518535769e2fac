import type { EngineSession } from "./engine-session";
import type { EngineWorld } from "./engine-world";

/** What a scenario runs against: its own engine session (backend, stand-in clouds) and the shared servers. */
export interface ScenarioContext {
  session: EngineSession;
  /** The servers on loopback, started the first time a scenario asks for them. */
  world(): Promise<EngineWorld>;
}

/** One scenario of the engine tier: throws (node:assert) when the engine does not behave; returns what it saw, briefly. */
export interface Scenario {
  name: string;
  run(context: ScenarioContext): Promise<string>;
}
