import { describe, expect, it } from 'vitest';
import { renderRestoreUnit } from './restore-unit.js';

describe('renderRestoreUnit', () => {
  it('is a oneshot that runs before networking and libvirt, with absolute paths', () => {
    const unit = renderRestoreUnit({
      nodePath: '/usr/bin/node',
      vfleetBin: '/opt/vfleet/bin/vfleet.js',
    });
    const lines = unit.split('\n');
    expect(lines).toContain('Type=oneshot');
    expect(lines).toContain('RemainAfterExit=yes');
    expect(lines).toContain('ExecStart=/usr/bin/node /opt/vfleet/bin/vfleet.js host restore');
    expect(lines.find((l) => l.startsWith('After='))).toContain('systemd-modules-load.service');
    expect(lines.find((l) => l.startsWith('Before='))?.split(/[= ]/)).toEqual(
      expect.arrayContaining(['network-pre.target', 'libvirtd.service', 'virtqemud.service']),
    );
    expect(lines).toContain('Wants=network-pre.target');
    expect(lines).toContain('WantedBy=multi-user.target');
  });

  it('quotes paths with blanks so systemd does not split them', () => {
    const unit = renderRestoreUnit({
      nodePath: '/usr/bin/node',
      vfleetBin: '/opt/my tools/vfleet.js',
    });
    expect(unit).toContain('ExecStart=/usr/bin/node "/opt/my tools/vfleet.js" host restore');
  });
});
