import { FORWARDER_PREFIX } from './forwarder-vm.js';

/** Where the init finds its modules: loaded in the order of their names. */
export const GUEST_MODULE_DIR = '/modules';

/** A module's name in the initramfs: its load order first, zero-padded so the names sort. */
export const guestModulePath = (order: number, name: string, suffix: string): string =>
  `${GUEST_MODULE_DIR}/${String(order).padStart(3, '0')}-${name}.ko${suffix}`;

/**
 * The forwarding VM's `/init` (busybox sh): loads the NIC drivers, turns
 * on IPv4 forwarding, and gives each port of `vfleet.fwd=MAC@CIDR,...`
 * (the kernel command line) its address, found by MAC, since the guest's
 * netdev names depend on PCI order. It says each step on the console, so a
 * guest that does not come up explains itself in the run's error.
 */
export function renderForwarderInit(): string {
  const say = `echo "${FORWARDER_PREFIX} $*" >/dev/ttyS0`;
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { ${say}; }
for m in ${GUEST_MODULE_DIR}/*; do
  case "$m" in *.xz) xz -d "$m" && m=\${m%.xz} ;; esac
  insmod "$m" || say "insmod $m failed"
done
sysctl -w net.ipv4.ip_forward=1 >/dev/null
# Frames arrive on one port and leave by another: no reverse-path check.
sysctl -w net.ipv4.conf.all.rp_filter=0 >/dev/null
sysctl -w net.ipv4.conf.default.rp_filter=0 >/dev/null
fwd=$(tr ' ' '\\n' </proc/cmdline | sed -n 's/^vfleet[.]fwd=//p')
for spec in $(echo "$fwd" | tr , ' '); do
  mac=\${spec%@*}
  cidr=\${spec#*@}
  dev=
  i=0
  while [ -z "$dev" ] && [ $i -lt 120 ]; do
    for n in /sys/class/net/*; do
      [ "$(cat $n/address)" = "$mac" ] && dev=\${n##*/}
    done
    [ -n "$dev" ] || { i=$((i + 1)); sleep 1; }
  done
  if [ -z "$dev" ]; then say "no NIC with MAC $mac"; continue; fi
  sysctl -w "net.ipv4.conf.$dev.rp_filter=0" >/dev/null
  ip addr add "$cidr" dev "$dev" && ip link set "$dev" up && say "port $dev $mac $cidr"
done
say ready
while true; do sleep 3600; done
`;
}
