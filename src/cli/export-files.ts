import { stringify } from 'yaml';
import {
  configJson,
  kubernetesDocuments,
  type KubernetesExport,
} from '../core/exports/kubernetes-export.js';
import type { LibvirtPool } from '../core/exports/libvirt-pools.js';

/** One file of an export, relative to `--out DIR`. */
export interface ExportFile {
  readonly path: string;
  readonly content: string;
}

interface Named {
  metadata: { name: string; namespace: string };
}

/** No folding: JSON held in a string (a NAD's config) stays on one line, as written. */
const yamlDoc = (doc: object): string => stringify(doc, { lineWidth: 0 });

/** The documents as one multi-document YAML stream (for `kubectl apply -f -`). */
export const kubernetesStream = (e: KubernetesExport): string =>
  kubernetesDocuments(e).map(yamlDoc).join('---\n');

/**
 * The export as files: each manifest on its own, each node's plain
 * config.json (for a plugin run without the ConfigMap), and a
 * kustomization.yaml listing the manifests, so `kubectl apply -k DIR`
 * (or `kubectl kustomize DIR`) takes them all.
 */
export function kubernetesFiles(e: KubernetesExport): ExportFile[] {
  const manifests: ExportFile[] = [
    { path: 'device-plugin-configmap.yaml', content: yamlDoc(e.configMap) },
    ...e.policies.map((p) => ({ path: `policies/${p.metadata.name}.yaml`, content: yamlDoc(p) })),
    ...e.networks.map((n: Named) => ({
      path: `networks/${n.metadata.namespace}.${n.metadata.name}.yaml`,
      content: yamlDoc(n),
    })),
  ];
  const configs = [...e.devicePluginConfigs].map(([node, c]) => ({
    path: `device-plugin/${node}.json`,
    content: configJson(c),
  }));
  const kustomization = yamlDoc({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: manifests.map((f) => f.path),
  });
  return [...manifests, ...configs, { path: 'kustomization.yaml', content: kustomization }];
}

/** One pool per file, by host: `<host>/<network>.xml` (`virsh net-define` on that host). */
export const libvirtFiles = (pools: readonly LibvirtPool[]): ExportFile[] =>
  pools.map((p) => ({ path: `${p.host}/${p.name}.xml`, content: ensureNewline(p.xml) }));

/** All pools on stdout, each introduced by a comment naming its host (still one XML document each). */
export const libvirtStream = (pools: readonly LibvirtPool[]): string =>
  pools.map((p) => `<!-- host ${p.host}: ${p.name} -->\n${ensureNewline(p.xml)}`).join('');

const ensureNewline = (s: string): string => (s.endsWith('\n') ? s : `${s}\n`);
