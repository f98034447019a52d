/** Horizontal bars with labels: for breakdowns that are not over time (privacy actions, findings). */
export interface BarListProps {
  testId: string;
  items: ReadonlyArray<{ key: string; label: string; value: number; color?: string }>;
  format: (value: number) => string;
  empty: string;
}

export function BarList(props: BarListProps) {
  if (props.items.length === 0)
    return (
      <p class="empty" data-testid={props.testId}>
        {props.empty}
      </p>
    );
  const max = Math.max(...props.items.map((i) => i.value), 1);
  return (
    <ul class="bar-list" data-testid={props.testId}>
      {props.items.map((item) => (
        <li key={item.key} data-key={item.key} data-value={item.value}>
          <span class="bar-label">{item.label}</span>
          <span class="bar-track">
            <span class="bar-fill" style={{ width: `${(item.value / max) * 100}%`, background: item.color ?? 'var(--accent)' }} />
          </span>
          <span class="bar-value">{props.format(item.value)}</span>
        </li>
      ))}
    </ul>
  );
}
