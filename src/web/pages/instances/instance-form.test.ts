import { describe, expect, it } from 'vitest';
import { instanceCreateSchema } from '../../../api/schemas/instances.js';
import { emptyForm, instanceBody } from './instance-form.js';

describe('create-instance form', () => {
  it('makes a body the API schema accepts from a filled form', () => {
    const body = instanceBody({
      ...emptyForm,
      name: ' vm1 ',
      vcpus: '2',
      memoryMb: '2048',
      ports: [{ network: 'blue', vnicType: 'direct' }],
    });
    expect(body).toEqual({
      name: 'vm1',
      vcpus: 2,
      memoryMb: 2048,
      ports: [{ network: 'blue', vnicType: 'direct' }],
    });
    expect(instanceCreateSchema.safeParse(body).success).toBe(true);
  });

  it('sends a number typed wrong so the API refuses it by name', () => {
    const r = instanceCreateSchema.safeParse(
      instanceBody({ ...emptyForm, name: 'vm1', vcpus: 'two' }),
    );
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['vcpus']);
  });

  it('names the tenant only when one is typed (admins)', () => {
    expect(instanceBody({ ...emptyForm, tenant: 'acme' })).toHaveProperty('tenant', 'acme');
    expect(instanceBody(emptyForm)).not.toHaveProperty('tenant');
  });
});
