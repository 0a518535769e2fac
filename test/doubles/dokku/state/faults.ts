/**
 * Failures a test can inject into the double, to prove callers survive what real servers do: a command that hangs
 * (so a test can cut the connection mid-operation), a command refused, a restart that fails (Dokku still exits 0),
 * a deploy whose health checks fail (the old release keeps serving), and a clone whose import stops half-way
 * (mysql:clone still exits 0).
 */
export type DokkuFault =
  | { kind: "hang"; command: string; ms: number }
  | { kind: "fail"; command: string; exitCode?: number; message?: string; times?: number }
  | { kind: "restart-fails"; app: string }
  | { kind: "health-check-fails"; app: string }
  | { kind: "truncate-clone"; afterBytes: number };

export function faultsOf<K extends DokkuFault["kind"]>(
  faults: DokkuFault[] | undefined,
  kind: K,
): Extract<DokkuFault, { kind: K }>[] {
  return (faults ?? []).filter((fault): fault is Extract<DokkuFault, { kind: K }> => fault.kind === kind);
}
