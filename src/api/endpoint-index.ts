/**
 * `GET /`: what a person or a script finds at the gateway's root: the public endpoints, the dashboard, and
 * the docs. Admin endpoints are listed only to a request carrying the admin key, so the root does not
 * advertise them to anyone who can reach the port.
 */
export interface EndpointIndex {
  service: 'tandem';
  /** The OpenAI base URL path to give clients. */
  openai_base_path: '/v1';
  endpoints: string[];
  /** Present only for the admin key. */
  admin_endpoints?: string[];
  dashboard: '/dashboard';
  hint: string;
}

export function endpointIndex(options: { endpoints: readonly string[]; admin: ReadonlySet<string>; showAdmin: boolean }): EndpointIndex {
  const endpoints = options.endpoints.filter((e) => !options.admin.has(e) && e !== 'GET /');
  return {
    service: 'tandem',
    openai_base_path: '/v1',
    endpoints,
    ...(options.showAdmin ? { admin_endpoints: options.endpoints.filter((e) => options.admin.has(e)) } : {}),
    dashboard: '/dashboard',
    hint: 'Point any OpenAI client at this address + /v1 and send model "tandem/auto"; open /dashboard in a browser (it asks for the admin key).',
  };
}
