const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export const ZERO_MAC = '00:00:00:00:00:00';

/** Lower-cases and checks a colon-separated MAC; returns null when malformed. */
export function normalizeMac(text: string): string | null {
  const mac = text.trim().toLowerCase();
  return MAC_RE.test(mac) ? mac : null;
}

/** The group bit (lowest bit of the first octet) marks multicast and broadcast. */
export function isMulticastMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}
