/**
 * Multinomial logistic regression over binary features, trained by stochastic gradient descent
 * with a fixed seed and order (deterministic: the same data gives the same model). Unlike naive
 * Bayes it does not double-count overlapping features, so "log in" and "log out" are told apart by
 * the word that differs rather than drowned by the n-grams they share.
 */
export interface Ranked<L extends string> {
  readonly label: L;
  readonly probability: number;
}

export interface Classification<L extends string> {
  /** Best first; probabilities sum to 1. */
  readonly ranked: readonly Ranked<L>[];
}

/** The trained weights as committed JSON: only weights that matter, rounded (see `toJSON`). */
export interface SoftmaxModel<L extends string> {
  readonly labels: readonly L[];
  readonly bias: readonly number[];
  /** feature → [label index, weight, label index, weight, …] */
  readonly weights: Readonly<Record<string, readonly number[]>>;
}

/** Weights smaller than this change no decision; dropping them keeps the committed model small. */
const PRUNE_BELOW = 0.02;

export interface SoftmaxOptions {
  readonly epochs?: number;
  readonly learningRate?: number;
  /** L2 penalty per update. */
  readonly l2?: number;
  readonly weightOf?: (feature: string) => number;
}

export class SoftmaxRegression<L extends string> {
  private readonly labels: L[];
  private readonly index = new Map<string, number>();
  private weights: Float64Array;
  private readonly bias: Float64Array;
  private readonly weightOf: (feature: string) => number;

  static fromJSON<L extends string>(model: SoftmaxModel<L>, options: Pick<SoftmaxOptions, 'weightOf'> = {}): SoftmaxRegression<L> {
    const regression = new SoftmaxRegression<L>([], { ...options, epochs: 0, labels: model.labels });
    regression.bias.set(model.bias);
    const k = model.labels.length;
    const features = Object.entries(model.weights);
    regression.resize(features.length);
    for (const [feature, pairs] of features) {
      const at = regression.index.size;
      regression.index.set(feature, at);
      for (let i = 0; i + 1 < pairs.length; i += 2) regression.weights[at * k + (pairs[i] ?? 0)] = pairs[i + 1] ?? 0;
    }
    return regression;
  }

  toJSON(): SoftmaxModel<L> {
    const k = this.labels.length;
    const weights: Record<string, number[]> = {};
    for (const [feature, at] of [...this.index].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const pairs: number[] = [];
      for (let c = 0; c < k; c += 1) {
        const w = this.weights[at * k + c] ?? 0;
        if (Math.abs(w) >= PRUNE_BELOW) pairs.push(c, Math.round(w * 1000) / 1000);
      }
      if (pairs.length > 0) weights[feature] = pairs;
    }
    return { labels: [...this.labels], bias: [...this.bias].map((b) => Math.round(b * 1000) / 1000), weights };
  }

  private resize(features: number): void {
    this.weights = new Float64Array(features * this.labels.length);
  }

  constructor(examples: readonly { readonly label: L; readonly features: readonly string[] }[], options: SoftmaxOptions & { readonly labels?: readonly L[] } = {}) {
    const epochs = options.epochs ?? 12;
    const rate = options.learningRate ?? 0.5;
    const l2 = options.l2 ?? 1e-5;
    this.weightOf = options.weightOf ?? (() => 1);
    this.labels = [...(options.labels ?? new Set(examples.map((e) => e.label)))];
    const labelIndex = new Map(this.labels.map((label, i) => [label, i]));
    for (const example of examples) for (const f of example.features) if (!this.index.has(f)) this.index.set(f, this.index.size);
    const k = this.labels.length;
    this.weights = new Float64Array(this.index.size * k);
    this.bias = new Float64Array(k);
    const encoded = examples.map((e) => ({
      y: labelIndex.get(e.label) ?? 0,
      x: e.features.map((f) => this.index.get(f) ?? 0),
      v: e.features.map((f) => this.weightOf(f)),
    }));
    const order = encoded.map((_, i) => i);
    let seed = 10;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const probs = new Float64Array(k);
    for (let epoch = 0; epoch < epochs; epoch += 1) {
      for (let i = order.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
      }
      const step = rate / (1 + epoch);
      for (const n of order) {
        const example = encoded[n];
        if (example === undefined) continue;
        this.scores(example.x, example.v, probs);
        softmaxInPlace(probs);
        for (let c = 0; c < k; c += 1) {
          const gradient = (probs[c] ?? 0) - (c === example.y ? 1 : 0);
          this.bias[c] = (this.bias[c] ?? 0) - step * gradient;
          for (let f = 0; f < example.x.length; f += 1) {
            const at = (example.x[f] ?? 0) * k + c;
            const w = this.weights[at] ?? 0;
            this.weights[at] = w - step * (gradient * (example.v[f] ?? 1) + l2 * w);
          }
        }
      }
    }
  }

  private scores(x: readonly number[], v: readonly number[], out: Float64Array): void {
    const k = this.labels.length;
    for (let c = 0; c < k; c += 1) out[c] = this.bias[c] ?? 0;
    for (let f = 0; f < x.length; f += 1) {
      const base = (x[f] ?? 0) * k;
      const value = v[f] ?? 1;
      for (let c = 0; c < k; c += 1) out[c] = (out[c] ?? 0) + (this.weights[base + c] ?? 0) * value;
    }
  }

  classify(features: readonly string[]): Classification<L> {
    const known = features.filter((f) => this.index.has(f));
    const probs = new Float64Array(this.labels.length);
    this.scores(
      known.map((f) => this.index.get(f) ?? 0),
      known.map((f) => this.weightOf(f)),
      probs,
    );
    softmaxInPlace(probs);
    const ranked: Ranked<L>[] = this.labels.map((label, i) => ({ label, probability: probs[i] ?? 0 })).sort((a, b) => b.probability - a.probability);
    return { ranked };
  }
}

function softmaxInPlace(values: Float64Array): void {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  let sum = 0;
  for (let i = 0; i < values.length; i += 1) {
    const e = Math.exp((values[i] ?? 0) - max);
    values[i] = e;
    sum += e;
  }
  for (let i = 0; i < values.length; i += 1) values[i] = (values[i] ?? 0) / sum;
}
