/**
 * Weighted least squares of price on an intercept and the given predictors, with the one-sided
 * lower confidence bound of the fitted mean at a point. Small and dependency-free on purpose:
 * three unknowns at most.
 */
export interface WeightedFit {
  coefficients: number[];
  /** Residual standard error (weights normalised to mean 1). */
  residualStandardError: number;
  degreesOfFreedom: number;
  /** (XᵀWX)⁻¹ */
  inverse: number[][];
}

export function weightedLeastSquares(rows: number[][], y: number[], weights: number[]): WeightedFit | null {
  const n = rows.length;
  const p = rows[0]?.length ?? 0;
  if (n <= p || p === 0) return null;
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  if (weightSum <= 0) return null;
  const w = weights.map((weight) => (weight * n) / weightSum);
  const xtwx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xtwy = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    for (let a = 0; a < p; a++) {
      xtwy[a]! += w[i]! * row[a]! * y[i]!;
      for (let b = 0; b < p; b++) xtwx[a]![b]! += w[i]! * row[a]! * row[b]!;
    }
  }
  const inverse = invert(xtwx);
  if (!inverse) return null;
  const coefficients = inverse.map((row) => row.reduce((sum, value, k) => sum + value * xtwy[k]!, 0));
  let weightedSquares = 0;
  for (let i = 0; i < n; i++) {
    const residual = y[i]! - dot(coefficients, rows[i]!);
    weightedSquares += w[i]! * residual * residual;
  }
  const degreesOfFreedom = n - p;
  return { coefficients, residualStandardError: Math.sqrt(weightedSquares / degreesOfFreedom), degreesOfFreedom, inverse };
}

/** Fitted mean at `point` and its standard error. */
export function predictMean(fit: WeightedFit, point: number[]): { mean: number; standardError: number } {
  const mean = dot(fit.coefficients, point);
  const quadratic = point.reduce((sum, xa, a) => sum + xa * dot(fit.inverse[a]!, point), 0);
  return { mean, standardError: fit.residualStandardError * Math.sqrt(Math.max(0, quadratic)) };
}

// One-sided 95 % Student t quantiles for 1–30 degrees of freedom; the normal 1.645 beyond.
const T95 = [6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.74, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697];

export function studentT95(degreesOfFreedom: number): number {
  return T95[degreesOfFreedom - 1] ?? 1.645;
}

function dot(a: number[], b: number[]): number {
  return a.reduce((sum, value, i) => sum + value * b[i]!, 0);
}

/** Gauss–Jordan with partial pivoting; null when the matrix is (numerically) singular. */
function invert(matrix: number[][]): number[][] | null {
  const size = matrix.length;
  const m = matrix.map((row, i) => [...row, ...Array.from({ length: size }, (_, j) => (i === j ? 1 : 0))]);
  const cell = (row: number, col: number) => m[row]![col]!;
  const scale = Math.max(...matrix.map((row) => Math.max(...row.map(Math.abs))), 1);
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let row = col + 1; row < size; row++) if (Math.abs(cell(row, col)) > Math.abs(cell(pivot, col))) pivot = row;
    if (Math.abs(cell(pivot, col)) < 1e-9 * scale) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const pivotRow = m[col]!;
    const divisor = pivotRow[col]!;
    for (let k = 0; k < 2 * size; k++) pivotRow[k] = pivotRow[k]! / divisor;
    for (let row = 0; row < size; row++) {
      if (row === col) continue;
      const target = m[row]!;
      const factor = target[col]!;
      if (factor !== 0) for (let k = 0; k < 2 * size; k++) target[k] = target[k]! - factor * pivotRow[k]!;
    }
  }
  return m.map((row) => row.slice(size));
}
