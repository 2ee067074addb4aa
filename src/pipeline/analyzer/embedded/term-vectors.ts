/** Sparse term vector: term to weight (or count). */
export type TermVector = Map<string, number>;

/** Counts how often each term occurs. */
export function countTerms(terms: Iterable<string>): TermVector {
  const counts: TermVector = new Map();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/**
 * Computes the inverse document frequency ln((N + 1) / df) of every term in `documents`. A term
 * found in every document gets a weight near 0, and a term found in one document gets ln(N + 1).
 */
export function inverseDocumentFrequencies(documents: readonly TermVector[]): Map<string, number> {
  const documentFrequency = new Map<string, number>();
  for (const document of documents) {
    for (const term of document.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }

  const idf = new Map<string, number>();
  for (const [term, df] of documentFrequency) idf.set(term, Math.log((documents.length + 1) / df));
  return idf;
}

/** Weights term counts by TF-IDF with a damped term frequency, 1 + ln(count). */
export function weighTerms(counts: TermVector, idf: ReadonlyMap<string, number>): TermVector {
  const weights: TermVector = new Map();
  for (const [term, count] of counts) {
    const weight = (1 + Math.log(count)) * (idf.get(term) ?? 0);
    if (weight > 0) weights.set(term, weight);
  }
  return weights;
}

/** Returns the cosine similarity of two sparse vectors, 0 when either is empty. */
export function cosineSimilarity(a: TermVector, b: TermVector): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (const [term, weight] of a) {
    normA += weight * weight;
    const other = b.get(term);
    if (other !== undefined) dot += weight * other;
  }
  for (const weight of b.values()) normB += weight * weight;

  if (normA === 0 || normB === 0) return 0;
  return dot / Math.sqrt(normA * normB);
}

function compareTerms(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Lists the terms of a vector by descending weight, ties in code-point order of the term. */
export function topTerms(vector: TermVector, limit: number): string[] {
  return [...vector.entries()]
    .sort((a, b) => b[1] - a[1] || compareTerms(a[0], b[0]))
    .slice(0, limit)
    .map(([term]) => term);
}
