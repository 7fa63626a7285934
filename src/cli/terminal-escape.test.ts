import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { escapeControlChars } from '../core/control-chars.js';
import { renderDoctorReport } from './host/doctor-render.js';
import { hostDetail } from './host-map-render.js';
import type { HostDetailView } from '../api/answers.js';
import { renderData, renderTable } from './output.js';

const ESC = '\u001b';
const CSI = '\u009b';
/** What a hostile agent or label could carry: clear screen, retitle, C1 CSI, a bell. */
const HOSTILE = `a${ESC}[2J${ESC}]0;owned\u0007b${CSI}31mc\r\nd\u007f`;
// eslint-disable-next-line no-control-regex -- looking for them is the point
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const noHolder = {
  instance: null,
  instanceId: null,
  tenant: null,
  network: null,
  mac: null,
  vlan: null,
  configured: null,
  spoofchk: null,
  maxTxRate: null,
  minTxRate: null,
} as const;

function host(text: string): HostDetailView {
  return {
    id: 'h1',
    labels: { rack: text },
    health: 'healthy',
    ready: true,
    lastSeen: null,
    cordon: null,
    allocation: {
      rule: null,
      cpuRatio: 1,
      memoryRatio: 1,
      reservedCpus: [],
      reservedMemoryMb: 0,
      vcpus: [],
      memoryMb: null,
    },
    drain: null,
    desiredGeneration: 1,
    appliedGeneration: 1,
    lastApplyMessage: text,
    numaNodes: [],
    memoryMb: null,
    findings: [{ severity: 'error', id: text, title: text, subject: 'host', evidence: [] }],
    irqPins: null,
    hypervisor: { kind: 'render-only', virtType: null, migrationUri: null, reason: text },
    pfs: [
      {
        pciAddress: '0000:3b:00.0',
        ifname: text,
        driver: text,
        totalVfs: 4,
        numVfs: 1,
        vendorId: '8086',
        deviceId: '10c9',
        numaNode: 0,
        link: { state: text, adminUp: false, speedMbps: null },
        eswitchMode: null,
        spec: null,
        specName: null,
        declaredVfs: null,
        whole: null,
        owners: [],
        vfs: [
          {
            index: 0,
            pciAddress: '0000:3b:10.0',
            state: 'quarantined',
            dirty: false,
            physnet: null,
            trusted: false,
            owner: null,
            portId: null,
            reservedUntil: null,
            note: text,
            driver: text,
            iommuGroup: 57,
            netdev: text,
            vdpaDev: null,
            representor: null,
            ...noHolder,
          },
        ],
      },
    ],
  };
}

describe('control characters never reach a terminal raw', () => {
  it('escapes each visibly', () => {
    expect(escapeControlChars(HOSTILE)).toBe('a\\x1b[2J\\x1b]0;owned\\x07b\\x9b31mc\\r\\nd\\x7f');
    expect(escapeControlChars('one\ntwo\tx', true)).toBe('one\ntwo\\tx');
  });

  it('in `vfleet hosts show`: labels, findings, apply messages, names and notes', () => {
    const out = hostDetail(host(HOSTILE));
    expect(out).not.toMatch(RAW);
    expect(out).toContain('rack=a\\x1b[2J');
    expect(out).toContain('\\x9b31m');
    expect(out).toContain('render-only (no VM runs): a\\x1b[2J');
    // Lines stay lines: every row of the tables is still one line.
    expect(out.split('\n').filter((l) => l.includes('0000:3b:10.0'))).toHaveLength(1);
  });

  it('in tables', () => {
    expect(renderTable(['name'], [[HOSTILE]])).not.toMatch(RAW);
  });

  it('in doctor output', () => {
    const text = renderDoctorReport({
      findings: [
        {
          id: 'kernel-log:x',
          severity: 'error',
          subject: 'host',
          title: HOSTILE,
          evidence: [HOSTILE],
          fix: [HOSTILE],
        },
      ],
      summary: { error: 1, warning: 0, info: 0, ok: 0 },
      subjectLabels: { host: `host${ESC}[8m` },
    });
    expect(text).not.toMatch(RAW);
    expect(text).toContain('host\\x1b[8m');
  });

  it.each(['json', 'yaml'] as const)('in %s, which stays the same value', (format) => {
    const value = { labels: { rack: HOSTILE }, list: [HOSTILE, 'plain'], [`k${CSI}`]: 1 };
    const text = renderData(format, value);
    expect(text).not.toMatch(RAW);
    expect(format === 'json' ? JSON.parse(text) : parse(text)).toEqual(value);
  });
});
