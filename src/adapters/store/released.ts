/**
 * The columns of a VF or whole PF its port let go: free, but dirty until
 * the agent applied generation `gen` (the reset), so no one gets a device
 * still carrying the last tenant's settings.
 */
export const released = (gen: number) => ({
  state: 'free',
  dirty: true,
  port_id: null,
  reserved_until: null,
  pending_generation: gen,
  note: null,
});
