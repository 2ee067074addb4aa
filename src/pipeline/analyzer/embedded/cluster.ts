import type { TermVector } from "./term-vectors.ts";
import { cosineSimilarity } from "./term-vectors.ts";

/** A group of document indexes, and whether it was forced together for lack of similar documents. */
export interface DocumentCluster {
  members: number[];
  forced: boolean;
}

/** Lowest average similarity at which two clusters may merge, whatever the distribution. */
const MIN_MERGE_SIMILARITY = 0.05;

/** How many standard deviations above the mean pairwise similarity a merge must reach. */
const MERGE_DEVIATIONS = 0.5;

/** Largest cluster as a share of all documents, so that one cluster does not swallow a talk. */
const MAX_CLUSTER_SHARE = 0.5;

function similarityMatrix(vectors: readonly TermVector[]): number[][] {
  return vectors.map((vector, row) =>
    vectors.map((other, column) => (row === column ? 1 : cosineSimilarity(vector, other))),
  );
}

function mergeThreshold(similarity: number[][]): number {
  const values: number[] = [];
  for (let row = 0; row < similarity.length; row++) {
    for (let column = row + 1; column < similarity.length; column++)
      values.push(similarity[row]?.[column] ?? 0);
  }
  if (values.length === 0) return MIN_MERGE_SIMILARITY;

  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return Math.max(MIN_MERGE_SIMILARITY, mean + MERGE_DEVIATIONS * Math.sqrt(variance));
}

/** Groups the two most similar documents and grows the group by average similarity to `size`. */
function forceCluster(similarity: number[][], size: number): number[] {
  let best: [number, number] = [0, 1];
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let row = 0; row < similarity.length; row++) {
    for (let column = row + 1; column < similarity.length; column++) {
      const value = similarity[row]?.[column] ?? 0;
      if (value > bestValue) {
        best = [row, column];
        bestValue = value;
      }
    }
  }

  const members = [...best];
  while (members.length < size) {
    let candidate = -1;
    let candidateValue = Number.NEGATIVE_INFINITY;
    for (let index = 0; index < similarity.length; index++) {
      if (members.includes(index)) continue;
      const value =
        members.reduce((sum, member) => sum + (similarity[member]?.[index] ?? 0), 0) / members.length;
      if (value > candidateValue) {
        candidate = index;
        candidateValue = value;
      }
    }
    if (candidate < 0) break;
    members.push(candidate);
  }
  return members.sort((a, b) => a - b);
}

/**
 * Clusters documents by agglomerative clustering with average linkage over the cosine
 * similarity of their term vectors. Two clusters merge while their average similarity
 * reaches the mean pairwise similarity plus half a standard deviation (and at least 0.05),
 * and no cluster grows beyond half the documents (or `minSize`, if that is larger). Returns
 * the clusters of at least `minSize` documents. When there are none but at least `minSize`
 * documents, it returns one forced cluster of the most similar documents.
 */
export function clusterDocuments(vectors: readonly TermVector[], minSize: number): DocumentCluster[] {
  const count = vectors.length;
  if (count < minSize || count < 2) return [];

  const similarity = similarityMatrix(vectors);
  const threshold = mergeThreshold(similarity);
  const maxSize = Math.max(minSize, Math.ceil(count * MAX_CLUSTER_SHARE));

  // Average-linkage similarity between live clusters, updated by the Lance-Williams formula.
  const linkage = similarity.map((row) => [...row]);
  const clusters: Array<number[] | null> = vectors.map((_, index) => [index]);

  for (;;) {
    let pair: [number, number] | null = null;
    let pairValue = threshold;
    for (let row = 0; row < count; row++) {
      const first = clusters[row];
      if (!first) continue;
      for (let column = row + 1; column < count; column++) {
        const second = clusters[column];
        if (!second || first.length + second.length > maxSize) continue;
        const value = linkage[row]?.[column] ?? 0;
        if (value >= pairValue && (pair === null || value > pairValue)) {
          pair = [row, column];
          pairValue = value;
        }
      }
    }
    if (!pair) break;

    const [keep, drop] = pair;
    const kept = clusters[keep] ?? [];
    const dropped = clusters[drop] ?? [];
    for (let other = 0; other < count; other++) {
      if (!clusters[other] || other === keep || other === drop) continue;
      const merged =
        (kept.length * (linkage[keep]?.[other] ?? 0) + dropped.length * (linkage[drop]?.[other] ?? 0)) /
        (kept.length + dropped.length);
      (linkage[keep] as number[])[other] = merged;
      (linkage[other] as number[])[keep] = merged;
    }
    clusters[keep] = [...kept, ...dropped].sort((a, b) => a - b);
    clusters[drop] = null;
  }

  const result = clusters
    .filter((members): members is number[] => members !== null && members.length >= minSize)
    .map((members) => ({ members, forced: false }));
  if (result.length > 0) return result;

  return [{ members: forceCluster(similarity, minSize), forced: true }];
}
