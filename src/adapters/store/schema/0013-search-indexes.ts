import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * The dashboard's search by PCI address (GET /v1/search) looks a VF or a PF
 * up by its address across the whole fleet; without these it reads every VF
 * row (80-150 ms at 10,000 hosts). Addresses repeat across hosts, so the
 * indexes are not unique.
 */
const SCHEMA = `
      create index vfs_pci_address on vfs (pci_address);
      create index pfs_pci_address on pfs (pci_address)
`;

export const searchIndexes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One statement per query, as in the initial migration (PGlite).
    for (const statement of SCHEMA.split(/;\s*\n/)) {
      if (statement.trim() !== '') await sql.raw(statement).execute(db);
    }
  },
};
