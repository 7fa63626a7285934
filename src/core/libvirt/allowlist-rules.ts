/**
 * The vocabulary of the domain allowlist (domain-allowlist.ts,
 * device-allowlist.ts): what a rule for an element says, common value
 * patterns, and the guest-side address and alias every device may carry.
 */

/** Allowed values: any (still no host path), a closed list, or a pattern. */
export type ValueRule = 'any' | readonly string[] | RegExp;

export interface ElementRule {
  readonly attrs?: Readonly<Record<string, ValueRule>>;
  readonly children?: Readonly<Record<string, ElementRule>>;
  /** Text content; absent: none. */
  readonly text?: ValueRule;
  /** Every descendant allowed with any attributes (still no host path): `<features>`. */
  readonly free?: boolean;
}

export const NUM = /^-?[0-9]{1,20}$/;
export const HEX = /^(0x)?[0-9a-fA-F]{1,16}$/;
export const WORD = /^[A-Za-z0-9_.:+-]{1,64}$/;
export const YES_NO = ['yes', 'no'];
export const ON_OFF = ['on', 'off'];
export const UNIT = /^[A-Za-z]{1,8}$/;
export const LOCAL = ['127.0.0.1', '::1', 'localhost'];

export const leaf = (text: ValueRule, attrs: Record<string, ValueRule> = {}): ElementRule => ({
  attrs,
  text,
});
export const flag = (attrs: Record<string, ValueRule> = {}): ElementRule => ({ attrs });

/** Guest-side addresses (where the device sits in the guest), and user aliases. */
export const ADDRESS: ElementRule = flag({
  type: WORD,
  domain: HEX,
  bus: HEX,
  slot: HEX,
  function: HEX,
  multifunction: ON_OFF,
  controller: NUM,
  target: NUM,
  unit: NUM,
  port: /^[0-9.]{1,16}$/,
  reg: HEX,
  base: HEX,
  iobase: HEX,
  irq: HEX,
});
export const ALIAS: ElementRule = flag({ name: /^ua-[A-Za-z0-9_-]{1,60}$/ });
export const placed = (r: ElementRule): ElementRule => ({
  ...r,
  children: { ...r.children, address: ADDRESS, alias: ALIAS },
});

/** Resource tuning elements: each a number with an optional unit. */
export const TUNING = (names: readonly string[]): ElementRule => ({
  children: Object.fromEntries(names.map((n) => [n, leaf(NUM, { unit: UNIT })])),
});
