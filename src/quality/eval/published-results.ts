/**
 * The best published RouteLLM routers (Ong et al., "RouteLLM: Learning to Route LLMs with Preference
 * Data", arXiv 2406.18665 v4, ICLR 2025), after decontamination, as quoted in ../shared/README.md.
 */
export const PUBLISHED_ROUTELLM: Record<string, { router: string; cpt50: number; apgr: number }> = {
  'routellm-mmlu': { router: 'SW ranking, Arena + golden MMLU labels', cpt50: 35.4, apgr: 0.603 },
  'routellm-gsm8k': { router: 'causal LLM, Arena + judge labels', cpt50: 33.64, apgr: 0.622 },
};
