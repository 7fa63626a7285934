import { describe, expect, it } from 'vitest';
import {
  HOST_A,
  migratingInstance,
  migrationRequest,
} from '../../testing/live-migration-fixture.js';
import { VfleetError } from '../errors.js';
import {
  exampleMacvtap,
  examplePhysical,
  exampleVdpa,
  exampleVf,
} from '../libvirt/domain-request-examples.js';
import type { DomainPort } from '../libvirt/domain-request.js';
import type { MigrationRequest } from './live-migration-types.js';
import { planLiveMigration } from './live-migration-plan.js';

function refusal(req: MigrationRequest): VfleetError {
  try {
    planLiveMigration(req);
  } catch (e) {
    if (e instanceof VfleetError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('planning a migration', () => {
  it('lays out reservations, a check, detaches, one migration, attaches, confirms, then releases', () => {
    const plan = planLiveMigration(migrationRequest());
    expect(plan.steps.map((s) => `${s.id}/${s.phase}`)).toEqual([
      'reserve-target-vf:p1/transaction',
      'reserve-target-vf:p2/transaction',
      'check-target-vfs/transaction',
      'detach-source-vf:p1/transaction',
      'detach-source-vf:p2/transaction',
      'migrate/transaction',
      'attach-target-vf:p1/transaction',
      'attach-target-vf:p2/transaction',
      'confirm-target-vf:p1/transaction',
      'confirm-target-vf:p2/transaction',
      'release-source-vf:p1/cleanup',
      'release-source-vf:p2/cleanup',
    ]);
  });

  it('between render-only hosts: no hot-plug, the definition moves in the migrate step', () => {
    const req = {
      ...migrationRequest(),
      source: { id: 'a', uri: '' },
      target: { id: 'b', uri: '' },
      mode: 'render-only' as const,
    };
    const plan = planLiveMigration(req);
    expect(plan.mode).toBe('render-only');
    expect(plan.steps.map((s) => s.id)).toEqual([
      'reserve-target-vf:p1',
      'reserve-target-vf:p2',
      'check-target-vfs',
      'migrate',
      'confirm-target-vf:p1',
      'confirm-target-vf:p2',
      'release-source-vf:p1',
      'release-source-vf:p2',
    ]);
    // A live plan still needs libvirt URIs.
    const e = refusal({ ...req, mode: 'live' });
    expect([e.code, e.details.field]).toEqual(['INVALID_INPUT', 'source.uri']);
  });

  it('detaches the source VF with the failover pairing when the port has a standby', () => {
    const [p1, p2] = planLiveMigration(migrationRequest()).ports;
    expect(p1?.standbyId).toBe('sb1');
    expect(p1?.sourceDeviceXml).toContain('<teaming type="transient" persistent="ua-sb1"/>');
    expect(p1?.sourceDeviceXml).toContain('bus="0x3b" slot="0x02" function="0x1"');
    expect(p2?.standbyId).toBeNull();
    expect(p2?.sourceDeviceXml).not.toContain('teaming');
  });

  it('refuses the same host on both sides, and a target without a libvirt URI', () => {
    const same = refusal({ ...migrationRequest(), target: HOST_A });
    expect([same.code, same.details.field]).toEqual(['INVALID_INPUT', 'target.id']);
    const noUri = refusal({ ...migrationRequest(), target: { id: 'b', uri: 'host-b' } });
    expect([noUri.code, noUri.details.field]).toEqual(['INVALID_INPUT', 'target.uri']);
  });

  it('refuses an instance that would not render, before anything runs', () => {
    const bad = migratingInstance();
    const ports = bad.ports.map((p) =>
      p.id === 'p2' && p.vnicType === 'direct' ? { ...p, vf: exampleVf({ pciAddress: null }) } : p,
    );
    const e = refusal(migrationRequest({ ...bad, ports }));
    expect([e.code, e.details.field]).toEqual(['INVALID_INPUT', 'ports[1].vf.pciAddress']);
  });

  const unsupported: [string, DomainPort][] = [
    ['macvtap', exampleMacvtap({ mac: 'fa:16:3e:00:00:42' })],
    ['vdpa', exampleVdpa()],
    ['direct-physical', examplePhysical()],
  ];
  for (const [type, port] of unsupported) {
    it(`refuses a ${type} port as UNSUPPORTED, naming it`, () => {
      const inst = migratingInstance();
      const e = refusal(migrationRequest({ ...inst, ports: [...inst.ports, port] }));
      expect([e.code, e.details.field, e.details.portId]).toEqual([
        'UNSUPPORTED',
        'ports[4].vnicType',
        port.id,
      ]);
    });
  }
});
