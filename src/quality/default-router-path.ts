/**
 * Where the shipped zero-shot router artifact lives, relative to the package root (`files` in package.json
 * ships models/). Its own module so `tandem init` names it without loading the training code.
 */
export const DEFAULT_ROUTER_ARTIFACT_PATH = 'models/router-default.json';
