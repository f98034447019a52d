/**
 * The deployment files are checked without Docker or kubectl: every YAML under deploy/ parses, the
 * Kubernetes objects reference each other consistently (labels, ports, probe paths, Secret and ConfigMap
 * names, the config file path serve reads), the ConfigMap's tandem.yaml loads with the real loader, the
 * probe paths answer on a real server without an API key, and the Dockerfile keeps its promises
 * (multi-stage, non-root, HEALTHCHECK, exec-form entrypoint, nothing it copies excluded from the context).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseConfigText } from '../src/config/load-config.js';
import { isPlaceholderSecret } from '../src/config/placeholder-secret.js';
import type { TandemConfig } from '../src/config/schema.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';

const root = join(import.meta.dirname, '..');

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
/** Follows a path of keys and indexes; undefined when any step is missing. */
function at(value: unknown, ...path: Array<string | number>): unknown {
  let node = value;
  for (const step of path) {
    if (typeof step === 'number') node = Array.isArray(node) ? node[step] : undefined;
    else node = isObj(node) ? node[step] : undefined;
  }
  return node;
}
const str = (value: unknown, what: string): string => {
  assert.equal(typeof value, 'string', `${what} must be a string`);
  return value as string;
};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

interface Doc {
  file: string;
  body: Obj;
}

const docs: Doc[] = yamlFiles(join(root, 'deploy')).flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    assert.deepEqual(doc.errors.map(String), [], `${relative(root, file)} does not parse`);
    const body: unknown = doc.toJS();
    assert.ok(isObj(body), `${relative(root, file)}: every document is a mapping`);
    return { file: relative(root, file), body };
  }),
);
const k8s = docs.filter((d) => d.body.kind !== 'Kustomization');
const ofKind = (kind: string): Obj[] => k8s.filter((d) => d.body.kind === kind).map((d) => d.body);
const one = (kind: string): Obj => {
  const found = ofKind(kind);
  assert.equal(found.length, 1, `expected exactly one ${kind}`);
  return found[0] as Obj;
};

describe('deploy/kubernetes', () => {
  const deployment = one('Deployment');
  const pod = at(deployment, 'spec', 'template') as Obj;
  const podLabels = at(pod, 'metadata', 'labels') as Record<string, string>;
  const containers = list(at(pod, 'spec', 'containers')).filter(isObj);
  const container = containers[0] as Obj;
  const ports = list(container.ports).filter(isObj);
  const args = list(container.args).map(String);
  const argAfter = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
  const secrets = ofKind('Secret');
  const secretKeys = new Set(secrets.flatMap((s) => Object.keys({ ...(at(s, 'stringData') as Obj), ...(at(s, 'data') as Obj) })));
  const configMap = one('ConfigMap');

  const portNumber = (port: unknown): number => {
    if (typeof port === 'number') return port;
    const named = ports.find((p) => p.name === port);
    assert.ok(named, `port ${String(port)} is not a named container port`);
    return Number(named.containerPort);
  };

  /** The tandem.yaml serve reads: the file named by --config, found through the volume mounts. */
  function mountedConfig(): { key: string; text: string } {
    const configPath = argAfter('--config');
    assert.ok(configPath, 'the container passes --config');
    const mount = list(container.volumeMounts)
      .filter(isObj)
      .find((m) => configPath.startsWith(`${String(m.mountPath)}/`));
    assert.ok(mount, `no volume is mounted where --config points (${configPath})`);
    const volume = list(at(pod, 'spec', 'volumes'))
      .filter(isObj)
      .find((v) => v.name === mount.name);
    assert.ok(volume, `volume ${String(mount.name)} is not declared`);
    assert.equal(at(volume, 'configMap', 'name'), at(configMap, 'metadata', 'name'), 'the config volume is the ConfigMap');
    const key = configPath.slice(String(mount.mountPath).length + 1);
    const text = at(configMap, 'data', key);
    assert.equal(typeof text, 'string', `ConfigMap has no key ${key}`);
    return { key, text: text as string };
  }
  /** Environment the container gets: explicit env names plus every key of each Secret it loads whole. */
  function containerEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const from of list(container.envFrom).filter(isObj)) {
      const name = at(from, 'secretRef', 'name');
      const secret = secrets.find((s) => at(s, 'metadata', 'name') === name);
      assert.ok(secret, `envFrom names Secret ${String(name)}, which deploy/ does not define`);
      Object.assign(env, at(secret, 'stringData'));
    }
    for (const entry of list(container.env).filter(isObj)) {
      const ref = at(entry, 'valueFrom', 'secretKeyRef');
      if (isObj(ref)) {
        assert.ok(
          secrets.some((s) => at(s, 'metadata', 'name') === ref.name),
          `env ${String(entry.name)} names a missing Secret`,
        );
        assert.ok(secretKeys.has(String(ref.key)), `Secret key ${String(ref.key)} does not exist`);
      }
      env[String(entry.name)] = String(entry.value ?? 'from-secret');
    }
    return env;
  }
  /** The environment with the example Secret's placeholders replaced, as whoever creates the real Secret must. */
  function realEnv(): Record<string, string> {
    return Object.fromEntries(
      Object.entries(containerEnv()).map(([k, v]) => [k, isPlaceholderSecret(v) && !v.includes('://') ? randomBytes(16).toString('hex') : v]),
    );
  }
  function loadedConfig(): TandemConfig {
    return parseConfigText(mountedConfig().text, { env: realEnv(), source: 'deploy/kubernetes/configmap.yaml' }).config;
  }
  const kustomization = docs.find((d) => d.body.kind === 'Kustomization' && d.file === join('deploy', 'kubernetes', 'kustomization.yaml'));
  /** The objects `kubectl apply -k deploy/kubernetes` applies. */
  const applied = (): Doc[] => {
    const files = list(kustomization?.body.resources).map((r) => join('deploy', 'kubernetes', String(r)));
    return k8s.filter((d) => files.includes(d.file));
  };

  test('every object has apiVersion, kind and metadata.name; every Kustomization resource exists', () => {
    assert.deepEqual([...new Set(k8s.map((d) => d.body.kind))].sort(), [
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'Secret',
      'Service',
    ]);
    for (const { file, body } of k8s) {
      for (const field of ['apiVersion', 'kind']) str(body[field], `${file}: ${field}`);
      str(at(body, 'metadata', 'name'), `${file}: metadata.name`);
    }
    for (const kustomization of docs.filter((d) => d.body.kind === 'Kustomization')) {
      for (const resource of list(kustomization.body.resources)) {
        assert.ok(existsSync(join(root, 'deploy', 'kubernetes', String(resource))), `${String(resource)} is listed but missing`);
      }
    }
  });

  test('selectors of the Deployment, Service and PodDisruptionBudget match the pod labels', () => {
    const matches = (selector: unknown, what: string): void => {
      assert.ok(isObj(selector) && Object.keys(selector).length > 0, `${what} has a selector`);
      for (const [k, v] of Object.entries(selector)) assert.equal(podLabels[k], v, `${what} selects ${k}=${String(v)}`);
    };
    matches(at(deployment, 'spec', 'selector', 'matchLabels'), 'Deployment');
    matches(at(one('Service'), 'spec', 'selector'), 'Service');
    matches(at(one('PodDisruptionBudget'), 'spec', 'selector', 'matchLabels'), 'PodDisruptionBudget');
  });

  test('ports agree: the Service target, the probes, the container port and the port serve listens on', () => {
    const listen = Number(argAfter('--port') ?? loadedConfig().server.port);
    assert.equal(argAfter('--host'), '0.0.0.0', 'serve must listen beyond loopback inside a pod');
    assert.deepEqual(
      ports.map((p) => Number(p.containerPort)),
      [listen],
    );
    for (const p of list(at(one('Service'), 'spec', 'ports')).filter(isObj)) assert.equal(portNumber(p.targetPort), listen);
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      assert.equal(portNumber(at(container, probe, 'httpGet', 'port')), listen, `${probe} port`);
    }
  });

  test('readiness is on /readyz and liveness on /healthz', () => {
    assert.equal(at(container, 'readinessProbe', 'httpGet', 'path'), '/readyz');
    assert.equal(at(container, 'livenessProbe', 'httpGet', 'path'), '/healthz');
  });

  test('the ConfigMap holds the file serve reads, and it loads with the Secret keys as environment', () => {
    assert.equal(mountedConfig().key, 'tandem.yaml');
    const config = loadedConfig();
    assert.equal(config.store.type, 'postgres');
    // Every ${VAR} the config uses is set by the container's environment.
    for (const [, name] of mountedConfig().text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) {
      assert.ok(name !== undefined && name in containerEnv(), `${String(name)} is used in tandem.yaml but not set on the container`);
    }
  });

  test('shutdown fits the grace period: preStop sleep + drain timeout < terminationGracePeriodSeconds', () => {
    const grace = Number(at(pod, 'spec', 'terminationGracePeriodSeconds'));
    const command = list(at(container, 'lifecycle', 'preStop', 'exec', 'command')).map(String);
    const sleep = command[0] === 'sleep' ? Number(command[1]) : 0;
    assert.ok(sleep > 0, 'a preStop sleep lets endpoints update before the port closes');
    assert.ok(sleep * 1_000 + loadedConfig().server.drain_timeout_ms < grace * 1_000, 'Kubernetes would SIGKILL mid-drain');
  });

  test('the pod runs as non-root; HPA targets the Deployment and leaves the PDB room to evict', () => {
    assert.equal(at(pod, 'spec', 'securityContext', 'runAsNonRoot'), true);
    assert.notEqual(at(pod, 'spec', 'securityContext', 'runAsUser'), 0);
    assert.ok(isObj(at(container, 'resources', 'requests')), 'HPA on CPU needs resource requests');
    const hpa = one('HorizontalPodAutoscaler');
    assert.equal(at(hpa, 'scaleTargetRef', 'kind') ?? at(hpa, 'spec', 'scaleTargetRef', 'kind'), 'Deployment');
    assert.equal(at(hpa, 'spec', 'scaleTargetRef', 'name'), at(deployment, 'metadata', 'name'));
    const minReplicas = Number(at(hpa, 'spec', 'minReplicas'));
    const pdb = one('PodDisruptionBudget');
    const maxUnavailable = at(pdb, 'spec', 'maxUnavailable');
    const minAvailable = at(pdb, 'spec', 'minAvailable');
    assert.ok(
      typeof maxUnavailable === 'number' ? maxUnavailable >= 1 : Number(minAvailable) < minReplicas,
      'the PodDisruptionBudget must allow at least one eviction at the minimum replica count',
    );
  });

  test('kubectl apply -k applies no Secret: the real one is created out of band and never overwritten by a template', () => {
    assert.ok(kustomization, 'deploy/kubernetes/kustomization.yaml exists');
    assert.deepEqual(
      applied()
        .filter((d) => d.body.kind === 'Secret')
        .map((d) => d.file),
      [],
    );
    assert.deepEqual(
      applied()
        .map((d) => d.body.kind)
        .sort(),
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service'],
    );
    // `kubectl apply -f deploy/kubernetes` (not recursive) must not pick the example up either.
    for (const d of secrets.length > 0 ? k8s.filter((x) => x.body.kind === 'Secret') : []) {
      assert.notEqual(dirname(d.file), join('deploy', 'kubernetes'), `${d.file} sits where apply -f would apply it`);
    }
  });

  test("the example Secret's placeholder admin key is refused when the config loads, with a clear message", () => {
    const env = containerEnv();
    assert.ok(isPlaceholderSecret(env.TANDEM_ADMIN_KEY ?? ''), 'the example keeps a recognisable placeholder');
    assert.throws(
      () => parseConfigText(mountedConfig().text, { env, source: 'deploy/kubernetes/configmap.yaml' }),
      (error: Error & { format?: () => string }) =>
        /server\.admin_key: a template placeholder \("change-me…"\).*openssl rand -hex 32/.test(error.format?.() ?? error.message),
    );
    assert.equal(loadedConfig().server.admin_key?.length, 32);
  });

  test('migrations run in an initContainer before the server, which never migrates inside its start-up probe window', () => {
    const init = list(at(pod, 'spec', 'initContainers')).filter(isObj);
    const migrate = init.find((c) => list(c.args).map(String)[0] === 'migrate');
    assert.ok(migrate, 'an initContainer runs `tandem migrate`');
    const migrateArgs = list(migrate.args).map(String);
    assert.equal(migrateArgs[migrateArgs.indexOf('--config') + 1], argAfter('--config'), 'it migrates the database the server uses');
    assert.equal(migrate.image, container.image);
    assert.deepEqual(migrate.envFrom, container.envFrom);
    const configMount = list(container.volumeMounts)
      .filter(isObj)
      .find((m) => String(argAfter('--config')).startsWith(`${String(m.mountPath)}/`));
    assert.ok(
      list(migrate.volumeMounts)
        .filter(isObj)
        .some((m) => m.name === configMount?.name && m.mountPath === configMount?.mountPath),
    );
    const store = loadedConfig().store;
    assert.equal(store.type === 'postgres' ? store.migrate : undefined, 'wait', 'the server must wait for the migration, not run it');
    // The Deployment is not reported failed while a long migration runs (007 took 222 s on 10M rows).
    assert.ok(Number(at(deployment, 'spec', 'progressDeadlineSeconds')) >= 900);
    const startup = Number(at(container, 'startupProbe', 'periodSeconds')) * Number(at(container, 'startupProbe', 'failureThreshold'));
    assert.ok(startup >= 30, `the start-up probe allows ${startup} s: enough to connect and check the schema`);
  });

  test("at most HPA max plus surge replicas, each with its pool, fit in PostgreSQL's max_connections", () => {
    const hpa = one('HorizontalPodAutoscaler');
    const store = loadedConfig().store;
    assert.equal(store.type, 'postgres');
    const poolSize = store.type === 'postgres' ? store.pool_size : 0;
    const annotations = at(hpa, 'metadata', 'annotations') as Record<string, string>;
    const maxConnections = Number(annotations['tandem.dev/postgres-max-connections']);
    const reserved = Number(annotations['tandem.dev/postgres-reserved-connections']);
    assert.ok(maxConnections > 0 && reserved >= 3, 'hpa.yaml records the database it was sized for');
    const maxReplicas = Number(at(hpa, 'spec', 'maxReplicas'));
    const surge = Number(at(deployment, 'spec', 'strategy', 'rollingUpdate', 'maxSurge'));
    // Per replica beyond its pool: the health probe's connection, and the two of the schema check at start-up.
    const perReplica = poolSize + 3;
    const peak = (maxReplicas + surge) * perReplica + reserved;
    assert.ok(peak <= maxConnections, `(${maxReplicas} + ${surge}) × (${poolSize} + 3) + ${reserved} = ${peak} > max_connections ${maxConnections}`);
  });

  describe('probe paths on a real server with API keys on', () => {
    let harness: Harness;
    before(async () => {
      harness = await startGateway(
        {
          server: { api_keys: ['a-client-key'] },
          models: { m: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1', locality: 'local', context_window: 4096 } },
        },
        { apiKey: 'a-client-key' },
      );
    });
    after(() => harness.close());

    test('answer 200 without an API key (kubelet sends none)', async () => {
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const path = str(at(container, probe, 'httpGet', 'path'), probe);
        assert.equal((await fetch(`${harness.url}${path}`)).status, 200, `${probe} ${path}`);
      }
    });
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  // Instructions with their continuation lines joined; comments dropped.
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
  const stages = instructions.filter((i) => i.keyword === 'FROM');
  const finalStage = instructions.slice(instructions.lastIndexOf(stages[stages.length - 1] ?? instructions[0]!));

  test('is multi-stage and every COPY --from names an earlier stage', () => {
    assert.ok(stages.length >= 2);
    const names = stages.map((s) => /\bAS\s+(\S+)/i.exec(s.args)?.[1]).filter((n): n is string => n !== undefined);
    for (const copy of instructions.filter((i) => i.keyword === 'COPY')) {
      const from = /--from=(\S+)/.exec(copy.args)?.[1];
      if (from !== undefined) assert.ok(names.includes(from), `COPY --from=${from}: no such stage`);
    }
  });

  test('the final stage runs as a non-root user, has a HEALTHCHECK on /healthz and an exec-form ENTRYPOINT', () => {
    const user = finalStage.filter((i) => i.keyword === 'USER').at(-1)?.args;
    assert.ok(user !== undefined && !['root', '0', '0:0'].includes(user), 'USER must be set to a non-root user');
    const health = finalStage.find((i) => i.keyword === 'HEALTHCHECK');
    assert.ok(health?.args.includes('/healthz'), 'HEALTHCHECK must probe /healthz');
    const entrypoint = finalStage.find((i) => i.keyword === 'ENTRYPOINT');
    // Shell form would put /bin/sh at PID 1, which does not forward SIGTERM: no graceful shutdown.
    assert.ok(entrypoint !== undefined && Array.isArray(JSON.parse(entrypoint.args)), 'ENTRYPOINT must be exec form');
    const expose = finalStage.find((i) => i.keyword === 'EXPOSE')?.args;
    const cmd = JSON.parse(finalStage.find((i) => i.keyword === 'CMD')?.args ?? '[]') as string[];
    assert.equal(cmd[cmd.indexOf('--port') + 1], expose);
    assert.ok(health?.args.includes(`:${expose}/`), 'HEALTHCHECK must use the exposed port');
  });

  test('everything it copies from the build context exists and is not excluded by .dockerignore', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const copy of instructions.filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))) {
      const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) {
        assert.ok(existsSync(join(root, source)), `COPY ${source}: not in the repository`);
        const top = source.replace(/\/$/, '');
        assert.ok(!ignored.includes(top), `COPY ${source}: excluded by .dockerignore`);
      }
    }
    for (const required of ['package.json', 'package-lock.json', 'src', 'bin']) {
      assert.ok(
        instructions.some((i) => i.keyword === 'COPY' && i.args.split(/\s+/).includes(required)),
        `the image needs ${required}`,
      );
    }
  });
});
