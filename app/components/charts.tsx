import { useEffect, useState, type ReactNode } from "react";
import type * as PolarisViz from "@shopify/polaris-viz";
import { formatMoney } from "./format";

/**
 * Charts drawn with Polaris Viz, bundled with the app (no CDN, so they draw offline too).
 *
 * Polaris Viz reads `window` while it renders, so it cannot run on the server: the server renders
 * each chart's numbers as a short list inside the same labelled figure, and the browser swaps in
 * the chart once the module has loaded after hydration (the first client render matches the
 * server's, so hydration stays clean). The figure's label states every number for screen readers,
 * and the pages show the same numbers in a table next to it.
 */

type Viz = typeof PolarisViz;

/** The Polaris Viz module, loaded in the browser only. */
function useViz(): Viz | null {
  const [viz, setViz] = useState<Viz | null>(null);
  useEffect(() => {
    let live = true;
    import("@shopify/polaris-viz").then((module) => {
      if (live) setViz(module);
    });
    return () => {
      live = false;
    };
  }, []);
  return viz;
}

function ChartFigure({
  label,
  height,
  fallback,
  children,
  testId,
}: {
  label: string;
  height: number;
  fallback: { label: string; value: string }[];
  children: ((viz: Viz) => ReactNode) | null;
  testId?: string;
}) {
  const viz = useViz();
  return (
    <figure aria-label={label} data-testid={testId} data-chart={viz ? "drawn" : "text"} style={{ margin: 0 }}>
      {viz && children ? (
        // The label states every number; Polaris Viz's own ARIA (labelled paths, lists without
        // items, focusable parts) fails axe, so the drawing is inert and assistive technology
        // reads the figure's label instead. (`inert` as a string: React 18 has no boolean for it.)
        <div {...{ inert: "" }} style={{ height }}>
          <viz.PolarisVizProvider>{children(viz)}</viz.PolarisVizProvider>
        </div>
      ) : (
        <ul style={{ margin: 0, paddingInlineStart: "1.25rem", minHeight: height }}>
          {fallback.map((entry) => (
            <li key={entry.label}>
              {entry.label}: {entry.value}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

/** The overall funnel: each stage with its share of the first. */
export function FunnelChart({
  stages,
  label,
}: {
  stages: { label: string; value: number }[];
  label: string;
}) {
  const first = stages[0]?.value ?? 0;
  const share = (value: number) => (first > 0 ? ` (${Math.round((value / first) * 100)}%)` : "");
  const entries = stages.map((stage, index) => ({
    label: stage.label,
    value: `${stage.value}${index > 0 ? share(stage.value) : ""}`,
  }));
  return (
    <ChartFigure
      label={`${label}. ${stages.map((stage) => `${stage.label}: ${stage.value}`).join(", ")}`}
      height={260}
      fallback={entries}
      testId="funnel-chart"
    >
      {(viz) => (
        <viz.FunnelChartNext
          theme="Light"
          isAnimated={false}
          data={[{ name: label, data: stages.map((stage) => ({ key: stage.label, value: stage.value })) }]}
          tooltipLabels={{ reached: "Reached this step", dropped: "Dropped here" }}
        />
      )}
    </ChartFigure>
  );
}

/** The funnel per agent: one group of bars per agent (test purchases marked), a bar per stage. */
export function AgentFunnelChart({
  rows,
}: {
  rows: {
    agentName: string;
    test: boolean;
    created: number;
    readyForPayment: number;
    completed: number;
    canceled: number;
  }[];
}) {
  const name = (row: (typeof rows)[number]) => (row.test ? `${row.agentName} (test)` : row.agentName);
  const stages = [
    { label: "Created", value: (row: (typeof rows)[number]) => row.created },
    { label: "Ready for payment", value: (row: (typeof rows)[number]) => row.readyForPayment },
    { label: "Completed", value: (row: (typeof rows)[number]) => row.completed },
    { label: "Canceled", value: (row: (typeof rows)[number]) => row.canceled },
  ];
  const text = rows.map(
    (row) =>
      `${name(row)}: ${stages.map((stage) => `${stage.label.toLowerCase()} ${stage.value(row)}`).join(", ")}`,
  );
  return (
    <ChartFigure
      label={`Checkout funnel per agent. ${text.join("; ")}`}
      height={220}
      fallback={rows.map((row, index) => ({
        label: name(row),
        value: text[index].slice(name(row).length + 2),
      }))}
      testId="agent-funnel-chart"
    >
      {(viz) => (
        <viz.BarChart
          theme="Light"
          isAnimated={false}
          data={stages.map((stage) => ({
            name: stage.label,
            data: rows.map((row) => ({ key: name(row), value: stage.value(row) })),
          }))}
          yAxisOptions={{ integersOnly: true }}
        />
      )}
    </ChartFigure>
  );
}

/** Why sessions were canceled, from the agents' intent traces (reason codes). */
export function CancelReasonsChart({ reasons }: { reasons: { reason: string; count: number }[] }) {
  const label = (reason: string) => reason.replace(/_/g, " ");
  return (
    <ChartFigure
      label={`Cancel reasons from intent traces. ${reasons.map((entry) => `${label(entry.reason)}: ${entry.count}`).join(", ")}`}
      height={Math.max(120, reasons.length * 44)}
      fallback={reasons.map((entry) => ({ label: label(entry.reason), value: String(entry.count) }))}
      testId="cancel-reasons-chart"
    >
      {(viz) => (
        <viz.SimpleBarChart
          theme="Light"
          isAnimated={false}
          data={[
            {
              name: "Canceled sessions",
              data: reasons.map((entry) => ({ key: label(entry.reason), value: entry.count })),
            },
          ]}
        />
      )}
    </ChartFigure>
  );
}

/** Revenue per day, gross and net of the agent platforms' fees. */
export function RevenueChart({
  days,
  currency,
}: {
  days: { date: string; gross: number; net: number }[];
  currency: string;
}) {
  const money = (minor: number) => formatMoney(minor, currency);
  return (
    <ChartFigure
      label={`Revenue per day in ${currency.toUpperCase()}. ${days.map((day) => `${day.date}: gross ${money(day.gross)}, net ${money(day.net)}`).join("; ")}`}
      height={240}
      fallback={days.map((day) => ({
        label: day.date,
        value: `gross ${money(day.gross)}, net ${money(day.net)}`,
      }))}
      testId={`revenue-chart-${currency}`}
    >
      {(viz) => (
        <viz.BarChart
          theme="Light"
          isAnimated={false}
          data={[
            { name: "Gross", data: days.map((day) => ({ key: day.date.slice(5), value: day.gross })) },
            {
              name: "Net of platform fees",
              data: days.map((day) => ({ key: day.date.slice(5), value: day.net })),
            },
          ]}
          // Values are minor units; axis and tooltips show money.
          yAxisOptions={{ labelFormatter: (value) => money(Number(value ?? 0)) }}
          tooltipOptions={{ valueFormatter: (value) => money(Number(value ?? 0)) }}
        />
      )}
    </ChartFigure>
  );
}
