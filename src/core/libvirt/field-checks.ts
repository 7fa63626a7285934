import { isMulticastMac, normalizeMac, ZERO_MAC } from '../mac-address.js';
import { normalizePciAddress } from '../pci-address.js';
import type { Problems } from './problems.js';
import { hasNonXmlChar } from './xml-tree.js';

/** Checks of single values shared by the instance and network validators. */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Array.isArray without widening a typed list to any[]. */
export const isList = (v: unknown): v is readonly unknown[] => Array.isArray(v);

export const isUint = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/**
 * Domain and network names: libvirt refuses `/` and newlines; control
 * characters have no place in a name either. Anything else (quotes, `&`,
 * spaces, non-ASCII) is legal and is escaped on output.
 */
export function checkObjectName(problems: Problems, field: string, v: unknown): void {
  if (typeof v !== 'string' || v.trim() === '') problems.add(field, 'must be a non-empty string');
  else if (v.length > 200) problems.add(field, 'must be at most 200 characters');
  else if (v.includes('/')) problems.add(field, "must not contain '/'");
  else if (CONTROL.test(v) || hasNonXmlChar(v))
    problems.add(field, 'must not contain control characters');
}

/** Linux interface names as the kernel takes them, in the characters libvirt's schema allows. */
const IFNAME_RE = /^[A-Za-z0-9_.-]{1,15}$/;

export function checkIfname(problems: Problems, field: string, v: unknown): void {
  if (typeof v !== 'string' || !IFNAME_RE.test(v) || v === '.' || v === '..') {
    problems.add(field, 'must be an interface name (1-15 of A-Z a-z 0-9 _ . -)');
  }
}

export function checkAbsPath(problems: Problems, field: string, v: unknown): void {
  if (typeof v !== 'string' || !v.startsWith('/') || v.length < 2) {
    problems.add(field, 'must be an absolute path');
  } else if (v.length > 4096) problems.add(field, 'must be at most 4096 characters');
  else if (CONTROL.test(v) || hasNonXmlChar(v))
    problems.add(field, 'must not contain control characters');
}

export function checkMac(problems: Problems, field: string, v: unknown): string | null {
  const mac = typeof v === 'string' ? normalizeMac(v) : null;
  if (mac === null) problems.add(field, 'must be a MAC address like 52:54:00:12:34:56');
  else if (mac === ZERO_MAC) problems.add(field, 'must not be all zeros');
  else if (isMulticastMac(mac)) problems.add(field, 'must be a unicast MAC (first octet even)');
  else return mac;
  return null;
}

/** 0 means untagged; 4095 is reserved by 802.1Q. */
export function checkVlan(problems: Problems, field: string, v: unknown): void {
  if (!isUint(v) || v > 4094) problems.add(field, 'must be a VLAN id 1-4094, or 0 for untagged');
}

export function checkPciAddress(problems: Problems, field: string, v: unknown): string | null {
  if (v === null || v === undefined) {
    problems.add(field, 'is required: the device has no known PCI address');
    return null;
  }
  const a = typeof v === 'string' ? normalizePciAddress(v) : null;
  if (a === null) problems.add(field, 'must be a PCI address like 0000:3b:02.1');
  return a;
}

export function checkOptionalUint(problems: Problems, field: string, v: unknown): void {
  if (v !== null && !isUint(v)) problems.add(field, 'must be a non-negative integer or null');
}

/** Port ids become libvirt user aliases (`ua-<id>`), which allow only these characters. */
const PORT_ID_RE = /^[A-Za-z0-9_-]{1,48}$/;

export function checkPortId(problems: Problems, field: string, v: unknown): void {
  if (typeof v !== 'string' || !PORT_ID_RE.test(v)) {
    problems.add(field, 'must be 1-48 of A-Z a-z 0-9 _ -');
  }
}
