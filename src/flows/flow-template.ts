/**
 * Flow prompt templates: `{{input}}`, `{{intent}}`, `{{task}}`, `{{results}}`, `{{fields}}` (the triage's
 * JSON) and `{{fields.<name>}}` (one field: a string as it is, anything else as JSON). An unknown
 * placeholder renders empty, so a template never leaks its own braces to a model.
 */
export interface TemplateVars {
  input: string;
  intent?: string;
  task?: string;
  results?: string;
  fields?: Record<string, unknown>;
}

export function renderTemplate(template: string, vars: TemplateVars): string {
  return template.replace(/\{\{\s*([a-z_]+)(?:\.([A-Za-z0-9_-]+))?\s*\}\}/g, (_match, name: string, field: string | undefined) => {
    if (name === 'fields') {
      if (field === undefined) return vars.fields === undefined ? '' : JSON.stringify(vars.fields);
      const value = vars.fields?.[field];
      if (value === undefined || value === null) return '';
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
    if (field !== undefined) return '';
    const value = (vars as unknown as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : '';
  });
}
