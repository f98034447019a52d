/**
 * Everything wrong with a config file, reported at once: a user fixing tandem.yaml should see every
 * problem in one run, each on its own line with the exact path and, where we can guess, the intended value.
 */

export interface ConfigIssue {
  /** Dotted path into the YAML document, e.g. `routes.tandem/auto.router.small`; empty for the whole file. */
  path: string;
  /** Plain English a user can act on. */
  message: string;
  /** The closest valid key, name or value, printed as `(did you mean "x"?)`. */
  suggestion?: string;
  /** 1-based position in the file, known for YAML syntax errors. */
  line?: number;
  col?: number;
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  /** The file (or label) the issues refer to. */
  readonly source: string;

  constructor(options: { source: string; issues: readonly ConfigIssue[] }) {
    super(formatIssues(options.source, options.issues));
    this.name = 'ConfigError';
    this.source = options.source;
    this.issues = options.issues;
  }

  /** One line per issue: `<file>: <path>: <message> (did you mean "<x>"?)`. */
  format(): string {
    return formatIssues(this.source, this.issues);
  }
}

export function formatIssue(source: string, issue: ConfigIssue): string {
  const where = issue.line === undefined ? source : `${source}:${issue.line}:${issue.col ?? 1}`;
  const path = issue.path === '' ? '' : `${issue.path}: `;
  const hint = issue.suggestion === undefined ? '' : ` (did you mean "${issue.suggestion}"?)`;
  return `${where}: ${path}${issue.message}${hint}`;
}

function formatIssues(source: string, issues: readonly ConfigIssue[]): string {
  return issues.map((issue) => formatIssue(source, issue)).join('\n');
}
