import type { StoredDatapathReport } from '../core/fleet/datapath-store.js';

/*
 * Datapath reports as the API answers them. Arrays are copied: the answer
 * schemas take mutable arrays and the store's types are readonly.
 */

export const datapathSummaryOut = (s: StoredDatapathReport) => ({
  id: s.id,
  host: s.host,
  createdAt: s.createdAt,
  startedAt: s.report.startedAt,
  kernel: s.report.kernel,
  nic: s.report.nic,
  driver: s.report.driver,
  generator: s.report.generator,
  emulated: s.report.emulated,
  measured: s.report.paths.filter((p) => p.skipped === null).map((p) => p.path),
});

export const datapathEntryOut = (s: StoredDatapathReport) => {
  const r = s.report;
  return {
    id: s.id,
    host: s.host,
    createdAt: s.createdAt,
    report: {
      ...r,
      pinning: { senderCpus: [...r.pinning.senderCpus], receiverCpus: [...r.pinning.receiverCpus] },
      numa: { ...r.numa },
      paths: r.paths.map((p) => ({
        ...p,
        points: p.points.map((x) => ({ ...x })),
        latency: p.latency.map((l) => ({
          frameSize: l.frameSize,
          summary: l.summary === null ? null : { ...l.summary },
        })),
      })),
    },
  };
};
