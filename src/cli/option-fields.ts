import { isVfleetError, VfleetError } from '../core/errors.js';

/**
 * API body field -> the option (or argument) of one command that fills it.
 * The API names its own fields (`memoryMb`); the operator typed options
 * (`--memory-mb`), so its errors are told in the options' words.
 */
export type FieldOptions = Readonly<Record<string, string>>;

/** `instance create` and `instance boot`. */
export const INSTANCE_FIELDS: FieldOptions = {
  name: 'NAME',
  vcpus: '--vcpus',
  memoryMb: '--memory-mb',
  ports: '--port',
  numaPolicy: '--numa-policy',
  hostLabels: '--host-label',
  distinctPfs: '--distinct-pfs',
  tenant: '--tenant',
  'boot.image': '--image',
  'boot.imageFormat': '--image-format',
  'boot.domainXml': '--domain-xml',
};

export const NETWORK_FIELDS: FieldOptions = {
  name: 'NAME',
  physnet: '--physnet',
  vlan: '--vlan',
  tenant: '--tenant',
};

export const PHYSNET_FIELDS: FieldOptions = { name: 'NAME', vlanRanges: '--vlan-range' };

/** `spec create` and `spec update`. */
export const SPEC_FIELDS: FieldOptions = {
  name: 'NAME',
  physnet: '--physnet',
  numVfs: '--num-vfs',
  wholePf: '--whole-pf',
  vendor: '--vendor',
  device: '--device',
  driver: '--driver',
  pciAddress: '--pci-address',
  pf: '--pf',
  trusted: '--trusted',
  vfDriver: '--vf-driver',
  eswitchMode: '--eswitch-mode',
  vdpa: '--vdpa',
};

/** The error's field in the options' words; `ports[0].mac` -> `--port #1 mac`. Others pass unchanged. */
export function inOptionWords(e: unknown, table: FieldOptions): unknown {
  // Only the API's answers carry a status; the CLI's own errors already name options.
  if (!isVfleetError(e) || e.details.status === undefined) return e;
  const field = e.details.field;
  if (typeof field !== 'string') return e;
  const head = Object.keys(table)
    .filter((k) => field === k || field.startsWith(`${k}[`) || field.startsWith(`${k}.`))
    .sort((a, b) => b.length - a.length)[0];
  if (head === undefined) return e;
  const option = table[head] ?? head;
  const rest = field.slice(head.length);
  const index = /^\[(\d+)\]\.?/.exec(rest);
  const label =
    index === null
      ? `${option}${rest === '' ? '' : ` ${rest.replace(/^\./, '')}`}`
      : `${option} #${Number(index[1]) + 1}${rest.length > index[0].length ? ` ${rest.slice(index[0].length)}` : ''}`;
  const reason = e.message.startsWith(`${field}: `) ? e.message.slice(field.length + 2) : e.message;
  // "memoryMb must be 1 to ..." after "--memory-mb:" would name it twice, once wrongly.
  const last =
    field
      .split(/[.[\]]+/)
      .filter((x) => x !== '')
      .pop() ?? field;
  const message = `${label}: ${reason.startsWith(`${last} `) ? reason.slice(last.length + 1) : reason}`;
  const named = rest === '' ? option.replace(/^--/, '').toLowerCase() : field;
  return new VfleetError(e.code, message, { ...e.details, field: named, apiField: field });
}

/** `--memory-mb is required`, the same words for every option a command cannot do without. */
export const requiredOption = (option: string): VfleetError =>
  new VfleetError('INVALID_INPUT', `${option} is required`, {
    field: option.replace(/^--/, '').toLowerCase(),
  });
