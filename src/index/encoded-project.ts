import { Packr } from "msgpackr";
import { type ProjectSummary, packFingerprints } from "./bucket-table.ts";
import type { ClipRecord, CollectionRecord, DerivedProject, ProjectRecord } from "./records.ts";

/** Value of a project's `d/` key: its clip and its collection records, each in file order. */
export type StoredRecords = [clips: ClipRecord[], collections: CollectionRecord[]];

/**
 * A derived project ready to be written: the record and summary that the writing thread needs,
 * and the values of the `p/` and `d/` keys already encoded. A worker thread can do the encoding,
 * and the writer then only copies bytes.
 */
export interface EncodedProject {
  record: ProjectRecord;
  summary: ProjectSummary;
  /** msgpack of `record`, the `p/` value. */
  recordBytes: Uint8Array;
  /** msgpack of the {@link StoredRecords}, the `d/` value. */
  recordsBytes: Uint8Array;
}

/**
 * lmdb's own encoder is a msgpackr Packr with its default options and no shared structures,
 * so every value this one packs is self-contained and lmdb decodes it as if it had encoded it.
 */
const packr = new Packr();

/** Encodes a derived project for `replaceProjectRecords()` in `index-writes.ts`. */
export function encodeProject(derived: DerivedProject): EncodedProject {
  const { record } = derived;

  return {
    record,
    summary: [
      record.status,
      record.total_clips,
      record.total_collections,
      Date.parse(record.created_at),
      record.name,
      packFingerprints(derived.fingerprints),
    ],
    recordBytes: packr.pack(record),
    recordsBytes: packr.pack([derived.clips, derived.collections] satisfies StoredRecords),
  };
}
