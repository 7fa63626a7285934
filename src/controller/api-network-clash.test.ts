import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../testing/controller-harness.js';
import type { Harness } from '../testing/controller-harness.js';
import { basicCatalog } from '../testing/fleet-sim.js';
import { STORE_KINDS, stopPgCluster } from '../testing/store-targets.js';

afterAll(stopPgCluster);

/**
 * A network's two unique keys, told apart: a name in use within its tenant
 * (field `name`) and a VLAN in use on its physnet (field `vlan`, naming the
 * network that holds it, another tenant's only to an admin).
 */
describe.each(STORE_KINDS)('network clashes on %s', (kind) => {
  let h: Harness;
  let globex: string;

  beforeAll(async () => {
    h = await startHarness(kind);
    await basicCatalog(h, 4); // acme/blue on p1, VLAN 100
    globex = await h.token('tenant', { tenant: 'globex' });
  }, 60_000);
  afterAll(() => h.close());

  it('create: a taken VLAN names field vlan and the holder, never a name clash', async () => {
    const r = await h.call('POST', '/v1/networks', h.admin, {
      name: 'red',
      physnet: 'p1',
      vlan: 100,
      tenant: 'acme',
    });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      code: 'CONFLICT',
      message:
        'VLAN 100 on physnet p1 is already taken by network blue of tenant acme; pick another VLAN or omit it for the lowest free one',
      details: { field: 'vlan', holder: 'acme/blue' },
    });
  });

  it('create: a taken name names field name, whatever the VLAN', async () => {
    const r = await h.call('POST', '/v1/networks', h.admin, {
      name: 'blue',
      physnet: 'p1',
      vlan: 150,
      tenant: 'acme',
    });
    expect(r).toMatchObject({
      status: 409,
      body: { message: 'network blue already exists for tenant acme', details: { field: 'name' } },
    });
  });

  it("create by a tenant: another tenant's network is not named", async () => {
    const r = await h.call('POST', '/v1/networks', globex, {
      name: 'g1',
      physnet: 'p1',
      vlan: 100,
    });
    expect(r.status).toBe(409);
    expect(r.body.message).toBe(
      "VLAN 100 on physnet p1 is already taken by another tenant's network; pick another VLAN or omit it for the lowest free one",
    );
    expect(r.body.details).toEqual({ field: 'vlan', kind: 'network' });
  });

  it('update: moving onto a taken VLAN, or renaming onto a taken name, says which', async () => {
    const made = await h.call('POST', '/v1/networks', globex, { name: 'g2', physnet: 'p1' });
    expect(made.status).toBe(201);
    const id = String(made.body.id);
    const g3 = await h.call('POST', '/v1/networks', globex, { name: 'g3', physnet: 'p1' });
    expect(g3.status).toBe(201);
    const vlan = await h.call('PATCH', `/v1/networks/${id}`, globex, {
      vlan: Number(g3.body.vlan),
    });
    expect(vlan).toMatchObject({
      status: 409,
      body: { details: { field: 'vlan', holder: 'globex/g3' } },
    });
    expect(String(vlan.body.message)).toContain('taken by network g3 of tenant globex');
    const other = await h.call('PATCH', `/v1/networks/${id}`, globex, { vlan: 100 });
    expect(other.body.message).toContain("another tenant's network");
    const asAdmin = await h.call('PATCH', `/v1/networks/${id}`, h.admin, { vlan: 100 });
    expect(asAdmin.body.details).toMatchObject({ field: 'vlan', holder: 'acme/blue' });
    const name = await h.call('PATCH', `/v1/networks/${id}`, globex, { name: 'g3' });
    expect(name).toMatchObject({
      status: 409,
      body: { message: 'network g3 already exists for tenant globex', details: { field: 'name' } },
    });
  });
});
