/**
 * Colours for models: local models in greens, cloud models in blues and violets, so the local/cloud split
 * reads at a glance even in the per-model charts. Chosen to stay legible on both themes.
 */
import type { Locality } from './api.js';

const LOCAL = ['#16a34a', '#0d9488', '#65a30d', '#059669'];
const CLOUD = ['#2563eb', '#7c3aed', '#0284c7', '#c026d3'];
const OTHER = ['#9ca3af', '#d97706'];

export const LOCALITY_COLORS: Readonly<Record<Locality, string>> = { local: '#16a34a', cloud: '#2563eb', unknown: '#d97706', none: '#9ca3af' };

export function modelColors(models: ReadonlyArray<{ model: string; locality: Locality }>): Map<string, string> {
  const used = { local: 0, cloud: 0, other: 0 };
  const colors = new Map<string, string>();
  for (const { model, locality } of models) {
    const family = locality === 'local' ? LOCAL : locality === 'cloud' ? CLOUD : OTHER;
    const slot = locality === 'local' ? used.local++ : locality === 'cloud' ? used.cloud++ : used.other++;
    colors.set(model, family[slot % family.length] ?? '#9ca3af');
  }
  return colors;
}
