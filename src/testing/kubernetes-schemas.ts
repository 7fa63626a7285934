import { z } from 'zod';

/**
 * The consumers' documented types, written as zod schemas so tests can hold
 * every exported document against them. Each follows its Go source's json
 * names, types and kubebuilder limits; objects are strict where the
 * consumer's decoder would silently drop an unknown (misspelled) key.
 *
 * - device plugin: sriov-network-device-plugin `types.ResourceConfig` and
 *   `NetDeviceSelectors` (README "Configurations");
 * - operator: sriov-network-operator `api/v1` SriovNetworkNodePolicySpec,
 *   SriovNetworkNicSelector, SriovNetworkSpec;
 * - CNI: sriov-cni `pkg/types` NetConf (docs/configuration-reference.md);
 * - Multus: NetworkAttachmentDefinition (k8s.cni.cncf.io/v1).
 */

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const hex4 = z.string().regex(/^[0-9a-f]{4}$/, '4 lower-case hex digits');
/** DNS-1123 subdomain: object names. */
const subdomain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a DNS-1123 subdomain');
/** DNS-1123 label: namespaces. */
const label = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label');
/** Both the plugin and the operator refuse anything but letters, digits and `_`. */
const resourceName = z.string().regex(/^[a-zA-Z0-9_]+$/, 'letters, digits and _ only');
const onOff = z.enum(['on', 'off']);
const pciAddress = z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/);

const metadata = z.object({ name: subdomain, namespace: label }).strict();

/** `NetDeviceSelectors`; a pfName may end in `#` and a list of indices or ranges. */
export const netDeviceSelectorsSchema = z
  .object({
    vendors: z.array(hex4).optional(),
    devices: z.array(hex4).optional(),
    drivers: z.array(z.string().min(1)).optional(),
    pciAddresses: z.array(pciAddress).optional(),
    acpiIndexes: z.array(z.string()).optional(),
    pfNames: z.array(z.string().regex(/^[^#]+(#\d+(-\d+)?(,\d+(-\d+)?)*)?$/)).optional(),
    rootDevices: z.array(pciAddress).optional(),
    linkTypes: z.array(z.string()).optional(),
    ddpProfiles: z.array(z.string()).optional(),
    isRdma: z.boolean().optional(),
    needVhostNet: z.boolean().optional(),
    vdpaType: z.enum(['vhost', 'virtio']).optional(),
    pKeys: z.array(z.string()).optional(),
  })
  .strict()
  // netDeviceProvider.ValidConfig: "VdpaType and IsRdma are mutually exclusive options".
  .refine((s) => !(s.isRdma === true && s.vdpaType !== undefined), {
    message: 'vdpaType and isRdma are mutually exclusive',
  });

export const resourceConfigSchema = z
  .object({
    resourceName,
    resourcePrefix: z.string().optional(),
    deviceType: z.enum(['netDevice', 'accelerator', 'auxNetDevice']).optional(),
    excludeTopology: z.boolean().optional(),
    selectors: z.union([netDeviceSelectorsSchema, z.array(netDeviceSelectorsSchema)]),
    additionalInfo: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  })
  .strict();

export const devicePluginConfigSchema = z
  .object({ resourceList: z.array(resourceConfigSchema) })
  .strict()
  .superRefine((c, ctx) => {
    // The plugin refuses two resources of one name under one prefix.
    const seen = new Set<string>();
    c.resourceList.forEach((r, i) => {
      const key = `${r.resourcePrefix ?? ''}/${r.resourceName}`;
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['resourceList', i], message: `${key} twice` });
      seen.add(key);
    });
  });

/** A ConfigMap whose every value is a device plugin config (one per node). */
export const devicePluginConfigMapSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('ConfigMap'),
    metadata,
    data: z.record(
      z.string(),
      z.string().transform((s, ctx) => {
        const r = devicePluginConfigSchema.safeParse(JSON.parse(s));
        if (!r.success) ctx.addIssue({ code: 'custom', message: r.error.message });
        return s;
      }),
    ),
  })
  .strict();

export const sriovNetworkNodePolicySchema = z
  .object({
    apiVersion: z.literal('sriovnetwork.openshift.io/v1'),
    kind: z.literal('SriovNetworkNodePolicy'),
    metadata,
    spec: z
      .object({
        resourceName,
        nodeSelector: z.record(z.string(), z.string()),
        priority: int(0, 99).optional(),
        mtu: int(1).optional(),
        numVfs: int(0),
        nicSelector: z
          .object({
            vendor: hex4.optional(),
            deviceID: hex4.optional(),
            rootDevices: z.array(pciAddress).optional(),
            // The operator parses one `#first-last` range per name.
            pfNames: z.array(z.string().regex(/^[^#]+(#\d+-\d+)?$/)).optional(),
            netFilter: z.string().optional(),
          })
          .strict(),
        deviceType: z.enum(['netdevice', 'vfio-pci']).optional(),
        isRdma: z.boolean().optional(),
        needVhostNet: z.boolean().optional(),
        linkType: z.enum(['eth', 'ETH', 'ib', 'IB']).optional(),
        eSwitchMode: z.enum(['legacy', 'switchdev']).optional(),
        vdpaType: z.enum(['virtio', 'vhost']).optional(),
        excludeTopology: z.boolean().optional(),
        externallyManaged: z.boolean().optional(),
      })
      .strict()
      // The operator's webhook (staticValidateSriovNetworkNodePolicy): vDPA
      // needs netdevice VFs of a PF in switchdev mode.
      .refine((s) => s.vdpaType === undefined || s.deviceType !== 'vfio-pci', {
        message: 'vdpaType needs deviceType netdevice',
      })
      .refine((s) => s.vdpaType === undefined || s.eSwitchMode === 'switchdev', {
        message: 'vdpa requires the device to be configured in switchdev mode',
      }),
  })
  .strict();

const rates = (s: { minTxRate?: number | undefined; maxTxRate?: number | undefined }): boolean =>
  !s.maxTxRate || (s.minTxRate ?? 0) <= s.maxTxRate;

export const sriovNetworkSchema = z
  .object({
    apiVersion: z.literal('sriovnetwork.openshift.io/v1'),
    kind: z.literal('SriovNetwork'),
    metadata,
    spec: z
      .object({
        networkNamespace: label.optional(),
        resourceName,
        capabilities: z.string().optional(),
        ipam: z.string().optional(),
        vlan: int(0, 4096).optional(),
        vlanQoS: int(0, 7).optional(),
        vlanProto: z.enum(['802.1q', '802.1Q', '802.1ad', '802.1AD']).optional(),
        spoofChk: onOff.optional(),
        trust: onOff.optional(),
        linkState: z.enum(['auto', 'enable', 'disable']).optional(),
        minTxRate: int(0).optional(),
        maxTxRate: int(0).optional(),
        metaPlugins: z.string().optional(),
        logLevel: z.enum(['panic', 'error', 'warning', 'info', 'debug']).optional(),
        logFile: z.string().optional(),
      })
      .strict()
      .refine(rates, { message: 'minTxRate must not exceed maxTxRate' }),
  })
  .strict();

/** sriov-cni's NetConf, in its own spelling. */
export const sriovCniConfigSchema = z
  .object({
    cniVersion: z.string(),
    name: z.string().min(1),
    type: z.literal('sriov'),
    ipam: z.record(z.string(), z.unknown()).optional(),
    deviceID: pciAddress.optional(),
    vlan: int(0, 4094).optional(),
    vlanQoS: int(0, 7).optional(),
    vlanProto: z.enum(['802.1q', '802.1ad']).optional(),
    mac: z.string().optional(),
    spoofchk: onOff.optional(),
    trust: onOff.optional(),
    link_state: z.enum(['auto', 'enable', 'disable']).optional(),
    min_tx_rate: int(0).optional(),
    max_tx_rate: int(0).optional(),
    logLevel: z.string().optional(),
    logFile: z.string().optional(),
  })
  .strict()
  .refine((c) => !c.max_tx_rate || (c.min_tx_rate ?? 0) <= c.max_tx_rate, {
    message: 'min_tx_rate must not exceed max_tx_rate',
  })
  .refine((c) => !c.vlanQoS || (c.vlan ?? 0) !== 0, { message: 'vlanQoS needs a vlan' });

export const networkAttachmentDefinitionSchema = z
  .object({
    apiVersion: z.literal('k8s.cni.cncf.io/v1'),
    kind: z.literal('NetworkAttachmentDefinition'),
    metadata: z
      .object({
        name: subdomain,
        namespace: label,
        annotations: z
          .object({ 'k8s.v1.cni.cncf.io/resourceName': z.string().regex(/^[^/]+\/[a-zA-Z0-9_]+$/) })
          .strict(),
      })
      .strict(),
    spec: z
      .object({
        config: z.string().transform((s, ctx) => {
          const r = sriovCniConfigSchema.safeParse(JSON.parse(s));
          if (!r.success) ctx.addIssue({ code: 'custom', message: r.error.message });
          return s;
        }),
      })
      .strict(),
  })
  .strict();

/** Every kind the Kubernetes export writes, by `kind`. */
export const kubernetesDocumentSchema = z.discriminatedUnion('kind', [
  devicePluginConfigMapSchema,
  sriovNetworkNodePolicySchema,
  sriovNetworkSchema,
  networkAttachmentDefinitionSchema,
]);
