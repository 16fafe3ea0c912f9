// The one table of issue 11's goals: per row the baseline, ours, their ratio, the goal and
// whether this run met it. A Markdown table with padded columns, readable in a terminal and
// pasteable into the README as it is.

export type Goal =
  /** ours / baseline at most this. */
  | { type: "ratio"; atMost: number }
  /** ours below this value (and the ratio is shown for information). */
  | { type: "below"; value: number }
  /** ours must be zero. */
  | { type: "none" };

export interface GoalRow {
  id: string;
  what: string;
  baselineName: string;
  baseline: number;
  ours: number;
  unit: "ms" | "MiB" | "per event";
  goal: Goal;
  /** The samples behind the figures, e.g. "15 + 15 pushes". */
  runs: string;
  /** The ratio, when not ours / baseline (e.g. the median of pairwise ratios). */
  ratio?: number;
}

export function formatValue(value: number, unit: GoalRow["unit"]): string {
  if (!Number.isFinite(value)) return "n/a";
  if (unit === "per event") return value === 0 ? "0" : value.toFixed(value < 0.1 ? 3 : 2);
  const digits = value < 1 ? 3 : value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ${unit}`;
}

export function ratioOf(row: GoalRow): number {
  return row.ratio ?? row.ours / row.baseline;
}

export function isMet(row: GoalRow): boolean | undefined {
  if (!Number.isFinite(row.ours)) return undefined;
  if (row.goal.type === "ratio") return Number.isFinite(ratioOf(row)) ? ratioOf(row) <= row.goal.atMost : undefined;
  if (row.goal.type === "below") return row.ours < row.goal.value;
  return row.ours === 0;
}

function goalText(row: GoalRow): string {
  if (row.goal.type === "ratio") return `≤ ${row.goal.atMost}x`;
  if (row.goal.type === "below") return `< ${formatValue(row.goal.value, row.unit)}`;
  return "none";
}

export function formatGoalTable(rows: readonly GoalRow[]): string {
  const header = ["#", "what", "baseline", "ours", "ratio", "goal", "met", "runs"];
  const cells = rows.map((row) => {
    const ratio = ratioOf(row);
    const met = isMet(row);
    return [
      row.id,
      row.what,
      `${row.baselineName} ${formatValue(row.baseline, row.unit)}`,
      formatValue(row.ours, row.unit),
      Number.isFinite(ratio) ? `${ratio.toFixed(ratio < 10 ? 2 : 1)}x` : "n/a",
      goalText(row),
      met === undefined ? "n/a" : met ? "yes" : "**no**",
      row.runs,
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  const line = (values: readonly string[]) => `| ${values.map((value, column) => value.padEnd(widths[column]!)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...cells.map(line)].join("\n");
}
