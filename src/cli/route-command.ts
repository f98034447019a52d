/** `tandem route --explain "<prompt>"`: the routing decision for a prompt, without calling any model. */
import type { Command } from 'commander';
import { explainRoute, type RouteExplanation } from '../api/route-dry-run-handler.js';
import { loadSetup, openGateway } from './open-gateway.js';

interface RouteOptions {
  config?: string;
  explain?: boolean;
  route: string;
  sensitive?: boolean;
  maxTokens?: string;
  maxLatencyMs?: string;
  json?: boolean;
}

export function registerRouteCommand(program: Command): void {
  program
    .command('route')
    .description('show how a prompt would be routed, without calling a model')
    .argument('<prompt>', 'the user message')
    .option('--explain', 'show every candidate and policy verdict (the default)')
    .option('-c, --config <file>', 'config file')
    .option('-r, --route <name>', 'route or model name (the client\'s "model")', 'tandem/auto')
    .option('--sensitive', 'mark the request sensitive (as x-tandem-sensitive: true)')
    .option('--max-tokens <n>', 'requested output tokens')
    .option('--max-latency-ms <ms>', 'time-to-first-token budget (as x-tandem-max-latency-ms)')
    .option('--json', 'print JSON')
    .action(async (prompt: string, options: RouteOptions) => {
      const setup = await loadSetup(options.config);
      const gateway = await openGateway(setup, { store: false });
      try {
        const body: Record<string, unknown> = { model: options.route, messages: [{ role: 'user', content: prompt }] };
        if (options.maxTokens !== undefined) body.max_tokens = Number(options.maxTokens);
        const headers: Record<string, string> = {};
        if (options.sensitive) headers['x-tandem-sensitive'] = 'true';
        if (options.maxLatencyMs !== undefined) headers['x-tandem-max-latency-ms'] = options.maxLatencyMs;
        const explanation = await explainRoute(gateway, body, headers);
        console.log(options.json ? JSON.stringify(explanation, null, 2) : formatExplanation(explanation));
      } finally {
        await gateway.close();
      }
    });
}

export function formatExplanation(e: RouteExplanation): string {
  const lines = [
    `route:    ${e.route ?? `(model ${e.requested_model})`}`,
    `prompt:   ~${e.estimated_prompt_tokens} tokens${e.sensitive ? ', sensitive' : ''}`,
    'candidates:',
  ];
  for (const c of e.candidates) {
    lines.push(`  ${c.allowed ? '✓' : '✗'} ${c.model} (${c.locality})`);
    for (const reason of c.reasons) lines.push(`      ${reason}`);
  }
  const score = e.router.score === null ? '' : `, score ${e.router.score.toFixed(3)} vs threshold ${e.router.threshold?.toFixed(3)}`;
  lines.push(`router:   ${e.router.type}${score}`);
  lines.push(`chosen:   ${e.chosen}  (${e.reason})`);
  lines.push(`fallbacks: ${e.fallbacks.join(' -> ') || '(none)'}`);
  lines.push(`baseline: ${e.baseline_model}`);
  if (e.privacy) lines.push(`privacy:  ${e.privacy.action}${e.privacy.because ? ` (${e.privacy.because})` : ''}`);
  return lines.join('\n');
}
