/**
 * `${VAR}` and `${VAR:-default}` in string values, resolved after YAML parsing (so a value can never
 * inject YAML structure) and before validation (so validation sees the real values).
 *
 * Secrets are the reason this exists: tandem.yaml holds `${OPENAI_API_KEY}`, never the key. A missing
 * variable is an error naming it and where it was used, except where `optional(path)` says the value may
 * simply be absent (a model's api_key): there the key is dropped and a warning says so, so a gateway with
 * some keys unset still starts and reports those models unavailable.
 */
import type { ConfigIssue } from './config-error.js';
import { formatPath, type PathSegment } from './config-path.js';

export interface InterpolateOptions {
  env: Record<string, string | undefined>;
  /** Paths where a missing variable drops the key with a warning instead of failing. */
  optional?: (path: readonly PathSegment[]) => boolean;
}

export interface Interpolated {
  value: unknown;
  issues: ConfigIssue[];
  warnings: string[];
}

// `$${` is an escaped literal `${`; otherwise `${NAME}` or `${NAME:-default}` (default used when unset or empty, as in sh).
const REFERENCE = /\$(\$)?\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const UNSET = Symbol('unset');

export function interpolateEnv(value: unknown, options: InterpolateOptions): Interpolated {
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const optional = options.optional ?? (() => false);

  const visit = (node: unknown, path: PathSegment[]): unknown => {
    if (typeof node === 'string') return substitute(node, path);
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) {
        const replaced = visit(child, [...path, key]);
        if (replaced !== UNSET) out[key] = replaced;
      }
      return out;
    }
    return node;
  };

  const substitute = (text: string, path: PathSegment[]): string | typeof UNSET => {
    const missing: string[] = [];
    const used: string[] = [];
    const result = text.replace(REFERENCE, (whole, escaped: string | undefined, body: string) => {
      if (escaped !== undefined) return whole.slice(1);
      const separator = body.indexOf(':-');
      const name = separator === -1 ? body : body.slice(0, separator);
      if (!NAME.test(name)) {
        issues.push({
          path: formatPath(path),
          message: `"${whole}" is not a valid environment variable reference; write \${NAME} or \${NAME:-default} (use $\${ for a literal \${)`,
        });
        return whole;
      }
      const found = options.env[name];
      used.push(name);
      if (separator !== -1) return found === undefined || found === '' ? body.slice(separator + 2) : found;
      if (found === undefined) {
        missing.push(name);
        return '';
      }
      return found;
    });
    if (optional(path)) {
      // An empty key would be sent as `Bearer ` and fail on every call; treat it like an unset one.
      const empty = missing.length === 0 && result === '' && used.length > 0;
      if (missing.length > 0 || empty) {
        const what = empty
          ? `environment variable ${used.join(', ')} is empty`
          : `environment variable ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set`;
        warnings.push(`${formatPath(path)}: ${what}; this model has no API key and will be reported unavailable`);
        return UNSET;
      }
      return result;
    }
    if (missing.length === 0) return result;
    issues.push({
      path: formatPath(path),
      message: `environment variable ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set; set it or write \${${missing[0]}:-default}`,
    });
    return result;
  };

  const out = visit(value, []);
  return { value: out === UNSET ? undefined : out, issues, warnings };
}
