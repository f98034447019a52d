/**
 * Secrets that are still the placeholders of a template (deploy/kubernetes/secret.yaml's `change-me-…`).
 * Anyone who read the template knows them, so a gateway must not start with one: the Kubernetes template
 * once got applied over the real Secret by `kubectl apply -k`, and the placeholder admin key was accepted.
 */
const PLACEHOLDER = /change[-_ ]?me/i;

export function isPlaceholderSecret(value: string): boolean {
  return PLACEHOLDER.test(value);
}

export const PLACEHOLDER_SECRET_MESSAGE =
  'a template placeholder ("change-me…"), known to anyone who read the template; set a real secret, e.g. the output of `openssl rand -hex 32` (docs/deployment.md, "Kubernetes")';
