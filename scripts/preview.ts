// CI entry point for PR previews: `node build/scripts/preview.js` in the preview and cleanup workflows.
// Reads the event (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH) and does what it asks: /preview, /update, /destroy, the
// `preview` label, a push to a PR with a preview, the PR closing, or a dispatch from the queue; in the platform layout
// (RESTANT_APP_REPOSITORY) those of the app repository's pull requests, forwarded as a restant-app-pull-request
// repository_dispatch (docs/platform-repository.md).
// Exit codes: 0 done (including refused, queued, paused, ignored), 1 a failed up or a destroy that left the stack,
// 2 a head branch git would refuse (naming restant:branch), or a forwarded event whose payload is malformed (naming
// the client_payload field); nothing is made.
import { depsFromEnv, runMain, summarize } from "./lifecycle/cli-runtime";
import { previewCommandFromEvent, readEvent } from "./lifecycle/github-event";
import { FAILING_OUTCOMES, PreviewLifecycle } from "./lifecycle/preview-lifecycle";

runMain("preview", async () => {
  const deps = depsFromEnv(process.env);
  const event = readEvent(process.env);
  const { settings } = deps;
  const app = settings.appRepository;
  const platform = app ? { appRepository: `${app.owner}/${app.repo}`, botLogin: settings.botLogin } : undefined;
  const command = previewCommandFromEvent(event.name, event.payload, settings.labels.preview, platform);
  const result = await new PreviewLifecycle(deps).run(command);
  summarize(process.env, `**Preview${result.pr ? ` #${result.pr}` : ""}**: ${result.outcome} — ${result.detail}`);
  return FAILING_OUTCOMES.has(result.outcome) ? 1 : 0;
});
