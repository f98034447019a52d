/** Route and model name patterns in key permissions: `*` matches any run of characters, `?` one. */

export function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`);
}

/** A matcher for a list of patterns (any may match); `['*']` matches everything without a regex. */
export function compileGlobs(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.includes('*')) return () => true;
  const regexps = patterns.map(globToRegExp);
  return (name) => regexps.some((r) => r.test(name));
}
