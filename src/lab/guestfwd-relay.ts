/**
 * The relay behind a lab's forward NIC. QEMU runs it once per guest
 * connection to the forward address (`guestfwd=...-cmd:`), with that
 * connection as stdin/stdout, and it pipes the bytes to one loopback port:
 * `node guestfwd-relay.js 127.0.0.1 PORT`. It exits when either side closes,
 * and prints nothing (its output would go to the guest).
 */
import { Socket } from 'node:net';
import { relay, relayTarget } from './forward-relay.js';

const target = relayTarget(process.argv.slice(2));
if (target === null) process.exitCode = 2;
else relay(new Socket({ fd: 0, readable: true, writable: true }), target);
