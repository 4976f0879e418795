import type { ReactNode } from "react";

/**
 * An ordered list laid out like a Polaris vertical stack. The `<li>` items must be its direct
 * children: a stack component in between breaks the list for screen readers.
 */
export function StackedList({ label, children }: { label: string; children: ReactNode }) {
  return (
    <ol
      aria-label={label}
      style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: "var(--p-space-300)" }}
    >
      {children}
    </ol>
  );
}
