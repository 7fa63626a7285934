import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { createExecRunner } from '../adapters/exec/exec-runner.js';
import type { CommandResult } from '../core/ports.js';
import { kubernetesDocuments, kubernetesExport } from '../core/exports/kubernetes-export.js';
import type { NetworkFormat } from '../core/exports/kubernetes-networks.js';
import { exampleHosts, exampleNetworks } from '../core/exports/owned-devices-examples.js';
import { switchdevHosts } from '../core/exports/switchdev-examples.js';
import { kubernetesDocumentSchema } from '../testing/kubernetes-schemas.js';
import type { ExportFile } from '../core/exports/export-fleet.js';
import { kubernetesFiles, kubernetesStream } from './export-files.js';

/**
 * The export's files as kubectl reads them, client side only: `kubectl
 * kustomize` decodes every manifest as a Kubernetes object, and `kubectl
 * create configmap --dry-run=client` builds the device plugin ConfigMap
 * from the per-node files. KUBECONFIG is an empty file, so no cluster is
 * ever contacted.
 */
let dir = '';
let kubectl: (args: string[]) => Promise<CommandResult>;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vfleet-kubectl-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  await writeFile(kubeconfig, '');
  const runner = createExecRunner({
    path: process.env.PATH,
    env: { HOME: dir, KUBECONFIG: kubeconfig },
  });
  kubectl = (args) => runner.run('kubectl', args, { timeoutMs: 60_000 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeAll(root: string, files: readonly ExportFile[]): Promise<void> {
  for (const f of files) {
    await mkdir(path.dirname(path.join(root, f.path)), { recursive: true });
    await writeFile(path.join(root, f.path), f.text);
  }
}

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string };
}
/** The export's files written under `name`, as `kubectl kustomize` decodes them back. */
async function kustomized(name: string, files: readonly ExportFile[]): Promise<unknown[]> {
  const root = path.join(dir, name);
  await writeAll(root, files);
  const r = await kubectl(['kustomize', root]);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as unknown);
}

/** The ConfigMap kubectl builds from the node files (`--from-file=NODE=PATH` each), as the export would apply it. */
async function configMapFrom(fromFiles: readonly string[]): Promise<unknown> {
  const r = await kubectl([
    'create',
    'configmap',
    'sriovdp-config',
    '--namespace=kube-system',
    ...fromFiles,
    '--dry-run=client',
    '-o',
    'yaml',
  ]);
  expect(r.stderr).toBe('');
  const made = parse(r.stdout) as { metadata: Record<string, unknown> };
  delete made.metadata.creationTimestamp;
  return made;
}

const key = (o: Obj): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const byKey = (docs: readonly unknown[]): unknown[] =>
  [...(docs as Obj[])].sort((a, b) => (key(a) < key(b) ? -1 : 1));

describe.each(['sriovnetwork', 'nad'] as NetworkFormat[])(
  'kubectl reads the %s export',
  (format) => {
    const exported = kubernetesExport(
      { hosts: exampleHosts, networks: exampleNetworks },
      { format, resourcePrefix: 'openshift.io' },
    );

    it('kustomize decodes every manifest back to the same objects', async () => {
      const back = await kustomized(format, kubernetesFiles(exported));
      expect(byKey(back)).toEqual(byKey(kubernetesDocuments(exported)));
      for (const doc of back) expect(kubernetesDocumentSchema.safeParse(doc).success).toBe(true);
    });

    it('the stdout stream parses to the same documents', () => {
      const docs = parseAllDocuments(kubernetesStream(exported)).map((d) => d.toJS() as unknown);
      expect(docs).toEqual(kubernetesDocuments(exported));
    });
  },
);

describe('kubectl reads the export of switchdev PFs and vDPA VFs', () => {
  const exported = kubernetesExport(
    { hosts: switchdevHosts, networks: exampleNetworks },
    { format: 'nad', resourcePrefix: 'openshift.io' },
  );

  it('kustomize decodes the policy with eSwitchMode and the ConfigMap with vdpaType', async () => {
    const back = await kustomized('switchdev', kubernetesFiles(exported));
    expect(byKey(back)).toEqual(byKey(kubernetesDocuments(exported)));
    const docs = back as { kind: string; spec?: { eSwitchMode?: string }; data?: object }[];
    expect(
      docs.filter((d) => d.kind === 'SriovNetworkNodePolicy').map((d) => d.spec?.eSwitchMode),
    ).toEqual(['switchdev', undefined]);
    const config = JSON.parse(
      (docs.find((d) => d.kind === 'ConfigMap')?.data as Record<string, string>)['node-s'] ?? '',
    ) as { resourceList: { resourceName: string; selectors: { vdpaType?: string }[] }[] };
    expect(
      config.resourceList.map((res) => [res.resourceName, res.selectors[0]?.vdpaType]),
    ).toEqual([
      ['vfleet_physnet1_switchdev', undefined],
      ['vfleet_physnet1_vdpa', 'vhost'],
      ['vfleet_physnet1', undefined],
    ]);
  });

  it('kubectl builds the same ConfigMap from the node file', async () => {
    const root = path.join(dir, 'switchdev-configmap');
    await writeAll(root, kubernetesFiles(exported));
    const made = await configMapFrom([
      `--from-file=node-s=${path.join(root, 'device-plugin', 'node-s.json')}`,
    ]);
    expect(made).toEqual(exported.configMap);
  });
});

describe('kubectl and the device plugin ConfigMap', () => {
  const exported = kubernetesExport(
    { hosts: exampleHosts, networks: [] },
    { format: 'nad', resourcePrefix: 'openshift.io' },
  );

  it('kubectl builds the same ConfigMap from the per-node config files', async () => {
    const root = path.join(dir, 'configmap');
    await writeAll(root, kubernetesFiles(exported));
    const fromFiles = [...exported.devicePluginConfigs.keys()].map(
      (node) => `--from-file=${node}=${path.join(root, 'device-plugin', `${node}.json`)}`,
    );
    expect(await configMapFrom(fromFiles)).toEqual(exported.configMap);
  });

  it('kubectl refuses a manifest without kind (the check can fail)', async () => {
    const root = path.join(dir, 'broken');
    const files = kubernetesFiles(exported).map((f) =>
      f.path === 'device-plugin-configmap.yaml'
        ? { ...f, text: f.text.replace(/^kind: ConfigMap\n/m, '') }
        : f,
    );
    await writeAll(root, files);
    const r = await kubectl(['kustomize', root]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/missing kind/);
  });
});
