/**
 * A dialog waiting for "more" or for a case choice that gets another question instead ends with this
 * result, and the main dialog routes that same message afresh: the parent never has to ask twice.
 */
export interface Reroute {
  readonly reroute: true;
}

export const REROUTE: Reroute = { reroute: true };

export function isReroute(value: unknown): value is Reroute {
  return typeof value === 'object' && value !== null && (value as Partial<Reroute>).reroute === true;
}
