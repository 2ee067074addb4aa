import type { Cue } from "../../../../schemas/step-files.ts";

/** Lexical cohesion around every candidate boundary; index `b` is the boundary before cue `b`. */
export interface CohesionProfile {
  /** Smoothed cosine similarity of the text before and after the boundary, 0 to 1. */
  similarity: Float64Array;
  /** TextTiling depth score: how far the similarity dips below the peaks on either side, 0 to 2. */
  depth: Float64Array;
}

/** Largest number of candidates a depth score climbs over on each side, to bound the work. */
const MAX_CLIMB = 400;

/** Windowed term counts with running sums, so moving a cue in or out costs O(terms of the cue). */
class WindowPair {
  readonly left: Float64Array;
  readonly right: Float64Array;
  dot = 0;
  leftNorm = 0;
  rightNorm = 0;

  constructor(
    size: number,
    private readonly weights: Float64Array,
  ) {
    this.left = new Float64Array(size);
    this.right = new Float64Array(size);
  }

  addLeft(terms: Int32Array, sign: 1 | -1): void {
    for (const term of terms) {
      const weight = this.weights[term] ?? 0;
      const count = this.left[term] ?? 0;
      this.dot += sign * weight * (this.right[term] ?? 0);
      this.leftNorm += sign > 0 ? weight * (2 * count + 1) : -weight * (2 * count - 1);
      this.left[term] = count + sign;
    }
  }

  addRight(terms: Int32Array, sign: 1 | -1): void {
    for (const term of terms) {
      const weight = this.weights[term] ?? 0;
      const count = this.right[term] ?? 0;
      this.dot += sign * weight * (this.left[term] ?? 0);
      this.rightNorm += sign > 0 ? weight * (2 * count + 1) : -weight * (2 * count - 1);
      this.right[term] = count + sign;
    }
  }

  cosine(): number {
    const norm = this.leftNorm * this.rightNorm;
    return norm > 1e-12 ? Math.min(1, Math.max(0, this.dot / Math.sqrt(norm))) : 0;
  }
}

/** Maps terms to dense ids and gives each id the squared IDF weight ln((n + 1) / df)², with cues as documents. */
function indexTerms(cueTerms: readonly (readonly string[])[]): { ids: Int32Array[]; weights: Float64Array } {
  const idOf = new Map<string, number>();
  const documentFrequency: number[] = [];
  const ids = cueTerms.map((terms) => {
    const seen = new Set<number>();
    const cueIds = new Int32Array(terms.length);
    terms.forEach((term, index) => {
      let id = idOf.get(term);
      if (id === undefined) {
        id = idOf.size;
        idOf.set(term, id);
        documentFrequency.push(0);
      }
      if (!seen.has(id)) {
        seen.add(id);
        documentFrequency[id] = (documentFrequency[id] ?? 0) + 1;
      }
      cueIds[index] = id;
    });
    return cueIds;
  });

  const weights = new Float64Array(documentFrequency.length);
  documentFrequency.forEach((df, id) => {
    const idf = Math.log((cueTerms.length + 1) / df);
    weights[id] = idf * idf;
  });
  return { ids, weights };
}

/** Averages each value with its neighbors (weights 1, 2, 1), keeping index 0 unused. */
function smooth(values: Float64Array): Float64Array {
  const smoothed = new Float64Array(values.length);
  for (let index = 1; index < values.length; index++) {
    const before = index > 1 ? (values[index - 1] ?? 0) : (values[index] ?? 0);
    const after = index + 1 < values.length ? (values[index + 1] ?? 0) : (values[index] ?? 0);
    smoothed[index] = (before + 2 * (values[index] ?? 0) + after) / 4;
  }
  return smoothed;
}

function depthScores(similarity: Float64Array): Float64Array {
  const depth = new Float64Array(similarity.length);
  for (let index = 1; index < similarity.length; index++) {
    const value = similarity[index] ?? 0;

    let left = index;
    while (left > 1 && index - left < MAX_CLIMB && (similarity[left - 1] ?? 0) >= (similarity[left] ?? 0))
      left--;
    let right = index;
    while (
      right + 1 < similarity.length &&
      right - index < MAX_CLIMB &&
      (similarity[right + 1] ?? 0) >= (similarity[right] ?? 0)
    ) {
      right++;
    }

    depth[index] = (similarity[left] ?? 0) - value + ((similarity[right] ?? 0) - value);
  }
  return depth;
}

/**
 * Measures lexical cohesion at every cue boundary, in the manner of TextTiling (Hearst, 1997).
 * For the boundary before cue `b`, the terms of the cues that start within `windowSeconds`
 * before it are compared with those within `windowSeconds` after it, by IDF-weighted cosine
 * similarity. Each window contains at least one cue. The similarities are smoothed twice, and
 * the depth score of a boundary is how far it lies below the nearest peak on each side. A topic
 * change shows as a deep valley. The two windows slide together, so the cost is linear in the
 * number of terms.
 */
export function measureCohesion(
  cues: readonly Cue[],
  cueTerms: readonly (readonly string[])[],
  windowSeconds: number,
): CohesionProfile {
  const count = cues.length;
  const raw = new Float64Array(Math.max(count, 1));
  const { ids, weights } = indexTerms(cueTerms);
  const windows = new WindowPair(weights.length, weights);
  const empty = new Int32Array(0);

  let low = 0;
  let high = 0;
  for (let boundary = 1; boundary < count; boundary++) {
    const time = cues[boundary]?.start ?? 0;
    const moved = ids[boundary - 1] ?? empty;
    if (high >= boundary) windows.addRight(moved, -1);
    else high = boundary;
    windows.addLeft(moved, 1);

    while (high < count && (high === boundary || (cues[high]?.start ?? 0) < time + windowSeconds)) {
      windows.addRight(ids[high] ?? empty, 1);
      high++;
    }
    while (low < boundary - 1 && (cues[low]?.start ?? 0) < time - windowSeconds) {
      windows.addLeft(ids[low] ?? empty, -1);
      low++;
    }

    raw[boundary] = windows.cosine();
  }

  const similarity = smooth(smooth(raw));
  return { similarity, depth: depthScores(similarity) };
}
