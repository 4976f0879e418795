import { formatMoney } from "./format";

/**
 * Charts in plain SVG (no chart package to keep up to date). Each has a text alternative in
 * `aria-label`, and the pages show the same numbers in a table next to it.
 */

const COLORS = {
  primary: "#005bd3",
  secondary: "#91d0ff",
  text: "#303030",
  muted: "#616161",
  grid: "#e3e3e3",
};

export function FunnelChart({
  stages,
  label,
}: {
  stages: { label: string; value: number }[];
  label: string;
}) {
  const max = Math.max(1, ...stages.map((stage) => stage.value));
  const rowHeight = 36;
  const labelWidth = 130;
  const barWidth = 220;
  const width = labelWidth + barWidth + 90;
  const height = stages.length * rowHeight;
  const first = stages[0]?.value ?? 0;
  const summary = stages.map((stage) => `${stage.label}: ${stage.value}`).join(", ");
  return (
    <svg
      role="img"
      aria-label={`${label}. ${summary}`}
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      style={{ maxWidth: width }}
    >
      {stages.map((stage, index) => {
        const y = index * rowHeight;
        const w = Math.max(2, (stage.value / max) * barWidth);
        const share = first > 0 ? Math.round((stage.value / first) * 100) : 0;
        return (
          <g key={stage.label}>
            <text x={0} y={y + 22} fontSize="13" fill={COLORS.text}>
              {stage.label}
            </text>
            <rect
              x={labelWidth}
              y={y + 6}
              width={w}
              height={rowHeight - 12}
              rx={4}
              fill={index === stages.length - 1 ? COLORS.primary : COLORS.secondary}
            />
            <text x={labelWidth + w + 8} y={y + 22} fontSize="13" fill={COLORS.text}>
              {stage.value}
              {index > 0 && first > 0 ? ` (${share}%)` : ""}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function RevenueChart({
  days,
  currency,
}: {
  days: { date: string; gross: number; net: number }[];
  currency: string;
}) {
  const max = Math.max(1, ...days.map((day) => day.gross));
  const plotHeight = 160;
  const barGroup = 28;
  const left = 8;
  const width = Math.max(320, left + days.length * barGroup + 8);
  const height = plotHeight + 40;
  const summary = days
    .map(
      (day) =>
        `${day.date}: gross ${formatMoney(day.gross, currency)}, net ${formatMoney(day.net, currency)}`,
    )
    .join("; ");
  const labelEvery = Math.ceil(days.length / 8);
  // Drawn at its natural size (text stays legible); a long period scrolls sideways.
  return (
    <div style={{ overflowX: "auto" }}>
      <svg
        role="img"
        aria-label={`Revenue per day. ${summary}`}
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
      >
        <line x1={0} x2={width} y1={plotHeight} y2={plotHeight} stroke={COLORS.grid} />
        {days.map((day, index) => {
          const x = left + index * barGroup;
          const grossHeight = (day.gross / max) * (plotHeight - 10);
          const netHeight = (day.net / max) * (plotHeight - 10);
          return (
            <g key={day.date}>
              <rect
                x={x}
                y={plotHeight - grossHeight}
                width={10}
                height={grossHeight}
                fill={COLORS.secondary}
              >
                <title>{`${day.date} gross ${formatMoney(day.gross, currency)}`}</title>
              </rect>
              <rect x={x + 11} y={plotHeight - netHeight} width={10} height={netHeight} fill={COLORS.primary}>
                <title>{`${day.date} net ${formatMoney(day.net, currency)}`}</title>
              </rect>
              {index % labelEvery === 0 ? (
                <text x={x} y={plotHeight + 16} fontSize="11" fill={COLORS.muted}>
                  {day.date.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
        <g transform={`translate(0, ${plotHeight + 28})`}>
          <rect width={10} height={10} fill={COLORS.secondary} />
          <text x={14} y={9} fontSize="11" fill={COLORS.muted}>
            Gross
          </text>
          <rect x={64} width={10} height={10} fill={COLORS.primary} />
          <text x={78} y={9} fontSize="11" fill={COLORS.muted}>
            Net of platform fees
          </text>
        </g>
      </svg>
    </div>
  );
}
